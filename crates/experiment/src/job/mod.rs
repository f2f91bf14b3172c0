//! Jobs: a run, a shard, a merge, a calibration or a screening carried out and written to its
//! folder. Each job runs through the runner ([`crate::run`]) or an analysis and writes its
//! folder through the one writer ([`output::JobFolder`]): the target is refused before any work
//! unless `--force`, files go into a hidden staging sibling, the manifest comes last, and the
//! folder moves into place only when complete.

mod analysis;
mod merge;
mod shard;

pub use analysis::{CalibrationReport, ScreeningReport, calibrate, screen};
pub use merge::{MergeOptions, MergeReport, merge};
pub use shard::run_shard;

use crate::output::{self, Job, JobFolder, Started};
use crate::run::{self, PrecisionOutcome, Results, RowSink, RunOptions, Simulator, TrialRow};
use crate::spec::Experiment;
use crate::{Error, Result};
use model::Trial;
use std::cell::OnceCell;
use std::ops::Range;
use std::path::PathBuf;
use std::time::Duration;

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

/// Runs the experiment and writes its output folder (`--out` or `<output_dir>/<name>/`).
pub fn run(experiment: &Experiment, options: &RunOptions) -> Result<RunReport> {
    run_with(experiment, options, Trial::new)
}

/// [`run()`] with a given simulator (the model, or a stand-in in tests).
pub(crate) fn run_with<S: Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: impl Fn() -> S + Sync,
) -> Result<RunReport> {
    let started = Started::now();
    let target = output::target_dir(experiment, options.out.as_deref(), Job::Run);
    let threads = run::thread_count(options.threads)?;
    check_budget(experiment, options, 0..experiment.trials, &target)?;
    let inputs = [experiment.source.clone()];
    let (finished, results) = if run::streams(experiment, options) {
        run_streamed(experiment, options, &new_sim, target, &inputs, started)?
    } else {
        run_checkpointed(experiment, options, &new_sim, target, &inputs, started)?
    };
    Ok(report(finished, threads, &results))
}

/// Refuses, before any folder is made, a run of trial indices `trials` that cannot meet its
/// precision target or that this machine cannot hold or finish in the time allowed.
pub(crate) fn check_budget(
    experiment: &Experiment,
    options: &RunOptions,
    trials: Range<u64>,
    target: &std::path::Path,
) -> Result<()> {
    run::check_precision_reachable(options, experiment)?;
    let budget = run::Budget::estimate(experiment, options, trials)?;
    budget.check(&options.limits, &run::Machine::probe(target))
}

fn report(finished: output::Finished, threads: usize, results: &Results) -> RunReport {
    RunReport {
        out_dir: finished.out_dir,
        files: finished.files,
        wall_time: finished.wall_time,
        threads,
        trials: results.trials,
        precision: results.precision.clone(),
    }
}

/// The staging folder of this run: a new one, or with `options.resume` the one a stopped run
/// of the same target left, with its checkpoint checked against this run (`keep_rows`: whether
/// it writes trials.csv; `streamed`: whether it streams its parts).
fn folder_and_checkpoint(
    experiment: &Experiment,
    options: &RunOptions,
    target: PathBuf,
    inputs: &[PathBuf],
    started: Started,
    keep_rows: bool,
    streamed: bool,
) -> Result<(JobFolder, Option<output::Checkpoint>, OnceCell<String>)> {
    if experiment.arm_count() == 0 {
        // As the runner says it, before the checksum (which reads the arms) or any folder.
        return Err(Error::Internal(format!(
            "experiment `{}` has no arms",
            experiment.name
        )));
    }
    let checksum = OnceCell::new();
    if !options.resume {
        let folder = JobFolder::create(target, options.force, inputs, started)?;
        return Ok((folder, None, checksum));
    }
    let files: &[&str] = if keep_rows {
        &[output::TRIALS_CSV]
    } else {
        &[]
    };
    let folder = JobFolder::adopt(target, options.force, inputs, started, files)?;
    let sum = checksum.get_or_init(|| run::checksum(experiment, options.pairing));
    let checkpoint = resumable(&folder, experiment, options, sum, keep_rows, streamed)?;
    Ok((folder, Some(checkpoint), checksum))
}

