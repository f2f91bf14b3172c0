//! The options several subcommands share: the experiment file with its overrides, and where
//! and how a job runs and writes.

use super::progress;
use clap::Args;
use experiment::run::{DEFAULT_MAX_HOURS, Limits, Pairing, RunOptions};
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

/// How long and how large a run may be; a run estimated beyond them is refused at once.
#[derive(Debug, Args)]
pub(crate) struct LimitArgs {
    /// Refuse a run estimated to take longer than this many hours on its threads.
    #[arg(long, value_name = "H", default_value_t = DEFAULT_MAX_HOURS, value_parser = parse_hours)]
    max_hours: f64,
    /// Memory the run may use (e.g. 4GiB, 500MB; default: what the machine has available:
    /// free memory, the cgroup's limit and ulimit -v, the least of them).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_memory: Option<u64>,
}

impl LimitArgs {
    pub(crate) fn limits(&self) -> Limits {
        Limits {
            max_hours: self.max_hours,
            max_memory: self.max_memory,
        }
    }
}

fn parse_hours(arg: &str) -> Result<f64, String> {
    match arg.trim().parse::<f64>() {
        Ok(h) if h > 0.0 && h.is_finite() => Ok(h),
        _ => Err(format!("expected a positive number of hours, got `{arg}`")),
    }
}

fn parse_size(arg: &str) -> Result<u64, String> {
    match arg.trim().parse::<bytesize::ByteSize>() {
        Ok(size) if size.as_u64() > 0 => Ok(size.as_u64()),
        _ => Err(format!(
            "expected a size such as 4GiB, 500MB or 2000000000 (bytes), got `{arg}`"
        )),
    }
}

pub(crate) fn parse_set(arg: &str) -> Result<SetOverride, String> {
    arg.parse()
}
