//! Morris elementary-effects screening (`deescalate sensitivity`): the seeded trajectory
//! design, its evaluation on the experiment runner, and the per-parameter statistics.
//!
//! Design (Morris 1991): `p` levels on [0, 1], step Δ = p / (2(p − 1)). Each trajectory draws
//! a base point on {0, 1/(p−1), …, 1 − Δ} in every dimension, a direction per dimension and a
//! random order of the dimensions, then steps each dimension once by ±Δ: k + 1 points that
//! differ one parameter at a time. Unit coordinates map linearly onto each parameter's
//! plausible range (whole-number parameters rounded to the nearest whole number). Draws come
//! from a ChaCha8 stream seeded by `[morris] seed` (default derived from the master seed).
//!
//! Evaluation: each trajectory is an experiment whose arms are its k + 1 points, run by the
//! ordinary runner on the same trial seeds (common random numbers). The value of a quantity
//! at a point is its mean over the trials; the elementary effect of the parameter stepped
//! between two consecutive points is `(f(x + Δe_i) − f(x)) / Δ`, in the quantity's unit per
//! full plausible range. Its noise is the standard error of the paired per-trial differences
//! divided by Δ. Per parameter and quantity: μ* (mean |EE|), μ (mean EE), σ (sd of EE over
//! trajectories), and the root-mean-square noise SE; an effect is `above_noise` when
//! μ* > 2 × noise SE (under pure noise, E[μ*] ≈ 0.8 × noise SE).

use super::quantity::Quantity;
use super::{Pairing, RunOptions, TrialRow};
use crate::model::Params;
use crate::scenario::{Arm, Experiment, Morris};
use crate::stats::PairedAcc;
use anyhow::{Context, Result, bail};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use toml::Value;

/// sensitivity.csv.
pub const SENSITIVITY_CSV: &str = "sensitivity.csv";

/// A Morris design in grid indices: `points[t][j][i]` is the level (0..p) of parameter `i` at
/// point `j` of trajectory `t`; consecutive points differ in exactly one parameter by p/2
/// levels (Δ in unit space).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MorrisDesign {
    pub levels: u32,
    pub points: Vec<Vec<Vec<u32>>>,
    /// `steps[t][j]`: the parameter stepped from point j to j + 1 of trajectory t, and the
    /// direction (+1 up, −1 down).
    pub steps: Vec<Vec<(usize, i8)>>,
}

impl MorrisDesign {
    /// `trajectories` trajectories over `k` parameters on a `levels`-level grid (even
    /// `levels` ≥ 2), drawn from ChaCha8 seeded with `seed`.
    pub fn new(k: usize, levels: u32, trajectories: u32, seed: u64) -> Self {
        assert!(
            levels >= 2 && levels.is_multiple_of(2),
            "levels must be even and >= 2"
        );
        let half = levels / 2;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut points = Vec::with_capacity(trajectories as usize);
        let mut steps = Vec::with_capacity(trajectories as usize);
        for _ in 0..trajectories {
            // Base levels in {0, …, p/2 − 1}, i.e. unit values in {0, …, 1 − Δ}.
            let base: Vec<u32> = (0..k).map(|_| rng.random_range(0..half)).collect();
            let up: Vec<bool> = (0..k).map(|_| rng.random_range(0..2u32) == 0).collect();
            let mut order: Vec<u64> = (0..k as u64).collect();
            for i in (1..k as u64).rev() {
                let j = rng.random_range(0..=i);
                order.swap(i as usize, j as usize);
            }
            let mut x: Vec<u32> = base
                .iter()
                .zip(&up)
                .map(|(&b, &u)| if u { b } else { b + half })
                .collect();
            let mut trajectory = vec![x.clone()];
            let mut moves = Vec::with_capacity(k);
            for &i in &order {
                let i = i as usize;
                if up[i] {
                    x[i] += half;
                } else {
                    x[i] -= half;
                }
                moves.push((i, if up[i] { 1 } else { -1 }));
                trajectory.push(x.clone());
            }
            points.push(trajectory);
            steps.push(moves);
        }
        MorrisDesign {
            levels,
            points,
            steps,
        }
    }

    /// The step Δ in unit space.
    pub fn delta(&self) -> f64 {
        f64::from(self.levels) / (2.0 * f64::from(self.levels - 1))
    }

    /// A grid level as a unit coordinate in [0, 1].
    pub fn unit(&self, level: u32) -> f64 {
        f64::from(level) / f64::from(self.levels - 1)
    }
}

/// One screened parameter: key and plausible range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    pub key: String,
    pub low: f64,
    pub high: f64,
    pub whole: bool,
}

