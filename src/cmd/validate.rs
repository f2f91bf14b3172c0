//! `validate`: check an experiment file and show what a run would do.

use super::args::{ConfigArgs, LimitArgs};
use clap::Args;
use experiment::output;
use experiment::run::{self, Budget, Machine, Pairing, RunOptions};
use experiment::spec::Experiment;
use std::io::{self, Write};

#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// Check the file run at every member of this calibration ensemble (as `run
    /// --ensemble`).
    #[arg(long, value_name = "ENSEMBLE.csv")]
    ensemble: Option<std::path::PathBuf>,
    #[command(flatten)]
    limits: LimitArgs,
}

/// Arms listed one by one; a larger design is summarised (its listing would run to megabytes).
const LISTED_ARMS: usize = 100;

/// `validate`: loads the file (every error exits 2 there) and describes it.
pub(crate) fn validate(args: &ValidateArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let experiment = args.config.load_with(args.ensemble.as_deref())?;
    describe(&experiment, out)?;
    // What `run` would estimate and refuse, with its defaults (all cores, the file's output
    // folder), so that a file validate passes does not fail when run.
    let options = RunOptions {
        limits: args.limits.limits(),
        ..RunOptions::for_experiment(&experiment)
    };
    let target = output::default_dir(&experiment, output::Job::Run);
    run::check_precision_reachable(&options, &experiment)?;
    let budget = Budget::estimate(&experiment, &options, 0..experiment.trials)?;
    let machine = Machine::probe(&target);
    writeln!(out, "estimate      {}", budget.describe(&machine))?;
    budget.check(&options.limits, &machine)?;
    Ok(())
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
        output::default_dir(e, output::Job::Run).display(),
        std::path::MAIN_SEPARATOR
    )?;
    writeln!(
        out,
        "trials.csv    {}",
        if e.write_trials { "yes" } else { "no" }
    )?;
    writeln!(out, "arms          {}", e.arm_count())?;
    let first = (e.arm_count() > 0).then(|| e.arm(0));
    let baseline = first.as_deref();
    for (i, arm) in e.arms().enumerate().take(LISTED_ARMS) {
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
    if e.arm_count() > LISTED_ARMS {
        writeln!(
            out,
            "  … and {} more arms, to {} (every arm's parameters: scenarios.csv of a run)",
            e.arm_count() - LISTED_ARMS,
            e.arm_id(e.arm_count() - 1)
        )?;
    }
    let points: usize = e.designs.iter().map(|d| d.points.len()).sum();
    let designs = e
        .designs
        .iter()
        .map(|d| format!("{} {}", d.section, d.points.len()))
        .collect::<Vec<_>>()
        .join(", ");
    let named = (0..e.arm_count())
        .filter(|&a| e.held_arm(a).is_some())
        .count();
    writeln!(
        out,
        "design points {points}{}",
        if designs.is_empty() {
            " (no [sweep] or [latin_hypercube])".to_string()
        } else {
            format!(
                " ({designs}); {} named arms + {} design arms",
                named,
                e.arm_count() - named
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
        e.arm_count(),
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
            max.saturating_mul(e.arm_count() as u64)
        )?;
    }
    Ok(())
}
