//! What a run will take, estimated before it starts: trials, time, memory and disk; and the
//! refusal of a run that this machine cannot hold or finish within the time allowed, so that
//! it fails at once with the numbers rather than hours later or in the kernel's OOM killer.
//!
//! The estimates are bounds built from the runner's own structure (how many arms' statistics
//! it holds at once and in how many copies, how many trial rows wait to be written) and a few
//! measured constants; docs/ARCHITECTURE.md and README "Reliability" give the measurements.

use super::runner::{self, CHUNK_TRIALS};
use super::{ARMS_PER_PART, RunOptions, TrialRow, thread_count};
use crate::spec::Experiment;
use crate::{Error, Result};
use model::{METRICS, MetricKind, Params};
use stats::{ArmStats, wilson_interval};
use std::ops::Range;
use std::path::Path;

/// Nanoseconds per simulated trial-day and thread assumed by the time estimate. `deescalate
/// bench` measured 569 (1 thread) and 625 (2 threads) for the status quo on the 2-core
/// reference machine (2026-12-04); measures and design points cost a little more.
pub const NS_PER_TRIAL_DAY: f64 = 700.0;

/// A run estimated to take longer than this many hours is refused unless `--max-hours` allows
/// it: a week of one machine is more likely a slip of the keyboard than a plan (shard it).
pub const DEFAULT_MAX_HOURS: f64 = 168.0;

/// Memory every run needs whatever its size: the program, its allocator's arenas and the
/// workers' stacks (the status quo, one arm, peaks at 12 MiB; `deescalate bench` at 11 MiB).
const BASE_BYTES: u64 = 16 << 20;

/// Histogram buckets one arm fills over all its metrics after n trials, measured on the
/// status quo (`run configs/status_quo.toml --trials N --shard 1/1`, buckets counted in
/// partial.json): (n, buckets). Distinct values grow far slower than trials (counts repeat;
/// large values share log-spaced buckets), so the hard bound (one per value) would
/// overstate memory five to a hundred times.
const MEASURED_BUCKETS: [(f64, f64); 5] = [
    (1.0, 45.0),
    (100.0, 2_128.0),
    (1_000.0, 9_194.0),
    (10_000.0, 22_133.0),
    (100_000.0, 36_173.0),
];
/// Margin on [`MEASURED_BUCKETS`] for arms that spread wider than the status quo (the arms
/// of compare_measures fill 0.6 to 1.1 times as many at 1,000 trials).
const BUCKET_MARGIN: f64 = 1.5;

/// Histogram buckets expected in one arm after `trials` trials: the measured curve,
/// interpolated in log n and continued at its last decade's slope, with a margin; never
/// more than the hard bound.
fn expected_buckets(trials: u64) -> u64 {
    let n = (trials.max(1)) as f64;
    let x = n.log10();
    let at = |i: usize| (MEASURED_BUCKETS[i].0.log10(), MEASURED_BUCKETS[i].1);
    let last = MEASURED_BUCKETS.len() - 1;
    let segment = (1..=last).find(|&i| x <= at(i).0).unwrap_or(last);
    let ((x0, y0), (x1, y1)) = (at(segment - 1), at(segment));
    let buckets = y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    ((buckets * BUCKET_MARGIN) as u64).min(ArmStats::max_buckets(trials))
}
/// Memory per arm of the experiment, held or not: its id, label, overrides and robustness
/// digest (validate of a 100,000-point grid peaks at 32 MiB).
const ARM_SPEC_BYTES: u64 = 512;
/// Memory per arm held as a whole arm while it runs, beyond its spec: its model parameters.
const HELD_ARM_BYTES: u64 = size_of::<Params>() as u64 + 1024;

