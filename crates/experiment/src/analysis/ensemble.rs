//! The calibration ensemble (`deescalate calibrate FILE --ensemble N`): history matching of
//! the status quo against the fit targets of [`calibration::TARGETS`], over the plausible
//! ranges of the registry.
//!
//! Wave 1 draws `candidates` parameter sets from a Latin hypercube over every varied
//! parameter's plausible range ([`varied_parameters`]); each set runs the file's trials of
//! its effects baseline arm (all sets on the same trial seeds) and is scored against every
//! fit target by its implausibility (Craig et al. 1997; Vernon et al. 2010):
//!
//! ```text
//! I_t = |simulated mean - z_t| / sqrt(σ_obs² + σ_md² + SE²)
//! z_t = (low + high) / 2      σ_obs = (high - low) / 4   (the real range read as ±2 sd)
//! σ_md = discrepancy × |z_t|  (model discrepancy, a stated assumption, default 10%; 0 for an input)
//! SE   = the simulated mean's standard error (the simulation's noise at this many trials)
//! ```
//!
//! A set is not ruled out when its largest implausibility over the fit targets is at most
//! `cutoff` (3, Pukelsheim's three-sigma rule). Each later wave draws a new hypercube inside
//! the box that holds the sets not ruled out so far (or the best-scoring tenth of all
//! candidates, if that is more), widened by a tenth of its width on each side and kept within
//! the plausible ranges;
//! no emulator is fitted, every candidate is simulated. The ensemble is the sets not ruled
//! out, of every wave, the `size` most plausible of them. Held-out targets (role `check`)
//! are reported over the ensemble, never scored.
//!
//! Candidates, seeds and scores depend only on the file, its seed and the settings, never on
//! the thread count.

use super::calibration::{self, Measure, Role, Simulated, TARGETS, Target, TargetAccs};
use super::robustness::quantile;
use crate::run::{self, Pairing, RunOptions, TrialRow};
use crate::spec::design::ensemble::MEMBER_COLUMNS;
use crate::spec::design::{DesignInfo, UnitRange, hypercube::latin_hypercube};
use crate::spec::{Arm, Experiment, arms, registry::Registry};
use crate::text::{format_number, round_significant};
use crate::{Error, Result};
use model::Trial;
use model::param_spec::Domain;
use model::rng::mix64;
use serde::Serialize;
use std::path::PathBuf;
use toml::Value;

/// ensemble.csv: one row per member.
pub const ENSEMBLE_CSV: &str = "ensemble.csv";
/// ensemble_targets.csv: each target's simulated range over the ensemble.
pub const ENSEMBLE_TARGETS_CSV: &str = "ensemble_targets.csv";
/// ensemble_parameters.csv: each varied parameter's spread over the ensemble.
pub const ENSEMBLE_PARAMETERS_CSV: &str = "ensemble_parameters.csv";
/// ensemble_waves.csv: candidates, acceptance and the searched box per wave.
pub const ENSEMBLE_WAVES_CSV: &str = "ensemble_waves.csv";

/// Prefix of the militant target shares, which must sum to one: not varied one by one.
const SHARE_PREFIX: &str = "militants.target_";

/// Candidates simulated at once (their statistics held together).
const CANDIDATES_PER_BATCH: usize = 128;

/// The next wave's box holds at least this many of the best candidates so far.
const REFOCUS_BASIS: usize = 10;

/// Significant digits of a candidate's values, so that ensemble.csv holds them exactly.
const VALUE_DIGITS: usize = 6;

/// How to build the ensemble (`calibrate --ensemble N --waves W --candidates C --cutoff X`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnsembleSettings {
    /// At most this many members.
    pub size: usize,
    /// Waves of history matching (1: one Latin hypercube over the plausible ranges).
    pub waves: u32,
    /// Candidates simulated per wave.
    pub candidates: usize,
    /// The largest implausibility a member may have on any fit target.
    pub cutoff: f64,
    /// Model discrepancy as a share of each target's midpoint.
    pub discrepancy: f64,
}