impl Factor {
    /// The parameter value at unit coordinate `u`.
    fn value(&self, u: f64) -> Value {
        let x = self.low + u * (self.high - self.low);
        if self.whole {
            Value::Integer(x.round() as i64)
        } else {
            Value::Float(x)
        }
    }
}

/// One row of sensitivity.csv.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityRow {
    pub parameter: String,
    pub metric: String,
    /// 1 = most influential on this metric (by μ*).
    pub rank: usize,
    /// Mean absolute elementary effect, in the metric's unit per full plausible range.
    #[serde(serialize_with = "crate::output::serialize_number")]
    pub mu_star: f64,
    /// Mean elementary effect (its sign: the direction of the effect, if consistent).
    #[serde(serialize_with = "crate::output::serialize_number")]
    pub mu: f64,
    /// Standard deviation of the elementary effects over trajectories (non-linearity and
    /// interactions, plus noise).
    #[serde(serialize_with = "crate::output::serialize_number")]
    pub sigma: f64,
    /// Root mean square over trajectories of each elementary effect's standard error from the
    /// paired per-trial differences: the stochastic noise in one elementary effect.
    #[serde(serialize_with = "crate::output::serialize_number")]
    pub noise_se: f64,
    /// μ* > 2 × noise_se.
    pub above_noise: bool,
    /// Unit of the effects: the metric's unit per full plausible range of the parameter.
    pub unit: String,
    #[serde(serialize_with = "crate::output::serialize_number")]
    pub plausible_low: f64,
    #[serde(serialize_with = "crate::output::serialize_number")]
    pub plausible_high: f64,
}

/// What a screening produced.
#[derive(Debug, Clone)]
pub struct Screening {
    pub rows: Vec<SensitivityRow>,
    pub factors: Vec<Factor>,
    pub trials: u64,
    /// Design points evaluated (trajectories × (k + 1)).
    pub points: usize,
    pub threads: usize,
    /// The screened arm's id.
    pub arm: String,
}

/// The screened parameters of `morris`, with their plausible ranges.
pub fn factors(morris: &Morris) -> Result<Vec<Factor>> {
    let specs = Params::specs();
    morris
        .parameters
        .iter()
        .map(|key| {
            let spec = specs
                .iter()
                .find(|s| &s.key == key)
                .with_context(|| format!("{key} is not a parameter"))?;
            let (low, high) = spec
                .domain
                .plausible_range()
                .with_context(|| format!("{key} has no plausible range"))?;
            Ok(Factor {
                key: key.clone(),
                low,
                high,
                whole: spec.domain.is_int(),
            })
        })
        .collect()
}

/// Sets `key` (dotted) to `value` in a nested TOML table.
fn set_key(table: &mut Value, key: &str, value: Value) -> Result<()> {
    let mut segs = key.split('.').peekable();
    let mut t = table;
    while let Some(seg) = segs.next() {
        let map = t.as_table_mut().context("parameters are a table")?;
        if segs.peek().is_none() {
            map.insert(seg.to_string(), value);
            return Ok(());
        }
        t = map
            .get_mut(seg)
            .with_context(|| format!("no section {seg} in {key}"))?;
    }
    bail!("empty key")
}

/// The parameters of one design point: the screened arm with each factor at its level.
fn point_params(
    base: &Value,
    factors: &[Factor],
    design: &MorrisDesign,
    levels: &[u32],
) -> Result<Params> {
    let mut table = base.clone();
    for (f, &level) in factors.iter().zip(levels) {
        set_key(&mut table, &f.key, f.value(design.unit(level)))?;
    }
    table
        .try_into()
        .context("a design point's parameters do not fit the model")
}

/// Paired differences of every quantity over one trajectory's steps.
struct StepAccs {
    /// `accs[step][quantity]`.
    accs: Vec<Vec<PairedAcc>>,
}

/// Runs the screening of `experiment`'s effects baseline arm as its `[morris]` asks.
pub fn screen(experiment: &Experiment, options: &RunOptions) -> Result<Screening> {
    screen_with(experiment, options, crate::model::Trial::new)
}

