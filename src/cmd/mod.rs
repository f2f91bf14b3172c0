//! The subcommands, one file each: run (whole or one shard), merge, validate, params and
//! metrics, calibrate and sensitivity, bench. `args` holds the options they share, `print`
//! the plain-text tables, `progress` the terminal progress bar.

mod analysis;
mod args;
mod bench;
mod listing;
mod merge;
mod print;
mod progress;
mod report;
mod run;
mod validate;

use clap::{Parser, Subcommand};
use std::io::{self, Write};

/// Seeded agent-based simulation of the Pakistan–Afghanistan crisis: runs many trials per
/// policy arm and writes outcome statistics to CSV.
#[derive(Debug, Parser)]
#[command(name = "deescalate", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run an experiment file and write its results.
    Run(run::RunArgs),
    /// Merge the partial results of `run --shard` into the run folder a single run writes.
    Merge(merge::MergeArgs),
    /// Check an experiment file and show what a run would do.
    Validate(validate::ValidateArgs),
    /// List every model parameter: key, default, allowed and plausible range, unit, meaning, source.
    Params(listing::ListArgs),
    /// List every outcome metric: name, unit, kind, which way is better, definition.
    Metrics(listing::ListArgs),
    /// Compare the file's baseline arm with the real-world targets; write calibration.csv.
    Calibrate(analysis::CalibrateArgs),
    /// Morris elementary-effects screening of the baseline arm ([morris]); write sensitivity.csv.
    Sensitivity(analysis::SensitivityArgs),
    /// Write report.xlsx (sheets with typed cells, native charts) and report.html (one
    /// self-contained page with charts) into a results folder.
    Report(report::ReportArgs),
    /// Time the model: trial-years per second on 1 thread and on all threads, parallel
    /// efficiency, cost per simulated trial-day and peak memory (writes no files).
    Bench(bench::BenchArgs),
}

/// Parses the command line (usage errors and help exit there, as clap does) and runs it.
pub fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match cli.command {
        Command::Run(args) => run::run(&args, &mut out)?,
        Command::Merge(args) => merge::merge(&args, &mut out)?,
        Command::Validate(args) => validate::validate(&args, &mut out)?,
        Command::Params(args) => listing::write_params(args.format(), &mut out)?,
        Command::Metrics(args) => listing::write_metrics(args.format(), &mut out)?,
        Command::Calibrate(args) => analysis::calibrate(&args, &mut out)?,
        Command::Sensitivity(args) => analysis::sensitivity(&args, &mut out)?,
        Command::Report(args) => report::report(&args, &mut out)?,
        Command::Bench(args) => bench::bench(&args, &mut out)?,
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