impl EnsembleSettings {
    /// `size` members from 3 waves of `10 × size` candidates (at least 200), cutoff 3,
    /// discrepancy 10%.
    pub fn new(size: usize) -> Self {
        EnsembleSettings {
            size,
            waves: 3,
            candidates: (10 * size).max(200),
            cutoff: 3.0,
            discrepancy: 0.1,
        }
    }
}

/// A parameter the ensemble varies, over its plausible range.
#[derive(Debug, Clone, PartialEq)]
pub struct Varied {
    pub key: String,
    pub range: UnitRange,
}

/// Every registry parameter with a plausible range, except the measures (policy levers, not
/// uncertainties about the world), the militant target shares (which must sum to one) and
/// whatever the file's arm `arm` sets itself (the analyst's choice, which `run --ensemble`
/// keeps too).
pub fn varied_parameters(arm: &Arm) -> Vec<Varied> {
    Registry::get()
        .specs
        .iter()
        .filter(|s| !s.key.starts_with("measures.") && !s.key.starts_with(SHARE_PREFIX))
        .filter(|s| !arm.overrides.iter().any(|(key, _)| *key == s.key))
        .filter(|s| matches!(s.domain, Domain::Real { .. } | Domain::Int { .. }))
        .filter_map(|s| {
            let (low, high) = s.domain.plausible_range()?;
            Some(Varied {
                key: s.key.clone(),
                range: UnitRange {
                    low,
                    high,
                    whole: s.domain.is_int(),
                },
            })
        })
        .collect()
}

/// One scored parameter set.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// `w<wave>.c<index>`, or `defaults`.
    pub id: String,
    /// Its wave (0 for the defaults).
    pub wave: u32,
    /// Its values, one per varied parameter.
    pub values: Vec<Value>,
    /// Each target's simulated side.
    pub simulated: Vec<Simulated>,
    /// Each target's implausibility (infinite where the simulation does not define it).
    pub implausibility: Vec<f64>,
    /// The largest implausibility over the fit targets.
    pub score: f64,
}

/// One row of ensemble_waves.csv.
#[derive(Debug, Clone, Serialize)]
pub struct WaveRow {
    pub wave: u32,
    pub candidates: usize,
    /// Candidates of this wave not ruled out.
    pub accepted: usize,
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub acceptance_rate: f64,
    /// The searched box's width per parameter as a share of its plausible range (the
    /// geometric mean over the varied parameters; 1 for the first wave).
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub box_width_share: f64,
    /// The smallest largest-implausibility of the wave.
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub best_implausibility: f64,
    /// The fit target ruling out most of the wave's candidates (its implausibility above the
    /// cutoff most often).
    pub most_ruling_target: String,
    pub ruled_out_by_it: usize,
}

/// One row of ensemble_targets.csv.
#[derive(Debug, Clone, Serialize)]
pub struct EnsembleTargetRow {
    pub target: String,
    pub role: Role,
    pub unit: String,
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub real_low: f64,
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub real_high: f64,
    /// The defaults' simulated mean.
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub defaults: Option<f64>,
    /// The members' simulated means: smallest, median, largest.
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub ensemble_min: Option<f64>,
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub ensemble_median: Option<f64>,
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub ensemble_max: Option<f64>,
    /// Share of members whose mean lies in the real range.
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub share_in_range: Option<f64>,
    /// Largest implausibility of a member on this target.
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub max_implausibility: Option<f64>,
    pub source: String,
}

/// One row of ensemble_parameters.csv: how far the fit targets narrow a parameter.
#[derive(Debug, Clone, Serialize)]
pub struct EnsembleParameterRow {
    pub parameter: String,
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub plausible_low: f64,
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub plausible_high: f64,
    /// The file's arm as given.
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub default: f64,
    /// The members' values: 5% quantile, median, 95% quantile.
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub ensemble_p05: Option<f64>,
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub ensemble_median: Option<f64>,
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub ensemble_p95: Option<f64>,
    /// (p95 - p05) / (plausible high - low): near 0.9 for a parameter the targets leave
    /// free (uniform over its range), smaller the more they constrain it.
    #[serde(serialize_with = "crate::text::serialize_opt_number")]
    pub width_share: Option<f64>,
}

