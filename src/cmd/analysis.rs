//! `calibrate` (the baseline arm against the real-world targets) and `sensitivity` (Morris
//! screening): run the job, print its table.

use super::args::{ConfigArgs, JobArgs};
use super::print::{wall_time, write_aligned};
use anyhow::Context;
use clap::Args;
use experiment::analysis::calibration::{self, short};
use experiment::analysis::ensemble::{ENSEMBLE_CSV, Ensemble, EnsembleSettings};
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
    /// Also build a calibration ensemble of at most N parameter sets that the fit targets
    /// cannot rule out (history matching over every plausible range), written to
    /// ensemble.csv for `run --ensemble`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000))]
    ensemble: Option<u64>,
    /// Waves of history matching (each searches the box the previous ones left).
    #[arg(long, value_name = "W", default_value_t = 3, requires = "ensemble",
          value_parser = clap::value_parser!(u32).range(1..=20))]
    waves: u32,
    /// Candidates simulated per wave (default 10 × N, at least 200).
    #[arg(long, value_name = "C", requires = "ensemble",
          value_parser = clap::value_parser!(u64).range(2..=1_000_000))]
    candidates: Option<u64>,
    /// The largest implausibility a member may have on any fit target.
    #[arg(long, value_name = "X", default_value_t = 3.0, requires = "ensemble")]
    cutoff: f64,
    /// Model discrepancy as a share of each target's midpoint.
    #[arg(
        long,
        value_name = "SHARE",
        default_value_t = 0.1,
        requires = "ensemble"
    )]
    discrepancy: f64,
}

impl CalibrateArgs {
    fn ensemble(&self) -> anyhow::Result<Option<EnsembleSettings>> {
        let Some(size) = self.ensemble else {
            return Ok(None);
        };
        let mut settings = EnsembleSettings::new(size as usize);
        settings.waves = self.waves;
        if let Some(c) = self.candidates {
            settings.candidates = c as usize;
        }
        anyhow::ensure!(
            self.cutoff.is_finite() && self.cutoff > 0.0,
            "--cutoff {}: allowed is a positive number (3 is the three-sigma rule)",
            self.cutoff
        );
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.discrepancy),
            "--discrepancy {}: allowed is a share from 0 to 1",
            self.discrepancy
        );
        settings.cutoff = self.cutoff;
        settings.discrepancy = self.discrepancy;
        Ok(Some(settings))
    }
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
    let ensemble = args.ensemble()?;
    let context = || format!("calibrating {}", experiment.source.display());
    if args.markdown {
        let (c, _) = calibration::compare(&experiment, &options).with_context(context)?;
        write!(out, "{}", calibration::markdown(&c))?;
        return Ok(());
    }
    let report = job::calibrate(&experiment, &options, ensemble.as_ref()).with_context(context)?;
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
    writeln!(
        out,
        "{}; arm {} ({} of {} arms in the file), {} trials",
        c.hits_text(),
        c.arm,
        1,
        c.arms_in_file,
        c.trials
    )?;
    if let Some(e) = &report.ensemble {
        print_ensemble(e, out)?;
        writeln!(
            out,
            "wrote {} and {} in {}",
            report.out_dir.join(calibration::CALIBRATION_CSV).display(),
            report.out_dir.join(ENSEMBLE_CSV).display(),
            wall_time(report.wall_time)
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "wrote {} in {}",
        report.out_dir.join(calibration::CALIBRATION_CSV).display(),
        wall_time(report.wall_time)
    )?;
    Ok(())
}

/// The ensemble's waves and each target's range over its members.
fn print_ensemble(e: &Ensemble, out: &mut impl Write) -> io::Result<()> {
    writeln!(out)?;
    let waves: Vec<Vec<String>> = e
        .waves
        .iter()
        .map(|w| {
            vec![
                w.wave.to_string(),
                w.candidates.to_string(),
                w.accepted.to_string(),
                format!("{:.1}%", 100.0 * w.acceptance_rate),
                short(w.best_implausibility),
                format!("{} ({})", w.most_ruling_target, w.ruled_out_by_it),
            ]
        })
        .collect();
    write_aligned(
        &[
            "WAVE",
            "CANDIDATES",
            "NOT RULED OUT",
            "RATE",
            "BEST",
            "RULES OUT MOST",
        ],
        &waves,
        out,
    )?;
    writeln!(out)?;
    let opt = |x: Option<f64>| x.map_or("-".to_string(), short);
    let targets: Vec<Vec<String>> = e
        .targets
        .iter()
        .map(|t| {
            vec![
                t.target.clone(),
                t.role.word().to_string(),
                format!("{}–{}", short(t.real_low), short(t.real_high)),
                opt(t.defaults),
                format!(
                    "{} … {} … {}",
                    opt(t.ensemble_min),
                    opt(t.ensemble_median),
                    opt(t.ensemble_max)
                ),
                t.share_in_range
                    .map_or("-".into(), |s| format!("{:.0}%", 100.0 * s)),
            ]
        })
        .collect();
    write_aligned(
        &[
            "TARGET",
            "ROLE",
            "REAL RANGE",
            "DEFAULTS",
            "ENSEMBLE MIN … MEDIAN … MAX",
            "IN RANGE",
        ],
        &targets,
        out,
    )?;
    writeln!(
        out,
        "{} members of {} not ruled out ({:.1}% of {} candidates, {} parameters varied, {} trials each, cutoff {}); the defaults score {}",
        e.members.len(),
        e.not_ruled_out,
        100.0 * e.acceptance_rate(),
        e.simulated_candidates,
        e.parameters.len(),
        e.trials,
        e.settings.cutoff,
        short(e.defaults.score)
    )
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
