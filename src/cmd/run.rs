//! `run`: an experiment file's arms × trials, written to its folder; `--shard K/N` runs one
//! shard into a partial result.

use super::args::{ConfigArgs, JobArgs, LimitArgs};
use super::print;
use anyhow::Context;
use clap::Args;
use experiment::job;
use experiment::run::{Pairing, RunOptions, Shard};
use experiment::spec::{DEFAULT_MAX_TRIALS, Experiment, ExperimentSource, Precision};
use model::METRICS;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    job: JobArgs,
    #[command(flatten)]
    limits: LimitArgs,
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
    /// Run every arm at every member of this calibration ensemble (ensemble.csv of
    /// `calibrate --ensemble N`), on the same trial seeds: arms `<arm>.e001`, … and
    /// robustness.csv over the members.
    #[arg(long, value_name = "ENSEMBLE.csv")]
    ensemble: Option<PathBuf>,
    /// Go on from where a stopped or killed run (or shard) of the same command left off (its
    /// last checkpoint, kept in the hidden staging folder beside the output folder); the
    /// result is byte-identical to an uninterrupted run. Give the same file and options.
    #[arg(long)]
    resume: bool,
    /// Write a checkpoint for --resume about every S seconds (whole chunks of 64 trials).
    #[arg(long, value_name = "S", default_value_t = 10.0)]
    checkpoint_seconds: f64,
    /// Run only shard K of N (K from 1 to N): trials [⌊(K−1)·T/N⌋, ⌊K·T/N⌋) of the T trials,
    /// every arm. Writes a partial result (partial.json) into --out (default
    /// <output_dir>/<name>-shard-K-of-N) for `deescalate merge`.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Also write report.xlsx and report.html into the results folder (as `deescalate
    /// report DIR` does).
    #[arg(long, conflicts_with = "shard")]
    report: bool,
}

fn parse_shard(arg: &str) -> Result<Shard, String> {
    arg.parse()
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

/// `--checkpoint-seconds S` as a duration: from 0 (after every segment) to a day.
fn checkpoint_every(seconds: f64) -> anyhow::Result<std::time::Duration> {
    anyhow::ensure!(
        seconds.is_finite() && (0.0..=86_400.0).contains(&seconds),
        experiment::Error::Unusable(format!(
            "--checkpoint-seconds {seconds}: allowed is a number of seconds from 0 to 86400"
        ))
    );
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// `run`: the whole experiment, or one shard of it.
pub(crate) fn run(args: &RunArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let experiment = args.config.load_with(args.ensemble.as_deref())?;
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
        resume: args.resume,
        checkpoint_every: checkpoint_every(args.checkpoint_seconds)?,
        limits: args.limits.limits(),
        ..args.job.options()
    };
    if let Some(shard) = args.shard {
        return run_shard(args, &experiment, &options, shard, out);
    }
    let started = Instant::now();
    let report = job::run(&experiment, &options).with_context(|| {
        format!(
            "running experiment {} from {}",
            experiment.name,
            experiment.source.display()
        )
    })?;
    let arms = experiment.arm_count() as u64;
    writeln!(
        out,
        "wrote {}: {} arms × {} trials = {} trials, {} days each, in {}",
        report.out_dir.display(),
        arms,
        report.trials,
        arms.saturating_mul(report.trials),
        experiment.horizon_days,
        print::wall_time(started.elapsed())
    )?;
    if args.report {
        super::report::write(&report.out_dir, false, out)?;
    }
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
    let overrides = args.config.overrides_with(args.ensemble.as_deref())?;
    let config = ExperimentSource::read(&args.config.config, &overrides)?;
    let report = job::run_shard(experiment, &config, options, shard).with_context(|| {
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
        experiment.arm_count(),
        print::wall_time(report.wall_time),
        shard.count
    )?;
    Ok(())
}
