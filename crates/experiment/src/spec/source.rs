//! An experiment file's text with the command-line changes to it: enough to rebuild the
//! experiment elsewhere (a shard's partial result carries it, and merge rebuilds from it).

use super::{ConfigError, Experiment, Overrides, SetOverride};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The experiment file and the command-line changes to it, enough to rebuild the experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentSource {
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

impl ExperimentSource {
    /// Reads the experiment file at `path`, to be changed by `overrides`.
    pub fn read(path: &Path, overrides: &Overrides) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|os_error| ConfigError::Read {
            file: path.to_path_buf(),
            os_error,
        })?;
        Ok(ExperimentSource {
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
        super::parse(&self.text, &source, &overrides)
    }
}
