//! Calibration (`deescalate calibrate`): the comparison of one arm's simulated year with each
//! real-world target of [`super::targets`].
//!
//! [`compare`] runs the effects baseline arm of the file (the status quo); `job::calibrate`
//! writes the comparison into its folder.

use crate::run::{self, Pairing, Results, RunOptions, TrialRow};
use crate::spec::{Experiment, params_table, tree};
use crate::text::format_number;
use crate::{Error, Result};
use model::outcomes::metric_index;
use model::{METRICS, Params, Trial};
use serde::Serialize;
use stats::{ArmStats, RatioAcc};
use std::path::PathBuf;

pub use super::targets::{Measure, Role, TARGETS, Target};

/// calibration.csv.
pub const CALIBRATION_CSV: &str = "calibration.csv";

/// One row of calibration.csv.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationRow {
    pub target: String,
    /// `fit` (constrains the ensemble) or `check` (held out).
    pub role: Role,
    /// How the simulated value is computed.
    pub quantity: String,
    pub unit: String,
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub real_low: f64,
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub real_high: f64,
    pub real_figure: String,
    pub source: String,
    /// Simulated mean (for an input: its value).
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub simulated_mean: Option<f64>,
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub ci95_low: Option<f64>,
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub ci95_high: Option<f64>,
    /// Trials the mean is over (0 for an input).
    pub n: u64,
    /// Whether the simulated mean lies in [real_low, real_high].
    pub in_range: bool,
    /// Whether the 95% interval overlaps the real range.
    pub ci_overlaps: bool,
    pub note: String,
}

/// A finished calibration.
#[derive(Debug, Clone)]
pub struct Calibration {
    pub rows: Vec<CalibrationRow>,
    /// The calibrated arm's id and the number of arms in the file.
    pub arm: String,
    pub arms_in_file: usize,
    pub trials: u64,
    pub seed: u64,
    pub source: PathBuf,
}

/// The file with only its effects baseline arm (the arm calibrated).
pub(crate) fn baseline_only(experiment: &Experiment) -> Experiment {
    Experiment {
        pairing: Pairing::Common,
        precision: None,
        ..experiment.with_arms(vec![experiment.effects_baseline_arm().into_owned()])
    }
}

/// A target's simulated side for one arm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Simulated {
    /// Simulated mean (for an input: its value); `None` where no trial defines it.
    pub mean: Option<f64>,
    /// Its 95% interval (for an input: the value itself).
    pub ci95: Option<(f64, f64)>,
    /// Trials it is over (0 for an input).
    pub n: u64,
}

impl Simulated {
    /// The standard error of the mean, from its 95% interval (0 for an input).
    pub fn standard_error(&self) -> Option<f64> {
        self.ci95.map(|(lo, hi)| (hi - lo) / (2.0 * stats::Z_975))
    }
}

/// What a target needs beyond an arm's statistics, accumulated from its trial rows.
#[derive(Debug, Clone)]
enum RowAcc {
    None,
    Ratio(usize, usize, RatioAcc),
    Sum(Vec<usize>, stats::MetricAcc),
}

/// One arm's accumulators for every target of a list (ratios and sums of metrics, which
/// need each trial's values together).
#[derive(Debug, Clone)]
pub struct TargetAccs(Vec<RowAcc>);

fn metric(name: &str) -> Result<usize> {
    metric_index(name).ok_or_else(|| Error::Internal(format!("{name} is not a metric")))
}

impl TargetAccs {
    pub fn new(targets: &[Target]) -> Result<Self> {
        let accs = targets
            .iter()
            .map(|t| match t.measure {
                Measure::Ratio(a, b) => {
                    let (a, b) = (metric(a)?, metric(b)?);
                    let acc = RatioAcc::new(METRICS[a].resolution, METRICS[b].resolution);
                    Ok(RowAcc::Ratio(a, b, acc))
                }
                Measure::Sum(parts) => {
                    let parts: Vec<usize> =
                        parts.iter().map(|m| metric(m)).collect::<Result<_>>()?;
                    let resolution = parts
                        .iter()
                        .map(|&m| METRICS[m].resolution)
                        .fold(f64::INFINITY, f64::min);
                    Ok(RowAcc::Sum(parts, stats::MetricAcc::new(resolution)))
                }
                _ => Ok(RowAcc::None),
            })
            .collect::<Result<_>>()?;
        Ok(TargetAccs(accs))
    }

