//! `deescalate bench`: the speed and memory of the model on this machine. Runs the effects
//! baseline arm of an experiment (by default the status quo) through the ordinary runner on
//! one thread and then on all threads, and reports trial-years per second, the parallel
//! efficiency, the cost of one simulated trial-day and the process's peak memory. Nothing is
//! written to disk (no trials.csv), so the figures are those of the simulation and the
//! statistics alone.

use super::{Pairing, RunOptions, simulate};
use crate::spec::Experiment;
use crate::{Error, Result};
use std::time::Instant;

/// Trials `bench` runs by default: about 10-20 s in all on the 2-core development machine.
pub const DEFAULT_BENCH_TRIALS: u64 = 30_000;

/// One timed run.
#[derive(Debug, Clone)]
pub struct BenchRow {
    pub threads: usize,
    pub trials: u64,
    pub wall_s: f64,
    /// Simulated years (trial-days / 365) per second of wall time.
    pub trial_years_per_s: f64,
    /// Core time per simulated trial-day: wall time × threads / trial-days.
    pub ns_per_trial_day: f64,
    /// Speed-up over one thread divided by the threads (1 for one thread).
    pub efficiency: f64,
}

/// What `bench` measured.
#[derive(Debug, Clone)]
pub struct BenchReport {
    /// Id and label of the arm that ran.
    pub arm: String,
    pub horizon_days: u32,
    /// One thread first, then all threads (if more than one).
    pub rows: Vec<BenchRow>,
    /// Peak resident memory of the process (VmHWM), where the OS reports it.
    pub peak_memory_bytes: Option<u64>,
}

/// Runs the effects baseline arm of `experiment` with `trials` trials on 1 thread and on
/// `threads` threads (if more than 1), through the same runner as `run`.
pub fn bench(experiment: &Experiment, trials: u64, threads: usize) -> Result<BenchReport> {
    if trials == 0 {
        return Err(Error::Unusable("bench needs at least one trial".into()));
    }
    super::thread_count(Some(threads))?;
    let arm = experiment.effects_baseline_arm().into_owned();
    let single = Experiment {
        trials,
        write_trials: false,
        precision: None,
        ..experiment.with_arms(vec![arm.clone()])
    };
    let trial_days = trials as f64 * f64::from(experiment.horizon_days);
    let mut rows: Vec<BenchRow> = Vec::new();
    let counts = if threads > 1 {
        vec![1, threads]
    } else {
        vec![1]
    };
    for n in counts {
        let options = RunOptions {
            threads: Some(n),
            progress: crate::run::Progress::none(),
            pairing: Pairing::Common,
            ..RunOptions::default()
        };
        let started = Instant::now();
        simulate(&single, &options)?;
        let wall_s = started.elapsed().as_secs_f64();
        let rate = trial_days / 365.0 / wall_s;
        let efficiency = rows
            .first()
            .map_or(1.0, |one| rate / one.trial_years_per_s / n as f64);
        rows.push(BenchRow {
            threads: n,
            trials,
            wall_s,
            trial_years_per_s: rate,
            ns_per_trial_day: wall_s * n as f64 / trial_days * 1e9,
            efficiency,
        });
    }
    Ok(BenchReport {
        arm: format!("{} ({})", arm.id, arm.label),
        horizon_days: experiment.horizon_days,
        rows,
        peak_memory_bytes: peak_memory_bytes(),
    })
}

/// The process's peak resident set size (VmHWM in /proc/self/status; Linux only).
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            let bytes = peak_memory_bytes().expect("VmHWM on Linux");
            // At least the test binary itself, and not absurdly large.
            assert!(bytes > 1 << 20 && bytes < 1 << 40, "{bytes}");
        }
    }
}
