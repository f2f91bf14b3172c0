//! The CSV files: summary, timeseries, effects and trials.

use super::columns::{HEADLINE_METRICS, Num};
use super::csv::{create_csv, reopen_at, write_csv, write_csv_or_header, write_record};
use super::{EFFECTS_CSV, JobFolder, SCENARIOS_CSV, SUMMARY_CSV, TIMESERIES_CSV};
use crate::analysis::robustness::{ArmDigest, arm_effects};
use crate::run::{Pairing, Results, TrialRow};
use crate::spec::{Arm, Experiment, params_table, tree::lookup};
use crate::text::{format_number, plain, write_number};
use crate::{Error, Result};
use model::{METRICS, Params};
use serde::Serialize;
use stats::ArmStats;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// One arm and metric of summary.csv.
#[derive(Serialize)]
pub(crate) struct SummaryRow<'a> {
    scenario: &'a str,
    label: &'a str,
    metric: &'static str,
    unit: &'static str,
    n: u64,
    mean: Num,
    sd: Num,
    ci95_low: Num,
    ci95_high: Num,
    p05: Num,
    p25: Num,
    p50: Num,
    p75: Num,
    p95: Num,
    min: Num,
    max: Num,
}

/// One arm and day of timeseries.csv.
#[derive(Serialize)]
pub(crate) struct TimeseriesRow<'a> {
    scenario: &'a str,
    day: u32,
    mean_rung: Num,
    share_rung_0: Num,
    share_rung_1: Num,
    share_rung_2: Num,
    share_rung_3: Num,
    share_rung_4: Num,
    share_rung_5: Num,
    mean_cumulative_attacks: Num,
    mean_cumulative_fatalities: Num,
}

/// One scenario arm and metric of effects.csv.
#[derive(Serialize)]
pub(crate) struct EffectRow<'a> {
    scenario: &'a str,
    /// The arm's label, so that a spreadsheet reads without a join to summary.csv.
    label: &'a str,
    baseline: &'a str,
    metric: &'static str,
    unit: &'static str,
    n: u64,
    baseline_mean: Num,
    scenario_mean: Num,
    diff: Num,
    diff_ci95_low: Num,
    diff_ci95_high: Num,
    rel_change: Num,
    /// `paired` (paired t, common random numbers) or `welch` (independent seeds).
    interval: &'static str,
}

/// effects.csv's columns (the fields of [`EffectRow`]), for a file with no scenario arm.
pub(crate) const EFFECT_COLUMNS: [&str; 13] = [
    "scenario",
    "label",
    "baseline",
    "metric",
    "unit",
    "n",
    "baseline_mean",
    "scenario_mean",
    "diff",
    "diff_ci95_low",
    "diff_ci95_high",
    "rel_change",
    "interval",
];

/// summary.csv's rows of one arm.
pub(crate) fn summary_rows<'a>(
    arm: &'a Arm,
    stats: &ArmStats,
) -> impl Iterator<Item = SummaryRow<'a>> + use<'a> {
    stats
        .summaries()
        .into_iter()
        .zip(METRICS)
        .map(move |(s, spec)| SummaryRow {
            scenario: &arm.id,
            label: &arm.label,
            metric: spec.name,
            unit: spec.unit,
            n: s.n,
            mean: Num(s.mean),
            sd: Num(s.sd),
            ci95_low: Num(s.ci95_low),
            ci95_high: Num(s.ci95_high),
            p05: Num(s.p05),
            p25: Num(s.p25),
            p50: Num(s.p50),
            p75: Num(s.p75),
            p95: Num(s.p95),
            min: Num(s.min),
            max: Num(s.max),
        })
}

/// summary.csv: one row per arm and metric.
pub(crate) fn write_summary(path: &Path, experiment: &Experiment, results: &Results) -> Result<()> {
    let experiment = &*experiment.all_held();
    let rows = experiment
        .held
        .iter()
        .zip(&results.arms)
        .flat_map(|(arm, stats)| summary_rows(arm, stats));
    write_csv(path, rows)
}

/// timeseries.csv's rows of one arm.
pub(crate) fn timeseries_rows<'a>(
    arm: &'a Arm,
    stats: &'a ArmStats,
) -> impl Iterator<Item = TimeseriesRow<'a>> {
    stats.timeseries().rows().map(move |r| {
        let [s0, s1, s2, s3, s4, s5] = r.share_rung.map(|s| Num(Some(s)));
        TimeseriesRow {
            scenario: &arm.id,
            day: r.day,
            mean_rung: Num(Some(r.mean_rung)),
            share_rung_0: s0,
            share_rung_1: s1,
            share_rung_2: s2,
            share_rung_3: s3,
            share_rung_4: s4,
            share_rung_5: s5,
            mean_cumulative_attacks: Num(Some(r.mean_cumulative_attacks)),
            mean_cumulative_fatalities: Num(Some(r.mean_cumulative_fatalities)),
        }
    })
}