/// Output bytes of the numbers in one timeseries.csv row (day, ten statistics of up to six
/// significant digits; 73 measured for dose_response at 1,500 trials), beside the arm's id.
const TIMESERIES_ROW_NUMBERS: u64 = 90;
/// Output bytes of the numbers in one summary.csv or effects.csv row (about 100 measured for
/// dose_response), beside the arm's id, label and unit.
const TABLE_ROW_NUMBERS: u64 = 130;
/// Output bytes per arm in scenarios.csv, robustness.csv, discovery.csv and manifest.json
/// (1.2 to 1.7 KB measured for 2,001 and 18,003 design points).
const OTHER_BYTES_PER_ARM: u64 = 2_000;
/// Output bytes per trials.csv row (one trial of one arm; 210 measured for the status quo,
/// 217 for dose_response's 56 arms).
const TRIAL_ROW_BYTES: u64 = 240;

/// How long and how large a run may be (`--max-hours`, `--max-memory`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Refuse a run estimated to take longer than this on the threads it gets.
    pub max_hours: f64,
    /// Memory the run may use, in bytes; `None`: what the machine has available now.
    pub max_memory: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_hours: DEFAULT_MAX_HOURS,
            max_memory: None,
        }
    }
}

/// What a run will take (upper bounds; a precision run is counted at its trial cap).
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub arms: u64,
    /// Trials per arm, at most.
    pub trials_per_arm: u64,
    /// Simulated trial-days in all, at most.
    pub trial_days: u64,
    pub threads: usize,
    /// Wall time at [`NS_PER_TRIAL_DAY`] on `threads` threads.
    pub hours: f64,
    /// Arms whose statistics are held at once (all, or a streamed design's largest part).
    pub arms_at_once: u64,
    /// Copies of each of those arms' statistics alive at once (totals and workers).
    pub copies: u64,
    /// Bytes of one copy of one arm's statistics.
    pub per_copy: u64,
    /// Bytes of trials.csv (0 if the run does not write it).
    pub trial_rows_bytes: u64,
    /// Trial rows waiting to be written to trials.csv at once.
    pub rows_at_once: u64,
    /// Peak memory, in bytes.
    pub memory: u64,
    /// Output written, in bytes.
    pub disk: u64,
}

/// What the machine offers a run: memory and where that figure comes from, free disk at the
/// output.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    pub memory: Option<(u64, String)>,
    pub disk: Option<u64>,
}

impl Budget {
    /// The budget of running trial indices `trials` of every arm of `experiment` with
    /// `options` (a whole run: `0..experiment.trials`; a shard: its range).
    pub fn estimate(
        experiment: &Experiment,
        options: &RunOptions,
        trials: Range<u64>,
    ) -> Result<Budget> {
        let threads = thread_count(options.threads)?;
        let arms = experiment.arm_count() as u64;
        let trials_per_arm = match &options.precision {
            Some(p) => p.max_trials.max(experiment.trials),
            None => trials.end - trials.start,
        };
        let trial_days = trials_per_arm
            .saturating_mul(arms)
            .saturating_mul(u64::from(experiment.horizon_days));
        let hours = trial_days as f64 * NS_PER_TRIAL_DAY / threads as f64 / 3.6e12;
        let keep_rows = experiment.write_trials || options.write_trials;
        // A streamed run holds one part's arms (a part runs its effects baseline too); any
        // other run every arm, in two totals (the run's and the segment's) and the workers'.
        let (arms_at_once, totals) = match super::streams(experiment, options) {
            true => {
                let largest = experiment
                    .parts(ARMS_PER_PART)
                    .iter()
                    .map(Vec::len)
                    .max()
                    .unwrap_or(0);
                (largest as u64 + 1, 1)
            }
            false => (arms, 2),
        };
        // Rayon folds chunks into one worker per split and merges them as splits finish:
        // measured at most about two per thread alive at once.
        let copies = totals + 2 * threads as u64;
        let rows_at_once = match keep_rows {
            true => runner::wave_chunks(arms as usize, threads) * CHUNK_TRIALS * arms,
            false => 0,
        };
        let per_copy =
            ArmStats::memory_with(expected_buckets(trials_per_arm), experiment.horizon_days);
        let memory = BASE_BYTES
            .saturating_add(arms.saturating_mul(ARM_SPEC_BYTES))
            .saturating_add(arms_at_once.saturating_mul(HELD_ARM_BYTES))
            .saturating_add(arms_at_once.saturating_mul(copies).saturating_mul(per_copy))
            // Rows are gathered from the workers into one list, then sorted in place.
            .saturating_add(rows_at_once.saturating_mul(2 * size_of::<TrialRow>() as u64));
        let (id, label) = mean_name_lengths(experiment);
        let metric_rows = METRICS.len() as u64;
        let per_arm_disk = u64::from(experiment.horizon_days) * (id + TIMESERIES_ROW_NUMBERS)
            + metric_rows * (id + label + TABLE_ROW_NUMBERS) // summary.csv
            + metric_rows * (2 * id + label + TABLE_ROW_NUMBERS) // effects.csv
            + OTHER_BYTES_PER_ARM;
        let trial_rows = match keep_rows {
            true => trials_per_arm.saturating_mul(arms),
            false => 0,
        };
        let disk = arms
            .saturating_mul(per_arm_disk)
            .saturating_add(trial_rows.saturating_mul(TRIAL_ROW_BYTES));
        Ok(Budget {
            arms,
            trials_per_arm,
            trial_days,
            threads,
            hours,
            arms_at_once,
            copies,
            per_copy,
            trial_rows_bytes: trial_rows.saturating_mul(TRIAL_ROW_BYTES),
            rows_at_once,
            memory,
            disk,
        })
    }