/// Where and of what a run writes its checkpoints. The experiment's checksum is computed
/// when the first checkpoint is written (a short run writes none), once.
struct Checkpoints<'a> {
    experiment: &'a Experiment,
    options: &'a RunOptions,
    staging: PathBuf,
    checksum: OnceCell<String>,
    /// The run's first trial index (0, or a shard's first).
    trial_start: u64,
}

impl<'a> Checkpoints<'a> {
    fn new(
        experiment: &'a Experiment,
        options: &'a RunOptions,
        folder: &JobFolder,
        checksum: OnceCell<String>,
        trial_start: u64,
    ) -> Self {
        Checkpoints {
            experiment,
            options,
            staging: folder.staging_path().to_path_buf(),
            checksum,
            trial_start,
        }
    }

    /// Writes the checkpoint after `trials_done` trials per arm from the first.
    fn write(
        &self,
        trials_done: u64,
        trials_csv_bytes: Option<u64>,
        arms: Vec<stats::ArmStats>,
        streamed: Option<output::StreamState>,
    ) -> Result<()> {
        let (e, o) = (self.experiment, self.options);
        let checksum = self.checksum.get_or_init(|| run::checksum(e, o.pairing));
        output::Checkpoint::new(
            e,
            o,
            checksum.clone(),
            self.trial_start..self.trial_start + trials_done,
            trials_csv_bytes,
            arms,
            streamed,
        )
        .write(&self.staging)
    }
}

/// Stopped from outside: keeps the staging folder if it holds a checkpoint, and says so
/// (`planned`: the trials per arm the run or shard was to run).
fn stopped(folder: &mut JobFolder, planned: u64) -> Error {
    let kept = output::Checkpoint::read(folder.staging_path()).ok();
    if kept.is_some() {
        folder.keep_if_stopped();
    }
    Error::Interrupted {
        checkpoint: kept.map(|c| match &c.streamed {
            Some(state) => format!("{} parts of the design (every trial)", state.parts_done),
            None if c.trials_done <= planned => {
                format!("{} of {planned} trials per arm", c.trials_done)
            }
            None => format!("{} trials per arm (precision batches)", c.trials_done),
        }),
    }
}

/// A run of design points streamed part by part ([`run::streams`]): each part's rows go to the
/// spools as it finishes, and after a part that ends at least `options.checkpoint_every`
/// after the last checkpoint, the spools' lengths and the robustness digests go into a new one.
fn run_streamed<S: Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: &(impl Fn() -> S + Sync),
    target: PathBuf,
    inputs: &[PathBuf],
    started: Started,
) -> Result<(output::Finished, Results)> {
    let (mut folder, checkpoint, checksum) =
        folder_and_checkpoint(experiment, options, target, inputs, started, false, true)?;
    let parts = experiment.parts(run::ARMS_PER_PART);
    let mut tables = output::StreamedTables::new(&folder, experiment)?;
    let mut skip = 0;
    if let Some(state) = checkpoint.as_ref().and_then(|c| c.streamed.as_ref()) {
        tables.restore(state)?;
        skip = usize::try_from(state.parts_done)
            .unwrap_or(usize::MAX)
            .min(parts.len());
    }
    let checkpoints = Checkpoints::new(experiment, options, &folder, checksum, 0);
    let mut last_save = std::time::Instant::now();
    let simulated = run::simulate_parts(
        experiment,
        options,
        new_sim,
        &parts,
        skip,
        |index, arms, part, r| {
            tables.add_part(arms, part, r)?;
            let done = index + 1;
            if done < parts.len() && last_save.elapsed() >= options.checkpoint_every {
                let state = tables.state(done as u64)?;
                let all = experiment.trials;
                checkpoints.write(all, None, Vec::new(), Some(state))?;
                last_save = std::time::Instant::now();
            }
            Ok(())
        },
    );
    let results = match simulated {
        Err(e) if e.is_interrupted() => return Err(stopped(&mut folder, experiment.trials)),
        other => other?,
    };
    remove_checkpoint(&folder)?;
    tables.finish(&mut folder, experiment)?;
    let finished = commit_run_manifest(folder, experiment, &results, |_| {})?;
    Ok((finished, results))
}

