//! The command line (clap): run (whole or one shard), merge, validate, params, metrics,
//! calibrate, sensitivity, bench.
//!
//! `main` parses the arguments, calls `run`, prints an error chain once (`error: ...` then
//! `caused by: ...`) and returns the exit code: 0 on success, 2 for bad input (configuration
//! errors, bad usage), 1 for any other failure.

use crate::cli_analysis::{CalibrateArgs, SensitivityArgs};
use crate::experiment::{self, MergeOptions, Pairing, RunOptions, Shard, ShardError};
use crate::model::Params;
use crate::model::outcomes::METRICS;
use crate::model::param_spec::Domain;
use crate::scenario::{
    self, ConfigError, DEFAULT_MAX_TRIALS, Experiment, Overrides, Precision, SetOverride,
};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

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
    Run(RunArgs),
    /// Merge the partial results of `run --shard` into the run folder a single run writes.
    Merge(MergeArgs),
    /// Check an experiment file and show what a run would do.
    Validate(ValidateArgs),
    /// List every model parameter: key, default, allowed and plausible range, unit, meaning, source.
    Params(ListArgs),
    /// List every outcome metric: name, unit, kind, definition.
    Metrics(ListArgs),
    /// Compare the file's baseline arm with the real-world targets; write calibration.csv.
    Calibrate(CalibrateArgs),
    /// Morris elementary-effects screening of the baseline arm ([morris]); write sensitivity.csv.
    Sensitivity(SensitivityArgs),
    /// Time the model: trial-years per second on 1 thread and on all threads, parallel
    /// efficiency, cost per simulated trial-day and peak memory (writes no files).
    Bench(BenchArgs),
}

/// Changes to the experiment file from the command line.
#[derive(Debug, Args)]
pub(crate) struct ConfigArgs {
    /// Experiment file (TOML).
    config: PathBuf,
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
    fn overrides(&self) -> Overrides {
        Overrides {
            sets: self.sets.clone(),
            trials: self.trials,
            seed: self.seed,
        }
    }

    pub(crate) fn load(&self) -> Result<Experiment, ConfigError> {
        scenario::load(&self.config, &self.overrides())
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
            progress: !self.no_progress && io::stderr().is_terminal(),
            pairing: Pairing::Common,
            precision: None,
        }
    }
}

fn parse_set(arg: &str) -> Result<SetOverride, String> {
    arg.parse()
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    job: JobArgs,
    /// Also write trials.csv (one row per trial), as write_trials = true does.
    #[arg(long)]
    trials_csv: bool,
    /// Run each arm on its own seeds instead of common random numbers (as pairing =
    /// "independent"); effects then use Welch intervals.
    #[arg(long)]
    independent_seeds: bool,
    /// Run in batches (trials, then doubling) until the 95% half-width of METRIC is at most
    /// HALF_WIDTH in every arm, or [precision] max_trials (default 20000) per arm have run.
    #[arg(long, value_name = "METRIC=HALF_WIDTH", value_parser = parse_precision)]
    precision: Option<(String, f64)>,
    /// Run only shard K of N (K from 1 to N): trials [⌊(K−1)·T/N⌋, ⌊K·T/N⌋) of the T trials,
    /// every arm. Writes a partial result (partial.json) into --out (default
    /// <output_dir>/<name>-shard-K-of-N) for `deescalate merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<Shard>,
}

fn parse_shard(arg: &str) -> Result<Shard, String> {
    arg.parse()
}

#[derive(Debug, Args)]
struct MergeArgs {
    /// The shards' output folders (or their partial.json files), in any order: every shard
    /// of one run, each once.
    #[arg(required = true, value_name = "PART")]
    parts: Vec<PathBuf>,
    /// Run folder to write (default <output_dir>/<name> of the experiment, as `run` writes).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replace an existing run folder.
    #[arg(long)]
    force: bool,
}

