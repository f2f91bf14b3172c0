//! `calibrate` (the baseline arm against the real-world targets) and `sensitivity` (Morris
//! screening): run the job, print its table.

use super::args::{ConfigArgs, JobArgs};
use super::print::{wall_time, write_aligned};
use anyhow::Context;
use clap::Args;
use experiment::analysis::calibration::{self, short};
use experiment::analysis::sensitivity::{SENSITIVITY_CSV, SensitivityRow};
use experiment::job;
use std::io::{self, Write};

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
    let report = job::calibrate(&experiment, &options).with_context(context)?;
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
    let report = job::screen(&experiment, &args.job.options())?;
    let screening = &report.screening;
    print_top(&screening.rows, out)?;
    writeln!(
        out,
        "screened {} parameters of arm {} on {} design points × {} trials; wrote {} in {}",
        screening.factors.len(),
        screening.arm,
        screening.points,
        screening.trials,
        report.out_dir.join(SENSITIVITY_CSV).display(),
        wall_time(report.wall_time)
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
