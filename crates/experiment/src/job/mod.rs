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

use crate::Result;
use crate::output::{self, Job, JobFolder, Started};
use crate::run::{self, PrecisionOutcome, Results, RowSink, RunOptions, Simulator, TrialRow};
use crate::spec::Experiment;
use model::Trial;
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
    let inputs = [experiment.source.clone()];
    let mut folder = JobFolder::create(target, options.force, &inputs, started)?;
    let (results, finished) = if streams(experiment, options) {
        // Design points part by part, each part's rows written as it finishes.
        let parts = experiment.parts(run::ARMS_PER_PART);
        let mut tables = output::StreamedTables::new(&folder, experiment)?;
        let results =
            run::simulate_parts(experiment, options, &new_sim, &parts, |arms, part, r| {
                tables.add_part(arms, part, r)
            })?;
        tables.finish(&mut folder, experiment)?;
        let finished = commit_run_manifest(folder, experiment, &results, |_| {})?;
        (results, finished)
    } else {
        let all = 0..experiment.trials;
        let results = simulate_into(&mut folder, experiment, options, &new_sim, all)?;
        let finished = write_run_folder(folder, experiment, &results, |_| {})?;
        (results, finished)
    };
    Ok(RunReport {
        out_dir: finished.out_dir,
        files: finished.files,
        wall_time: finished.wall_time,
        threads,
        trials: results.trials,
        precision: results.precision,
    })
}

/// Whether a run streams its arms part by part: it has design points, and neither a precision
/// target (every arm must get the same trials) nor trials.csv (whose rows are in (trial, arm)
/// order over all arms) needs every arm at once.
fn streams(experiment: &Experiment, options: &RunOptions) -> bool {
    !experiment.designs.is_empty()
        && options.precision.is_none()
        && !(experiment.write_trials || options.write_trials)
}

/// Runs trial indices `trials` of every arm, writing trials.csv into `folder` as rows arrive
/// if the experiment or the options ask for it.
fn simulate_into<S: Simulator>(
    folder: &mut JobFolder,
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: &(impl Fn() -> S + Sync),
    trials: Range<u64>,
) -> Result<Results> {
    let keep = experiment.write_trials || options.write_trials;
    let mut writer = match keep {
        true => Some(output::TrialsWriter::create(
            &folder.add(output::TRIALS_CSV),
            experiment,
        )?),
        false => None,
    };
    let mut sink = |rows: &[TrialRow]| writer.as_mut().map_or(Ok(()), |w| w.write_rows(rows));
    let sink: Option<RowSink> = if keep { Some(&mut sink) } else { None };
    let results = run::simulate_trials(experiment, options, new_sim, sink, trials)?;
    if let Some(writer) = writer {
        writer.finish()?;
    }
    Ok(results)
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