fn parse_precision(arg: &str) -> Result<(String, f64), String> {
    let (metric, hw) = arg
        .split_once('=')
        .ok_or_else(|| format!("expected METRIC=HALF_WIDTH, e.g. open_war=0.02, got `{arg}`"))?;
    let metric = metric.trim();
    if !METRICS.iter().any(|m| m.name == metric) {
        return Err(format!(
            "unknown metric `{metric}`; `deescalate metrics` lists them"
        ));
    }
    match hw.trim().parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok((metric.to_string(), x)),
        _ => Err(format!(
            "the half-width must be a positive number, got `{hw}`"
        )),
    }
}

#[derive(Debug, Args)]
struct ValidateArgs {
    #[command(flatten)]
    config: ConfigArgs,
}

#[derive(Debug, Args)]
struct BenchArgs {
    /// Experiment file whose effects baseline arm is timed.
    #[arg(default_value = "configs/status_quo.toml")]
    config: PathBuf,
    /// Trials to time on each thread count.
    #[arg(long, value_name = "N", default_value_t = experiment::bench::DEFAULT_BENCH_TRIALS,
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

#[derive(Debug, Args)]
struct ListArgs {
    /// Write CSV with a header instead of an aligned table.
    #[arg(long, conflicts_with = "markdown")]
    csv: bool,
    /// Write a Markdown table (the one in docs/REFERENCE.md).
    #[arg(long)]
    markdown: bool,
}

/// How `params` and `metrics` print a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListFormat {
    /// Aligned columns for a terminal.
    Table,
    Csv,
    Markdown,
}

impl ListArgs {
    fn format(&self) -> ListFormat {
        match (self.csv, self.markdown) {
            (true, _) => ListFormat::Csv,
            (false, true) => ListFormat::Markdown,
            (false, false) => ListFormat::Table,
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with code 0; usage errors to stderr with code 2.
            let _ = e.print();
            return e.exit_code();
        }
    };
    match run(cli) {
        Ok(()) => 0,
        Err(err) if is_broken_pipe(&err) => 0,
        Err(err) => {
            let mut stderr = io::stderr().lock();
            let _ = writeln!(stderr, "error: {err}");
            for cause in err.chain().skip(1) {
                let _ = writeln!(stderr, "caused by: {cause}");
            }
            exit_code(&err)
        }
    }
}

/// 2 for bad input anywhere in the chain, 1 otherwise.
fn exit_code(err: &anyhow::Error) -> i32 {
    if err
        .chain()
        .any(|c| c.is::<ConfigError>() || c.is::<ShardError>())
    {
        2
    } else {
        1
    }
}

/// Output piped into `head` that stops reading is not a failure.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match cli.command {
        Command::Run(args) => run_experiment(&args, &mut out)?,
        Command::Merge(args) => merge_parts(&args, &mut out)?,
        Command::Validate(args) => {
            let experiment = args.config.load()?;
            describe(&experiment, &mut out)?;
        }
        Command::Params(args) => write_params(args.format(), &mut out)?,
        Command::Metrics(args) => write_metrics(args.format(), &mut out)?,
        Command::Calibrate(args) => crate::cli_analysis::calibrate(&args, &mut out)?,
        Command::Sensitivity(args) => crate::cli_analysis::sensitivity(&args, &mut out)?,
        Command::Bench(args) => run_bench(&args, &mut out)?,
    }
    out.flush()?;
    Ok(())
}