/// [`screen`] with a given simulator (the model, or a stand-in in tests).
pub(crate) fn screen_with<S: super::Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: impl Fn() -> S + Sync,
) -> Result<Screening> {
    let Some(morris) = &experiment.morris else {
        bail!(
            "{} has no [morris] section; add one with trajectories and levels",
            experiment.source.display()
        );
    };
    let factors = factors(morris)?;
    if factors.is_empty() {
        bail!("no parameter to screen: [morris] parameters is empty for the screened arm");
    }
    let quantities: Vec<Quantity> = morris
        .metrics
        .iter()
        .map(|m| Quantity::by_name(m).with_context(|| format!("{m} is not a metric")))
        .collect::<Result<_>>()?;
    let arm = experiment.effects_baseline_arm();
    let base = Value::try_from(&arm.params).context("the arm's parameters as TOML")?;
    let design = MorrisDesign::new(
        factors.len(),
        morris.levels,
        morris.trajectories,
        morris.seed,
    );
    let delta = design.delta();
    let trials = morris.trials.unwrap_or(experiment.trials);
    let threads = super::thread_count(options.threads)?;
    let total_points = design.points.len() * (factors.len() + 1);
    let progress = super::progress_bar(total_points as u64, options.progress);
    let inner = RunOptions {
        threads: Some(threads),
        progress: false,
        pairing: Pairing::Common,
        precision: None,
        ..options.clone()
    };

    // effects[q][i]: elementary effects of factor i on quantity q, and their squared SEs.
    let mut effects = vec![vec![Vec::new(); factors.len()]; quantities.len()];
    let mut noise = vec![vec![Vec::new(); factors.len()]; quantities.len()];
    for (t, trajectory) in design.points.iter().enumerate() {
        let arms = trajectory
            .iter()
            .enumerate()
            .map(|(j, levels)| {
                Ok(Arm {
                    id: format!("t{:03}.x{:03}", t + 1, j),
                    label: format!("trajectory {} point {}", t + 1, j),
                    params: point_params(&base, &factors, &design, levels)?,
                    overrides: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let points = Experiment {
            arms,
            trials,
            effects_baseline: 0,
            pairing: Pairing::Common,
            precision: None,
            write_trials: false,
            ..experiment.clone()
        };
        let mut steps = StepAccs {
            accs: (0..factors.len())
                .map(|_| {
                    quantities
                        .iter()
                        .map(|q| PairedAcc::new(q.resolution()))
                        .collect()
                })
                .collect(),
        };
        // Rows arrive in (trial, arm) order: each trial's k + 1 points side by side.
        let mut sink = |rows: &[TrialRow]| -> Result<()> {
            for trial in rows.chunk_by(|a, b| a.trial == b.trial) {
                for (j, pair) in trial.windows(2).enumerate() {
                    for (acc, q) in steps.accs[j].iter_mut().zip(&quantities) {
                        if let (Some(a), Some(b)) =
                            (q.value(&pair[0].values), q.value(&pair[1].values))
                        {
                            acc.push(a, b);
                        }
                    }
                }
            }
            Ok(())
        };
        super::simulate_rows_with(&points, &inner, &new_sim, Some(&mut sink))
            .with_context(|| format!("running trajectory {} of the Morris design", t + 1))?;
        for (j, &(i, direction)) in design.steps[t].iter().enumerate() {
            for (q, acc) in steps.accs[j].iter().enumerate() {
                let s = acc.summary();
                let (Some(diff), n) = (s.diff, s.n) else {
                    continue;
                };
                effects[q][i].push(f64::from(direction) * diff / delta);
                let se = acc
                    .diff_sd()
                    .map_or(0.0, |sd| sd / (n as f64).sqrt() / delta);
                noise[q][i].push(se * se);
            }
        }
        progress.inc(trajectory.len() as u64);
    }
    progress.finish_and_clear();

    let mut rows = Vec::with_capacity(quantities.len() * factors.len());
    for (q, quantity) in quantities.iter().enumerate() {
        let mut block: Vec<SensitivityRow> = factors
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let ee = &effects[q][i];
                let r = ee.len().max(1) as f64;
                let mu_star = ee.iter().map(|e| e.abs()).sum::<f64>() / r;
                let mu = ee.iter().sum::<f64>() / r;
                let sigma = if ee.len() >= 2 {
                    (ee.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (r - 1.0)).sqrt()
                } else {
                    0.0
                };
                let noise_se = (noise[q][i].iter().sum::<f64>() / r).sqrt();
                SensitivityRow {
                    parameter: f.key.clone(),
                    metric: quantity.name.clone(),
                    rank: 0,
                    mu_star,
                    mu,
                    sigma,
                    noise_se,
                    above_noise: mu_star > 2.0 * noise_se,
                    unit: format!("{} per plausible range", quantity.unit),
                    plausible_low: f.low,
                    plausible_high: f.high,
                }
            })
            .collect();
        // Most influential first; ties keep registry order and share a rank.
        block.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
        for i in 0..block.len() {
            block[i].rank = if i > 0 && block[i].mu_star == block[i - 1].mu_star {
                block[i - 1].rank
            } else {
                i + 1
            };
        }
        rows.extend(block);
    }
    Ok(Screening {
        rows,
        factors,
        trials,
        points: total_points,
        threads,
        arm: arm.id.clone(),
    })
}

/// manifest.json of a screening: what was screened, how, when.
#[derive(Debug, Clone, Serialize)]
pub struct SensitivityManifest {
    pub name: String,
    pub description: String,
    pub source: String,
    pub seed: u64,
    /// The screened arm (the file's effects baseline).
    pub arm: String,
    pub morris: Morris,
    /// Step in unit space, p / (2(p − 1)).
    pub delta: f64,
    pub factors: Vec<Factor>,
    pub trials_per_point: u64,
    pub design_points: usize,
    pub horizon_days: u32,
    pub noise_rule: &'static str,
    pub crate_version: &'static str,
    pub threads: usize,
    pub wall_time_seconds: f64,
    pub started_utc: String,
    pub files: Vec<String>,
    pub config: serde_json::Value,
}

/// The manifest of a finished screening.
pub fn manifest(
    experiment: &Experiment,
    s: &Screening,
    started: std::time::SystemTime,
    wall_time: std::time::Duration,
) -> Result<SensitivityManifest> {
    let morris = experiment
        .morris
        .clone()
        .context("the experiment has no [morris] section")?;
    Ok(SensitivityManifest {
        name: experiment.name.clone(),
        description: experiment.description.clone(),
        source: experiment.source.display().to_string(),
        seed: experiment.seed,
        arm: s.arm.clone(),
        delta: f64::from(morris.levels) / (2.0 * f64::from(morris.levels - 1)),
        morris,
        factors: s.factors.clone(),
        trials_per_point: s.trials,
        design_points: s.points,
        horizon_days: experiment.horizon_days,
        noise_rule: "above_noise = mu_star > 2 * noise_se; noise_se = RMS over trajectories of each elementary effect's standard error (sd of paired per-trial differences / sqrt(trials) / delta)",
        crate_version: env!("CARGO_PKG_VERSION"),
        threads: s.threads,
        wall_time_seconds: wall_time.as_secs_f64(),
        started_utc: crate::output::rfc3339_utc(started),
        files: vec![
            SENSITIVITY_CSV.to_string(),
            crate::output::MANIFEST_JSON.to_string(),
        ],
        config: serde_json::to_value(&experiment.resolved)
            .context("cannot convert the resolved experiment to JSON")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_moves_one_parameter_by_delta_and_every_parameter_once() {
        for &(k, levels) in &[(1usize, 2u32), (7, 4), (12, 6), (30, 8)] {
            let d = MorrisDesign::new(k, levels, 25, 99);
            let delta = d.delta();
            assert_eq!(delta, f64::from(levels) / (2.0 * f64::from(levels - 1)));
            assert_eq!(d.points.len(), 25);
            for (trajectory, steps) in d.points.iter().zip(&d.steps) {
                assert_eq!(trajectory.len(), k + 1);
                let mut stepped = vec![0; k];
                for (j, pair) in trajectory.windows(2).enumerate() {
                    let changed: Vec<usize> =
                        (0..k).filter(|&i| pair[0][i] != pair[1][i]).collect();
                    assert_eq!(changed.len(), 1, "exactly one parameter changes per step");
                    let i = changed[0];
                    let moved = d.unit(pair[1][i]) - d.unit(pair[0][i]);
                    assert!(
                        (moved.abs() - delta).abs() < 1e-12,
                        "step {moved} is not ±{delta}"
                    );
                    assert_eq!(steps[j].0, i);
                    assert_eq!(f64::from(steps[j].1), moved.signum());
                    stepped[i] += 1;
                }
                assert!(stepped.iter().all(|&n| n == 1), "{stepped:?}");
                for point in trajectory {
                    assert!(point.iter().all(|&l| l < levels));
                    assert!(point.iter().all(|&l| (0.0..=1.0).contains(&d.unit(l))));
                }
            }
        }
    }

    #[test]
    fn the_design_is_reproducible_from_its_seed_and_changes_with_it() {
        let a = MorrisDesign::new(10, 4, 8, 7);
        assert_eq!(a, MorrisDesign::new(10, 4, 8, 7));
        assert_ne!(a, MorrisDesign::new(10, 4, 8, 8));
    }

    #[test]
    fn base_points_use_every_lower_level_and_both_directions() {
        // Over many trajectories each first point takes every level of {0, …, p−1} (a lower
        // base level, or the upper one reached by stepping down), and both directions occur.
        let d = MorrisDesign::new(5, 6, 200, 3);
        let mut seen = [false; 6];
        let (mut up, mut down) = (0, 0);
        for (trajectory, steps) in d.points.iter().zip(&d.steps) {
            for &l in &trajectory[0] {
                seen[l as usize] = true;
            }
            for &(_, dir) in steps {
                if dir > 0 { up += 1 } else { down += 1 }
            }
        }
        assert!(seen.iter().all(|&s| s), "{seen:?}");
        assert!(up > 300 && down > 300, "{up} up, {down} down");
    }
}