/// A finished ensemble.
#[derive(Debug, Clone)]
pub struct Ensemble {
    pub settings: EnsembleSettings,
    pub parameters: Vec<Varied>,
    /// The members, most plausible first.
    pub members: Vec<Candidate>,
    /// Candidates not ruled out, before keeping the `size` most plausible.
    pub not_ruled_out: usize,
    pub simulated_candidates: usize,
    /// The file's effects baseline arm as given, scored the same way.
    pub defaults: Candidate,
    pub waves: Vec<WaveRow>,
    pub targets: Vec<EnsembleTargetRow>,
    /// Each varied parameter's spread, most constrained first.
    pub parameter_rows: Vec<EnsembleParameterRow>,
    pub trials: u64,
    pub seed: u64,
    pub source: PathBuf,
}

/// What the calibration's manifest.json says of its ensemble.
#[derive(Debug, Clone, Serialize)]
pub struct EnsembleRecord {
    #[serde(flatten)]
    pub settings: EnsembleSettings,
    pub parameters_varied: usize,
    pub candidates_simulated: usize,
    pub not_ruled_out: usize,
    pub members: usize,
    /// The largest implausibility of the file's arm as given, over the fit targets.
    pub defaults_implausibility: f64,
    /// How implausibility is computed.
    pub implausibility: &'static str,
}

impl Ensemble {
    /// What manifest.json records of it.
    pub fn record(&self) -> EnsembleRecord {
        EnsembleRecord {
            settings: self.settings.clone(),
            parameters_varied: self.parameters.len(),
            candidates_simulated: self.simulated_candidates,
            not_ruled_out: self.not_ruled_out,
            members: self.members.len(),
            defaults_implausibility: self.defaults.score,
            implausibility: "|mean - midpoint| / sqrt(((high - low)/4)^2 + (discrepancy * midpoint)^2 + SE^2), largest over the fit targets",
        }
    }

    /// The share of simulated candidates not ruled out.
    pub fn acceptance_rate(&self) -> f64 {
        self.not_ruled_out as f64 / self.simulated_candidates.max(1) as f64
    }

    /// ensemble.csv's header: the member columns, then every varied parameter.
    pub fn header(&self) -> Vec<String> {
        MEMBER_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .chain(self.parameters.iter().map(|p| p.key.clone()))
            .collect()
    }

    /// ensemble.csv's rows, most plausible first.
    pub fn rows(&self) -> impl Iterator<Item = Vec<String>> + '_ {
        self.members.iter().map(|m| {
            [m.id.clone(), m.wave.to_string(), format_number(m.score)]
                .into_iter()
                .chain(m.values.iter().map(value_cell))
                .collect()
        })
    }
}

/// A parameter value as an ensemble.csv cell: exactly the value run (candidates are rounded
/// to six significant digits when drawn, and Rust prints the shortest exact form).
fn value_cell(v: &Value) -> String {
    match v {
        Value::Float(x) => format!("{x}"),
        other => other.to_string(),
    }
}

/// A target's implausibility for simulated side `s` (infinite if undefined).
pub fn implausibility(t: &Target, s: &Simulated, discrepancy: f64) -> f64 {
    let Some(mean) = s.mean else {
        return f64::INFINITY;
    };
    let z = (t.low + t.high) / 2.0;
    let obs = (t.high - t.low) / 4.0;
    // An input is set, not simulated: no model stands between it and the figure.
    let md = match t.measure {
        Measure::Input(_) => 0.0,
        _ => discrepancy * z.abs(),
    };
    let se = s.standard_error().unwrap_or(0.0);
    let scale = (obs * obs + md * md + se * se).sqrt();
    if scale == 0.0 {
        return if mean == z { 0.0 } else { f64::INFINITY };
    }
    (mean - z).abs() / scale
}