/// timeseries.csv: one row per arm and day (`experiment` holds every arm).
fn write_timeseries(path: &Path, experiment: &Experiment, results: &Results) -> Result<()> {
    let rows = experiment
        .held
        .iter()
        .zip(&results.arms)
        .flat_map(|(arm, stats)| timeseries_rows(arm, stats));
    write_csv(path, rows)
}

/// effects.csv's rows of arm `i` from its `effects` ([`arm_effects`]; none for the effects
/// baseline), against the arm it was paired with (`references`, from
/// [`Experiment::reference_arms`]).
pub(crate) fn effect_rows<'a>(
    experiment: &'a Experiment,
    pairing: Pairing,
    references: &[usize],
    i: usize,
    effects: &[stats::PairedSummary],
) -> Vec<EffectRow<'a>> {
    let arm = &experiment.held[i];
    let baseline = experiment.held[references[i]].id.as_str();
    let interval = match pairing {
        Pairing::Common => "paired",
        Pairing::Independent => "welch",
    };
    effects
        .iter()
        .zip(METRICS)
        .map(|(e, spec)| EffectRow {
            scenario: &arm.id,
            label: &arm.label,
            baseline,
            metric: spec.name,
            unit: spec.unit,
            n: e.n,
            baseline_mean: Num(e.baseline_mean),
            scenario_mean: Num(e.scenario_mean),
            diff: Num(e.diff),
            diff_ci95_low: Num(e.diff_ci95_low),
            diff_ci95_high: Num(e.diff_ci95_high),
            rel_change: Num(e.rel_change),
            interval,
        })
        .collect()
}

/// effects.csv: one row per arm other than the effects baseline, and metric. `diff` is
/// scenario − baseline (for 0/1 metrics, the change in probability). Under common pairing the
/// interval is the paired t interval of the per-trial differences; under independent seeds it
/// is Welch's interval from the two arms' distributions.
fn write_effects(path: &Path, experiment: &Experiment, results: &Results) -> Result<()> {
    // Each arm against the arm it was paired with (the baseline at its design point).
    let references = experiment.reference_arms();
    let rows = (0..experiment.arm_count()).flat_map(|i| {
        let effects = arm_effects(experiment, results, &references, i);
        effect_rows(experiment, results.pairing, &references, i, &effects)
    });
    // One arm: nothing to compare, but the file still says what it would hold.
    write_csv_or_header(path, rows, &EFFECT_COLUMNS)
}

/// scenarios.csv's columns: `id,label`, every parameter that differs from the effects
/// baseline in some arm (its value in this arm), then mean and 95% interval of each headline
/// metric.
pub(crate) struct ScenarioTable {
    keys: Vec<String>,
    headline: Vec<usize>,
}

impl ScenarioTable {
    /// The columns of `experiment`'s scenarios.csv (one arm's parameters at a time in
    /// memory; a design point differs where its named arm does or where its value does).
    pub fn new(experiment: &Experiment) -> Result<Self> {
        let base = params_table(&experiment.effects_baseline_arm().params);
        let keys: Vec<String> = Params::specs().into_iter().map(|s| s.key).collect();
        let mut differs = vec![false; keys.len()];
        for arm in &experiment.held {
            let table = params_table(&arm.params);
            for (k, key) in keys.iter().enumerate() {
                differs[k] |= lookup(&table, key) != lookup(&base, key);
            }
        }
        for design in &experiment.designs {
            for (i, key) in design.keys.iter().enumerate() {
                let Some(k) = keys.iter().position(|x| x == key) else {
                    continue;
                };
                differs[k] |= design
                    .points
                    .iter()
                    .any(|point| Some(&point[i]) != lookup(&base, key));
            }
        }
        let keys = keys
            .into_iter()
            .zip(differs)
            .filter_map(|(k, d)| d.then_some(k))
            .collect();
        let headline = HEADLINE_METRICS
            .iter()
            .map(|name| {
                METRICS.iter().position(|m| m.name == *name).ok_or_else(|| {
                    Error::Internal(format!("headline metric {name} is not a metric"))
                })
            })
            .collect::<Result<_>>()?;
        Ok(ScenarioTable { keys, headline })
    }

    pub fn header(&self) -> Vec<String> {
        let mut header: Vec<String> = vec!["id".into(), "label".into()];
        header.extend(self.keys.iter().cloned());
        for &m in &self.headline {
            for suffix in ["mean", "ci95_low", "ci95_high"] {
                header.push(format!("{}_{suffix}", METRICS[m].name));
            }
        }
        header
    }

    /// One arm's record.
    pub fn record(&self, arm: &Arm, stats: &ArmStats) -> Vec<String> {
        let table = params_table(&arm.params);
        let mut record = vec![arm.id.clone(), arm.label.clone()];
        record.extend(
            self.keys
                .iter()
                .map(|k| lookup(&table, k).map(plain).unwrap_or_default()),
        );
        let summaries = stats.summaries();
        for &m in &self.headline {
            let s = &summaries[m];
            for x in [s.mean, s.ci95_low, s.ci95_high] {
                record.push(
                    x.filter(|x| x.is_finite())
                        .map(format_number)
                        .unwrap_or_default(),
                );
            }
        }
        record
    }
}

