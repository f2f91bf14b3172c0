//! partial.json: the result of one shard, which `deescalate merge` combines with the others.
//!
//! It holds what identifies the experiment (the checksum of the resolved experiment, and the
//! experiment file's text with the command-line overrides, from which merge rebuilds it), which
//! share of the trials it covers, and every arm's exact accumulators ([`ArmStats`]; JSON keeps
//! their `i128`/`u128` sums exact). A shard asked for trials.csv writes its rows beside it and
//! records the file's size, row count and SHA-256, so that a truncated or edited file is caught.

use crate::run::Pairing;
use crate::spec::ExperimentSource;
use crate::text::hex;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use stats::ArmStats;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

pub const PARTIAL_JSON: &str = "partial.json";
/// The `format` field of every partial.json.
pub const PARTIAL_FORMAT: &str = "deescalate-partial";
/// Bumped whenever the layout of partial.json or of the accumulators changes.
pub const PARTIAL_FORMAT_VERSION: u32 = 2;

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
    /// SHA-256 of the canonical resolved experiment ([`crate::run::checksum`]).
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
    pub config: ExperimentSource,
    pub threads: usize,
    pub wall_time_seconds: f64,
    /// Start of the shard's run, RFC 3339 UTC.
    pub started_utc: String,
    /// trials.csv beside this file, if the shard wrote one.
    pub trials_csv: Option<FileDigest>,
    /// Every arm's statistics over this shard's trials, in experiment order.
    pub arms: Vec<ArmStats>,
    /// SHA-256 of what the statistics are and which share of which experiment they cover
    /// ([`Partial::statistics_digest`]): a changed count, a swapped arm or a header copied
    /// from another shard no longer matches it.
    pub statistics_sha256: String,
}

/// What the statistics digest covers, in a fixed order.
#[derive(Serialize)]
struct DigestedPart<'a> {
    experiment: &'a str,
    seed: u64,
    checksum: &'a str,
    shard: u64,
    shards: u64,
    trials_per_arm: u64,
    trial_start: u64,
    trial_end: u64,
    pairing: Pairing,
    trials_csv: &'a Option<FileDigest>,
    arms: &'a [ArmStats],
}

impl Partial {
    /// SHA-256 (hex) of the statistics together with the shard's identity: the experiment,
    /// seed and checksum, the shard and its trial range, the pairing, the trials.csv digest and
    /// every arm's accumulators (JSON, whose integers keep the 128-bit sums exact).
    pub fn statistics_digest(&self) -> String {
        let covered = DigestedPart {
            experiment: &self.experiment,
            seed: self.seed,
            checksum: &self.checksum,
            shard: self.shard,
            shards: self.shards,
            trials_per_arm: self.trials_per_arm,
            trial_start: self.trial_start,
            trial_end: self.trial_end,
            pairing: self.pairing,
            trials_csv: &self.trials_csv,
            arms: &self.arms,
        };
        // Plain data always serialises.
        let bytes = serde_json::to_vec(&covered).unwrap_or_default();
        hex(&Sha256::digest(&bytes))
    }
}

/// Writes `partial` as JSON to `path`.
pub(crate) fn write_partial(path: &Path, partial: &Partial) -> Result<()> {
    super::folder::write_json(path, partial, false)
}

/// Streams a CSV file with a header row into `sink`, leaving out the header if
/// `skip_header`, and returns the whole file's digest and its header line.
pub(crate) fn copy_csv(
    path: &Path,
    sink: &mut impl Write,
    skip_header: bool,
) -> Result<(FileDigest, Vec<u8>)> {
    let file = File::open(path).map_err(Error::io("cannot open", path))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut hasher = Sha256::new();
    let mut header = Vec::new();
    let read_error = || Error::io("cannot read", path);
    let copy_error = || Error::io("cannot copy", path);
    let mut bytes = reader
        .read_until(b'\n', &mut header)
        .map_err(read_error())? as u64;
    hasher.update(&header);
    if !skip_header {
        sink.write_all(&header).map_err(copy_error())?;
    }
    let mut rows = 0;
    loop {
        let buf = reader.fill_buf().map_err(read_error())?;
        if buf.is_empty() {
            break;
        }
        hasher.update(buf);
        sink.write_all(buf).map_err(copy_error())?;
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
