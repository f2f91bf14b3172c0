//! The options several subcommands share: the experiment file with its overrides, and where
//! and how a job runs and writes.

use super::progress;
use clap::Args;
use experiment::run::{Pairing, RunOptions};
use experiment::spec::{self, ConfigError, EnsembleFile, Experiment, Overrides, SetOverride};
use std::path::{Path, PathBuf};

/// Changes to the experiment file from the command line.
#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    /// Experiment file (TOML).
    pub(crate) config: PathBuf,
    /// Override a value: KEY=VALUE, VALUE in TOML syntax (0.5, true, "text", [1, 2]; a bare
    /// word is text). KEY is a parameter key path applied to the baseline
    /// (pakistan.strike_threshold=0.5) or a path in the file (trials=500,
    /// scenarios.cbm.measures.confidence_building.intensity=1). Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_set)]
    sets: Vec<SetOverride>,
    /// Trials per arm (overrides the file).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=i64::MAX as u64))]
    trials: Option<u64>,
    /// Master seed (overrides the file).
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
}

impl ConfigArgs {
    pub(crate) fn overrides(&self) -> Overrides {
        Overrides {
            sets: self.sets.clone(),
            trials: self.trials,
            seed: self.seed,
            ensemble: None,
        }
    }

    /// The overrides with `--ensemble FILE` read, if given.
    pub(crate) fn overrides_with(&self, ensemble: Option<&Path>) -> Result<Overrides, ConfigError> {
        Ok(Overrides {
            ensemble: ensemble.map(EnsembleFile::read).transpose()?,
            ..self.overrides()
        })
    }

    pub(crate) fn load(&self) -> Result<Experiment, ConfigError> {
        spec::load(&self.config, &self.overrides())
    }

    /// The experiment, run at every member of `ensemble` if given.
    pub(crate) fn load_with(&self, ensemble: Option<&Path>) -> Result<Experiment, ConfigError> {
        spec::load(&self.config, &self.overrides_with(ensemble)?)
    }
}

/// Where and how a job (run, calibrate, sensitivity) runs and writes.
#[derive(Debug, Args)]
pub(crate) struct JobArgs {
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    threads: Option<u64>,
    /// Folder to write (default: <output_dir>/<name>/ for run, <output_dir>/<name>-<command>/
    /// for calibrate and sensitivity).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replace an existing folder of the same name.
    #[arg(long)]
    force: bool,
    /// Do not show a progress bar.
    #[arg(long)]
    no_progress: bool,
}

impl JobArgs {
    /// The options of a plain run; `run` sets trials.csv, pairing and precision on top.
    pub(crate) fn options(&self) -> RunOptions {
        RunOptions {
            threads: self
                .threads
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            out: self.out.clone(),
            force: self.force,
            write_trials: false,
            progress: progress::bar(!self.no_progress),
            pairing: Pairing::Common,
            precision: None,
            ..RunOptions::default()
        }
    }
}

pub(crate) fn parse_set(arg: &str) -> Result<SetOverride, String> {
    arg.parse()
}
