//! partial.json: the result of one shard, which `deescalate merge` combines with the others.
//!
//! It holds what identifies the experiment (the checksum of the resolved experiment, and the
//! experiment file's text with the command-line overrides, from which merge rebuilds it), which
//! share of the trials it covers, and every arm's exact accumulators ([`ArmStats`]; JSON keeps
//! their `i128`/`u128` sums exact). A shard asked for trials.csv writes its rows beside it and
//! records the file's size, row count and SHA-256, so that a truncated or edited file is caught.

use crate::experiment::Pairing;
use crate::scenario::{self, ConfigError, Experiment, Overrides, SetOverride};
use crate::stats::ArmStats;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

pub const PARTIAL_JSON: &str = "partial.json";
/// The `format` field of every partial.json.
pub const PARTIAL_FORMAT: &str = "deescalate-partial";
/// Bumped whenever the layout of partial.json or of the accumulators changes.
pub const PARTIAL_FORMAT_VERSION: u32 = 1;

/// The experiment file and the command-line changes to it, enough to rebuild the experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialConfig {
    /// Path of the experiment file as given to `run`.
    pub source: String,
    /// The file's text.
    pub text: String,
    /// `--set` overrides as `KEY=VALUE`, in order.
    pub sets: Vec<String>,
    /// `--trials`.
    pub trials: Option<u64>,
    /// `--seed`.
    pub seed: Option<u64>,
}

impl PartialConfig {
    /// Reads the experiment file at `path`, to be changed by `overrides`.
    pub fn read(path: &Path, overrides: &Overrides) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|os_error| ConfigError::Read {
            file: path.to_path_buf(),
            os_error,
        })?;
        Ok(PartialConfig {
            source: path.display().to_string(),
            text,
            sets: overrides
                .sets
                .iter()
                .map(|s| format!("{}={}", s.key, s.raw))
                .collect(),
            trials: overrides.trials,
            seed: overrides.seed,
        })
    }

    /// The experiment it describes, validated as `run` validates a file.
    pub fn experiment(&self) -> Result<Experiment, ConfigError> {
        let source = PathBuf::from(&self.source);
        let sets = self
            .sets
            .iter()
            .map(|arg| {
                arg.parse::<SetOverride>()
                    .map_err(|reason| ConfigError::BadSet {
                        file: source.clone(),
                        arg: arg.clone(),
                        reason,
                    })
            })
            .collect::<Result<_, _>>()?;
        let overrides = Overrides {
            sets,
            trials: self.trials,
            seed: self.seed,
        };
        scenario::parse(&self.text, &source, &overrides)
    }
}

/// Size, data rows and SHA-256 of a CSV file with a header row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileDigest {
    pub bytes: u64,
    /// Lines after the header.
    pub rows: u64,
    pub sha256: String,
}

/// One shard's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partial {
    /// Always [`PARTIAL_FORMAT`].
    pub format: String,
    /// [`PARTIAL_FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// Version of deescalate that ran the shard.
    pub tool_version: String,
    /// Experiment name.
    pub experiment: String,
    /// Master seed.
    pub seed: u64,
    /// SHA-256 of the canonical resolved experiment ([`crate::experiment::checksum`]).
    pub checksum: String,
    /// This shard, 1 to `shards`.
    pub shard: u64,
    pub shards: u64,
    /// Trials per arm of the whole experiment.
    pub trials_per_arm: u64,
    /// The trial indices this shard ran, `[trial_start, trial_end)`.
    pub trial_start: u64,
    pub trial_end: u64,
    pub pairing: Pairing,
    pub config: PartialConfig,
    pub threads: usize,
    pub wall_time_seconds: f64,
    /// Start of the shard's run, RFC 3339 UTC.
    pub started_utc: String,
    /// trials.csv beside this file, if the shard wrote one.
    pub trials_csv: Option<FileDigest>,
    /// Every arm's statistics over this shard's trials, in experiment order.
    pub arms: Vec<ArmStats>,
}

/// Writes `partial` as JSON to `path`.
pub fn write_partial(path: &Path, partial: &Partial) -> Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut writer = BufWriter::new(file);
    serde_json::to_writer(&mut writer, partial)
        .map_err(anyhow::Error::from)
        .and_then(|()| Ok(writer.write_all(b"\n")?))
        .and_then(|()| Ok(writer.flush()?))
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Streams a CSV file with a header row into `sink`, leaving out the header if
/// `skip_header`, and returns the whole file's digest and its header line.
pub fn copy_csv(
    path: &Path,
    sink: &mut impl Write,
    skip_header: bool,
) -> Result<(FileDigest, Vec<u8>)> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut hasher = Sha256::new();
    let mut header = Vec::new();
    let read_error = || format!("cannot read {}", path.display());
    let mut bytes = reader
        .read_until(b'\n', &mut header)
        .with_context(read_error)? as u64;
    hasher.update(&header);
    if !skip_header {
        sink.write_all(&header)?;
    }
    let mut rows = 0;
    loop {
        let buf = reader.fill_buf().with_context(read_error)?;
        if buf.is_empty() {
            break;
        }
        hasher.update(buf);
        sink.write_all(buf)?;
        rows += buf.iter().filter(|&&b| b == b'\n').count() as u64;
        bytes += buf.len() as u64;
        let n = buf.len();
        reader.consume(n);
    }
    let digest = FileDigest {
        bytes,
        rows,
        sha256: hex(&hasher.finalize()),
    };
    Ok((digest, header))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
