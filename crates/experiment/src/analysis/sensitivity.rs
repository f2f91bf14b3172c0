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
//! μ* > 2 × noise SE (under pure noise, E(μ*) ≈ 0.8 × noise SE).

use crate::run::{self, Pairing, RunOptions, Simulator, TrialRow};
pub use crate::spec::design::morris::Factor;
use crate::spec::design::morris::{Trajectories, factors};
use crate::spec::quantity::Quantity;
use crate::spec::{Arm, Experiment, tree};
use crate::{Error, Result};
use model::Params;
use serde::Serialize;
use stats::PairedAcc;
use toml::Value;

/// sensitivity.csv.
pub const SENSITIVITY_CSV: &str = "sensitivity.csv";

/// One row of sensitivity.csv.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityRow {
    pub parameter: String,
    pub metric: String,
    /// 1 = most influential on this metric (by μ*).
    pub rank: usize,
    /// Mean absolute elementary effect, in the metric's unit per full plausible range.
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub mu_star: f64,
    /// Mean elementary effect (its sign: the direction of the effect, if consistent).
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub mu: f64,
    /// Standard deviation of the elementary effects over trajectories (non-linearity and
    /// interactions, plus noise).
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub sigma: f64,
    /// Root mean square over trajectories of each elementary effect's standard error from the
    /// paired per-trial differences: the stochastic noise in one elementary effect.
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub noise_se: f64,
    /// μ* > 2 × noise_se.
    pub above_noise: bool,
    /// Unit of the effects: the metric's unit per full plausible range of the parameter.
    pub unit: String,
    #[serde(serialize_with = "crate::text::serialize_number")]
    pub plausible_low: f64,
    #[serde(serialize_with = "crate::text::serialize_number")]
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
    /// The `[morris]` settings screened with (parameters resolved for the arm).
    pub morris: crate::spec::Morris,
    /// Step in unit space, p / (2(p − 1)).
    pub delta: f64,
}

/// The parameters of one design point: the screened arm with each factor at its value.
fn point_params(base: &toml::Table, factors: &[Factor], point: &[Value]) -> Result<Params> {
    let mut table = base.clone();
    for (f, value) in factors.iter().zip(point) {
        tree::set_key(&mut table, &f.key, value.clone()).map_err(|_| {
            Error::Internal(format!("{} is not a parameter path of the model", f.key))
        })?;
    }
    Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| {
            Error::Internal(format!(
                "a design point's parameters do not fit the model: {}",
                e.message().trim()
            ))
        })
}

/// Paired differences of every quantity over one trajectory's steps.
struct StepAccs {
    /// `accs[step][quantity]`.
    accs: Vec<Vec<PairedAcc>>,
}

/// Runs the screening of `experiment`'s effects baseline arm as its `[morris]` asks.
pub fn screen(experiment: &Experiment, options: &RunOptions) -> Result<Screening> {
    screen_with(experiment, options, model::Trial::new)
}

/// [`screen`] with a given simulator (the model, or a stand-in in tests).
pub(crate) fn screen_with<S: Simulator>(
    experiment: &Experiment,
    options: &RunOptions,
    new_sim: impl Fn() -> S + Sync,
) -> Result<Screening> {
    let Some(morris) = &experiment.morris else {
        return Err(Error::Unusable(format!(
            "{} has no [morris] section; add one with trajectories and levels",
            experiment.source.display()
        )));
    };
    let factors = factors(morris).map_err(Error::Internal)?;
    if factors.is_empty() {
        return Err(Error::Unusable(
            "no parameter to screen: [morris] parameters is empty for the screened arm".into(),
        ));
    }
    let quantities: Vec<Quantity> = morris
        .metrics
        .iter()
        .map(|m| {
            Quantity::by_name(m).ok_or_else(|| Error::Internal(format!("{m} is not a metric")))
        })
        .collect::<Result<_>>()?;
    let arm = experiment.effects_baseline_arm();
    let base = crate::spec::params_table(&arm.params);
    let plan = Trajectories::new(morris, factors);
    let (design, factors) = (&plan.design, &plan.factors);
    let delta = design.delta();
    let trials = morris.trials.unwrap_or(experiment.trials);
    let threads = run::thread_count(options.threads)?;
    let total_points = design.points.len() * (factors.len() + 1);
    let progress = options.progress.start(total_points as u64);
    let inner = RunOptions {
        threads: Some(threads),
        progress: crate::run::Progress::none(),
        pairing: Pairing::Common,
        precision: None,
        ..options.clone()
    };

    // effects[q][i]: elementary effects of factor i on quantity q, and their squared SEs.
    let mut effects = vec![vec![Vec::new(); factors.len()]; quantities.len()];
    let mut noise = vec![vec![Vec::new(); factors.len()]; quantities.len()];
    for t in 0..design.points.len() {
        let trajectory = plan.trajectory(t);
        let arms = trajectory
            .iter()
            .enumerate()
            .map(|(j, point)| {
                Ok(Arm {
                    id: format!("t{:03}.x{:03}", t + 1, j),
                    label: format!("trajectory {} point {}", t + 1, j),
                    params: point_params(&base, factors, point)?,
                    overrides: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let points = Experiment {
            trials,
            pairing: Pairing::Common,
            precision: None,
            write_trials: false,
            ..experiment.with_arms(arms)
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
        run::simulate_rows_with(&points, &inner, &new_sim, Some(&mut sink))
            .map_err(|e| e.context(format!("running trajectory {} of the Morris design", t + 1)))?;
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
        progress.advance(trajectory.len() as u64);
    }
    progress.finish();

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
                    plausible_low: f.range.low,
                    plausible_high: f.range.high,
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
        factors: plan.factors,
        trials,
        points: total_points,
        threads,
        arm: arm.id.clone(),
        morris: morris.clone(),
        delta,
    })
}
