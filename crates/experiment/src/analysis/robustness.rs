//! Robust comparison over design points (what the EMA Workbench and Rhodium do, on paired
//! effects with intervals): for each design, each arm it varies and each headline metric
//! with a good direction, how the arm fares across the points, and where it fails.
//!
//! At every point of a design, the arms at that point are the effects baseline at the point
//! (`baseline.h007`, or the effects baseline itself when the design does not vary it) and each
//! other named arm at the point (`mediation.h007`). An arm *helps* at a point when the 95%
//! interval of its effect against the baseline at the point (paired under common random
//! numbers) excludes 0 on the good side of the metric ([`model::Better`]), *harms* when it
//! excludes 0 on the other side, and otherwise has *no clear effect* (among which *nothing to
//! prevent*: the baseline at the point has none of a lower-is-better outcome). Its *regret* at a point
//! is the gap between its mean and the best mean of all arms at the point (0 for the best
//! arm), and its *rank* is 1 plus the number of arms with a strictly better mean. Scenario
//! discovery ([`find_box`]) then finds, for each arm and metric where the arm fails to help
//! (among the points with something to prevent) or harms at some points, the box of the
//! design's parameters that holds most of them.

use crate::run::{Pairing, Results};
use crate::spec::{DesignInfo, Experiment};
use model::{Better, METRICS, MetricSpec};
use stats::{ArmStats, PairedSummary, PrimBox, PrimSettings, find_box};

/// The metrics of robustness.csv: the headline metrics that have a good direction.
pub fn robustness_metrics(headline: &[&str]) -> Vec<usize> {
    headline
        .iter()
        .filter_map(|name| METRICS.iter().position(|m| m.name == *name))
        .filter(|&m| METRICS[m].better != Better::Neither)
        .collect()
}

/// The effects of arm `arm` against the arm it was paired with (`references`, from
/// [`Experiment::reference_arms`]), in `METRICS` order (empty for the effects baseline).
pub fn arm_effects(
    experiment: &Experiment,
    results: &Results,
    references: &[usize],
    arm: usize,
) -> Vec<PairedSummary> {
    if arm == experiment.effects_baseline {
        return Vec::new();
    }
    let reference = references[arm];
    match results.pairing {
        Pairing::Common => results.arms[arm].effects(),
        Pairing::Independent => results.arms[arm].independent_effects(&results.arms[reference]),
    }
}

/// What robustness needs of one arm, on the metrics it is computed for (in their order):
/// each metric's mean and the arm's effect against the arm it was paired with (none for the
/// effects baseline). Small, so that a streamed run keeps one per arm.
#[derive(Debug, Clone, Default)]
pub struct ArmDigest {
    pub means: Vec<Option<f64>>,
    pub effects: Vec<PairedSummary>,
}

impl ArmDigest {
    /// The digest of an arm with statistics `stats` and effects `effects` (in `METRICS` order,
    /// from [`arm_effects`]) on `metrics` (indices into `METRICS`).
    pub fn of(stats: &ArmStats, effects: &[PairedSummary], metrics: &[usize]) -> Self {
        let accs = stats.metrics();
        ArmDigest {
            means: metrics.iter().map(|&m| accs[m].mean()).collect(),
            effects: match effects.is_empty() {
                true => Vec::new(),
                false => metrics.iter().map(|&m| effects[m]).collect(),
            },
        }
    }

    /// Every arm's digest.
    pub fn all(experiment: &Experiment, results: &Results, metrics: &[usize]) -> Vec<Self> {
        let references = experiment.reference_arms();
        (0..experiment.arm_count())
            .map(|a| {
                let effects = arm_effects(experiment, results, &references, a);
                ArmDigest::of(&results.arms[a], &effects, metrics)
            })
            .collect()
    }
}

/// What an arm's effect at one point says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Helps,
    Harms,
    /// The interval includes 0, or the effect is undefined.
    Unclear,
    /// No clear effect where there was nothing to prevent: the baseline at the point has a
    /// mean of 0 on a lower-is-better metric (no open war to avert, no strike to forgo).
    NothingToPrevent,
}

impl Verdict {
    /// The verdict of a paired effect on a metric whose good direction is `better`.
    pub fn of(effect: &PairedSummary, better: Better) -> Verdict {
        let (Some(low), Some(high)) = (effect.diff_ci95_low, effect.diff_ci95_high) else {
            return Verdict::Unclear;
        };
        match better {
            Better::Lower if high < 0.0 => Verdict::Helps,
            Better::Lower if low > 0.0 => Verdict::Harms,
            Better::Higher if low > 0.0 => Verdict::Helps,
            Better::Higher if high < 0.0 => Verdict::Harms,
            _ => Verdict::Unclear,
        }
    }
}

