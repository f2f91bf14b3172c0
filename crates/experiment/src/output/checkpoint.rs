//! checkpoint.json: a run's exact statistics over its first trials, written into the staging
//! folder every few seconds (`run --checkpoint-seconds`), so that a killed or stopped run can
//! go on from there (`run --resume`) and end byte-identical to an uninterrupted run: the
//! accumulators merge exactly, and trial k always has the same seed.
//!
//! It is written beside the run's other staging files, to a temporary name and then renamed,
//! so that a kill at any moment leaves either the previous checkpoint or the new one whole.

use super::folder::write_json;
use super::streamed::StreamState;
use crate::run::{Pairing, RunOptions};
use crate::spec::Experiment;
use crate::text::hex;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use stats::ArmStats;
use std::fs;
use std::path::Path;

pub const CHECKPOINT_JSON: &str = "checkpoint.json";
/// The `format` field of every checkpoint.json.
pub const CHECKPOINT_FORMAT: &str = "deescalate-checkpoint";
/// Bumped whenever the layout of checkpoint.json or of the accumulators changes.
pub const CHECKPOINT_FORMAT_VERSION: u32 = 2;

/// The precision target as a checkpoint records it (exactly: Rust prints the shortest
/// decimal that reads back as the same half-width).
pub fn precision_key(p: &crate::spec::Precision) -> String {
    format!(
        "{} half-width {} within {} trials",
        p.metric, p.half_width, p.max_trials
    )
}

/// A run's statistics over trials `[trial_start, trial_start + trials_done)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// Always [`CHECKPOINT_FORMAT`].
    pub format: String,
    pub format_version: u32,
    pub tool_version: String,
    pub experiment: String,
    pub seed: u64,
    /// SHA-256 of the resolved experiment and pairing ([`crate::run::checksum`]): a resumed
    /// run must be the same experiment.
    pub checksum: String,
    /// The experiment's trials per arm.
    pub trials_per_arm: u64,
    /// The first trial the run runs: 0, or a shard's first.
    pub trial_start: u64,
    /// Trials `[trial_start, trial_start + trials_done)` of every arm are in the statistics
    /// (with a precision target, up to its cap).
    pub trials_done: u64,
    pub pairing: Pairing,
    /// The length in bytes of trials.csv after the rows of those trials, if the run writes it.
    pub trials_csv_bytes: Option<u64>,
    /// The precision target the run stops at ([`precision_key`]), if any:
    /// a resume must stop where the stopped run would have.
    pub precision: Option<String>,
    /// Every arm's statistics over those trials (empty for a streamed run).
    pub arms: Vec<ArmStats>,
    /// For a run streamed part by part: the parts finished (each with every trial) and the
    /// state of its tables; `trials_done` is then every trial.
    pub streamed: Option<StreamState>,
    /// SHA-256 over everything above: a damaged checkpoint is refused, not merged.
    pub sha256: String,
}

/// What the digest covers, in a fixed order.
#[derive(Serialize)]
struct Covered<'a> {
    experiment: &'a str,
    seed: u64,
    checksum: &'a str,
    trials_per_arm: u64,
    trial_start: u64,
    trials_done: u64,
    pairing: Pairing,
    trials_csv_bytes: Option<u64>,
    precision: &'a Option<String>,
    arms: &'a [ArmStats],
    streamed: &'a Option<StreamState>,
}

impl Checkpoint {
    /// The checkpoint of a run of `experiment` with `options` (whose resolved experiment has
    /// SHA-256 `checksum`) after trial indices `done` of every arm, with its digest.
    pub fn new(
        experiment: &Experiment,
        options: &RunOptions,
        checksum: String,
        done: std::ops::Range<u64>,
        trials_csv_bytes: Option<u64>,
        arms: Vec<ArmStats>,
        streamed: Option<StreamState>,
    ) -> Self {
        let mut c = Checkpoint {
            format: CHECKPOINT_FORMAT.into(),
            format_version: CHECKPOINT_FORMAT_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").into(),
            experiment: experiment.name.clone(),
            seed: experiment.seed,
            checksum,
            trials_per_arm: experiment.trials,
            trial_start: done.start,
            trials_done: done.end - done.start,
            pairing: options.pairing,
            trials_csv_bytes,
            precision: options.precision.as_ref().map(precision_key),
            arms,
            streamed,
            sha256: String::new(),
        };
        c.sha256 = c.digest();
        c
    }

    fn digest(&self) -> String {
        let covered = Covered {
            experiment: &self.experiment,
            seed: self.seed,
            checksum: &self.checksum,
            trials_per_arm: self.trials_per_arm,
            trial_start: self.trial_start,
            trials_done: self.trials_done,
            pairing: self.pairing,
            trials_csv_bytes: self.trials_csv_bytes,
            precision: &self.precision,
            arms: &self.arms,
            streamed: &self.streamed,
        };
        // Plain data always serialises.
        hex(&Sha256::digest(
            serde_json::to_vec(&covered).unwrap_or_default(),
        ))
    }

    /// Writes it into `folder` (to a temporary name, then renamed over the previous one).
    pub fn write(&self, folder: &Path) -> Result<()> {
        let fresh = folder.join(format!("{CHECKPOINT_JSON}.new"));
        write_json(&fresh, self, false)?;
        let path = folder.join(CHECKPOINT_JSON);
        fs::rename(&fresh, &path).map_err(Error::io("cannot write", &path))
    }

    /// Reads the checkpoint in `folder` and checks that it is whole: its format, its digest
    /// and every accumulator's invariants. The reason if it is not.
    pub fn read(folder: &Path) -> Result<Self, String> {
        let path = folder.join(CHECKPOINT_JSON);
        let text = fs::read_to_string(&path).map_err(|e| format!("cannot read it: {e}"))?;
        let c: Checkpoint =
            serde_json::from_str(&text).map_err(|e| format!("it is not a checkpoint: {e}"))?;
        if c.format != CHECKPOINT_FORMAT || c.format_version != CHECKPOINT_FORMAT_VERSION {
            return Err(format!(
                "it is format {} version {}, not {CHECKPOINT_FORMAT} version {CHECKPOINT_FORMAT_VERSION}",
                c.format, c.format_version
            ));
        }
        if c.digest() != c.sha256 {
            return Err("its statistics do not match their SHA-256 (the file is damaged)".into());
        }
        for (i, arm) in c.arms.iter().enumerate() {
            arm.check(c.trials_done)
                .map_err(|e| format!("arm {}: {e}", i + 1))?;
        }
        Ok(c)
    }
}