    /// Refuses, with the numbers and what to do instead, a run that would take longer than
    /// `limits` allow, need more memory than `machine` (or `limits`) offers, or more disk than
    /// is free at its output.
    pub fn check(&self, limits: &Limits, machine: &Machine) -> Result<()> {
        if self.hours > limits.max_hours {
            return Err(Error::TooBig(format!(
                "this run would take about {} on {} ({} trial-days at about {} ns each \
                 per thread), more than --max-hours {} allows; split it into shards that \
                 separate machines run (`run --shard K/N`, then `merge`), run fewer trials or \
                 a lower max_trials, or pass a larger --max-hours",
                hours_text(self.hours),
                threads_text(self.threads),
                self.trial_days,
                NS_PER_TRIAL_DAY,
                limits.max_hours
            )));
        }
        let memory = match limits.max_memory {
            Some(bytes) => Some((bytes, "--max-memory".to_string())),
            None => machine.memory.clone(),
        };
        if let Some((available, source)) = memory
            && self.memory > available
        {
            return Err(Error::TooBig(format!(
                "this run would need about {} of memory ({} arms' statistics held at once, \
                 {} copies of up to {} each{}), more than the {} that {source} allows; \
                 run it with fewer threads (each holds a copy){}, or with fewer arms (split \
                 the design over several files), or pass --max-memory if you know better",
                bytes_text(self.memory),
                self.arms_at_once,
                self.copies,
                bytes_text(self.per_copy),
                match self.rows_at_once {
                    0 => String::new(),
                    rows => format!(", {rows} trials.csv rows waiting to be written"),
                },
                bytes_text(available),
                match self.rows_at_once {
                    0 => "",
                    _ => ", without trials.csv (design points then run 128 arms at a time)",
                },
            )));
        }
        if let Some(free) = machine.disk
            && self.disk > free
        {
            return Err(Error::TooBig(format!(
                "this run would write about {} of output{}, more than the {} free where it \
                 writes; free some space or choose another --out{}",
                bytes_text(self.disk),
                match self.trial_rows_bytes {
                    0 => String::new(),
                    bytes => format!(" ({} of it trials.csv)", bytes_text(bytes)),
                },
                bytes_text(free),
                match self.trial_rows_bytes {
                    0 => "",
                    _ => ", or leave out trials.csv",
                }
            )));
        }
        Ok(())
    }

