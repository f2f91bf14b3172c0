//! Experiment files: loading, parameter overrides by key path, validation, and the resolved
//! experiment the runner executes.

use crate::model::Params;
use std::path::PathBuf;

/// A fully resolved, validated experiment.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The file it was read from.
    pub source: PathBuf,
    /// Name, used as the output folder name: letters, digits, `_` and `-`.
    pub name: String,
    pub description: String,
    /// Trials per arm.
    pub trials: u64,
    /// Simulated days per trial.
    pub horizon_days: u32,
    /// Master seed.
    pub seed: u64,
    /// Folder the run folder goes into (default `results`); the run writes `<output_dir>/<name>/`.
    pub output_dir: PathBuf,
    /// Whether to write trials.csv.
    pub write_trials: bool,
    /// The arms: the baseline first, then the named scenarios in file order.
    pub arms: Vec<Arm>,
    /// The fully resolved experiment (every arm's complete parameters), for the manifest.
    pub resolved: toml::Table,
}

/// One policy arm: a named parameter set.
#[derive(Debug, Clone)]
pub struct Arm {
    /// Stable identifier (`baseline` or the scenario's key).
    pub id: String,
    /// Readable label.
    pub label: String,
    pub params: Params,
    /// The parameters this arm sets differently from the defaults, as key path and value.
    pub overrides: Vec<(String, toml::Value)>,
}