/// Builds the ensemble of the file's effects baseline arm; writes nothing.
pub fn build(
    experiment: &Experiment,
    options: &RunOptions,
    settings: &EnsembleSettings,
) -> Result<Ensemble> {
    check(settings)?;
    let single = calibration::baseline_only(experiment);
    let baseline = single.arm(0).into_owned();
    let parameters = varied_parameters(&baseline);
    let default_values: Vec<Value> = parameters
        .iter()
        .map(|p| {
            let table = crate::spec::params_table(&baseline.params);
            crate::spec::tree::lookup(&table, &p.key).cloned()
        })
        .collect::<Option<_>>()
        .ok_or_else(|| Error::Internal("a varied parameter is not in the parameters".into()))?;
    let threads = run::thread_count(options.threads)?;
    let progress = &options.progress;
    let runner = Batch {
        single: &single,
        baseline: &baseline,
        parameters: &parameters,
        threads,
        progress,
        discrepancy: settings.discrepancy,
    };
    let defaults = runner
        .score(0, &[("defaults".to_string(), default_values)])?
        .remove(0);

    let full = vec![(0.0, 1.0); parameters.len()];
    let mut bounds = full.clone();
    let mut scored: Vec<(Vec<f64>, Candidate)> = Vec::new();
    let mut waves = Vec::new();
    for wave in 1..=settings.waves {
        let seed = mix64(experiment.seed ^ 0x454E_5345_4D42_4C45 ^ u64::from(wave));
        let units = latin_hypercube(settings.candidates as u64, parameters.len(), seed);
        let units: Vec<Vec<f64>> = units
            .into_iter()
            .map(|u| {
                u.iter()
                    .zip(&bounds)
                    .map(|(x, (lo, hi))| lo + x * (hi - lo))
                    .collect()
            })
            .collect();
        let named: Vec<(String, Vec<Value>)> = units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let width = settings.candidates.to_string().len().max(4);
                (
                    format!("w{wave}.c{:0width$}", i + 1),
                    values_at(&parameters, u),
                )
            })
            .collect();
        // The runner counts trials done, each over all the arms of a batch.
        let batches = settings.candidates.div_ceil(CANDIDATES_PER_BATCH) as u64;
        progress.begin(
            &format!("wave {wave}/{}", settings.waves),
            batches * single.trials,
        );
        let candidates = runner.score(wave, &named)?;
        waves.push(wave_row(wave, &candidates, &bounds, settings.cutoff));
        scored.extend(units.into_iter().zip(candidates));
        bounds = refocus(&scored, settings.cutoff, parameters.len());
    }
    progress.finish();

    let simulated_candidates = scored.len();
    let mut accepted: Vec<Candidate> = scored
        .into_iter()
        .map(|(_, c)| c)
        .filter(|c| c.score <= settings.cutoff)
        .collect();
    let not_ruled_out = accepted.len();
    accepted.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.id.cmp(&b.id)));
    accepted.truncate(settings.size);
    let targets = target_rows(&accepted, &defaults);
    let parameter_rows = parameter_rows(&parameters, &accepted, &defaults);
    Ok(Ensemble {
        settings: settings.clone(),
        parameters,
        members: accepted,
        not_ruled_out,
        simulated_candidates,
        defaults,
        waves,
        targets,
        parameter_rows,
        trials: single.trials,
        seed: experiment.seed,
        source: experiment.source.clone(),
    })
}

fn check(settings: &EnsembleSettings) -> Result<()> {
    let bad = |what: String| Err(Error::Unusable(what));
    if settings.size == 0 {
        return bad("--ensemble 0: an ensemble needs at least one member".into());
    }
    if settings.waves == 0 {
        return bad("--waves 0: history matching needs at least one wave".into());
    }
    if settings.candidates < 2 {
        return bad(format!(
            "--candidates {}: a wave needs at least 2 candidates",
            settings.candidates
        ));
    }
    if !(settings.cutoff.is_finite() && settings.cutoff > 0.0) {
        return bad(format!(
            "--cutoff {}: allowed is a positive number (3 is the usual three-sigma rule)",
            settings.cutoff
        ));
    }
    Ok(())
}

