//! Seeding, trials on rayon, precision targets and progress: the runner that turns an
//! [`Experiment`] into statistics ([`Results`]). It writes no files.
//!
//! Trials are processed in chunks of [`CHUNK_TRIALS`] consecutive trial indices, a work unit
//! that does not depend on the thread count. Within a chunk, trial `k` runs every arm, by
//! default on the same seed `trial_seed(master, k, 0)` (common random numbers), so paired
//! differences against the baseline are formed right there. Statistics are exact and
//! mergeable (the `stats` crate), so results are byte-identical for any number of threads.
//!
//! A run can also be split into shards ([`Shard`]: contiguous trial ranges, all arms of a
//! trial together) that separate processes run, each writing a partial result that
//! `job::merge` combines; [`checksum`] tells whether partial results belong together. `job`
//! runs this layer and writes the folders.

pub mod bench;
mod budget;
pub mod interrupt;
mod progress;
mod runner;
mod shard;

use crate::spec::{Experiment, Precision};
use crate::{Error, Result};
use model::{METRIC_COUNT, Trial};
use serde::Serialize;
use stats::ArmStats;
use std::ops::Range;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use crate::error::ShardError;
pub use crate::spec::Pairing;
pub use crate::spec::Shard;
pub use budget::{Budget, DEFAULT_MAX_HOURS, Limits, Machine, check_precision_reachable};
pub use progress::{Progress, ProgressSink};
pub use runner::CHUNK_TRIALS;
pub(crate) use runner::{RowSink, Simulator, empty_stats};
pub use shard::checksum;

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
    /// Where progress reports go (none by default).
    pub progress: Progress,
    pub pairing: Pairing,
    /// Run in batches until this precision target is met (or its trial cap is reached).
    pub precision: Option<Precision>,
    /// How often a run writes a checkpoint for `--resume` (about; whole chunks of trials).
    pub checkpoint_every: Duration,
    /// Go on from the checkpoint of a stopped run of the same experiment (`run --resume`).
    pub resume: bool,
    /// How long and how large the run may be ([`Budget::check`]).
    pub limits: Limits,
}

/// The default of [`RunOptions::checkpoint_every`].
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(10);

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: None,
            out: None,
            force: false,
            write_trials: false,
            progress: Progress::none(),
            pairing: Pairing::Common,
            precision: None,
            checkpoint_every: CHECKPOINT_EVERY,
            resume: false,
            limits: Limits::default(),
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

impl PrecisionOutcome {
    /// Target `p` checked on `arms` after `batches` batches.
    fn of(p: &Precision, arms: &[ArmStats], batches: u32) -> Self {
        let achieved = widest_half_width(arms, p.metric_index);
        PrecisionOutcome {
            metric: p.metric.clone(),
            half_width_target: p.half_width,
            max_trials: p.max_trials,
            half_width_achieved: achieved,
            met: achieved.is_some_and(|h| h <= p.half_width),
            batches,
        }
    }
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
    sink: Option<RowSink>,
) -> Result<Results> {
    simulate_trials(experiment, options, new_sim, sink, 0..experiment.trials)
}

/// Runs trial indices `trials` of every arm (all of them, or one shard's), handing rows to
/// `sink` if given, with progress reported over those trials; with a precision target (only
/// ever from trial 0) in batches until it is met ([`simulate_checkpointed`], without
/// checkpoints).
pub(crate) fn simulate_trials<S: Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: &(impl Fn() -> S + Sync),
    sink: Option<RowSink>,
    trials: Range<u64>,
) -> Result<Results> {
    let fresh = (0, runner::empty_stats(experiment));
    simulate_checkpointed(experiment, options, new_sim, sink, trials, fresh, None)
}

/// Where a checkpointed run hands its statistics so far (trials run, every arm's statistics).
pub(crate) type Save<'a> = &'a mut dyn FnMut(u64, &[ArmStats]) -> Result<()>;

/// Whether a run streams its arms part by part ([`simulate_parts`]): it has design points,
/// and neither a precision target (every arm must get the same trials) nor trials.csv (whose
/// rows are in (trial, arm) order over all arms) needs every arm at once.
pub fn streams(experiment: &Experiment, options: &RunOptions) -> bool {
    !experiment.designs.is_empty()
        && options.precision.is_none()
        && !(experiment.write_trials || options.write_trials)
}

/// Arms per part of a streamed run ([`simulate_parts`]): enough that the effects baseline,
/// which every part runs again for pairing, costs under 1% more trials; few enough that a
/// part's statistics (about 200 KB an arm, per worker) stay small.
pub const ARMS_PER_PART: usize = 128;

/// Runs every trial of the arms part by part (`parts`, from [`Experiment::parts`]; the first
/// `skip` are done already), handing each part (its index, its arms, the part as an
/// experiment, its statistics) to `on_part` before the next starts, so that memory holds one
/// part's statistics at a time. No precision target and no trial rows. Returns the run's
/// [`Results`] without arms.
pub(crate) fn simulate_parts<S: Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: &(impl Fn() -> S + Sync),
    parts: &[Vec<usize>],
    skip: usize,
    mut on_part: impl FnMut(usize, &[usize], &Experiment, &Results) -> Result<()>,
) -> Result<Results> {
    let threads = thread_count(options.threads)?;
    let trials = experiment.trials;
    let progress = options.progress.start(trials * parts.len() as u64);
    progress.advance(trials * skip as u64);
    let results = |arms| Results {
        arms,
        threads,
        pairing: options.pairing,
        trials,
        precision: None,
    };
    for (index, arms) in parts.iter().enumerate().skip(skip) {
        let part = experiment.part(arms);
        let stats = runner::execute(
            &part,
            options.pairing,
            threads,
            &progress,
            new_sim,
            None,
            0..trials,
        )?;
        on_part(index, arms, &part, &results(stats))?;
    }
    progress.finish();
    Ok(results(Vec::new()))
}

