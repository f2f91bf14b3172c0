//! Seeding, trials on rayon, and the runner that turns an [`Experiment`] into output files.
//!
//! Trials are processed in chunks of [`CHUNK_TRIALS`] consecutive trial indices, a work unit
//! that does not depend on the thread count. Within a chunk, trial `k` runs every arm, by
//! default on the same seed `trial_seed(master, k, 0)` (common random numbers), so paired
//! differences against the baseline are formed right there. Statistics are exact and
//! mergeable ([`crate::stats`]), so results are byte-identical for any number of threads.
//!
//! A run can also be split into shards ([`Shard`]: contiguous trial ranges, all arms of a
//! trial together) that separate processes run with [`run_shard`], each writing a partial
//! result; [`merge`] checks that the parts belong to one experiment and cover it exactly once,
//! and writes the same folder as a single run, through the same ending ([`finish`]).

pub mod bench;
pub mod calibration;
mod merge;
pub mod quantity;
mod runner;
pub mod sensitivity;
mod shard;
#[cfg(test)]
mod tests;

use crate::model::{METRIC_COUNT, Trial, TrialSeed, rng::trial_seed};
use crate::output;
use crate::scenario::{Experiment, Precision};
use crate::stats::ArmStats;
use anyhow::{Context, Result, ensure};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::io::IsTerminal;
use std::ops::Range;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

pub use crate::output::PartialConfig;
pub use merge::{MergeOptions, MergeReport, merge};
pub use runner::CHUNK_TRIALS;
pub(crate) use runner::Simulator;
pub use shard::{Shard, ShardError, checksum, default_shard_dir, run_shard};

/// How arms are seeded relative to each other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pairing {
    /// Every arm of trial k runs on the same seed (common random numbers): paired differences
    /// then measure the measure's effect, not noise between seeds.
    #[default]
    Common,
    /// Each arm of trial k has its own seed (for checking what pairing buys).
    Independent,
}

impl Pairing {
    /// The seed of arm `arm` (index in the experiment) in trial `trial`.
    pub fn seed(self, master: u64, trial: u64, arm: usize) -> TrialSeed {
        match self {
            Pairing::Common => trial_seed(master, trial, 0),
            Pairing::Independent => trial_seed(master, trial, arm as u64 + 1),
        }
    }
}

/// How to run an experiment (set by the command line).
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// Output folder (default `<output_dir>/<name>/`).
    pub out: Option<PathBuf>,
    /// Replace an existing output folder.
    pub force: bool,
    /// Write trials.csv even if the experiment does not ask for it.
    pub write_trials: bool,
    /// Show a progress bar (only ever on a terminal).
    pub progress: bool,
    pub pairing: Pairing,
    /// Run in batches until this precision target is met (or its trial cap is reached).
    pub precision: Option<Precision>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: None,
            out: None,
            force: false,
            write_trials: false,
            progress: true,
            pairing: Pairing::Common,
            precision: None,
        }
    }
}

impl RunOptions {
    /// Options that follow the experiment file's `pairing` and `[precision]`.
    pub fn for_experiment(experiment: &Experiment) -> Self {
        RunOptions {
            pairing: experiment.pairing,
            precision: experiment.precision.clone(),
            ..RunOptions::default()
        }
    }
}

/// How a precision target went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrecisionOutcome {
    pub metric: String,
    /// The target 95% half-width.
    pub half_width_target: f64,
    pub max_trials: u64,
    /// The largest 95% half-width of the metric over the arms after the last batch (`None`
    /// if some arm has no interval).
    pub half_width_achieved: Option<f64>,
    /// Whether every arm's half-width is at most the target.
    pub met: bool,
    /// Batches run (the first has `trials` trials per arm, each later one doubles the total).
    pub batches: u32,
}

/// One trial of one arm, as a trials.csv row.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialRow {
    pub trial: u64,
    /// Index of the arm in the experiment.
    pub arm: usize,
    /// `seed_id` of the trial seed.
    pub seed: u64,
    /// Metric values in `METRICS` order.
    pub values: [Option<f64>; METRIC_COUNT],
}

