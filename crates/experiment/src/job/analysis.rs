//! The analysis jobs: `calibrate` (calibration.csv, summary.csv, manifest.json) and
//! `sensitivity` (sensitivity.csv, manifest.json), each written through the job folder.

use crate::analysis::calibration::{self, CALIBRATION_CSV, Calibration};
use crate::analysis::ensemble::{
    self, ENSEMBLE_CSV, ENSEMBLE_PARAMETERS_CSV, ENSEMBLE_TARGETS_CSV, ENSEMBLE_WAVES_CSV,
    Ensemble, EnsembleSettings,
};
use crate::analysis::sensitivity::{self, SENSITIVITY_CSV, Screening};
use crate::output::{self, Job, JobFolder, Started};
use crate::run::RunOptions;
use crate::spec::{ConfigError, Experiment};
use crate::{Context, Result};
use std::path::PathBuf;
use std::time::Duration;

/// What `calibrate` wrote.
#[derive(Debug, Clone)]
pub struct CalibrationReport {
    pub calibration: Calibration,
    /// The ensemble, if one was asked for.
    pub ensemble: Option<Ensemble>,
    pub out_dir: PathBuf,
    pub wall_time: Duration,
}

/// Runs the calibration and writes calibration.csv, summary.csv and manifest.json into its
/// folder (`--out` or `<output_dir>/<name>-calibration/`); with `ensemble` settings, also
/// builds the ensemble and writes ensemble.csv, ensemble_targets.csv, ensemble_waves.csv and
/// ensemble_parameters.csv.
pub fn calibrate(
    experiment: &Experiment,
    options: &RunOptions,
    ensemble: Option<&EnsembleSettings>,
) -> Result<CalibrationReport> {
    let started = Started::now();
    let target = output::target_dir(experiment, options.out.as_deref(), Job::Calibration);
    let inputs = [experiment.source.clone()];
    let mut folder = JobFolder::create(target, options.force, &inputs, started)?;
    let (calibration, results) = calibration::compare(experiment, options)?;
    let single = calibration::baseline_only(experiment);
    folder.write_csv(CALIBRATION_CSV, &calibration.rows)?;
    let ensemble = ensemble
        .map(|settings| ensemble::build(experiment, options, settings))
        .transpose()?;
    if let Some(e) = &ensemble {
        let path = folder.add(ENSEMBLE_CSV);
        let mut writer = output::create_csv(&path)?;
        output::write_record(&mut writer, &path, e.header())?;
        for row in e.rows() {
            output::write_record(&mut writer, &path, row)?;
        }
        writer
            .flush()
            .map_err(crate::Error::io("cannot write", &path))?;
        folder.write_csv(ENSEMBLE_TARGETS_CSV, &e.targets)?;
        folder.write_csv(ENSEMBLE_WAVES_CSV, &e.waves)?;
        folder.write_csv(ENSEMBLE_PARAMETERS_CSV, &e.parameter_rows)?;
    }
    output::write_summary(&folder.add(output::SUMMARY_CSV), &single, &results)?;
    let mut manifest = output::Manifest::new(
        &single,
        &results,
        started.at,
        folder.elapsed(),
        folder.files().to_vec(),
    );
    manifest.calibration_ensemble = ensemble.as_ref().map(Ensemble::record);
    let finished = output::commit_with_manifest(folder, &manifest)?;
    Ok(CalibrationReport {
        calibration,
        ensemble,
        out_dir: finished.out_dir,
        wall_time: finished.wall_time,
    })
}

/// What `sensitivity` wrote.
#[derive(Debug, Clone)]
pub struct ScreeningReport {
    pub screening: Screening,
    pub out_dir: PathBuf,
    pub wall_time: Duration,
}

/// Runs the Morris screening the file's `[morris]` asks for and writes sensitivity.csv and
/// manifest.json into its folder (`--out` or `<output_dir>/<name>-sensitivity/`).
pub fn screen(experiment: &Experiment, options: &RunOptions) -> Result<ScreeningReport> {
    if experiment.morris.is_none() {
        return Err(ConfigError::Missing {
            file: experiment.source.clone(),
            key: "morris".into(),
            allowed: "a [morris] table with trajectories = N and levels = P (see configs/sensitivity.toml)".into(),
        }
        .into());
    }
    let started = Started::now();
    let target = output::target_dir(experiment, options.out.as_deref(), Job::Sensitivity);
    let inputs = [experiment.source.clone()];
    let mut folder = JobFolder::create(target, options.force, &inputs, started)?;
    let screening = sensitivity::screen(experiment, options)
        .context_with(|| format!("screening {}", experiment.source.display()))?;
    folder.write_csv(SENSITIVITY_CSV, &screening.rows)?;
    let manifest = output::sensitivity_manifest(
        experiment,
        &screening,
        started.at,
        folder.elapsed(),
        folder.files().to_vec(),
    );
    let finished = output::commit_with_manifest(folder, &manifest)?;
    Ok(ScreeningReport {
        screening,
        out_dir: finished.out_dir,
        wall_time: finished.wall_time,
    })
}
