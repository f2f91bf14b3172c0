//! `merge`: combines the shards' partial results into the run folder a single run writes.
//!
//! Every part is checked before anything is written: readable, of this format and tool
//! version, of the same experiment (checksum) and split, and together covering every shard
//! exactly once; its statistics must have the experiment's shape and its trial count. The
//! accumulators are exact, so the merged statistics, and the CSV bytes written from them
//! through the same ending as `run` (`write_run_folder`), do not depend on the order of the
//! parts. trials.csv fragments are concatenated in shard (= trial) order, checked against the
//! digest each shard recorded.

use super::write_run_folder;
use crate::output::{
    self, FileDigest, Job, JobFolder, ManifestPart, PARTIAL_FORMAT, PARTIAL_FORMAT_VERSION,
    Partial, Started,
};
use crate::run::{self, Results, Shard, ShardError, checksum};
use crate::spec::Experiment;
use crate::{Context, Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How to merge.
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// Output folder (default `<output_dir>/<name>/` of the experiment, as `run` writes).
    pub out: Option<PathBuf>,
    /// Replace an existing output folder.
    pub force: bool,
}

/// What a merge wrote.
#[derive(Debug, Clone)]
pub struct MergeReport {
    pub out_dir: PathBuf,
    /// File names written into it.
    pub files: Vec<String>,
    pub experiment: String,
    pub arms: usize,
    /// Trials per arm (all shards together).
    pub trials: u64,
    /// Number of parts merged.
    pub parts: u64,
    pub wall_time: Duration,
}

/// Where a merge writes without `--out`: the run folder `<output_dir>/<name>/`, as `run` writes
/// it, but only while the stored `output_dir` stays inside the current folder (a relative
/// path without `..`): the stored experiment is outside the checksum, so it must not choose a
/// place elsewhere on the machine.
fn default_target(experiment: &Experiment, file: &Path) -> Result<PathBuf> {
    let inside = experiment.output_dir.components().all(|c| {
        matches!(
            c,
            std::path::Component::Normal(_) | std::path::Component::CurDir
        )
    });
    if !inside {
        return Err(ShardError::OutputOutside {
            file: file.to_path_buf(),
            output_dir: experiment.output_dir.clone(),
        }
        .into());
    }
    Ok(output::default_dir(experiment, Job::Run))
}

/// One partial result, read and checked on its own.
struct Part {
    /// The partial.json file.
    file: PathBuf,
    partial: Partial,
    shard: Shard,
}

impl Part {
    /// The folder the part's files are in.
    fn dir(&self) -> &Path {
        self.file.parent().unwrap_or(Path::new("."))
    }
}

/// Merges the partial results `parts` (shard folders or their partial.json files) into one run
/// folder.
pub fn merge(parts: &[PathBuf], options: &MergeOptions) -> Result<MergeReport> {
    let started = Started::now();
    let parts = parts
        .iter()
        .map(|p| read_part(p))
        .collect::<Result<Vec<_>, _>>()?;
    let parts = check_cover(parts)?;
    let first = &parts[0];
    let experiment = first.partial.config.experiment().context_with(|| {
        format!(
            "{}: rebuilding the experiment from the file stored in the part",
            first.file.display()
        )
    })?;
    if checksum(&experiment, first.partial.pairing) != first.partial.checksum {
        return Err(corrupt(
            &first.file,
            "its stored experiment file does not give its checksum (edited by hand?)",
        )
        .into());
    }
    for part in &parts {
        check_statistics(part, &experiment)?;
    }
    let mut arms = run::empty_stats(&experiment);
    for part in &parts {
        for (acc, arm) in arms.iter_mut().zip(&part.partial.arms) {
            acc.merge(arm);
        }
    }
    let results = Results {
        arms,
        threads: parts.iter().map(|p| p.partial.threads).max().unwrap_or(1),
        pairing: first.partial.pairing,
        trials: experiment.trials,
        precision: None,
    };

    let target = match &options.out {
        Some(out) => out.clone(),
        None => default_target(&experiment, &first.file)?,
    };
    let inputs: Vec<PathBuf> = parts.iter().map(|p| p.dir().to_path_buf()).collect();
    let mut folder = JobFolder::create(target, options.force, &inputs, started)?;
    if first.partial.trials_csv.is_some() {
        concatenate_trials(&parts, &folder.add(output::TRIALS_CSV))?;
    }
    let merged_from: Vec<ManifestPart> = parts
        .iter()
        .map(|p| ManifestPart {
            shard: p.shard.to_string(),
            file: p.file.display().to_string(),
            trial_start: p.partial.trial_start,
            trial_end: p.partial.trial_end,
            threads: p.partial.threads,
            wall_time_seconds: p.partial.wall_time_seconds,
            started_utc: p.partial.started_utc.clone(),
        })
        .collect();
    let finished = write_run_folder(folder, &experiment, &results, |manifest| {
        manifest.merged_from = merged_from
    })?;
    Ok(MergeReport {
        out_dir: finished.out_dir,
        files: finished.files,
        experiment: experiment.name.clone(),
        arms: experiment.arm_count(),
        trials: experiment.trials,
        parts: parts.len() as u64,
        wall_time: finished.wall_time,
    })
}