/// The parameter values at unit coordinates `u` (each over its plausible range), rounded to
/// six significant digits.
fn values_at(parameters: &[Varied], u: &[f64]) -> Vec<Value> {
    parameters
        .iter()
        .zip(u)
        .map(|(p, &x)| match p.range.value(x) {
            Value::Float(v) => Value::Float(round_significant(v, VALUE_DIGITS)),
            other => other,
        })
        .collect()
}

/// Runs candidates and scores them.
struct Batch<'a> {
    single: &'a Experiment,
    baseline: &'a Arm,
    parameters: &'a [Varied],
    threads: usize,
    progress: &'a run::Progress,
    discrepancy: f64,
}

impl Batch<'_> {
    /// Simulates every candidate (id, values) on the file's trials, `CANDIDATES_PER_BATCH`
    /// at a time, and scores it.
    fn score(&self, wave: u32, named: &[(String, Vec<Value>)]) -> Result<Vec<Candidate>> {
        let keys: Vec<String> = self.parameters.iter().map(|p| p.key.clone()).collect();
        let mut out = Vec::with_capacity(named.len());
        for chunk in named.chunks(CANDIDATES_PER_BATCH) {
            let design = DesignInfo {
                section: "ensemble".into(),
                tag: 'c',
                keys: keys.clone(),
                points: chunk.iter().map(|(_, v)| v.clone()).collect(),
                arms: vec![self.baseline.id.clone()],
                members: None,
            };
            let arms = (0..chunk.len())
                .map(|i| {
                    let params = arms::point_params(self.baseline, &design, i)
                        .map_err(|e| Error::Internal(format!("candidate {}: {e}", chunk[i].0)))?;
                    Ok(Arm {
                        id: chunk[i].0.clone(),
                        label: chunk[i].0.clone(),
                        params,
                        overrides: Vec::new(),
                    })
                })
                .collect::<Result<Vec<Arm>>>()?;
            let batch = self.single.with_arms(arms);
            let mut accs = vec![TargetAccs::new(TARGETS)?; chunk.len()];
            let mut sink = |rows: &[TrialRow]| -> Result<()> {
                for row in rows {
                    accs[row.arm].push(&row.values);
                }
                Ok(())
            };
            let stats = run::execute_with_rows(
                &batch,
                Pairing::Common,
                self.threads,
                self.progress,
                &Trial::new,
                &mut sink,
            )?;
            for (i, (id, values)) in chunk.iter().enumerate() {
                let simulated = accs[i].simulated(TARGETS, &stats[i], &batch.arm(i).params)?;
                out.push(self.candidate(wave, id, values.clone(), simulated));
            }
        }
        Ok(out)
    }

    fn candidate(
        &self,
        wave: u32,
        id: &str,
        values: Vec<Value>,
        simulated: Vec<Simulated>,
    ) -> Candidate {
        let implausibility: Vec<f64> = TARGETS
            .iter()
            .zip(&simulated)
            .map(|(t, s)| implausibility(t, s, self.discrepancy))
            .collect();
        let score = TARGETS
            .iter()
            .zip(&implausibility)
            .filter(|(t, _)| t.role == Role::Fit)
            .map(|(_, i)| *i)
            .fold(0.0, f64::max);
        Candidate {
            id: id.to_string(),
            wave,
            values,
            simulated,
            implausibility,
            score,
        }
    }
}