fn run_experiment(args: &RunArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let experiment = args.config.load()?;
    let options = RunOptions {
        write_trials: args.trials_csv || experiment.write_trials,
        pairing: if args.independent_seeds {
            Pairing::Independent
        } else {
            experiment.pairing
        },
        precision: match &args.precision {
            None => experiment.precision.clone(),
            Some((metric, half_width)) => Precision::new(
                metric,
                *half_width,
                experiment
                    .precision
                    .as_ref()
                    .map_or(DEFAULT_MAX_TRIALS, |p| p.max_trials)
                    .max(experiment.trials),
            ),
        },
        ..args.job.options()
    };
    if let Some(shard) = args.shard {
        return run_shard(args, &experiment, &options, shard, out);
    }
    let started = Instant::now();
    let report = experiment::run(&experiment, &options).with_context(|| {
        format!(
            "running experiment {} from {}",
            experiment.name,
            experiment.source.display()
        )
    })?;
    let arms = experiment.arms.len() as u64;
    writeln!(
        out,
        "wrote {}: {} arms × {} trials = {} trials, {} days each, in {}",
        report.out_dir.display(),
        arms,
        report.trials,
        arms.saturating_mul(report.trials),
        experiment.horizon_days,
        wall_time(started.elapsed())
    )?;
    if let Some(p) = &report.precision {
        let achieved = p
            .half_width_achieved
            .map_or("undefined".to_string(), |h| format!("{h:.6}"));
        writeln!(
            out,
            "precision: {} 95% half-width {} (target {}) after {} trials per arm: {}",
            p.metric,
            achieved,
            p.half_width_target,
            report.trials,
            if p.met {
                "met"
            } else {
                "NOT met (max_trials reached)"
            }
        )?;
    }
    Ok(())
}

/// `run --shard K/N`: one shard's partial result.
fn run_shard(
    args: &RunArgs,
    experiment: &Experiment,
    options: &RunOptions,
    shard: Shard,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let config = experiment::PartialConfig::read(&args.config.config, &args.config.overrides())?;
    let report = experiment::run_shard(experiment, &config, options, shard).with_context(|| {
        format!(
            "running shard {shard} of experiment {} from {}",
            experiment.name,
            experiment.source.display()
        )
    })?;
    let range = shard.trials(experiment.trials);
    writeln!(
        out,
        "wrote {}: shard {shard}, trials {}..{} of {} × {} arms, in {}; combine all {} shards with `deescalate merge`",
        report.out_dir.display(),
        range.start,
        range.end,
        experiment.trials,
        experiment.arms.len(),
        wall_time(report.wall_time),
        shard.count
    )?;
    Ok(())
}

/// `merge PARTS...`.
fn merge_parts(args: &MergeArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let options = MergeOptions {
        out: args.out.clone(),
        force: args.force,
    };
    let report = experiment::merge(&args.parts, &options).context("merging partial results")?;
    writeln!(
        out,
        "wrote {}: merged {} shards of {}: {} arms × {} trials, in {}",
        report.out_dir.display(),
        report.parts,
        report.experiment,
        report.arms,
        report.trials,
        wall_time(report.wall_time)
    )?;
    Ok(())
}