/// One arm of one design on one metric, across the design's points.
#[derive(Debug, Clone)]
pub struct ArmAcrossPoints<'e> {
    pub design: &'e DesignInfo,
    /// The named arm (`mediation`) and its label.
    pub arm: &'e str,
    pub label: &'e str,
    /// Whether this is the baseline the others are compared with (it has no effects).
    pub is_baseline: bool,
    pub metric: &'static MetricSpec,
    /// Per point: the verdict (`None` for the baseline), the effect (scenario − baseline at
    /// the point), the regret and the rank.
    pub verdicts: Vec<Option<Verdict>>,
    pub effects: Vec<Option<f64>>,
    pub regrets: Vec<Option<f64>>,
    pub ranks: Vec<Option<usize>>,
    /// Arms ranked at each point (the baseline and every arm the design varies).
    pub arms_ranked: usize,
}

impl<'e> ArmAcrossPoints<'e> {
    pub fn points(&self) -> usize {
        self.verdicts.len()
    }

    /// Points with the verdict `v`.
    pub fn count(&self, v: Verdict) -> usize {
        self.verdicts.iter().filter(|x| **x == Some(v)).count()
    }

    /// Share of points with verdict `v` (`None` for the baseline).
    pub fn share(&self, v: Verdict) -> Option<f64> {
        (!self.is_baseline).then(|| self.count(v) as f64 / self.points() as f64)
    }

    /// Share of points with no clear effect, whether or not there was anything to prevent.
    pub fn share_no_clear_effect(&self) -> Option<f64> {
        self.share(Verdict::Unclear)
            .zip(self.share(Verdict::NothingToPrevent))
            .map(|(a, b)| a + b)
    }

    /// Quantile `q` of the effect over the points where it is defined (linear between order
    /// statistics, as a spreadsheet's PERCENTILE).
    pub fn effect_quantile(&self, q: f64) -> Option<f64> {
        quantile(&defined(&self.effects), q)
    }

    /// The worst effect: the largest for a lower-is-better metric, the smallest otherwise.
    pub fn worst_effect(&self) -> Option<f64> {
        let e = defined(&self.effects);
        match self.metric.better {
            Better::Higher => e.first().copied(),
            _ => e.last().copied(),
        }
    }

    pub fn mean_regret(&self) -> Option<f64> {
        mean(self.regrets.iter().flatten().copied())
    }

    pub fn max_regret(&self) -> Option<f64> {
        self.regrets.iter().flatten().copied().reduce(f64::max)
    }

    /// Share of the points (with a rank) where the arm is ranked first (ties included).
    pub fn share_ranked_first(&self) -> Option<f64> {
        mean(
            self.ranks
                .iter()
                .flatten()
                .map(|&r| f64::from(u8::from(r == 1))),
        )
    }

    pub fn mean_rank(&self) -> Option<f64> {
        mean(self.ranks.iter().flatten().map(|&r| r as f64))
    }

    /// Scenario discovery: the box holding the points where the arm does not help although
    /// there was something to prevent (`harms` false; the other points are left out), or
    /// where it harms (`harms` true; every point), over the design's numeric parameters;
    /// `None` when no point is such a case or the design has no numeric parameter.
    pub fn discover(&self, harms: bool, settings: &PrimSettings) -> Option<Discovery<'e>> {
        if self.is_baseline {
            return None;
        }
        let values: Vec<Vec<Option<f64>>> = (0..self.design.points.len())
            .map(|i| self.design.numeric_point(i))
            .collect();
        let numeric: Vec<usize> = (0..self.design.keys.len())
            .filter(|&k| values.iter().all(|v| v[k].is_some()))
            .collect();
        if numeric.is_empty() {
            return None;
        }
        let kept: Vec<usize> = (0..self.points())
            .filter(|&i| harms || self.verdicts[i] != Some(Verdict::NothingToPrevent))
            .collect();
        let points: Vec<Vec<f64>> = kept
            .iter()
            .map(|&i| numeric.iter().filter_map(|&k| values[i][k]).collect())
            .collect();
        let cases: Vec<bool> = kept
            .iter()
            .map(|&i| match harms {
                true => self.verdicts[i] == Some(Verdict::Harms),
                false => self.verdicts[i] != Some(Verdict::Helps),
            })
            .collect();
        let found = find_box(&points, &cases, settings)?;
        Some(Discovery {
            keys: numeric
                .iter()
                .map(|&k| self.design.keys[k].as_str())
                .collect(),
            found,
        })
    }
}

/// A scenario-discovery box over a design's numeric parameters (`keys`, in box order).
#[derive(Debug, Clone)]
pub struct Discovery<'e> {
    pub keys: Vec<&'e str>,
    pub found: PrimBox,
}

