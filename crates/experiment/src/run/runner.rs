//! The parallel loop: chunks of trials on a local rayon pool, processed in waves so that
//! trials.csv rows come out in (trial, arm) order with bounded memory.

use super::{Pairing, Progress, TrialRow, interrupt};
use crate::spec::Experiment;
use crate::{Error, Result};
use model::{DayRecord, Outcomes, Params, Trial, TrialSeed, rng::seed_id};
use rayon::prelude::*;
use stats::ArmStats;
use std::ops::Range;

/// Trials per work unit: fixed, so that the work split never depends on the thread count.
pub const CHUNK_TRIALS: u64 = 64;
/// Chunks per wave when trial rows are kept, at most: bounds the rows held in memory at once.
const WAVE_CHUNKS: u64 = 64;
/// Trial rows per wave, about, when trial rows are kept: with many arms a wave has fewer
/// chunks (never fewer than the threads can share), so that rows waiting to be sorted and
/// written stay near 2^18 × 600 bytes whatever the number of arms.
const WAVE_ROWS: u64 = 1 << 18;

/// Chunks per wave when trial rows are kept for `arms` arms on `threads` threads. The wave
/// changes no output: rows are sorted within a wave and waves come in trial order.
pub(crate) fn wave_chunks(arms: usize, threads: usize) -> u64 {
    let rows_per_chunk = CHUNK_TRIALS * arms.max(1) as u64;
    (WAVE_ROWS / rows_per_chunk).clamp((threads as u64).min(WAVE_CHUNKS), WAVE_CHUNKS)
}

/// Runs one trial of one arm: the model's [`Trial`], or a stand-in in tests.
pub(crate) trait Simulator: Send {
    fn simulate(
        &mut self,
        params: &Params,
        horizon_days: u32,
        seed: TrialSeed,
        days: &mut [DayRecord],
    ) -> Outcomes;
}

impl Simulator for Trial {
    fn simulate(
        &mut self,
        params: &Params,
        horizon_days: u32,
        seed: TrialSeed,
        days: &mut [DayRecord],
    ) -> Outcomes {
        self.run(params, horizon_days, seed, days)
    }
}

/// Receives each wave's trial rows, sorted by (trial, arm).
pub(crate) type RowSink<'a> = &'a mut dyn FnMut(&[TrialRow]) -> Result<()>;

/// What every worker needs to know about the run.
struct Plan<'a> {
    experiment: &'a Experiment,
    pairing: Pairing,
    keep_rows: bool,
    /// The trial indices to run.
    trials: Range<u64>,
    /// For each arm, the arm it is paired with ([`Experiment::reference_arms`]).
    references: Vec<usize>,
    /// The arms other than the effects baseline that some arm is paired with (design points
    /// of the effects baseline), in arm order: run right after the effects baseline.
    point_baselines: Vec<usize>,
}

/// One worker's reusable state: its model, day buffer, statistics and pending rows.
struct Worker<S> {
    sim: S,
    days: Vec<DayRecord>,
    arms: Vec<ArmStats>,
    rows: Vec<TrialRow>,
    /// This trial's outcomes of the point baselines (indexed by arm; reused trial to trial).
    point_outcomes: Vec<Outcomes>,
}

/// Empty statistics for every arm of `experiment`.
pub(crate) fn empty_stats(experiment: &Experiment) -> Vec<ArmStats> {
    (0..experiment.arm_count())
        .map(|a| ArmStats::new(a == experiment.effects_baseline, experiment.horizon_days))
        .collect()
}

/// The trial indices of chunk `chunk` of the trial range `trials`.
fn chunk_trials(chunk: u64, trials: &Range<u64>) -> Range<u64> {
    trials.start + chunk * CHUNK_TRIALS..(trials.start + (chunk + 1) * CHUNK_TRIALS).min(trials.end)
}

impl<S: Simulator> Worker<S> {
    fn new(sim: S, experiment: &Experiment) -> Self {
        Worker {
            sim,
            days: vec![DayRecord::default(); experiment.horizon_days as usize],
            arms: empty_stats(experiment),
            rows: Vec::new(),
            point_outcomes: vec![Outcomes::default(); experiment.arm_count()],
        }
    }

    /// Runs trial `trial` of one arm and records it (against `baseline` for scenario arms).
    fn run_arm(
        &mut self,
        plan: &Plan,
        trial: u64,
        arm: usize,
        baseline: Option<&Outcomes>,
    ) -> Outcomes {
        let experiment = plan.experiment;
        let seed = plan
            .pairing
            .seed(experiment.seed, trial, experiment.seed_index(arm));
        let outcomes = self.sim.simulate(
            &experiment.held[arm].params,
            experiment.horizon_days,
            seed,
            &mut self.days,
        );
        self.arms[arm].record_trial(&outcomes, baseline.unwrap_or(&outcomes), &self.days);
        if plan.keep_rows {
            self.rows.push(TrialRow {
                trial,
                arm,
                seed: seed_id(&seed),
                values: outcomes.values(),
            });
        }
        outcomes
    }

