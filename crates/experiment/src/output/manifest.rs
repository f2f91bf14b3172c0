//! manifest.json: what was run, how, when, and which files it wrote.

use super::format::rfc3339_utc;
use super::{Finished, JobFolder, MANIFEST_JSON};
use crate::Result;
use crate::analysis::ensemble::EnsembleRecord;
use crate::analysis::sensitivity::{Factor, Screening};
use crate::run::{Pairing, PrecisionOutcome, Results};
use crate::spec::Experiment;
use crate::spec::resolved::{Form, Resolved};
use serde::Serialize;
use std::time::{Duration, SystemTime};

/// One arm as listed in the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestArm {
    pub id: String,
    pub label: String,
}

/// One design of the experiment file and its number of points.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestDesign {
    /// `sweep` or `latin_hypercube`.
    pub design: String,
    pub points: usize,
    /// The ensemble file, for `run --ensemble`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// The record of one run.
/// What every manifest starts with: which experiment it is about.
#[derive(Debug, Clone, Serialize)]
pub struct Identity {
    pub name: String,
    pub description: String,
    /// The experiment file.
    pub source: String,
    pub seed: u64,
}

impl Identity {
    pub fn of(experiment: &Experiment) -> Self {
        Identity {
            name: experiment.name.clone(),
            description: experiment.description.clone(),
            source: experiment.source.display().to_string(),
            seed: experiment.seed,
        }
    }
}

/// What every manifest ends with: which tool made the folder, how, when, and from what.
#[derive(Serialize)]
pub struct Provenance<'a> {
    pub crate_version: &'static str,
    /// Worker threads (for a merged folder, the most any shard used; see `merged_from`).
    pub threads: usize,
    /// Wall time of this command (for a merged folder, of the merge alone).
    pub wall_time_seconds: f64,
    /// Start of the command, RFC 3339 UTC.
    pub started_utc: String,
    /// Files in the output folder, this manifest included.
    pub files: Vec<String>,
    /// The fully resolved experiment: the effects baseline's parameters once, and each arm's
    /// parameters that differ from them ([`Form::Compact`]), written arm by arm.
    pub config: Resolved<'a>,
}

impl<'a> Provenance<'a> {
    /// The provenance of a folder of `experiment` whose other files are `files`.
    pub fn new(
        experiment: &'a Experiment,
        threads: usize,
        started: SystemTime,
        wall_time: Duration,
        mut files: Vec<String>,
    ) -> Self {
        files.push(MANIFEST_JSON.to_string());
        Provenance {
            crate_version: env!("CARGO_PKG_VERSION"),
            threads,
            wall_time_seconds: wall_time.as_secs_f64(),
            started_utc: rfc3339_utc(started),
            files,
            config: experiment.resolved(Form::Compact),
        }
    }
}

#[derive(Serialize)]
pub struct Manifest<'a> {
    #[serde(flatten)]
    pub identity: Identity,
    pub pairing: Pairing,
    /// The arm effects.csv compares every other arm with.
    pub effects_baseline: String,
    /// The interval effects.csv reports: paired t (common pairing) or Welch (independent).
    pub effects_interval: &'static str,
    /// What effects.csv's diff means.
    pub effects_note: &'static str,
    /// Trials each arm got (the same for every arm, so that pairing holds).
    pub trials_per_arm: u64,
    /// The precision target and whether it was met, if one was given.
    pub precision: Option<PrecisionOutcome>,
    /// Design points per design (sweep grid size, Latin hypercube points).
    pub designs: Vec<ManifestDesign>,
    pub horizon_days: u32,
    /// Every arm's id and label, made one at a time.
    pub arms: ManifestArms<'a>,
    #[serde(flatten)]
    pub provenance: Provenance<'a>,
    /// For a folder written by `deescalate merge`: the shards' partial results, in shard order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<ManifestPart>,
    /// For `calibrate --ensemble`: how the ensemble was built.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibration_ensemble: Option<EnsembleRecord>,
}