fn corrupt(file: &Path, reason: impl Into<String>) -> ShardError {
    ShardError::Corrupt {
        file: file.to_path_buf(),
        reason: reason.into(),
    }
}

/// The fields of partial.json that say what it is, read before the rest.
#[derive(Deserialize)]
struct PartialHeader {
    format: Option<String>,
    format_version: Option<u32>,
    tool_version: Option<String>,
}

/// Reads one part: a shard folder (its partial.json) or a partial.json file.
fn read_part(arg: &Path) -> Result<Part, ShardError> {
    let file = if arg.is_dir() {
        arg.join(output::PARTIAL_JSON)
    } else {
        arg.to_path_buf()
    };
    let bytes = std::fs::read(&file).map_err(|e| ShardError::Unreadable {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    // The header first, so that another format or version gets its own message; then the whole
    // file straight into the accumulators (not through `serde_json::Value`, whose numbers
    // cannot hold the 128-bit sums exactly).
    let header: PartialHeader =
        serde_json::from_slice(&bytes).map_err(|e| corrupt(&file, format!("not JSON ({e})")))?;
    let format = header.format.as_deref();
    if format != Some(PARTIAL_FORMAT) {
        return Err(corrupt(
            &file,
            format!("its `format` is {format:?}, not \"{PARTIAL_FORMAT}\""),
        ));
    }
    if header.format_version != Some(PARTIAL_FORMAT_VERSION) {
        return Err(ShardError::Version {
            file,
            what: format!(
                "partial format version {}; this deescalate ({}) reads version {PARTIAL_FORMAT_VERSION}",
                header
                    .format_version
                    .map_or("(none)".to_string(), |v| v.to_string()),
                env!("CARGO_PKG_VERSION")
            ),
        });
    }
    let tool = header.tool_version.as_deref();
    if tool != Some(env!("CARGO_PKG_VERSION")) {
        return Err(ShardError::Version {
            file,
            what: format!(
                "written by deescalate {}, this is {}: merge with the version that ran the \
                 shards (the model may differ between versions)",
                tool.unwrap_or("(unknown)"),
                env!("CARGO_PKG_VERSION")
            ),
        });
    }
    let partial: Partial =
        serde_json::from_slice(&bytes).map_err(|e| corrupt(&file, e.to_string()))?;
    let shard = Shard::new(partial.shard, partial.shards).ok_or_else(|| {
        corrupt(
            &file,
            format!("shard {}/{} is not a shard", partial.shard, partial.shards),
        )
    })?;
    if partial.statistics_digest() != partial.statistics_sha256 {
        return Err(corrupt(
            &file,
            "its statistics and shard do not match their recorded SHA-256 (changed after the \
             shard ran)",
        ));
    }
    let range = shard.trials(partial.trials_per_arm);
    if (partial.trial_start, partial.trial_end) != (range.start, range.end) {
        return Err(corrupt(
            &file,
            format!(
                "shard {shard} of {} trials covers trials {}..{}, but the file says {}..{}",
                partial.trials_per_arm,
                range.start,
                range.end,
                partial.trial_start,
                partial.trial_end
            ),
        ));
    }
    Ok(Part {
        file,
        partial,
        shard,
    })
}

/// Lines `  <what>: file, file` for each group of parts, in key order.
fn groups<K: Ord>(parts: &[Part], key: impl Fn(&Part) -> (K, String)) -> String {
    let mut by: BTreeMap<K, (String, Vec<String>)> = BTreeMap::new();
    for part in parts {
        let (k, what) = key(part);
        by.entry(k)
            .or_insert_with(|| (what, Vec::new()))
            .1
            .push(part.file.display().to_string());
    }
    by.into_values()
        .map(|(what, files)| format!("  {what}: {}", files.join(", ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks that the parts are of one experiment and split and cover every shard exactly once;
/// returns them in shard order.
fn check_cover(mut parts: Vec<Part>) -> Result<Vec<Part>, ShardError> {
    let Some(first) = parts.first() else {
        return Err(ShardError::NoParts);
    };
    let (sum, count) = (first.partial.checksum.clone(), first.shard.count);
    if parts.iter().any(|p| p.partial.checksum != sum) {
        let groups = groups(&parts, |p| {
            let q = &p.partial;
            let what = format!(
                "experiment `{}`, seed {}, {} trials per arm, checksum {}",
                q.experiment,
                q.seed,
                q.trials_per_arm,
                &q.checksum[..q.checksum.len().min(12)]
            );
            (q.checksum.clone(), what)
        });
        return Err(ShardError::DifferentExperiments { groups });
    }
    if parts.iter().any(|p| p.shard.count != count) {
        let groups = groups(&parts, |p| {
            (p.shard.count, format!("split into {}", p.shard.count))
        });
        return Err(ShardError::DifferentSplits { groups });
    }
    parts.sort_by_key(|p| p.shard);
    if let Some(w) = parts.windows(2).find(|w| w[0].shard == w[1].shard) {
        let shard = w[0].shard;
        let files = parts
            .iter()
            .filter(|p| p.shard == shard)
            .map(|p| p.file.clone())
            .collect();
        return Err(ShardError::Duplicate { shard, files });
    }
    let trials = parts[0].partial.trials_per_arm;
    let missing: Vec<Shard> = Shard::all(count)
        .filter(|s| parts.iter().all(|p| p.shard != *s))
        .collect();
    if !missing.is_empty() {
        let list =
            |f: &dyn Fn(&Shard) -> String| missing.iter().map(f).collect::<Vec<_>>().join(", ");
        return Err(ShardError::Missing {
            count,
            missing_count: missing.len(),
            missing: list(&|s| s.to_string()),
            ranges: list(&|s| {
                let r = s.trials(trials);
                format!("{}..{}", r.start, r.end)
            }),
        });
    }
    let (with, without): (Vec<&Part>, Vec<&Part>) =
        parts.iter().partition(|p| p.partial.trials_csv.is_some());
    if !with.is_empty() && !without.is_empty() {
        let files = |ps: Vec<&Part>| ps.into_iter().map(|p| p.file.clone()).collect();
        return Err(ShardError::MixedTrialRows {
            with: files(with),
            without: files(without),
        });
    }
    Ok(parts)
}

/// Checks that a part's statistics have the experiment's arms, shape and trial count, so that
/// merging them is meaningful (and cannot fail halfway).
fn check_statistics(part: &Part, experiment: &Experiment) -> Result<(), ShardError> {
    let arms = &part.partial.arms;
    if arms.len() != experiment.arm_count() {
        return Err(corrupt(
            &part.file,
            format!(
                "it has statistics for {} arms, the experiment has {}",
                arms.len(),
                experiment.arm_count()
            ),
        ));
    }
    let expected = part.partial.trial_end - part.partial.trial_start;
    for (a, (stats, empty)) in arms.iter().zip(run::empty_stats(experiment)).enumerate() {
        if !empty.can_merge(stats) {
            return Err(corrupt(
                &part.file,
                format!(
                    "the statistics of arm `{}` do not fit the experiment's metrics and horizon",
                    experiment.arm_id(a)
                ),
            ));
        }
        if let Err(reason) = stats.check(expected) {
            return Err(corrupt(
                &part.file,
                format!(
                    "the statistics of arm `{}` are inconsistent: {reason}",
                    experiment.arm_id(a)
                ),
            ));
        }
        if stats.trials() != expected {
            return Err(corrupt(
                &part.file,
                format!(
                    "arm `{}` has {} trials, shard {} should have {expected}",
                    experiment.arm_id(a),
                    stats.trials(),
                    part.shard
                ),
            ));
        }
    }
    Ok(())
}

/// Writes the parts' trials.csv one after the other (one header), checking each against the
/// digest its shard recorded.
fn concatenate_trials(parts: &[Part], path: &Path) -> Result<()> {
    let file = File::create(path).map_err(Error::io("cannot create", path))?;
    let mut writer = BufWriter::new(file);
    let mut first_header: Option<Vec<u8>> = None;
    for part in parts {
        let source = part.dir().join(output::TRIALS_CSV);
        if !source.is_file() {
            return Err(ShardError::Unreadable {
                file: source,
                reason: format!("{} lists it, but it is missing", part.file.display()),
            }
            .into());
        }
        let (digest, header) = output::copy_csv(&source, &mut writer, first_header.is_some())
            .context_with(|| format!("copying {} to {}", source.display(), path.display()))?;
        let recorded: Option<&FileDigest> = part.partial.trials_csv.as_ref();
        if recorded != Some(&digest) {
            return Err(corrupt(
                &source,
                format!(
                    "it does not match the size, rows and SHA-256 recorded in {} (changed or \
                     truncated after the shard ran)",
                    part.file.display()
                ),
            )
            .into());
        }
        let arms = part.partial.arms.len() as u64;
        let expected = (part.partial.trial_end - part.partial.trial_start) * arms;
        if digest.rows != expected || first_header.as_ref().is_some_and(|h| *h != header) {
            return Err(corrupt(
                &source,
                format!("expected a trials.csv header and {expected} rows"),
            )
            .into());
        }
        first_header.get_or_insert(header);
    }
    writer.flush().map_err(Error::io("cannot write", path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::write_partial;
    use crate::run::Pairing;
    use crate::spec::ExperimentSource;
    use model::{DayRecord, Outcomes};
    use stats::ArmStats;

    /// Σq² of a large metric passes 2^64 quickly; it must come back from the file exactly.
    #[test]
    fn sums_beyond_64_bits_survive_the_partial_file() {
        let mut arm = ArmStats::new(true, 2);
        let outcomes = Outcomes {
            trade_lost_usd: 4.0e12 + 1.0,
            ..Default::default()
        };
        for _ in 0..3 {
            arm.record_trial(&outcomes, &outcomes, &[DayRecord::default(); 2]);
        }
        let partial = Partial {
            format: PARTIAL_FORMAT.into(),
            format_version: PARTIAL_FORMAT_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").into(),
            experiment: "big".into(),
            seed: 1,
            checksum: "0".repeat(64),
            shard: 1,
            shards: 1,
            trials_per_arm: 3,
            trial_start: 0,
            trial_end: 3,
            pairing: Pairing::Common,
            config: ExperimentSource {
                source: "big.toml".into(),
                text: String::new(),
                sets: Vec::new(),
                trials: None,
                seed: None,
                ensemble: None,
            },
            threads: 1,
            wall_time_seconds: 0.0,
            started_utc: String::new(),
            trials_csv: None,
            arms: vec![arm.clone()],
            statistics_sha256: String::new(),
        };
        let partial = Partial {
            statistics_sha256: partial.statistics_digest(),
            ..partial
        };
        let dir = tempfile::tempdir().unwrap();
        write_partial(&dir.path().join(output::PARTIAL_JSON), &partial).unwrap();
        let text = std::fs::read_to_string(dir.path().join(output::PARTIAL_JSON)).unwrap();
        assert!(
            text.contains("48000000000024000000000003"),
            "Σq² = 3·(4e12+1)² is written in full"
        );
        let part = read_part(dir.path()).unwrap();
        assert_eq!(part.partial, partial);
    }
}