fn remove_checkpoint(folder: &JobFolder) -> Result<()> {
    let checkpoint = folder.staging_path().join(output::CHECKPOINT_JSON);
    if checkpoint.exists() {
        std::fs::remove_file(&checkpoint).map_err(Error::io("cannot remove", &checkpoint))?;
    }
    Ok(())
}

/// A run of every arm at once (with a precision target too), written as a run folder.
fn run_checkpointed<S: Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: &(impl Fn() -> S + Sync),
    target: PathBuf,
    inputs: &[PathBuf],
    started: Started,
) -> Result<(output::Finished, Results)> {
    let job = (target, inputs, started);
    let (folder, results) =
        simulate_resumable(experiment, options, new_sim, job, 0..experiment.trials)?;
    let finished = write_run_folder(folder, experiment, &results, |_| {})?;
    Ok((finished, results))
}

/// Runs trial indices `trials` of every arm (a whole run's, or a shard's) into a new staging
/// folder for `job` (target, inputs, start), writing trials.csv as rows arrive if asked:
/// segment by segment, with a checkpoint in the staging folder about every
/// `options.checkpoint_every`, from the checkpoint of a stopped run with `options.resume`.
/// Stopped from outside, it keeps the staging folder and its checkpoint and says so
/// ([`Error::Interrupted`]). Returns the folder (trials.csv finished, no checkpoint left)
/// for the caller to write its tables or partial result into.
pub(crate) fn simulate_resumable<S: Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: &(impl Fn() -> S + Sync),
    (target, inputs, started): (PathBuf, &[PathBuf], Started),
    trials: Range<u64>,
) -> Result<(JobFolder, Results)> {
    let keep_rows = experiment.write_trials || options.write_trials;
    let (mut folder, checkpoint, checksum) = folder_and_checkpoint(
        experiment, options, target, inputs, started, keep_rows, false,
    )?;
    if let Some(c) = checkpoint
        .as_ref()
        .filter(|c| c.trial_start != trials.start)
    {
        return Err(Error::Unusable(format!(
            "cannot resume from {}: it holds trials {}..{} and this run runs {}..{}: give the \
             same --shard as the stopped run",
            folder.path_of(output::CHECKPOINT_JSON).display(),
            c.trial_start,
            c.trial_start + c.trials_done,
            trials.start,
            trials.end
        )));
    }
    let (start, writer) = match checkpoint {
        Some(c) => {
            let writer = match c.trials_csv_bytes {
                Some(bytes) => Some(output::TrialsWriter::resume(
                    &folder.path_of(output::TRIALS_CSV),
                    experiment,
                    bytes,
                )?),
                None => None,
            };
            ((c.trials_done, c.arms), writer)
        }
        None => {
            let writer = match keep_rows {
                true => Some(output::TrialsWriter::create(
                    &folder.add(output::TRIALS_CSV),
                    experiment,
                )?),
                false => None,
            };
            ((0, run::empty_stats(experiment)), writer)
        }
    };
    let checkpoints = Checkpoints::new(experiment, options, &folder, checksum, trials.start);
    let writer = std::cell::RefCell::new(writer);
    let mut sink = |rows: &[TrialRow]| {
        writer
            .borrow_mut()
            .as_mut()
            .map_or(Ok(()), |w| w.write_rows(rows))
    };
    let mut save = |done: u64, arms: &[stats::ArmStats]| {
        let bytes = writer
            .borrow_mut()
            .as_mut()
            .map(output::TrialsWriter::flushed_len)
            .transpose()?;
        checkpoints.write(done, bytes, arms.to_vec(), None)
    };
    let rows: Option<RowSink> = if keep_rows { Some(&mut sink) } else { None };
    let remaining = trials.start + start.0..trials.end;
    let simulated = run::simulate_checkpointed(
        experiment,
        options,
        new_sim,
        rows,
        remaining,
        start,
        Some(&mut save),
    );
    let results = match simulated {
        Err(e) if e.is_interrupted() => {
            return Err(stopped(&mut folder, trials.end - trials.start));
        }
        other => other?,
    };
    if let Some(writer) = writer.into_inner() {
        writer.finish()?;
    }
    remove_checkpoint(&folder)?;
    Ok((folder, results))
}