/// The statistics of a run, in memory.
#[derive(Debug, Clone)]
pub struct Results {
    /// One entry per arm, in experiment order (the baseline first).
    pub arms: Vec<ArmStats>,
    /// Worker threads used.
    pub threads: usize,
    pub pairing: Pairing,
    /// Trials per arm actually run (every arm gets the same count).
    pub trials: u64,
    /// The precision target and whether it was met, if one was given.
    pub precision: Option<PrecisionOutcome>,
}

/// What a run wrote.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The output folder.
    pub out_dir: PathBuf,
    /// File names written into it.
    pub files: Vec<String>,
    /// Wall time of the run (trials and writing).
    pub wall_time: Duration,
    pub threads: usize,
    /// Trials per arm actually run.
    pub trials: u64,
    pub precision: Option<PrecisionOutcome>,
}

/// Runs every trial of every arm and returns the statistics; writes no files.
pub fn simulate(experiment: &Experiment, options: &RunOptions) -> Result<Results> {
    simulate_with(experiment, options, Trial::new)
}

/// [`simulate`] with a given simulator (the model, or a stand-in in tests).
pub(crate) fn simulate_with<S: Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: impl Fn() -> S + Sync,
) -> Result<Results> {
    simulate_rows_with(experiment, options, &new_sim, None)
}

/// [`simulate_with`] that also hands every trial's row to `sink`, if given, wave by wave in
/// (trial, arm) order (for statistics over several arms of the same trial, e.g. Morris steps).
pub(crate) fn simulate_rows_with<S: Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: &(impl Fn() -> S + Sync),
    sink: Option<runner::RowSink>,
) -> Result<Results> {
    let threads = thread_count(options.threads)?;
    let progress = progress_bar(experiment.trials, options.progress);
    let all = 0..experiment.trials;
    let results = batches(experiment, options, threads, &progress, new_sim, sink, all)?;
    progress.finish_and_clear();
    Ok(results)
}

/// The largest 95% half-width of metric `metric` over the arms (`None` if any arm has none).
fn widest_half_width(arms: &[ArmStats], metric: usize) -> Option<f64> {
    arms.iter().try_fold(0.0f64, |widest, arm| {
        let s = arm.metrics()[metric].summary(&crate::model::METRICS[metric]);
        let half = (s.ci95_high? - s.ci95_low?) / 2.0;
        Some(widest.max(half))
    })
}

/// Runs trial indices `trials` of every arm, or with a precision target (only ever from trial 0)
/// in batches (`trials`, then doubling the total, capped at `max_trials`) until the target is
/// met in every arm. Trial k always has the same seed, so results depend only on which trials
/// ran.
fn batches<S: Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    threads: usize,
    progress: &ProgressBar,
    new_sim: &(impl Fn() -> S + Sync),
    mut rows: Option<runner::RowSink>,
    trials: Range<u64>,
) -> Result<Results> {
    let mut total = runner::empty_stats(experiment);
    let mut done = trials.start;
    let mut target = trials.end;
    let mut outcome = None;
    let mut count = 0;
    loop {
        progress.set_length(target - trials.start);
        let keep = rows.is_some();
        let mut forward = |r: &[TrialRow]| rows.as_mut().map_or(Ok(()), |sink| sink(r));
        let sink: Option<runner::RowSink> = if keep { Some(&mut forward) } else { None };
        let arms = runner::execute(
            experiment,
            options.pairing,
            threads,
            progress,
            new_sim,
            sink,
            done..target,
        )?;
        for (acc, arm) in total.iter_mut().zip(&arms) {
            acc.merge(arm);
        }
        done = target;
        count += 1;
        let Some(p) = &options.precision else { break };
        let achieved = widest_half_width(&total, p.metric_index);
        let met = achieved.is_some_and(|h| h <= p.half_width);
        outcome = Some(PrecisionOutcome {
            metric: p.metric.clone(),
            half_width_target: p.half_width,
            max_trials: p.max_trials,
            half_width_achieved: achieved,
            met,
            batches: count,
        });
        let cap = p.max_trials.max(experiment.trials);
        if met || done >= cap {
            break;
        }
        target = done.saturating_mul(2).min(cap);
    }
    Ok(Results {
        arms: total,
        threads,
        pairing: options.pairing,
        trials: done - trials.start,
        precision: outcome,
    })
}

/// Runs the experiment and writes its output folder atomically: refuses (before running
/// anything) to overwrite an existing folder unless `force`, writes into a temporary sibling,
/// and moves it into place only when every file is complete.
pub fn run(experiment: &Experiment, options: &RunOptions) -> Result<RunReport> {
    run_with(experiment, options, Trial::new)
}

