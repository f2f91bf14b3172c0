//! Calibration (`deescalate calibrate`): the real-world targets of CALIBRATION.md as a typed
//! table, and the comparison of one arm's simulated year with each of them.
//!
//! A target is a quantity the model produces (a metric's mean per simulated year, a ratio of
//! two metrics' means, or an input parameter set directly from the figure), the real range,
//! the figure as the source states it, and a note on how the two compare. Where a source gives
//! a single figure, the range is that figure ±10% (differences between counts and from year to
//! year); where it gives a range, or a bound follows from it, the range is stated in `note`.
//!
//! [`compare`] runs the effects baseline arm of the file (the status quo); `job::calibrate`
//! writes the comparison into its folder.

use crate::run::{self, Pairing, Results, RunOptions, TrialRow};
use crate::spec::{Experiment, params_table, tree};
use crate::text::format_number;
use crate::{Error, Result};
use model::outcomes::metric_index;
use model::{METRICS, Trial};
use serde::Serialize;
use stats::RatioAcc;
use std::path::PathBuf;

/// calibration.csv.
pub const CALIBRATION_CSV: &str = "calibration.csv";

/// How the simulated side of a target is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Mean of a metric per simulated year (over the trials where it is defined).
    Mean(&'static str),
    /// Ratio of two metrics' means, e.g. TTP attacks / all attacks.
    Ratio(&'static str, &'static str),
    /// A parameter of the arm, set from the figure (an input, not simulated).
    Input(&'static str),
}

impl Measure {
    /// How it is computed, for the table.
    pub fn describe(&self) -> String {
        match self {
            Measure::Mean(m) => format!("mean {m}"),
            Measure::Ratio(a, b) => format!("mean {a} / mean {b}"),
            Measure::Input(key) => format!("input {key}"),
        }
    }
}

/// One real-world figure the status quo is compared with.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    pub measure: Measure,
    pub unit: &'static str,
    /// The real range.
    pub low: f64,
    pub high: f64,
    /// The figure as the source states it.
    pub figure: &'static str,
    /// CALIBRATION.md section (or seed text) and the original source it cites.
    pub source: &'static str,
    /// How the simulated quantity compares with the figure, and how the range was set.
    pub note: &'static str,
}