    /// Runs every arm of trial `trial`: the effects baseline first, then its design points,
    /// then the others, each recorded against the arm it is paired with.
    fn run_trial(&mut self, plan: &Plan, trial: u64) {
        let b = plan.experiment.effects_baseline;
        let baseline = self.run_arm(plan, trial, b, None);
        let mut points = std::mem::take(&mut self.point_outcomes);
        for &arm in &plan.point_baselines {
            points[arm] = self.run_arm(plan, trial, arm, Some(&baseline));
        }
        for arm in 0..plan.experiment.arm_count() {
            let reference = plan.references[arm];
            if arm == b || plan.point_baselines.binary_search(&arm).is_ok() {
                continue;
            }
            let against = if reference == b {
                &baseline
            } else {
                &points[reference]
            };
            self.run_arm(plan, trial, arm, Some(against));
        }
        self.point_outcomes = points;
    }

    /// Adds `other`'s statistics and rows to this worker's (exact, order-independent; rows
    /// are sorted when the wave ends).
    fn absorb(mut self, mut other: Self) -> Self {
        merge_arms(&mut self.arms, &other.arms);
        self.rows.append(&mut other.rows);
        self
    }

    fn run_chunk(mut self, plan: &Plan, trials: Range<u64>) -> Self {
        trials.for_each(|trial| self.run_trial(plan, trial));
        self
    }
}

/// Runs trials `trials` (indices) on a pool of `threads` and returns the merged statistics per
/// arm; trial rows, when `rows` is given, are handed over wave by wave in (trial, arm) order.
pub(crate) fn execute<S: Simulator>(
    experiment: &Experiment,
    pairing: Pairing,
    threads: usize,
    progress: &Progress,
    new_sim: impl Fn() -> S + Sync,
    mut rows: Option<RowSink>,
    trials: Range<u64>,
) -> Result<Vec<ArmStats>> {
    // Every arm made once, not once per trial.
    let experiment = &*experiment.all_held();
    if experiment.arm_count() == 0 {
        return Err(Error::Internal(format!(
            "experiment `{}` has no arms",
            experiment.name
        )));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Resources(format!("cannot start the worker threads: {e}")))?;
    let references = experiment.reference_arms();
    let b = experiment.effects_baseline;
    let mut point_baselines: Vec<usize> = references.iter().copied().filter(|&r| r != b).collect();
    point_baselines.sort_unstable();
    point_baselines.dedup();
    let plan = Plan {
        experiment,
        pairing,
        keep_rows: rows.is_some(),
        trials,
        references,
        point_baselines,
    };
    let chunks = (plan.trials.end - plan.trials.start).div_ceil(CHUNK_TRIALS);
    let wave = if plan.keep_rows {
        wave_chunks(experiment.arm_count(), threads)
    } else {
        chunks.max(1)
    };
    let mut total = empty_stats(experiment);
    let mut first = 0;
    while first < chunks {
        let last = (first + wave).min(chunks);
        let workers: Vec<Worker<S>> =
            pool.install(|| run_wave(&plan, first..last, progress, &new_sim));
        // A stop asked for mid-wave skipped chunks: the wave is incomplete, so it counts for
        // nothing (a checkpoint holds whole ranges of trials only).
        interrupt::check()?;
        let mut wave_rows = merge_workers(&mut total, workers);
        if let Some(sink) = rows.as_mut() {
            wave_rows.sort_unstable_by_key(|r| (r.trial, r.arm));
            sink(&wave_rows)?;
        }
        first = last;
    }
    Ok(total)
}

/// Runs chunks `chunks` in parallel; each rayon split folds its chunks into one worker, and
/// workers are merged as splits finish, so that only a few workers' statistics are alive at
/// once whatever the number of trials (their histograms fill up with more trials).
fn run_wave<S: Simulator>(
    plan: &Plan,
    chunks: Range<u64>,
    progress: &Progress,
    new_sim: &(impl Fn() -> S + Sync),
) -> Vec<Worker<S>> {
    chunks
        .into_par_iter()
        .fold(
            || Worker::new(new_sim(), plan.experiment),
            |worker, chunk| {
                if interrupt::stop_requested() {
                    return worker;
                }
                let range = chunk_trials(chunk, &plan.trials);
                let done = range.end - range.start;
                let worker = worker.run_chunk(plan, range);
                progress.advance(done);
                worker
            },
        )
        .reduce_with(Worker::absorb)
        .into_iter()
        .collect()
}

/// Adds the workers' statistics to `total` and returns their rows.
fn merge_workers<S>(total: &mut [ArmStats], workers: Vec<Worker<S>>) -> Vec<TrialRow> {
    let mut rows = Vec::new();
    for mut worker in workers {
        merge_arms(total, &worker.arms);
        rows.append(&mut worker.rows);
    }
    rows
}

/// Adds each arm's statistics in `arms` to the same arm's in `total`.
fn merge_arms(total: &mut [ArmStats], arms: &[ArmStats]) {
    for (acc, arm) in total.iter_mut().zip(arms) {
        acc.merge(arm);
    }
}