/// One shard a merged folder was made from.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestPart {
    /// `K/N`.
    pub shard: String,
    /// The partial.json it was read from.
    pub file: String,
    /// The trial indices it ran, `[trial_start, trial_end)`.
    pub trial_start: u64,
    pub trial_end: u64,
    pub threads: usize,
    pub wall_time_seconds: f64,
    pub started_utc: String,
}

impl<'a> Manifest<'a> {
    /// The manifest of a run of `experiment` that started at `started` and wrote `files`.
    pub fn new(
        experiment: &'a Experiment,
        results: &Results,
        started: SystemTime,
        wall_time: Duration,
        files: Vec<String>,
    ) -> Self {
        Manifest {
            identity: Identity::of(experiment),
            pairing: results.pairing,
            effects_baseline: experiment.arm_id(experiment.effects_baseline).into_owned(),
            effects_interval: match results.pairing {
                Pairing::Common => {
                    "paired t interval of per-trial differences (common random numbers)"
                }
                Pairing::Independent => {
                    "Welch interval from the two arms' distributions (independent seeds)"
                }
            },
            effects_note: "diff = scenario mean - baseline mean; for 0/1 metrics (open_war) it is the change in probability",
            trials_per_arm: results.trials,
            precision: results.precision.clone(),
            designs: experiment
                .designs
                .iter()
                .map(|d| ManifestDesign {
                    design: d.section.clone(),
                    points: d.points.len(),
                    file: d.members.as_ref().map(|m| m.file.clone()),
                })
                .collect(),
            horizon_days: experiment.horizon_days,
            arms: ManifestArms(experiment),
            provenance: Provenance::new(experiment, results.threads, started, wall_time, files),
            merged_from: Vec::new(),
            calibration_ensemble: None,
        }
    }
}

/// The arms of an experiment as the manifest lists them ([`ManifestArm`]).
pub struct ManifestArms<'a>(pub &'a Experiment);

impl Serialize for ManifestArms<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let e = self.0;
        let mut seq = serializer.serialize_seq(Some(e.arm_count()))?;
        for a in 0..e.arm_count() {
            seq.serialize_element(&ManifestArm {
                id: e.arm_id(a).into_owned(),
                label: e.arm_label(a).into_owned(),
            })?;
        }
        seq.end()
    }
}

/// Writes `manifest` (a [`Manifest`], or another command's record, which lists itself among
/// the files) as pretty JSON, the last file of `folder`, and moves the folder into place.
pub(crate) fn commit_with_manifest(
    mut folder: JobFolder,
    manifest: &impl Serialize,
) -> Result<Finished> {
    folder.write_json(MANIFEST_JSON, manifest, true)?;
    folder.commit()
}

/// manifest.json of a screening: what was screened, how, when.
#[derive(Serialize)]
pub struct SensitivityManifest<'a> {
    #[serde(flatten)]
    pub identity: Identity,
    /// The screened arm (the file's effects baseline).
    pub arm: String,
    pub morris: crate::spec::Morris,
    /// Step in unit space, p / (2(p − 1)).
    pub delta: f64,
    pub factors: Vec<Factor>,
    pub trials_per_point: u64,
    pub design_points: usize,
    pub horizon_days: u32,
    pub noise_rule: &'static str,
    #[serde(flatten)]
    pub provenance: Provenance<'a>,
}

/// The manifest of a finished screening.
pub(crate) fn sensitivity_manifest<'a>(
    experiment: &'a Experiment,
    s: &Screening,
    started: SystemTime,
    wall_time: Duration,
    files: Vec<String>,
) -> SensitivityManifest<'a> {
    SensitivityManifest {
        identity: Identity::of(experiment),
        arm: s.arm.clone(),
        delta: s.delta,
        morris: s.morris.clone(),
        factors: s.factors.clone(),
        trials_per_point: s.trials,
        design_points: s.points,
        horizon_days: experiment.horizon_days,
        noise_rule: "above_noise = mu_star > 2 * noise_se; noise_se = RMS over trajectories of each elementary effect's standard error (sd of paired per-trial differences / sqrt(trials) / delta)",
        provenance: Provenance::new(experiment, s.threads, started, wall_time, files),
    }
}