    /// One line for `validate`: time, memory and disk.
    pub fn describe(&self, machine: &Machine) -> String {
        format!(
            "about {} on {}, {} of memory{}, {} of output{}",
            hours_text(self.hours),
            threads_text(self.threads),
            bytes_text(self.memory),
            match &machine.memory {
                Some((bytes, _)) => format!(" (of {} available)", bytes_text(*bytes)),
                None => String::new(),
            },
            bytes_text(self.disk),
            match machine.disk {
                Some(bytes) => format!(" (of {} free)", bytes_text(bytes)),
                None => String::new(),
            },
        )
    }
}

/// The mean length of the arms' ids and labels (over up to 64 arms spread through the
/// experiment: design points' labels grow with their parameters), which every row repeats.
fn mean_name_lengths(experiment: &Experiment) -> (u64, u64) {
    let arms = experiment.arm_count();
    if arms == 0 {
        return (0, 0);
    }
    let sample = arms.min(64);
    let (mut id, mut label) = (0, 0);
    for k in 0..sample {
        let index = match sample {
            1 => 0,
            _ => k * (arms - 1) / (sample - 1),
        };
        let arm = experiment.arm(index);
        id += arm.id.len() as u64;
        label += arm.label.len() as u64;
    }
    (id / sample as u64 + 1, label / sample as u64 + 1)
}

/// Refuses a precision target no run can meet within its trial cap: for a 0/1 metric, even
/// an arm where the event never happens keeps a Wilson interval of half-width about
/// 1.92/n after n trials.
pub fn check_precision_reachable(options: &RunOptions, experiment: &Experiment) -> Result<()> {
    let Some(p) = &options.precision else {
        return Ok(());
    };
    let spec = &METRICS[p.metric_index];
    if spec.kind != MetricKind::Binary {
        return Ok(());
    }
    let cap = p.max_trials.max(experiment.trials);
    let narrowest = wilson_interval(0.0, cap).map_or(f64::INFINITY, |i| (i.high - i.low) / 2.0);
    if narrowest <= p.half_width {
        return Ok(());
    }
    // The Wilson half-width at p = 0 is z²/(2(n + z²)); solve for the n that reaches it.
    let z2 = stats::Z_975 * stats::Z_975;
    let needed = (z2 / (2.0 * p.half_width) - z2).ceil();
    Err(Error::Unusable(format!(
        "the precision target {} ± {:e} cannot be met within max_trials {cap}: even an arm where \
         it never happens keeps a 95% half-width of {narrowest:.3e} after {cap} trials; \
         allowed is a half-width of at least {narrowest:.3e}, or max_trials of at least {needed:.0}",
        p.metric, p.half_width
    )))
}

impl Machine {
    /// What this machine offers now: available memory (the least of MemAvailable, the
    /// cgroup's free memory and the address-space limit's room) and free disk at the nearest
    /// existing folder above `target`.
    pub fn probe(target: &Path) -> Machine {
        Machine {
            memory: available_memory(),
            disk: free_disk(target),
        }
    }
}

fn available_memory() -> Option<(u64, String)> {
    let mut system = sysinfo::System::new();
    system.refresh_memory();
    let mut best: Option<(u64, String)> = None;
    let mut offer = |bytes: u64, source: &str| {
        if bytes > 0 && best.as_ref().is_none_or(|(b, _)| bytes < *b) {
            best = Some((bytes, source.to_string()));
        }
    };
    offer(system.available_memory(), "this machine's available memory");
    if let Some(cgroup) = system.cgroup_limits() {
        offer(
            cgroup.free_memory,
            "the memory limit of this process's cgroup",
        );
    }
    if let Some(limit) = rustix::process::getrlimit(rustix::process::Resource::As).current {
        let used = sysinfo::get_current_pid().ok().and_then(|pid| {
            system.refresh_processes_specifics(
                sysinfo::ProcessesToUpdate::Some(&[pid]),
                false,
                sysinfo::ProcessRefreshKind::nothing().with_memory(),
            );
            system.process(pid).map(sysinfo::Process::virtual_memory)
        });
        offer(
            limit.saturating_sub(used.unwrap_or(0)),
            "the address-space limit (ulimit -v)",
        );
    }
    best
}