/// The box the next wave searches, in unit coordinates of the plausible ranges: the box of
/// the candidates not ruled out so far, or of the best-scoring tenth if that is more (a few
/// lucky points would otherwise pin every parameter, constrained by the data or not),
/// widened by a tenth of its width on each side, within [0, 1]. A parameter the targets do
/// not constrain keeps nearly its whole range, since the basis spreads over it.
fn refocus(scored: &[(Vec<f64>, Candidate)], cutoff: f64, dims: usize) -> Vec<(f64, f64)> {
    let mut order: Vec<&(Vec<f64>, Candidate)> = scored.iter().collect();
    order.sort_by(|a, b| a.1.score.total_cmp(&b.1.score).then(a.1.id.cmp(&b.1.id)));
    let accepted = order.iter().filter(|(_, c)| c.score <= cutoff).count();
    let keep = accepted.max(REFOCUS_BASIS).min(scored.len());
    let basis: Vec<&Vec<f64>> = order[..keep].iter().map(|(u, _)| u).collect();
    (0..dims)
        .map(|d| {
            let lo = basis.iter().map(|u| u[d]).fold(f64::INFINITY, f64::min);
            let hi = basis.iter().map(|u| u[d]).fold(f64::NEG_INFINITY, f64::max);
            let pad = (hi - lo) / 10.0;
            ((lo - pad).max(0.0), (hi + pad).min(1.0))
        })
        .collect()
}

fn wave_row(wave: u32, candidates: &[Candidate], bounds: &[(f64, f64)], cutoff: f64) -> WaveRow {
    let accepted = candidates.iter().filter(|c| c.score <= cutoff).count();
    let (most, count) = TARGETS
        .iter()
        .enumerate()
        .filter(|(_, t)| t.role == Role::Fit)
        .map(|(i, t)| {
            let n = candidates
                .iter()
                .filter(|c| c.implausibility[i] > cutoff)
                .count();
            (t.name, n)
        })
        .fold(("", 0), |best, x| if x.1 > best.1 { x } else { best });
    WaveRow {
        wave,
        candidates: candidates.len(),
        accepted,
        acceptance_rate: accepted as f64 / candidates.len().max(1) as f64,
        box_width_share: (bounds.iter().map(|(lo, hi)| (hi - lo).ln()).sum::<f64>()
            / bounds.len().max(1) as f64)
            .exp(),
        best_implausibility: candidates
            .iter()
            .map(|c| c.score)
            .fold(f64::INFINITY, f64::min),
        most_ruling_target: most.to_string(),
        ruled_out_by_it: count,
    }
}

fn number(v: &Value) -> f64 {
    match v {
        Value::Float(x) => *x,
        Value::Integer(i) => *i as f64,
        _ => f64::NAN,
    }
}