fn run_bench(args: &BenchArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let overrides = Overrides {
        sets: args.sets.clone(),
        trials: Some(args.trials),
        seed: None,
    };
    let experiment = scenario::load(&args.config, &overrides)?;
    let threads = match args.threads {
        Some(n) => usize::try_from(n).unwrap_or(usize::MAX),
        None => std::thread::available_parallelism()
            .context("cannot count the CPU cores; pass --threads")?
            .get(),
    };
    let report = experiment::bench::bench(&experiment, args.trials, threads)?;
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
        return write_csv(&rows, out);
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
    write_aligned(
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

pub(crate) fn wall_time(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 60.0 {
        format!("{s:.1} s")
    } else {
        format!("{}m {:02}s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

/// `validate`: what the file asks for, arm by arm, and the work it amounts to.
fn describe(e: &Experiment, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{}: valid", e.source.display())?;
    writeln!(out, "experiment    {}", e.name)?;
    if !e.description.is_empty() {
        writeln!(out, "description   {}", e.description)?;
    }
    writeln!(out, "trials        {} per arm", e.trials)?;
    writeln!(out, "horizon       {} days", e.horizon_days)?;
    writeln!(out, "seed          {}", e.seed)?;
    writeln!(
        out,
        "output        {}{}",
        e.run_dir().display(),
        std::path::MAIN_SEPARATOR
    )?;
    writeln!(
        out,
        "trials.csv    {}",
        if e.write_trials { "yes" } else { "no" }
    )?;
    writeln!(out, "arms          {}", e.arms.len())?;
    let baseline = e.arms.first();
    for (i, arm) in e.arms.iter().enumerate() {
        writeln!(out, "  {:<12} {}", arm.id, arm.label)?;
        if arm.overrides.is_empty() {
            writeln!(out, "      (model defaults)")?;
        }
        for (key, value) in &arm.overrides {
            let inherited = i > 0
                && baseline
                    .is_some_and(|b| b.overrides.iter().any(|(k, v)| k == key && v == value));
            let note = if inherited { "   (from baseline)" } else { "" };
            writeln!(out, "      {key} = {value}{note}")?;
        }
    }
    let points: usize = e.design_points.iter().map(|(_, n)| n).sum();
    let designs = e
        .design_points
        .iter()
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let named = e.arms.iter().filter(|a| !a.id.contains('.')).count();
    writeln!(
        out,
        "design points {points}{}",
        if designs.is_empty() {
            " (no [sweep] or [latin_hypercube])".to_string()
        } else {
            format!(
                " ({designs}); {} named arms + {} design arms",
                named,
                e.arms.len() - named
            )
        }
    )?;
    writeln!(out, "effects vs    {}", e.effects_baseline_arm().id)?;
    writeln!(
        out,
        "pairing       {}",
        match e.pairing {
            Pairing::Common => "common random numbers (paired t intervals)",
            Pairing::Independent => "independent seeds (Welch intervals)",
        }
    )?;
    writeln!(
        out,
        "work          {} arms × {} trials = {} trials in all, {} trial-days",
        e.arms.len(),
        e.trials,
        e.total_trials(),
        e.trial_days()
    )?;
    if let Some(p) = &e.precision {
        let max = p.max_trials.max(e.trials);
        writeln!(
            out,
            "precision     until the 95% half-width of {} is <= {} in every arm: up to {} trials per arm, {} trials in all",
            p.metric,
            p.half_width,
            max,
            max.saturating_mul(e.arms.len() as u64)
        )?;
    }
    Ok(())
}

/// One row of `params --csv`.
#[derive(Debug, Serialize)]
struct ParamRow {
    key: String,
    default: String,
    kind: &'static str,
    min: Option<f64>,
    max: Option<f64>,
    options: String,
    allowed: String,
    plausible_min: Option<f64>,
    plausible_max: Option<f64>,
    unit: &'static str,
    meaning: String,
    source: &'static str,
}

fn param_rows() -> Vec<ParamRow> {
    Params::specs()
        .into_iter()
        .map(|s| {
            let (kind, min, max, options) = match s.domain {
                Domain::Real { min, max, .. } => ("real", Some(min), Some(max), String::new()),
                Domain::Int { min, max, .. } => {
                    ("int", Some(min as f64), Some(max as f64), String::new())
                }
                Domain::Flag => ("flag", None, None, "true|false".to_string()),
                Domain::Choice { options } => ("choice", None, None, options.join("|")),
            };
            let plausible = s.domain.plausible_range();
            ParamRow {
                key: s.key,
                default: match &s.default {
                    toml::Value::String(text) => text.clone(),
                    other => other.to_string(),
                },
                kind,
                min,
                max,
                options,
                allowed: s.domain.allowed(),
                plausible_min: plausible.map(|p| p.0),
                plausible_max: plausible.map(|p| p.1),
                unit: s.unit,
                meaning: s.meaning,
                source: s.source,
            }
        })
        .collect()
}

fn write_params(format: ListFormat, out: &mut impl Write) -> anyhow::Result<()> {
    let rows = param_rows();
    if format == ListFormat::Csv {
        return write_csv(&rows, out);
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let allowed = match (r.min, r.max) {
                (Some(lo), Some(hi)) if r.kind == "int" => format!("{lo}..{hi} whole"),
                (Some(lo), Some(hi)) => format!("{lo}..{hi}"),
                _ => r.options.clone(),
            };
            let plausible = match (r.plausible_min, r.plausible_max) {
                (Some(lo), Some(hi)) => format!("{lo}..{hi}"),
                _ => "-".to_string(),
            };
            let default = if r.kind == "choice" {
                format!("\"{}\"", r.default)
            } else {
                r.default.clone()
            };
            vec![
                r.key.clone(),
                default,
                allowed,
                plausible,
                r.unit.to_string(),
                r.meaning.clone(),
                r.source.to_string(),
            ]
        })
        .collect();
    let header = [
        "KEY",
        "DEFAULT",
        "ALLOWED",
        "PLAUSIBLE",
        "UNIT",
        "MEANING",
        "SOURCE",
    ];
    write_table(format, &header, &table, out)?;
    Ok(())
}

/// One row of `metrics --csv`.
#[derive(Debug, Serialize)]
struct MetricRow {
    name: &'static str,
    unit: &'static str,
    kind: String,
    definition: &'static str,
}

fn write_metrics(format: ListFormat, out: &mut impl Write) -> anyhow::Result<()> {
    let rows: Vec<MetricRow> = METRICS
        .iter()
        .map(|m| MetricRow {
            name: m.name,
            unit: m.unit,
            kind: format!("{:?}", m.kind).to_lowercase(),
            definition: m.definition,
        })
        .collect();
    if format == ListFormat::Csv {
        return write_csv(&rows, out);
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.name.to_string(),
                r.unit.to_string(),
                r.kind.clone(),
                r.definition.trim().to_string(),
            ]
        })
        .collect();
    write_table(format, &["NAME", "UNIT", "KIND", "DEFINITION"], &table, out)?;
    Ok(())
}

/// A registry listing as aligned columns or as a Markdown table (`|` in cells escaped).
fn write_table(
    format: ListFormat,
    header: &[&str],
    rows: &[Vec<String>],
    out: &mut impl Write,
) -> io::Result<()> {
    if format != ListFormat::Markdown {
        return write_aligned(header, rows, out);
    }
    let line = |cells: &mut dyn Iterator<Item = String>| {
        let cells: Vec<String> = cells.collect();
        format!("| {} |", cells.join(" | "))
    };
    writeln!(
        out,
        "{}",
        line(&mut header.iter().map(|h| h.to_lowercase()))
    )?;
    writeln!(
        out,
        "{}",
        line(&mut header.iter().map(|_| "---".to_string()))
    )?;
    for row in rows {
        writeln!(
            out,
            "{}",
            line(&mut row.iter().map(|c| c.replace('|', "\\|")))
        )?;
    }
    Ok(())
}

fn write_csv<T: Serialize>(rows: &[T], out: &mut impl Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    for row in rows {
        w.serialize(row)?;
    }
    w.flush()?;
    Ok(())
}

/// A table with every column but the last padded to its widest cell.
pub(crate) fn write_aligned(
    header: &[&str],
    rows: &[Vec<String>],
    out: &mut impl Write,
) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
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

    #[test]
    fn config_errors_exit_2_and_other_failures_1() {
        let config = anyhow::Error::new(ConfigError::Missing {
            file: "x.toml".into(),
            key: "seed".into(),
            allowed: "a whole number".into(),
        });
        assert_eq!(exit_code(&config), 2);
        assert_eq!(exit_code(&config.context("loading")), 2);
        assert_eq!(exit_code(&anyhow::anyhow!("disk full")), 1);
    }

    #[test]
    fn params_table_and_csv_list_every_parameter() {
        let n = Params::specs().len();
        let mut text = Vec::new();
        write_params(ListFormat::Table, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert_eq!(text.lines().count(), n + 1);
        assert!(
            text.lines()
                .any(|l| l.starts_with("pakistan.strike_threshold "))
        );
        let mut csv = Vec::new();
        write_params(ListFormat::Csv, &mut csv).unwrap();
        let mut reader = csv::Reader::from_reader(&csv[..]);
        let header = reader.headers().unwrap().clone();
        assert_eq!(&header[0], "key");
        assert_eq!(reader.records().count(), n);
    }

    #[test]
    fn metrics_table_and_csv_list_every_metric() {
        let mut csv = Vec::new();
        write_metrics(ListFormat::Csv, &mut csv).unwrap();
        let mut reader = csv::Reader::from_reader(&csv[..]);
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            ["name", "unit", "kind", "definition"]
        );
        assert_eq!(reader.records().count(), METRICS.len());
    }
}