/// Every figure of CALIBRATION.md (and the seed texts' "every few months") that the model
/// can produce. Figures it cannot produce are listed in docs/MODEL.md §6.
pub const TARGETS: &[Target] = &[
    Target {
        name: "militant attacks a year",
        measure: Measure::Mean("attacks"),
        unit: "attacks",
        low: 957.0,
        high: 1169.0,
        figure: "1,063 in 2025 (2024: ~905)",
        source: "CAL Militant violence: PICSS (broad count)",
        note: "TTP and other groups; 2025 figure ±10%",
    },
    Target {
        name: "TTP share of attacks",
        measure: Measure::Ratio("attacks_ttp", "attacks"),
        unit: "share",
        low: 0.45,
        high: 0.55,
        figure: "about one half (482 TTP attacks, 52% of terrorism deaths in 2024)",
        source: "CAL Militant violence: GTI 2025",
        note: "share of attacks; GTI's 52% is a share of deaths; range 0.5 ± 0.05",
    },
    Target {
        name: "Pakistani civilians killed",
        measure: Measure::Mean("fatalities_pk_civilian"),
        unit: "deaths",
        low: 522.0,
        high: 638.0,
        figure: "580 in 2025",
        source: "CAL Militant violence: PICSS",
        note: "attacks and clashes, PICSS's broad count (PIPS attacks only: 354); ±10%",
    },
    Target {
        name: "Pakistani security forces killed",
        measure: Measure::Mean("fatalities_pk_security"),
        unit: "deaths",
        low: 598.0,
        high: 730.0,
        figure: "664 in 2025",
        source: "CAL Militant violence: PICSS",
        note: "attacks, operations and clashes (PIPS attacks only: 437); ±10%",
    },
    Target {
        name: "militants killed",
        measure: Measure::Mean("fatalities_militant"),
        unit: "deaths",
        low: 1904.0,
        high: 2327.0,
        figure: "2,115 in 2025",
        source: "CAL Militant violence: PICSS",
        note: "in attacks, operations and strikes (PIPS attacks only: 243); ±10%",
    },
    Target {
        name: "share of deaths in Khyber Pakhtunkhwa",
        measure: Measure::Mean("attack_deaths_share_kp"),
        unit: "share",
        low: 0.68,
        high: 0.71,
        figure: "~68-71% of fatalities",
        source: "CAL Militant violence: CRSS",
        note: "model: Pakistani civilian and security deaths in attacks; CRSS: all fatalities",
    },
    Target {
        name: "attacks in Islamabad a year",
        measure: Measure::Mean("attacks_capital"),
        unit: "attacks",
        low: 1.0,
        high: 2.0,
        figure: "2 major ones in 2025-26 (Nov 2025, Feb 2026)",
        source: "CAL Militant violence: Dawn, Geo",
        note: "2 in 14 months is 1.7 a year; range 1-2",
    },
    Target {
        name: "cross-border strikes a year",
        measure: Measure::Mean("cross_border_strikes"),
        unit: "strikes",
        low: 2.0,
        high: 3.0,
        figure: "2 series in 2024; Oct 2025, Nov 2025, Feb 2026",
        source: "CAL Strikes and responses: AP, AFP",
        note: "model counts strike decisions; a real series may span one or two days",
    },
    Target {
        name: "trigger-to-strike delay",
        measure: Measure::Mean("strike_delay_days"),
        unit: "days",
        low: 0.0,
        high: 3.0,
        figure: "hours to 3 days",
        source: "CAL Strikes and responses: AP, AFP",
        note: "mean over trials with strikes",
    },
    Target {
        name: "strike-to-response delay",
        measure: Measure::Mean("response_delay_days"),
        unit: "days",
        low: 0.0,
        high: 4.0,
        figure: "0-4 days",
        source: "CAL Strikes and responses: AP, AFP, Al Jazeera",
        note: "mean over trials with responses",
    },
    Target {
        name: "Afghan civilians killed by Pakistani action",
        measure: Measure::Mean("fatalities_af_civilian"),
        unit: "deaths",
        low: 70.0,
        high: 280.0,
        figure: "70 in Oct-Dec 2025 (UNAMA); strikes reported at 8, 10, 46",
        source: "CAL Strikes and responses: UNAMA, AFP",
        note: "strikes and cross-border fire; a year holds that quarter and at most four like it",
    },
    Target {
        name: "trade lost per day of closure",
        measure: Measure::Ratio("trade_lost_usd", "border_closed_days"),
        unit: "USD/day",
        low: 2.0e6,
        high: 3.0e6,
        figure: "about $2-3 million",
        source: "CAL Costs of hostility: trade bodies",
        note: "all closed crossings per day Torkham is closed",
    },
    Target {
        name: "Afghans in Pakistan at the start",
        measure: Measure::Input("refugees.initial_stock"),
        unit: "people",
        low: 3.5e6,
        high: 4.0e6,
        figure: "3.5-4 million (UNHCR 2023: 3.7M)",
        source: "CAL Costs of hostility: UNHCR, Government of Pakistan",
        note: "an input; returns since 2023 suggest the low end by late 2025",
    },
    Target {
        name: "returns and deportations a year",
        measure: Measure::Mean("refugees_deported"),
        unit: "people",
        low: 705_000.0,
        high: 861_000.0,
        figure: "~532,000 by early Sep 2025 (145,200 in Aug)",
        source: "CAL Costs of hostility: IOM, UNHCR",
        note: "the 2025 pace (532,000 in 248 days) is 783,000 a year; ±10%",
    },
    Target {
        name: "people displaced per open war",
        measure: Measure::Ratio("displaced", "open_war"),
        unit: "people",
        low: 84_600.0,
        high: 103_400.0,
        figure: "~94,000 (Feb-Apr 2026)",
        source: "CAL Costs of hostility: OCHA",
        note: "displaced per simulated year with open war; ±10%",
    },
    Target {
        name: "days between crisis episodes",
        measure: Measure::Mean("mean_days_between_crises"),
        unit: "days",
        low: 60.0,
        high: 180.0,
        figure: "\"Every few months\"",
        source: "seed 001 (not a CAL figure)",
        note: "rung >= ladder.crisis_rung; few months read as 2-6",
    },
];