/// Every arm a design varies (the baseline first), across its points, on each metric of
/// `metrics`, from every arm's digest on those metrics; empty when no design varies an arm
/// other than the effects baseline.
pub fn across_points<'e>(
    experiment: &'e Experiment,
    digests: &[ArmDigest],
    metrics: &[usize],
) -> Vec<ArmAcrossPoints<'e>> {
    let base = experiment.effects_baseline;
    let mut out = Vec::new();
    for design in &experiment.designs {
        // arm_at[f][i]: the arm of family f at point i; family 0 is the baseline (the effects
        // baseline at every point when the design does not vary it), then every other arm.
        let owners = experiment.point_arms(design);
        let mut families: Vec<(usize, Vec<usize>)> = owners
            .iter()
            .filter(|(named, _)| *named != base)
            .cloned()
            .collect();
        if families.is_empty() {
            continue;
        }
        let base_points = owners
            .iter()
            .find(|(named, _)| *named == base)
            .map_or_else(|| vec![base; design.points.len()], |(_, arms)| arms.clone());
        families.insert(0, (base, base_points));
        let points = design.points.len();
        // by_family[f]: family f's rows, one per metric (robustness.csv's order).
        let mut by_family: Vec<Vec<ArmAcrossPoints>> =
            families.iter().map(|_| Vec::new()).collect();
        for (j, &m) in metrics.iter().enumerate() {
            let spec = &METRICS[m];
            // gains[i][f]: family f's mean at point i, signed so that larger is better.
            let gains: Vec<Vec<Option<f64>>> = (0..points)
                .map(|i| {
                    families
                        .iter()
                        .map(|(_, arms)| {
                            digests[arms[i]].means[j].and_then(|v| spec.better.gain(v))
                        })
                        .collect()
                })
                .collect();
            for (f, (named, arms)) in families.iter().enumerate() {
                let Some(named) = experiment.held_arm(*named) else {
                    continue;
                };
                let mut row = ArmAcrossPoints {
                    design,
                    arm: &named.id,
                    label: &named.label,
                    is_baseline: f == 0,
                    metric: spec,
                    verdicts: Vec::with_capacity(points),
                    effects: Vec::with_capacity(points),
                    regrets: Vec::with_capacity(points),
                    ranks: Vec::with_capacity(points),
                    arms_ranked: families.len(),
                };
                for (i, gains) in gains.iter().enumerate() {
                    let effect = (f > 0).then(|| digests[arms[i]].effects.get(j)).flatten();
                    let nothing_to_prevent = spec.better == Better::Lower
                        && digests[families[0].1[i]].means[j] == Some(0.0);
                    row.verdicts
                        .push(effect.map(|e| match Verdict::of(e, spec.better) {
                            Verdict::Unclear if nothing_to_prevent => Verdict::NothingToPrevent,
                            v => v,
                        }));
                    row.effects.push(effect.and_then(|e| e.diff));
                    let best = gains.iter().flatten().copied().reduce(f64::max);
                    let own = gains[f];
                    row.regrets
                        .push(own.zip(best).map(|(own, best)| best - own));
                    row.ranks.push(
                        own.map(|own| 1 + gains.iter().flatten().filter(|&&g| g > own).count()),
                    );
                }
                by_family[f].push(row);
            }
        }
        out.extend(by_family.into_iter().flatten());
    }
    out
}

