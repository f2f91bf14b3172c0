//! `bench`: the model's speed on 1 thread and on all threads (writes no files).

use super::args::parse_set;
use super::print;
use clap::Args;
use experiment::run::{bench, thread_count};
use experiment::spec::{self, Overrides, SetOverride};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct BenchArgs {
    /// Experiment file whose effects baseline arm is timed.
    #[arg(default_value = "configs/status_quo.toml")]
    config: PathBuf,
    /// Trials to time on each thread count.
    #[arg(long, value_name = "N", default_value_t = bench::DEFAULT_BENCH_TRIALS,
          value_parser = clap::value_parser!(u64).range(1..=i64::MAX as u64))]
    trials: u64,
    /// Threads of the parallel run (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    threads: Option<u64>,
    /// Override a value as in `run --set` (KEY=VALUE, repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_set)]
    sets: Vec<SetOverride>,
    /// Write CSV with a header instead of a table.
    #[arg(long)]
    csv: bool,
}

pub(crate) fn bench(args: &BenchArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let overrides = Overrides {
        sets: args.sets.clone(),
        trials: Some(args.trials),
        seed: None,
        ensemble: None,
    };
    let experiment = spec::load(&args.config, &overrides)?;
    let threads = thread_count(
        args.threads
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
    )?;
    let report = bench::bench(&experiment, args.trials, threads)?;
    let peak_mib = report
        .peak_memory_bytes
        .map(|b| b as f64 / (1024.0 * 1024.0));
    if args.csv {
        #[derive(Serialize)]
        struct Row {
            threads: usize,
            trials: u64,
            wall_s: f64,
            trial_years_per_s: f64,
            ns_per_trial_day: f64,
            efficiency: f64,
            peak_memory_mib: Option<f64>,
        }
        let rows: Vec<Row> = report
            .rows
            .iter()
            .map(|r| Row {
                threads: r.threads,
                trials: r.trials,
                wall_s: r.wall_s,
                trial_years_per_s: r.trial_years_per_s,
                ns_per_trial_day: r.ns_per_trial_day,
                efficiency: r.efficiency,
                peak_memory_mib: peak_mib,
            })
            .collect();
        return print::write_csv(&rows, out);
    }
    writeln!(
        out,
        "bench: {}, arm {}, {} trials of {} days each",
        args.config.display(),
        report.arm,
        args.trials,
        report.horizon_days
    )?;
    let table: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| {
            vec![
                r.threads.to_string(),
                r.trials.to_string(),
                format!("{:.2}", r.wall_s),
                format!("{:.0}", r.trial_years_per_s),
                format!("{:.0}", r.ns_per_trial_day),
                format!("{:.1}%", r.efficiency * 100.0),
            ]
        })
        .collect();
    print::write_aligned(
        &[
            "THREADS",
            "TRIALS",
            "WALL_S",
            "TRIAL_YEARS_PER_S",
            "NS_PER_TRIAL_DAY",
            "EFFICIENCY",
        ],
        &table,
        out,
    )?;
    match peak_mib {
        Some(mib) => writeln!(out, "peak memory (VmHWM): {mib:.1} MiB")?,
        None => writeln!(out, "peak memory: not reported by this OS")?,
    }
    Ok(())
}