    /// Adds one trial's metric values (in `METRICS` order).
    pub fn push(&mut self, values: &[Option<f64>]) {
        for acc in &mut self.0 {
            match acc {
                RowAcc::None => {}
                RowAcc::Ratio(a, b, acc) => {
                    if let (Some(x), Some(y)) = (values[*a], values[*b]) {
                        acc.push(x, y);
                    }
                }
                RowAcc::Sum(parts, acc) => {
                    let sum: Option<f64> = parts.iter().map(|&m| values[m]).sum();
                    if let Some(x) = sum {
                        acc.push(x);
                    }
                }
            }
        }
    }

    /// Each target's simulated side for the arm with statistics `arm` and parameters
    /// `params` (whose rows were pushed here).
    pub fn simulated(
        &self,
        targets: &[Target],
        arm: &ArmStats,
        params: &Params,
    ) -> Result<Vec<Simulated>> {
        let table = params_table(params);
        targets
            .iter()
            .zip(&self.0)
            .map(|(t, acc)| {
                Ok(match (t.measure, acc) {
                    (Measure::Mean(m), _) => {
                        let i = metric(m)?;
                        let s = arm.metrics()[i].summary(&METRICS[i]);
                        Simulated {
                            mean: s.mean,
                            ci95: s.ci95_low.zip(s.ci95_high),
                            n: s.n,
                        }
                    }
                    (Measure::Ratio(..), RowAcc::Ratio(_, _, acc)) => Simulated {
                        mean: acc.ratio(),
                        ci95: acc.interval().map(|c| (c.low, c.high)),
                        n: acc.n(),
                    },
                    (Measure::Sum(_), RowAcc::Sum(_, acc)) => {
                        let mean = acc.mean();
                        let ci = mean
                            .zip(acc.variance())
                            .and_then(|(m, v)| stats::t_interval(m, v.sqrt(), acc.n()));
                        Simulated {
                            mean,
                            ci95: ci.map(|c| (c.low, c.high)),
                            n: acc.n(),
                        }
                    }
                    (Measure::Input(key), _) => {
                        let v = tree::lookup(&table, key)
                            .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
                            .ok_or_else(|| {
                                Error::Internal(format!("{key} is not a numeric parameter"))
                            })?;
                        Simulated {
                            mean: Some(v),
                            ci95: Some((v, v)),
                            n: 0,
                        }
                    }
                    _ => {
                        return Err(Error::Internal(format!(
                            "target {} has no accumulator for its measure",
                            t.name
                        )));
                    }
                })
            })
            .collect()
    }
}

/// Runs the baseline arm and compares it with every target; writes nothing.
pub fn compare(experiment: &Experiment, options: &RunOptions) -> Result<(Calibration, Results)> {
    let single = baseline_only(experiment);
    let mut accs = TargetAccs::new(TARGETS)?;
    let mut sink = |rows: &[TrialRow]| -> Result<()> {
        for row in rows {
            accs.push(&row.values);
        }
        Ok(())
    };
    let options = RunOptions {
        precision: None,
        pairing: Pairing::Common,
        ..options.clone()
    };
    let results = run::simulate_rows_with(&single, &options, &Trial::new, Some(&mut sink))?;
    let simulated = accs.simulated(TARGETS, &results.arms[0], &single.arm(0).params)?;
    let rows = TARGETS
        .iter()
        .zip(&simulated)
        .map(|(t, s)| CalibrationRow::new(t, s))
        .collect();
    let calibration = Calibration {
        rows,
        arm: single.arm_id(0).into_owned(),
        arms_in_file: experiment.arm_count(),
        trials: results.trials,
        seed: experiment.seed,
        source: experiment.source.clone(),
    };
    Ok((calibration, results))
}

