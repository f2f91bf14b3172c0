//! `run --shard K/N`: one shard's trials, written as a partial result (partial.json, and
//! trials.csv if asked for) for `merge`.

use super::{RunReport, simulate_resumable};
use crate::output::{self, Job, Partial, Started};
use crate::run::{self, RunOptions, Shard, ShardError, Simulator, checksum};
use crate::spec::{Experiment, ExperimentSource};
use crate::{Error, Result};
use model::Trial;
use std::path::Path;

/// Runs shard `shard` of `experiment` (read from `config`) and writes its partial result
/// (partial.json, and trials.csv if asked for) into a folder, atomically, as [`super::run()`]
/// writes a run folder. Refuses a precision target ([`ShardError::Precision`]).
pub fn run_shard(
    experiment: &Experiment,
    config: &ExperimentSource,
    options: &RunOptions,
    shard: Shard,
) -> Result<RunReport> {
    run_shard_with(experiment, config, options, shard, Trial::new)
}

/// [`run_shard`] with a given simulator (the model, or a stand-in in tests).
pub(crate) fn run_shard_with<S: Simulator>(
    experiment: &Experiment,
    config: &ExperimentSource,
    options: &RunOptions,
    shard: Shard,
    new_sim: impl Fn() -> S + Sync,
) -> Result<RunReport> {
    let started = Started::now();
    if let Some(p) = &options.precision {
        let source_of_target = match &experiment.precision {
            Some(q) if q == p => format!("[precision] in {}", experiment.source.display()),
            _ => "--precision".to_string(),
        };
        return Err(ShardError::Precision { source_of_target }.into());
    }
    let checksum = checksum(experiment, options.pairing);
    let rebuilt = config.experiment()?;
    if run::checksum(&rebuilt, options.pairing) != checksum {
        return Err(Error::Unusable(format!(
            "{} changed while the shard was starting; run it again",
            experiment.source.display()
        )));
    }
    let target = output::target_dir(experiment, options.out.as_deref(), Job::Shard(shard));
    let threads = run::thread_count(options.threads)?;
    let range = shard.trials(experiment.trials);
    super::check_budget(experiment, options, range.clone(), &target)?;
    let inputs = [experiment.source.clone()];
    let job = (target, &inputs[..], started);
    let (mut folder, results) =
        simulate_resumable(experiment, options, &new_sim, job, range.clone())?;
    let trials_csv = match folder.files().iter().any(|f| f == output::TRIALS_CSV) {
        true => Some(digest(&folder.path_of(output::TRIALS_CSV))?),
        false => None,
    };
    let wall_time = folder.elapsed();
    let partial = Partial {
        format: output::PARTIAL_FORMAT.to_string(),
        format_version: output::PARTIAL_FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        experiment: experiment.name.clone(),
        seed: experiment.seed,
        checksum,
        shard: shard.index,
        shards: shard.count,
        trials_per_arm: experiment.trials,
        trial_start: range.start,
        trial_end: range.end,
        pairing: options.pairing,
        config: config.clone(),
        threads,
        wall_time_seconds: wall_time.as_secs_f64(),
        started_utc: output::rfc3339_utc(started.at),
        trials_csv,
        arms: results.arms,
        statistics_sha256: String::new(),
    };
    let partial = Partial {
        statistics_sha256: partial.statistics_digest(),
        ..partial
    };
    output::write_partial(&folder.add(output::PARTIAL_JSON), &partial)?;
    let finished = folder.commit()?;
    Ok(RunReport {
        out_dir: finished.out_dir,
        files: finished.files,
        wall_time,
        threads,
        trials: results.trials,
        precision: None,
    })
}

/// The digest of a CSV file.
fn digest(path: &Path) -> Result<output::FileDigest> {
    Ok(output::copy_csv(path, &mut std::io::sink(), false)?.0)
}
