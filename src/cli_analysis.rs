//! The analysis commands of the command line: `calibrate` (the baseline arm against the
//! real-world targets) and `sensitivity` (Morris screening). Kept apart from `cli.rs`, which
//! owns parsing, `run`, `validate` and the registries' listings.

use crate::cli::{ConfigArgs, JobArgs, wall_time, write_aligned};
use crate::experiment::calibration::{self, short};
use crate::experiment::sensitivity::{self, SensitivityRow};
use crate::output;
use crate::scenario::ConfigError;
use anyhow::Context;
use clap::Args;
use std::io::{self, Write};
use std::time::Instant;

#[derive(Debug, Args)]
pub(crate) struct CalibrateArgs {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    job: JobArgs,
    /// Print the table as Markdown (the block in docs/MODEL.md §6) and write no files.
    #[arg(long)]
    markdown: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SensitivityArgs {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    job: JobArgs,
}

/// `calibrate`: run the baseline arm, print the comparison, write calibration.csv.
pub(crate) fn calibrate(args: &CalibrateArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let experiment = args.config.load()?;
    let options = args.job.options();
    let context = || format!("calibrating {}", experiment.source.display());
    if args.markdown {
        let (c, _) = calibration::compare(&experiment, &options).with_context(context)?;
        write!(out, "{}", calibration::markdown(&c))?;
        return Ok(());
    }
    let report = calibration::calibrate(&experiment, &options).with_context(context)?;
    let c = &report.calibration;
    let rows: Vec<Vec<String>> = c
        .rows
        .iter()
        .map(|r| {
            vec![
                r.target.clone(),
                r.range_text(),
                r.simulated_text(),
                r.verdict().to_string(),
            ]
        })
        .collect();
    write_aligned(
        &[
            "TARGET",
            "REAL RANGE",
            "SIMULATED MEAN (95% CI)",
            "IN RANGE",
        ],
        &rows,
        out,
    )?;
    let hits = c.rows.iter().filter(|r| r.in_range).count();
    writeln!(
        out,
        "{hits} of {} targets in range; arm {} ({} of {} arms in the file), {} trials",
        c.rows.len(),
        c.arm,
        1,
        c.arms_in_file,
        c.trials
    )?;
    writeln!(
        out,
        "wrote {} in {}",
        report.out_dir.join(calibration::CALIBRATION_CSV).display(),
        wall_time(report.wall_time)
    )?;
    Ok(())
}

/// `sensitivity`: the Morris screening of the baseline arm; prints the top parameters per
/// metric and writes sensitivity.csv.
pub(crate) fn sensitivity(args: &SensitivityArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let experiment = args.config.load()?;
    if experiment.morris.is_none() {
        return Err(ConfigError::Missing {
            file: experiment.source.clone(),
            key: "morris".into(),
            allowed: "a [morris] table with trajectories = N and levels = P (see configs/sensitivity.toml)".into(),
        }
        .into());
    }
    let options = args.job.options();
    let started = std::time::SystemTime::now();
    let clock = Instant::now();
    let default = experiment
        .output_dir
        .join(format!("{}-sensitivity", experiment.name));
    let target = options.out.clone().unwrap_or(default);
    output::check_target_free(&target, options.force)?;
    let staging = output::Staging::create(&target)?;
    let screening = sensitivity::screen(&experiment, &options)
        .with_context(|| format!("screening {}", experiment.source.display()))?;
    calibration::write_csv(
        &staging.path().join(sensitivity::SENSITIVITY_CSV),
        &screening.rows,
    )?;
    let manifest = sensitivity::manifest(&experiment, &screening, started, clock.elapsed())?;
    output::write_manifest(&staging.path().join(output::MANIFEST_JSON), &manifest)?;
    staging.commit(options.force)?;
    print_top(&screening.rows, out)?;
    writeln!(
        out,
        "screened {} parameters of arm {} on {} design points × {} trials; wrote {} in {}",
        screening.factors.len(),
        screening.arm,
        screening.points,
        screening.trials,
        target.join(sensitivity::SENSITIVITY_CSV).display(),
        wall_time(clock.elapsed())
    )?;
    Ok(())
}

/// The five most influential parameters of each metric.
fn print_top(rows: &[SensitivityRow], out: &mut impl Write) -> io::Result<()> {
    let table: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| r.rank <= 5)
        .map(|r| {
            vec![
                r.metric.clone(),
                r.rank.to_string(),
                r.parameter.clone(),
                short(r.mu_star),
                short(r.mu),
                short(r.sigma),
                short(r.noise_se),
                if r.above_noise { "yes" } else { "no" }.to_string(),
            ]
        })
        .collect();
    write_aligned(
        &[
            "METRIC",
            "RANK",
            "PARAMETER",
            "MU*",
            "MU",
            "SIGMA",
            "NOISE SE",
            "ABOVE NOISE",
        ],
        &table,
        out,
    )
}