/// scenarios.csv: one row per arm ([`ScenarioTable`]; `experiment` holds every arm).
fn write_scenarios(path: &Path, experiment: &Experiment, results: &Results) -> Result<()> {
    let table = ScenarioTable::new(experiment)?;
    let mut writer = create_csv(path)?;
    write_record(&mut writer, path, table.header())?;
    for (arm, stats) in experiment.held.iter().zip(&results.arms) {
        write_record(&mut writer, path, table.record(arm, stats))?;
    }
    writer.flush().map_err(Error::io("cannot write", path))
}

/// Writes summary.csv, timeseries.csv, effects.csv and scenarios.csv into `folder`, and
/// robustness.csv and discovery.csv when a design varies a policy arm.
pub(crate) fn write_tables(
    folder: &mut JobFolder,
    experiment: &Experiment,
    results: &Results,
) -> Result<()> {
    {
        let held = &*experiment.all_held();
        write_summary(&folder.add(SUMMARY_CSV), held, results)?;
        write_timeseries(&folder.add(TIMESERIES_CSV), held, results)?;
        write_effects(&folder.add(EFFECTS_CSV), held, results)?;
        write_scenarios(&folder.add(SCENARIOS_CSV), held, results)?;
    }
    if experiment.designs.is_empty() {
        return Ok(());
    }
    let digests = ArmDigest::all(experiment, results, &super::robustness::metrics());
    super::robustness::write_robustness(folder, experiment, &digests)
}

/// trials.csv, written as rows arrive: `scenario,trial,seed` then one column per metric
/// (empty where undefined). The metric columns come from the registry, so the header and
/// records are written as plain records.
pub(crate) struct TrialsWriter {
    writer: csv::Writer<BufWriter<File>>,
    arm_ids: Vec<String>,
    path: std::path::PathBuf,
    /// The row being written and one cell's text (reused: no allocation per row).
    record: ::csv::ByteRecord,
    cell: String,
}

impl TrialsWriter {
    /// Creates the file at `path` and writes the header.
    pub fn create(path: &Path, experiment: &Experiment) -> Result<Self> {
        let mut writer = create_csv(path)?;
        let header = ["scenario", "trial", "seed"]
            .into_iter()
            .chain(METRICS.iter().map(|m| m.name));
        write_record(&mut writer, path, header)?;
        Ok(TrialsWriter {
            writer,
            arm_ids: Self::arm_ids(experiment),
            path: path.to_path_buf(),
            record: ::csv::ByteRecord::new(),
            cell: String::new(),
        })
    }

    /// Opens trials.csv of a stopped run at `path`, keeps its first `bytes` (the header and
    /// the rows of the trials its checkpoint holds; rows written after it are cut) and goes on
    /// after them.
    pub fn resume(path: &Path, experiment: &Experiment, bytes: u64) -> Result<Self> {
        let file = reopen_at(path, bytes)?;
        Ok(TrialsWriter {
            writer: ::csv::Writer::from_writer(BufWriter::new(file)),
            arm_ids: Self::arm_ids(experiment),
            path: path.to_path_buf(),
            record: ::csv::ByteRecord::new(),
            cell: String::new(),
        })
    }

    fn arm_ids(experiment: &Experiment) -> Vec<String> {
        (0..experiment.arm_count())
            .map(|a| experiment.arm_id(a).into_owned())
            .collect()
    }

    /// Writes out what is buffered and returns the file's length in bytes.
    pub fn flushed_len(&mut self) -> Result<u64> {
        self.writer
            .flush()
            .map_err(Error::io("cannot write", &self.path))?;
        let file = self.writer.get_ref().get_ref();
        file.metadata()
            .map(|m| m.len())
            .map_err(Error::io("cannot inspect", &self.path))
    }

    /// Appends rows in the order given.
    pub fn write_rows(&mut self, rows: &[TrialRow]) -> Result<()> {
        for row in rows {
            self.fill_record(row);
            write_record(&mut self.writer, &self.path, &self.record)?;
        }
        Ok(())
    }

    /// Formats one row into the reusable record buffer.
    fn fill_record(&mut self, row: &TrialRow) {
        self.record.clear();
        let id = self.arm_ids.get(row.arm).map_or("", String::as_str);
        self.record.push_field(id.as_bytes());
        let mut integer = itoa::Buffer::new();
        self.record.push_field(integer.format(row.trial).as_bytes());
        self.record.push_field(integer.format(row.seed).as_bytes());
        for value in &row.values {
            self.cell.clear();
            if let Some(v) = value {
                write_number(*v, &mut self.cell);
            }
            self.record.push_field(self.cell.as_bytes());
        }
    }

    /// Flushes the file.
    pub fn finish(mut self) -> Result<()> {
        self.writer
            .flush()
            .map_err(Error::io("cannot write", &self.path))
    }
}