/// Runs every trial of every arm (held, as calibrate's candidates are) once, handing each
/// trial's rows to `sink`; progress goes to `progress` as it is (the caller starts it).
pub(crate) fn execute_with_rows<S: Simulator>(
    experiment: &Experiment,
    pairing: Pairing,
    threads: usize,
    progress: &Progress,
    new_sim: &(impl Fn() -> S + Sync),
    sink: RowSink,
) -> Result<Vec<ArmStats>> {
    runner::execute(
        experiment,
        pairing,
        threads,
        progress,
        new_sim,
        Some(sink),
        0..experiment.trials,
    )
}

/// Runs trial indices `trials` of every arm after `prior` (the statistics of the trials this
/// run ran before, and how many: a resumed run's checkpoint, else none), handing rows to `sink`
/// if given. With a precision target the trials come in batches (the file's trials, then
/// doubling the total up to the cap, stopping once the target is met in every arm), checked
/// at each batch's end; a resumed run starts in the batch that holds `trials.start`. With
/// `save`, the trials run in segments of whole chunks sized to take about
/// `options.checkpoint_every` each, and the statistics so far go to `save` after a segment
/// that ends at least that long after the last save, the run's last segment excepted (a
/// checkpoint). Segments and batches change nothing in the result: the statistics merge
/// exactly, trial k always has the same seed, and rows come in (trial, arm) order either way.
pub(crate) fn simulate_checkpointed<S: Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: &(impl Fn() -> S + Sync),
    mut sink: Option<RowSink>,
    trials: Range<u64>,
    (prior, done): (u64, Vec<ArmStats>),
    mut save: Option<Save>,
) -> Result<Results> {
    let threads = thread_count(options.threads)?;
    let start = trials.start;
    let cap = options
        .precision
        .as_ref()
        .map_or(trials.end, |p| p.max_trials.max(experiment.trials));
    // The batch ends: the range's end without a precision target; else the file's trials,
    // then doubling up to the cap, the first being the one that holds `start`.
    let mut target = trials.end;
    let mut batch = 1;
    if options.precision.is_some() {
        target = experiment.trials;
        while target < start.min(cap) {
            target = target.saturating_mul(2).min(cap);
            batch += 1;
        }
    }
    let progress = options.progress.start(prior + target - start);
    progress.advance(prior);
    // Every arm made once for all segments and batches.
    let experiment = &*experiment.all_held();
    let mut total = done;
    let mut next = start;
    let mut outcome = None;
    // Without checkpoints a batch is one segment; with them the first segment is a chunk per
    // worker and later ones as many as fit in `checkpoint_every`.
    let mut segment = match save {
        Some(_) => CHUNK_TRIALS * threads as u64,
        None => u64::MAX,
    };
    let mut last_save = Instant::now();
    loop {
        progress.set_length(prior + target - start);
        while next < target {
            let range = next..next.saturating_add(segment).min(target);
            let began = Instant::now();
            let rows: Option<RowSink> = sink.as_mut().map(|s| &mut **s as RowSink);
            let arms = runner::execute(
                experiment,
                options.pairing,
                threads,
                &progress,
                new_sim,
                rows,
                range.clone(),
            )?;
            for (acc, arm) in total.iter_mut().zip(&arms) {
                acc.merge(arm);
            }
            next = range.end;
            let Some(save) = save.as_mut() else { continue };
            let last = options.precision.is_none() && next == target;
            if !last && last_save.elapsed() >= options.checkpoint_every {
                save(prior + next - start, &total)?;
                last_save = Instant::now();
            }
            let per_trial = began.elapsed().as_secs_f64() / (range.end - range.start) as f64;
            let fit =
                (options.checkpoint_every.as_secs_f64() / per_trial.max(1e-9)).min(1e12) as u64;
            segment = fit.max(1).next_multiple_of(CHUNK_TRIALS);
        }
        let Some(p) = &options.precision else { break };
        let checked = PrecisionOutcome::of(p, &total, batch);
        let met = checked.met;
        outcome = Some(checked);
        if met || target >= cap {
            break;
        }
        target = target.saturating_mul(2).min(cap);
        batch += 1;
    }
    progress.finish();
    Ok(Results {
        arms: total,
        threads,
        pairing: options.pairing,
        trials: prior + next - start,
        precision: outcome,
    })
}

/// The largest 95% half-width of metric `metric` over the arms (`None` if any arm has none).
fn widest_half_width(arms: &[ArmStats], metric: usize) -> Option<f64> {
    arms.iter().try_fold(0.0f64, |widest, arm| {
        let s = arm.metrics()[metric].summary(&model::METRICS[metric]);
        let half = (s.ci95_high? - s.ci95_low?) / 2.0;
        Some(widest.max(half))
    })
}

/// The most worker threads a run may ask for: far above any machine's cores, far below what
/// takes the system long to refuse.
pub const MAX_THREADS: usize = 1024;

/// The number of worker threads: as asked, else all cores.
pub fn thread_count(requested: Option<usize>) -> Result<usize> {
    let threads = match requested {
        Some(n) => n,
        None => std::thread::available_parallelism()
            .map_err(|_| Error::Unusable("cannot count the CPU cores; pass --threads".into()))?
            .get(),
    };
    if !(1..=MAX_THREADS).contains(&threads) {
        return Err(Error::Unusable(format!(
            "{threads} worker threads asked for; allowed is 1 to {MAX_THREADS} (this machine has {} cores)",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        )));
    }
    Ok(threads)
}