fn free_disk(target: &Path) -> Option<u64> {
    let absolute = std::path::absolute(target).ok()?;
    let existing = absolute.ancestors().find(|a| a.exists())?;
    let stats = rustix::fs::statvfs(existing).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

/// Hours as a person says them: "40 s", "12 min", "3.5 h", "9 days", "5.8 years".
fn hours_text(hours: f64) -> String {
    let seconds = hours * 3600.0;
    match seconds {
        s if s < 90.0 => format!("{s:.0} s"),
        s if s < 5400.0 => format!("{:.0} min", s / 60.0),
        _ if hours < 48.0 => format!("{hours:.1} h"),
        _ if hours < 24.0 * 730.0 => format!("{:.0} days", hours / 24.0),
        _ => format!("{:.1} years", hours / (24.0 * 365.25)),
    }
}

fn threads_text(threads: usize) -> String {
    match threads {
        1 => "1 thread".to_string(),
        n => format!("{n} threads"),
    }
}

/// Bytes in binary units: "512 B", "3.0 MiB", "15.0 GiB".
fn bytes_text(bytes: u64) -> String {
    bytesize::ByteSize::b(bytes).display().iec().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Overrides, Precision};

    /// The experiment of `text` (TOML), loaded as from a file.
    fn experiment(text: &str) -> Experiment {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.toml");
        std::fs::write(&path, text).unwrap();
        crate::spec::load(&path, &Overrides::default()).unwrap()
    }

    const GRID: &str = "name = \"g\"\ntrials = 100\nseed = 1\n[baseline]\n[sweep]\n\
        \"measures.mediation.intensity\" = { from = 0.0, to = 1.0, steps = 20 }\n\
        \"measures.confidence_building.intensity\" = { from = 0.0, to = 1.0, steps = 15 }\n";

    fn budget(e: &Experiment, options: &RunOptions) -> Budget {
        Budget::estimate(e, options, 0..e.trials).unwrap()
    }

    fn options(threads: usize) -> RunOptions {
        RunOptions {
            threads: Some(threads),
            ..RunOptions::default()
        }
    }

    #[test]
    fn a_streamed_design_holds_one_part_and_trials_csv_holds_every_arm() {
        let e = experiment(GRID);
        assert_eq!(e.arm_count(), 301);
        let streamed = budget(&e, &options(2));
        assert!(streamed.arms_at_once <= ARMS_PER_PART as u64 + 1);
        assert_eq!(streamed.rows_at_once, 0);
        assert_eq!(streamed.trial_rows_bytes, 0);
        let with_rows = RunOptions {
            write_trials: true,
            ..options(2)
        };
        let held = budget(&e, &with_rows);
        assert_eq!(held.arms_at_once, 301);
        assert!(held.rows_at_once >= 301 * CHUNK_TRIALS);
        assert!(held.memory > 2 * streamed.memory);
        assert!(held.disk > streamed.disk + 301 * 100 * 200);
        // Same work either way.
        assert_eq!(held.trial_days, 301 * 100 * 365);
        assert_eq!(held.hours, streamed.hours);
    }

    #[test]
    fn memory_grows_with_threads_trials_and_precision_caps() {
        let e = experiment(GRID);
        let rows = |threads| RunOptions {
            write_trials: true,
            ..options(threads)
        };
        let (one, eight) = (budget(&e, &rows(1)), budget(&e, &rows(8)));
        assert!(eight.copies > one.copies && eight.memory > one.memory);
        assert!(eight.hours < one.hours);
        let precise = RunOptions {
            precision: Precision::new("open_war", 0.01, 20_000),
            ..options(1)
        };
        let capped = budget(&e, &precise);
        assert_eq!(capped.trials_per_arm, 20_000);
        assert!(capped.per_copy > one.per_copy);
    }

    #[test]
    fn check_refuses_with_the_numbers_and_the_way_out() {
        let e = experiment(GRID);
        let b = budget(
            &e,
            &RunOptions {
                write_trials: true,
                ..options(2)
            },
        );
        let roomy = Machine {
            memory: Some((u64::MAX, "plenty".into())),
            disk: Some(u64::MAX),
        };
        b.check(&Limits::default(), &roomy).unwrap();
        let tight = Machine {
            memory: Some((b.memory - 1, "the test's memory".into())),
            disk: Some(u64::MAX),
        };
        let refused = b.check(&Limits::default(), &tight).unwrap_err();
        assert!(refused.is_bad_input());
        let text = refused.to_string();
        assert!(text.contains("the test's memory allows") && text.contains("301 arms"));
        assert!(text.contains("without trials.csv"), "{text}");
        // --max-memory wins over what the machine says.
        let limits = Limits {
            max_memory: Some(b.memory),
            ..Limits::default()
        };
        b.check(&limits, &tight).unwrap();
        let full = Machine {
            memory: None,
            disk: Some(b.disk - 1),
        };
        let text = b.check(&Limits::default(), &full).unwrap_err().to_string();
        assert!(
            text.contains("free where it writes") && text.contains("trials.csv"),
            "{text}"
        );
        let short = Limits {
            max_hours: b.hours / 2.0,
            ..Limits::default()
        };
        let text = b.check(&short, &roomy).unwrap_err().to_string();
        assert!(
            text.contains("--max-hours") && text.contains("--shard"),
            "{text}"
        );
    }

    #[test]
    fn a_precision_target_narrower_than_any_arm_can_reach_is_refused() {
        let e = experiment(GRID);
        let with = |metric, half_width, max_trials| RunOptions {
            precision: Precision::new(metric, half_width, max_trials),
            ..options(1)
        };
        // 0/1 metric: about 1.92/n is the floor after n trials.
        check_precision_reachable(&with("open_war", 1e-12, 1_000_000_000_000), &e).unwrap_err();
        check_precision_reachable(&with("open_war", 1e-3, 1_000), &e).unwrap_err();
        check_precision_reachable(&with("open_war", 1e-3, 1_000_000), &e).unwrap();
        // A count's interval can be 0 wide (every trial the same), so no target is hopeless.
        check_precision_reachable(&with("attacks", 1e-12, 1_000), &e).unwrap();
        check_precision_reachable(&options(1), &e).unwrap();
    }

    #[test]
    fn text_of_hours_and_bytes() {
        assert_eq!(hours_text(10.0 / 3600.0), "10 s");
        assert_eq!(hours_text(0.5), "30 min");
        assert_eq!(hours_text(3.5), "3.5 h");
        assert_eq!(hours_text(24.0 * 9.0), "9 days");
        assert_eq!(hours_text(24.0 * 365.25 * 5.8), "5.8 years");
        assert_eq!(bytes_text(512), "512 B");
        assert_eq!(bytes_text(3 << 20), "3.0 MiB");
        assert_eq!(bytes_text(15 << 30), "15.0 GiB");
    }

    #[test]
    fn expected_buckets_follow_the_measured_curve_within_the_hard_bound() {
        for (n, measured) in MEASURED_BUCKETS {
            let expected = expected_buckets(n as u64) as f64;
            let bound = ArmStats::max_buckets(n as u64) as f64;
            assert_eq!(
                expected,
                (measured * BUCKET_MARGIN).min(bound).floor(),
                "n = {n}"
            );
        }
        // Monotone, between the measured points and beyond the last.
        let mut last = 0;
        for n in [1, 2, 10, 50, 500, 5_000, 50_000, 1_000_000, 1 << 40] {
            let b = expected_buckets(n);
            assert!(b >= last && b <= ArmStats::max_buckets(n), "n = {n}: {b}");
            last = b;
        }
    }
}