/// [`run`] with a given simulator (the model, or a stand-in in tests).
pub(crate) fn run_with<S: Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: impl Fn() -> S + Sync,
) -> Result<RunReport> {
    let started = Started::now();
    let target = output::target_dir(experiment, options.out.as_deref());
    output::check_target_free(&target, options.force)?;
    let threads = thread_count(options.threads)?;
    let staging = output::Staging::create(&target)?;
    let all = 0..experiment.trials;
    let (results, files) = simulate_into(&staging, experiment, options, threads, &new_sim, all)?;
    let force = options.force;
    let finished = finish(
        staging,
        experiment,
        &results,
        files,
        &started,
        force,
        |_| {},
    )?;
    Ok(RunReport {
        out_dir: target,
        files: finished.files,
        wall_time: finished.wall_time,
        threads,
        trials: results.trials,
        precision: results.precision,
    })
}

/// Runs trial indices `trials` of every arm into `staging`: trials.csv as rows arrive, if
/// asked for; returns the statistics and the files written.
fn simulate_into<S: Simulator>(
    staging: &output::Staging,
    experiment: &Experiment,
    options: &RunOptions,
    threads: usize,
    new_sim: &(impl Fn() -> S + Sync),
    trials: Range<u64>,
) -> Result<(Results, Vec<String>)> {
    let keep = experiment.write_trials || options.write_trials;
    let mut writer = match keep {
        true => Some(output::TrialsWriter::create(
            &staging.path().join(output::TRIALS_CSV),
            experiment,
        )?),
        false => None,
    };
    let progress = progress_bar(trials.end - trials.start, options.progress);
    let mut sink = |rows: &[TrialRow]| writer.as_mut().map_or(Ok(()), |w| w.write_rows(rows));
    let sink: Option<runner::RowSink> = if keep { Some(&mut sink) } else { None };
    let results = batches(
        experiment, options, threads, &progress, new_sim, sink, trials,
    )?;
    progress.finish_and_clear();
    let mut files = Vec::new();
    if let Some(writer) = writer {
        writer.finish()?;
        files.push(output::TRIALS_CSV.to_string());
    }
    Ok((results, files))
}

/// When a command started: the date for the record, the clock for its wall time.
struct Started {
    at: SystemTime,
    clock: Instant,
}

impl Started {
    fn now() -> Self {
        Started {
            at: SystemTime::now(),
            clock: Instant::now(),
        }
    }
}

/// What [`finish`] wrote.
struct Finished {
    /// Every file in the output folder, the manifest last.
    files: Vec<String>,
    wall_time: Duration,
}

/// The one ending of `run` and `merge`: writes the tables of `results` and the manifest into
/// `staging` (where `files` already are), lets `annotate` add to the manifest, and moves the
/// folder into place (replacing an existing one only if `force`).
fn finish(
    staging: output::Staging,
    experiment: &Experiment,
    results: &Results,
    mut files: Vec<String>,
    started: &Started,
    force: bool,
    annotate: impl FnOnce(&mut output::Manifest),
) -> Result<Finished> {
    files.extend(output::write_tables(staging.path(), experiment, results)?);
    let wall_time = started.clock.elapsed();
    let mut manifest = output::Manifest::new(experiment, results, started.at, wall_time, files)?;
    annotate(&mut manifest);
    output::write_manifest(&staging.path().join(output::MANIFEST_JSON), &manifest)?;
    staging.commit(force)?;
    Ok(Finished {
        files: manifest.files,
        wall_time,
    })
}

/// The number of worker threads: as asked, else all cores.
fn thread_count(requested: Option<usize>) -> Result<usize> {
    let threads = match requested {
        Some(n) => n,
        None => std::thread::available_parallelism()
            .context("cannot count the CPU cores; pass --threads")?
            .get(),
    };
    ensure!(threads > 0, "the number of threads must be at least 1");
    Ok(threads)
}

/// A progress bar over trials on stderr, hidden unless wanted and stderr is a terminal.
fn progress_bar(trials: u64, wanted: bool) -> ProgressBar {
    if !wanted || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(trials);
    if let Ok(style) =
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} trials, ETA {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