/// One row of calibration.csv.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationRow {
    pub target: String,
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

/// Runs the baseline arm and compares it with every target; writes nothing.
pub fn compare(experiment: &Experiment, options: &RunOptions) -> Result<(Calibration, Results)> {
    let single = baseline_only(experiment);
    let index = |name: &str| {
        metric_index(name).ok_or_else(|| Error::Internal(format!("{name} is not a metric")))
    };
    let mut ratios: Vec<Option<(usize, usize, RatioAcc)>> = TARGETS
        .iter()
        .map(|t| match t.measure {
            Measure::Ratio(a, b) => {
                let (a, b) = (index(a)?, index(b)?);
                Ok(Some((
                    a,
                    b,
                    RatioAcc::new(METRICS[a].resolution, METRICS[b].resolution),
                )))
            }
            _ => Ok(None),
        })
        .collect::<Result<_>>()?;
    let mut sink = |rows: &[TrialRow]| -> Result<()> {
        for row in rows {
            for (a, b, acc) in ratios.iter_mut().flatten() {
                if let (Some(x), Some(y)) = (row.values[*a], row.values[*b]) {
                    acc.push(x, y);
                }
            }
        }
        Ok(())
    };
    let options = RunOptions {
        precision: None,
        pairing: Pairing::Common,
        ..options.clone()
    };
    let results = run::simulate_rows_with(&single, &options, &Trial::new, Some(&mut sink))?;
    let params = params_table(&single.arm(0).params);
    let rows = TARGETS
        .iter()
        .zip(&ratios)
        .map(|(t, ratio)| {
            let (mean, ci, n) = match (t.measure, ratio) {
                (Measure::Mean(m), _) => {
                    let i = index(m)?;
                    let s = results.arms[0].metrics()[i].summary(&METRICS[i]);
                    (s.mean, s.ci95_low.zip(s.ci95_high), s.n)
                }
                (Measure::Ratio(..), Some((_, _, acc))) => (
                    acc.ratio(),
                    acc.interval().map(|c| (c.low, c.high)),
                    acc.n(),
                ),
                (Measure::Input(key), _) => {
                    let v = tree::lookup(&params, key)
                        .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
                        .ok_or_else(|| {
                            Error::Internal(format!("{key} is not a numeric parameter"))
                        })?;
                    (Some(v), Some((v, v)), 0)
                }
                (Measure::Ratio(..), None) => {
                    unreachable!("ratio accumulators match ratio targets")
                }
            };
            Ok(CalibrationRow {
                target: t.name.to_string(),
                quantity: t.measure.describe(),
                unit: t.unit.to_string(),
                real_low: t.low,
                real_high: t.high,
                real_figure: t.figure.to_string(),
                source: t.source.to_string(),
                simulated_mean: mean,
                ci95_low: ci.map(|c| c.0),
                ci95_high: ci.map(|c| c.1),
                n,
                in_range: mean.is_some_and(|m| (t.low..=t.high).contains(&m)),
                ci_overlaps: ci.is_some_and(|(lo, hi)| lo <= t.high && hi >= t.low),
                note: t.note.to_string(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
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
    s.push_str("| target | real range | source | simulated mean (95% CI) | in range | note |\n");
    s.push_str("|---|---|---|---|---|---|\n");
    for r in &c.rows {
        s.push_str(&format!(
            "| {} | {} ({}) | {} | {} | {} | {} |\n",
            r.target,
            r.range_text(),
            r.real_figure,
            r.source,
            r.simulated_text(),
            r.verdict(),
            r.note
        ));
    }
    let hits = c.rows.iter().filter(|r| r.in_range).count();
    s.push_str(&format!("\n{hits} of {} targets in range.\n", c.rows.len()));
    s
}