/// The values that are defined, sorted.
fn defined(values: &[Option<f64>]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().flatten().copied().collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Quantile `q` of sorted values, linear between order statistics.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = q * last as f64;
    let below = h.floor() as usize;
    let above = (below + 1).min(last);
    Some(sorted[below] + (h - below as f64) * (sorted[above] - sorted[below]))
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (n, sum) = values.fold((0usize, 0.0), |(n, s), v| (n + 1, s + v));
    (n > 0).then(|| sum / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effect(low: f64, high: f64) -> PairedSummary {
        PairedSummary {
            n: 10,
            baseline_mean: Some(1.0),
            scenario_mean: Some(1.0),
            diff: Some((low + high) / 2.0),
            diff_ci95_low: Some(low),
            diff_ci95_high: Some(high),
            rel_change: None,
        }
    }

    #[test]
    fn the_good_direction_decides_whether_an_effect_helps() {
        let down = effect(-2.0, -1.0);
        let up = effect(1.0, 2.0);
        let either = effect(-1.0, 1.0);
        assert_eq!(Verdict::of(&down, Better::Lower), Verdict::Helps);
        assert_eq!(Verdict::of(&up, Better::Lower), Verdict::Harms);
        assert_eq!(Verdict::of(&down, Better::Higher), Verdict::Harms);
        assert_eq!(Verdict::of(&up, Better::Higher), Verdict::Helps);
        assert_eq!(Verdict::of(&either, Better::Lower), Verdict::Unclear);
        assert_eq!(Verdict::of(&down, Better::Neither), Verdict::Unclear);
    }

    /// A sweep over three points of the baseline and two measures, with digests set by hand:
    /// shares, regret, rank (ties share first place) and "nothing to prevent" come out as the
    /// definitions say.
    #[test]
    fn shares_regret_and_rank_follow_their_definitions() {
        let text = r#"
name = "robust"
trials = 10
seed = 1
[baseline]
label = "Status quo"
[scenarios.a]
label = "A"
measures.mediation.enabled = true
[scenarios.b]
label = "B"
measures.standing_channel.enabled = true
[sweep]
"pakistan.anger_decay" = [0.05, 0.1, 0.2]
"#;
        let experiment = crate::spec::parse(
            text,
            std::path::Path::new("robust.toml"),
            &crate::spec::Overrides::none(),
        )
        .unwrap();
        let open_war = METRICS.iter().position(|m| m.name == "open_war").unwrap();
        let metrics = [open_war];
        // Open war per point: baseline 0.3, 0.0, 0.2; A 0.1, 0.0, 0.2; B 0.2, 0.1, 0.1.
        let means = |id: &str| -> Option<f64> {
            let table: &[(&str, f64)] = &[
                ("baseline.p001", 0.3),
                ("baseline.p002", 0.0),
                ("baseline.p003", 0.2),
                ("a.p001", 0.1),
                ("a.p002", 0.0),
                ("a.p003", 0.2),
                ("b.p001", 0.2),
                ("b.p002", 0.1),
                ("b.p003", 0.1),
            ];
            table.iter().find(|(k, _)| *k == id).map(|(_, v)| *v)
        };
        let base_of = |id: &str| format!("baseline.{}", id.rsplit_once('.').unwrap().1);
        let digests: Vec<ArmDigest> = experiment
            .arms()
            .map(|arm| {
                let mean = means(&arm.id);
                let effects = match (arm.id.starts_with("baseline"), mean) {
                    (false, Some(m)) => {
                        let diff = m - means(&base_of(&arm.id)).unwrap();
                        // Intervals of half-width 0.05 around the difference.
                        vec![effect(diff - 0.05, diff + 0.05)]
                    }
                    _ => Vec::new(),
                };
                ArmDigest {
                    means: vec![mean],
                    effects,
                }
            })
            .collect();
        let rows = across_points(&experiment, &digests, &metrics);
        assert_eq!(rows.len(), 3, "baseline, a, b");
        let (base, a, b) = (&rows[0], &rows[1], &rows[2]);
        assert!(base.is_baseline && base.share(Verdict::Helps).is_none());
        // A: helps at p001 (-0.2), nothing to prevent at p002, unclear at p003 (0).
        assert_eq!(
            a.verdicts,
            [
                Some(Verdict::Helps),
                Some(Verdict::NothingToPrevent),
                Some(Verdict::Unclear)
            ]
        );
        assert_eq!(a.share_no_clear_effect(), Some(2.0 / 3.0));
        // B: -0.1 helps, +0.1 harms, -0.1 helps.
        assert_eq!(
            b.verdicts,
            [
                Some(Verdict::Helps),
                Some(Verdict::Harms),
                Some(Verdict::Helps)
            ]
        );
        assert_eq!(b.worst_effect().map(|x| (x * 1e9).round()), Some(1e8));
        // Regret: the best arm at each point is 0.1, 0.0, 0.1.
        let r = |row: &ArmAcrossPoints| -> Vec<f64> {
            row.regrets
                .iter()
                .map(|x| (x.unwrap() * 1e9).round() / 1e9)
                .collect()
        };
        assert_eq!(r(base), [0.2, 0.0, 0.1]);
        assert_eq!(r(a), [0.0, 0.0, 0.1]);
        assert_eq!(r(b), [0.1, 0.1, 0.0]);
        // Ranks: ties share first place (baseline and A at p002).
        assert_eq!(base.ranks, [Some(3), Some(1), Some(2)]);
        assert_eq!(a.ranks, [Some(1), Some(1), Some(2)]);
        assert_eq!(b.ranks, [Some(2), Some(3), Some(1)]);
        assert_eq!(a.share_ranked_first(), Some(2.0 / 3.0));
        // Discovery of where B harms: one case among three points.
        let found = b.discover(true, &PrimSettings::default()).unwrap();
        assert_eq!((found.found.total_cases, found.found.cases), (1, 1));
        assert_eq!(found.keys, ["pakistan.anger_decay"]);
        // Where A fails to help, the point with nothing to prevent is left out.
        let fails = a.discover(false, &PrimSettings::default()).unwrap();
        assert_eq!((fails.found.total_points, fails.found.total_cases), (2, 1));
    }

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert_eq!(quantile(&v, 0.05), Some(1.2));
        assert_eq!(quantile(&v, 1.0), Some(5.0));
        assert_eq!(quantile(&[7.0], 0.95), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
