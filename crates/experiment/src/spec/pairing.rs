//! How the arms of one trial are seeded relative to each other.

use model::TrialSeed;
use model::rng::trial_seed;
use serde::{Deserialize, Serialize};

/// How arms are seeded relative to each other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pairing {
    /// Every arm of trial k runs on the same seed (common random numbers): paired differences
    /// then measure the measure's effect, not noise between seeds.
    #[default]
    Common,
    /// Each arm of trial k has its own seed (for checking what pairing buys).
    Independent,
}

impl Pairing {
    /// The seed of arm `arm` (index in the experiment) in trial `trial`.
    pub fn seed(self, master: u64, trial: u64, arm: usize) -> TrialSeed {
        match self {
            Pairing::Common => trial_seed(master, trial, 0),
            Pairing::Independent => trial_seed(master, trial, arm as u64 + 1),
        }
    }

    /// Its name in experiment files.
    pub fn name(self) -> &'static str {
        match self {
            Pairing::Common => "common",
            Pairing::Independent => "independent",
        }
    }
}