/// The checkpoint in an adopted staging folder, if it is of this experiment run the same way.
fn resumable(
    folder: &JobFolder,
    experiment: &Experiment,
    options: &RunOptions,
    checksum: &str,
    keep_rows: bool,
    streamed: bool,
) -> Result<output::Checkpoint> {
    let path = folder.path_of(output::CHECKPOINT_JSON);
    let refuse =
        |why: String| Error::Unusable(format!("cannot resume from {}: {why}", path.display()));
    let c = output::Checkpoint::read(folder.staging_path()).map_err(refuse)?;
    if c.checksum != checksum || c.pairing != options.pairing {
        return Err(refuse(format!(
            "it is of a different experiment or pairing (checksum {}…, now {}…): give the same file, --set, --seed and seeds options as the stopped run, or run without --resume",
            &c.checksum[..12.min(c.checksum.len())],
            &checksum[..12]
        )));
    }
    let precision = options.precision.as_ref().map(output::precision_key);
    if c.precision != precision {
        return Err(refuse(format!(
            "the stopped run had {} and this one {}: give the same [precision] or --precision",
            c.precision
                .as_deref()
                .map_or("no precision target".into(), |p| format!(
                    "precision target {p}"
                )),
            precision
                .as_deref()
                .map_or("none".into(), |p| p.to_string())
        )));
    }
    let cap = options
        .precision
        .as_ref()
        .map_or(experiment.trials, |p| p.max_trials.max(experiment.trials));
    if c.trials_per_arm != experiment.trials || c.trials_done > cap {
        return Err(refuse(format!(
            "it counts {} trials of {} per arm, and this run has {}",
            c.trials_done, c.trials_per_arm, experiment.trials
        )));
    }
    // trials.csv, and whether design points stream (which trials.csv decides), as they were.
    let modes = [
        (c.trials_csv_bytes.is_some(), keep_rows, "wrote trials.csv"),
        (
            c.streamed.is_some(),
            streamed,
            "streamed its design points part by part",
        ),
    ];
    for (was, now, what) in modes {
        if was != now {
            return Err(refuse(format!(
                "the stopped run {}{what} and this one would{}: give the same --trials-csv",
                if was { "" } else { "never " },
                if now { "" } else { " not" }
            )));
        }
    }
    if !streamed && c.arms.len() != experiment.arm_count() {
        return Err(refuse(format!(
            "it holds {} arms, the experiment {}",
            c.arms.len(),
            experiment.arm_count()
        )));
    }
    Ok(c)
}

/// The one ending of `run` and `merge`: the tables of `results` and the manifest (which
/// `annotate` may add to), then the folder moves into place.
fn write_run_folder(
    mut folder: JobFolder,
    experiment: &Experiment,
    results: &Results,
    annotate: impl FnOnce(&mut output::Manifest),
) -> Result<output::Finished> {
    output::write_tables(&mut folder, experiment, results)?;
    commit_run_manifest(folder, experiment, results, annotate)
}

/// The manifest of a run folder whose tables are written (which `annotate` may add to), then
/// the folder moves into place.
fn commit_run_manifest(
    folder: JobFolder,
    experiment: &Experiment,
    results: &Results,
    annotate: impl FnOnce(&mut output::Manifest),
) -> Result<output::Finished> {
    let mut manifest = output::Manifest::new(
        experiment,
        results,
        folder.started().at,
        folder.elapsed(),
        folder.files().to_vec(),
    );
    annotate(&mut manifest);
    output::commit_with_manifest(folder, &manifest)
}
#[cfg(test)]
mod tests;