fn parameter_rows(
    parameters: &[Varied],
    members: &[Candidate],
    defaults: &Candidate,
) -> Vec<EnsembleParameterRow> {
    let mut rows: Vec<EnsembleParameterRow> = parameters
        .iter()
        .enumerate()
        .map(|(j, p)| {
            let mut values: Vec<f64> = members.iter().map(|m| number(&m.values[j])).collect();
            values.sort_by(f64::total_cmp);
            let (p05, p95) = (quantile(&values, 0.05), quantile(&values, 0.95));
            EnsembleParameterRow {
                parameter: p.key.clone(),
                plausible_low: p.range.low,
                plausible_high: p.range.high,
                default: number(&defaults.values[j]),
                ensemble_p05: p05,
                ensemble_median: quantile(&values, 0.5),
                ensemble_p95: p95,
                width_share: p05
                    .zip(p95)
                    .map(|(lo, hi)| (hi - lo) / (p.range.high - p.range.low)),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let w = |r: &EnsembleParameterRow| r.width_share.unwrap_or(f64::INFINITY);
        w(a).total_cmp(&w(b)).then(a.parameter.cmp(&b.parameter))
    });
    rows
}

fn target_rows(members: &[Candidate], defaults: &Candidate) -> Vec<EnsembleTargetRow> {
    TARGETS
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut means: Vec<f64> = members.iter().filter_map(|m| m.simulated[i].mean).collect();
            means.sort_by(f64::total_cmp);
            let median = quantile(&means, 0.5);
            let in_range = means
                .iter()
                .filter(|m| (t.low..=t.high).contains(*m))
                .count();
            EnsembleTargetRow {
                target: t.name.to_string(),
                role: t.role,
                unit: t.unit.to_string(),
                real_low: t.low,
                real_high: t.high,
                defaults: defaults.simulated[i].mean,
                ensemble_min: means.first().copied(),
                ensemble_median: median,
                ensemble_max: means.last().copied(),
                share_in_range: (!members.is_empty())
                    .then(|| in_range as f64 / members.len() as f64),
                max_implausibility: members.iter().map(|m| m.implausibility[i]).reduce(f64::max),
                source: t.source.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(low: f64, high: f64, measure: Measure) -> Target {
        Target {
            name: "t",
            measure,
            role: Role::Fit,
            unit: "",
            low,
            high,
            figure: "",
            source: "",
            note: "",
        }
    }

    fn simulated(mean: Option<f64>, ci95: Option<(f64, f64)>) -> Simulated {
        Simulated { mean, ci95, n: 100 }
    }

    #[test]
    fn implausibility_counts_the_figure_the_discrepancy_and_the_noise() {
        // Range 80-120: z = 100, σ_obs = 10; discrepancy 10% of 100 = 10; an interval of
        // ±2·z(0.975) gives SE = 2. I = |130 - 100| / sqrt(100 + 100 + 4).
        let t = target(80.0, 120.0, Measure::Mean("attacks"));
        let half = 2.0 * stats::Z_975;
        let s = simulated(Some(130.0), Some((130.0 - half, 130.0 + half)));
        let i = implausibility(&t, &s, 0.1);
        assert!((i - 30.0 / 204f64.sqrt()).abs() < 1e-9, "{i}");
        // More noise, less implausible; no discrepancy, more.
        let noisy = simulated(Some(130.0), Some((110.0, 150.0)));
        assert!(implausibility(&t, &noisy, 0.1) < i);
        assert!(implausibility(&t, &s, 0.0) > i);
        // At the midpoint: 0; undefined: ruled out.
        assert_eq!(implausibility(&t, &simulated(Some(100.0), None), 0.1), 0.0);
        assert_eq!(
            implausibility(&t, &simulated(None, None), 0.1),
            f64::INFINITY
        );
        // An input has no model discrepancy: only the figure's own range counts.
        let input = target(3.5e6, 4.0e6, Measure::Input("refugees.initial_stock"));
        let s = simulated(Some(4.0e6), Some((4.0e6, 4.0e6)));
        assert!((implausibility(&input, &s, 0.1) - 2.0).abs() < 1e-9);
    }

    fn scored(points: &[(f64, f64, f64)]) -> Vec<(Vec<f64>, Candidate)> {
        points
            .iter()
            .enumerate()
            .map(|(i, &(x, y, score))| {
                (
                    vec![x, y],
                    Candidate {
                        id: format!("c{i:03}"),
                        wave: 1,
                        values: Vec::new(),
                        simulated: Vec::new(),
                        implausibility: Vec::new(),
                        score,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn refocus_narrows_what_the_targets_constrain_and_keeps_the_rest() {
        // 40 candidates: the best ones (lowest scores) have x near 0.3 and y anywhere.
        let points: Vec<(f64, f64, f64)> = (0..40)
            .map(|i| {
                let y = f64::from(i) / 39.0;
                let x = if i % 2 == 0 {
                    0.28 + 0.001 * f64::from(i)
                } else {
                    0.9
                };
                let score = if i % 2 == 0 {
                    2.0 + 0.01 * f64::from(i)
                } else {
                    9.0
                };
                (x, y, score)
            })
            .collect();
        let bounds = refocus(&scored(&points), 3.0, 2);
        let (x, y) = (bounds[0], bounds[1]);
        assert!(
            x.0 > 0.25 && x.1 < 0.35,
            "x narrowed to its good values: {x:?}"
        );
        assert!(y.1 - y.0 > 0.8, "y left wide: {y:?}");
        // Only two candidates not ruled out: the box still holds the best REFOCUS_BASIS, so
        // two lucky points do not pin every parameter.
        let mut few = points.clone();
        for (i, p) in few.iter_mut().enumerate() {
            p.2 = if i < 2 { 1.0 } else { 5.0 + 0.01 * i as f64 };
        }
        let bounds = refocus(&scored(&few), 3.0, 2);
        assert!(bounds[1].1 - bounds[1].0 > 0.2, "{bounds:?}");
    }
}