impl Calibration {
    /// "N of M fit targets in range; K of L held-out checks".
    pub fn hits_text(&self) -> String {
        let count = |role: Role| {
            let rows = self.rows.iter().filter(|r| r.role == role);
            let hits = rows.clone().filter(|r| r.in_range).count();
            (hits, rows.count())
        };
        let (fit, fits) = count(Role::Fit);
        let (check, checks) = count(Role::Check);
        format!(
            "{fit} of {fits} fit targets in range; {check} of {checks} held-out checks in range"
        )
    }
}

impl CalibrationRow {
    /// The row of target `t` with simulated side `s`.
    pub fn new(t: &Target, s: &Simulated) -> Self {
        CalibrationRow {
            target: t.name.to_string(),
            role: t.role,
            quantity: t.measure.describe(),
            unit: t.unit.to_string(),
            real_low: t.low,
            real_high: t.high,
            real_figure: t.figure.to_string(),
            source: t.source.to_string(),
            simulated_mean: s.mean,
            ci95_low: s.ci95.map(|c| c.0),
            ci95_high: s.ci95.map(|c| c.1),
            n: s.n,
            in_range: s.mean.is_some_and(|m| (t.low..=t.high).contains(&m)),
            ci_overlaps: s.ci95.is_some_and(|(lo, hi)| lo <= t.high && hi >= t.low),
            note: t.note.to_string(),
        }
    }
}

/// A number for the printed table: three significant digits below 1,000, whole numbers with
/// thousands separators up to a million, millions with two decimals above.
pub fn short(x: f64) -> String {
    if !x.is_finite() {
        return "-".into();
    }
    let a = x.abs();
    if a >= 1e6 {
        return format!("{:.2}M", x / 1e6);
    }
    if a >= 1000.0 {
        let digits = format!("{:.0}", a);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        return if x < 0.0 { format!("-{out}") } else { out };
    }
    format_number(format!("{x:.2e}").parse().unwrap_or(x))
}

impl CalibrationRow {
    /// The real range as printed.
    pub fn range_text(&self) -> String {
        format!("{}–{}", short(self.real_low), short(self.real_high))
    }

    /// The simulated mean and interval as printed.
    pub fn simulated_text(&self) -> String {
        match (self.simulated_mean, self.ci95_low, self.ci95_high) {
            (Some(m), _, _) if self.n == 0 => format!("{} (input)", short(m)),
            (Some(m), Some(lo), Some(hi)) => format!("{} ({}–{})", short(m), short(lo), short(hi)),
            (Some(m), _, _) => short(m),
            _ => "undefined".into(),
        }
    }

    /// `yes`, or `no` with whether the interval still overlaps the range.
    pub fn verdict(&self) -> &'static str {
        match (self.in_range, self.ci_overlaps) {
            (true, _) => "yes",
            (false, true) => "no (CI overlaps)",
            (false, false) => "no",
        }
    }
}

/// The calibration as a Markdown table for docs/MODEL.md, headed by the command that made it.
pub fn markdown(c: &Calibration) -> String {
    let mut s = format!(
        "Measured with `deescalate calibrate {} --markdown` (arm `{}`, {} trials of one simulated year, seed {}):\n\n",
        c.source.display(),
        c.arm,
        c.trials,
        c.seed
    );
    s.push_str(
        "| target | role | real range | source | simulated mean (95% CI) | in range | note |\n",
    );
    s.push_str("|---|---|---|---|---|---|---|\n");
    for r in &c.rows {
        s.push_str(&format!(
            "| {} | {} | {} ({}) | {} | {} | {} | {} |\n",
            r.target,
            r.role.word(),
            r.range_text(),
            r.real_figure,
            r.source,
            r.simulated_text(),
            r.verdict(),
            r.note
        ));
    }
    s.push_str(&format!("\n{}.\n", c.hits_text()));
    s
}
