//! The `[morris]` section: settings of a Morris elementary-effects screening
//! (`deescalate sensitivity`), checked against the parameter and metric registries.
//!
//! ```toml
//! [morris]
//! trajectories = 10          # required: r, at least 2
//! levels = 4                 # required: p, an even number from 2 to 100
//! trials = 128               # optional: trials per design point (default: the file's trials)
//! seed = 7                   # optional: design seed (default derived from the master seed)
//! parameters = ["pakistan.strike_threshold", "ladder.memory_days"]   # optional
//! metrics = ["open_war", "fatalities"]                                # optional
//! ```
//!
//! Default parameters: every parameter with a plausible range in the registry, except the
//! parameters of measures the screened arm does not enable and of mediators it makes inactive
//! (their elementary effects are zero by construction). Default metrics: [`DEFAULT_METRICS`].

use super::{Design, UnitRange, design_seed, shuffle};
use crate::spec::context::{Ctx, p, show};
use crate::spec::error::{ConfigError, KeyKind};
use crate::spec::quantity::Quantity;
use crate::spec::registry::Registry;
use crate::spec::settings::MORRIS_ALLOWED;
use model::Params;
use model::rng::mix64;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use toml::Value;

const KEYS: &[&str] = &[
    "trajectories",
    "levels",
    "trials",
    "seed",
    "parameters",
    "metrics",
];
const TRAJECTORIES_ALLOWED: &str = "a whole number from 2 to 10000";
const LEVELS_ALLOWED: &str = "an even whole number from 2 to 100";
/// Headline metrics screened when `metrics` is not given.
pub const DEFAULT_METRICS: &[&str] = &[
    "open_war",
    "fatalities",
    "cross_border_strikes",
    "crisis_episodes",
    "final_militant_strength",
];

/// A checked `[morris]` section, its parameter list still to be resolved against the arm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Morris {
    /// Trajectories r.
    pub trajectories: u32,
    /// Grid levels p (even).
    pub levels: u32,
    /// Trials per design point (`None`: the experiment's trials).
    pub trials: Option<u64>,
    /// Seed of the design.
    pub seed: u64,
    /// Parameters screened, in registry order (resolved for the screened arm).
    pub parameters: Vec<String>,
    /// Whether `parameters` was given in the file (else the default set).
    pub parameters_given: bool,
    /// Metrics or derived quantities screened.
    pub metrics: Vec<String>,
}

fn whole(
    t: &toml::Table,
    key: &str,
    range: std::ops::RangeInclusive<i64>,
    allowed: &str,
    ctx: &Ctx,
) -> Result<Option<i64>, ConfigError> {
    let path = p(&["morris", key]);
    match t.get(key) {
        None => Ok(None),
        Some(Value::Integer(n)) if range.contains(n) => Ok(Some(*n)),
        Some(v @ Value::Integer(_)) => Err(ctx.out_of_range(&path, v, allowed)),
        Some(v) => Err(ctx.wrong_type(&path, v, allowed)),
    }
}

/// A non-empty list of distinct strings at `morris.<key>`.
fn names(
    t: &toml::Table,
    key: &str,
    allowed: &str,
    ctx: &Ctx,
) -> Result<Option<Vec<String>>, ConfigError> {
    let path = p(&["morris", key]);
    let Some(v) = t.get(key) else {
        return Ok(None);
    };
    let Value::Array(items) = v else {
        return Err(ctx.wrong_type(&path, v, allowed));
    };
    if items.is_empty() {
        return Err(ctx.not_allowed(&path, v, allowed));
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let Value::String(s) = item else {
            return Err(ctx.wrong_type(&path, v, allowed));
        };
        if out.contains(s) {
            return Err(ctx.not_allowed(&path, item, format!("{allowed}, each named once")));
        }
        out.push(s.clone());
    }
    Ok(Some(out))
}

/// Checks `[morris]` (everything but the default parameter list, which needs the arm).
pub(crate) fn parse(v: &Value, master_seed: u64, ctx: &Ctx) -> Result<Morris, ConfigError> {
    let Value::Table(t) = v else {
        return Err(ctx.wrong_type(&p(&["morris"]), v, MORRIS_ALLOWED));
    };
    if let Some(k) = t.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(ConfigError::UnknownKey {
            file: ctx.file(),
            key: ctx.key(&p(&["morris", k])),
            value: show(&t[k]),
            what: KeyKind::Setting,
            suggestion: Some(
                crate::spec::context::closest(k, KEYS.iter().copied())
                    .map_or_else(|| KEYS.join(", "), |s| format!("morris.{s}")),
            ),
        });
    }
    let trajectories = whole(t, "trajectories", 2..=10_000, TRAJECTORIES_ALLOWED, ctx)?
        .ok_or_else(|| ctx.missing(&p(&["morris", "trajectories"]), TRAJECTORIES_ALLOWED))?
        as u32;
    let levels = whole(t, "levels", 2..=100, LEVELS_ALLOWED, ctx)?
        .ok_or_else(|| ctx.missing(&p(&["morris", "levels"]), LEVELS_ALLOWED))?;
    if levels % 2 != 0 {
        return Err(ctx.not_allowed(
            &p(&["morris", "levels"]),
            &Value::Integer(levels),
            format!("{LEVELS_ALLOWED} (with an even number of levels every step of p/(2(p-1)) stays on the grid)"),
        ));
    }
    let trials = whole(
        t,
        "trials",
        1..=i64::MAX,
        "a whole number of at least 1",
        ctx,
    )?
    .map(|n| n as u64);
    let seed = design_seed("morris", t, mix64(master_seed ^ 0x4D4F_5252_4953_5345), ctx)?;

    let param_allowed = "a list of parameter key paths that have a plausible range (`deescalate params`, column PLAUSIBLE)";
    let registry = Registry::get();
    let given = names(t, "parameters", param_allowed, ctx)?;
    let mut parameters = Vec::new();
    if let Some(keys) = &given {
        let path = p(&["morris", "parameters"]);
        for key in keys {
            let value = Value::String(key.clone());
            let Some(spec) = registry.spec(key) else {
                return Err(ConfigError::UnknownKey {
                    file: ctx.file(),
                    key: ctx.key(&path),
                    value: show(&value),
                    what: KeyKind::Parameter,
                    suggestion: registry.suggest(key).map(|s| format!("\"{s}\"")),
                });
            };
            if spec.domain.plausible_range().is_none() {
                return Err(ctx.not_allowed(
                    &path,
                    &value,
                    format!(
                        "{param_allowed}; {key} has none ({}: fixed by data, definition or a sum constraint)",
                        spec.domain.allowed()
                    ),
                ));
            }
        }
        // Registry order, so that the output does not depend on how the list was written.
        parameters = registry
            .specs
            .iter()
            .filter(|s| keys.contains(&s.key))
            .map(|s| s.key.clone())
            .collect();
    }

    let metrics = match names(t, "metrics", &Quantity::allowed(), ctx)? {
        None => DEFAULT_METRICS.iter().map(|s| s.to_string()).collect(),
        Some(list) => {
            if let Some(bad) = list.iter().find(|m| Quantity::by_name(m).is_none()) {
                return Err(ctx.not_allowed(
                    &p(&["morris", "metrics"]),
                    &Value::String(bad.clone()),
                    Quantity::allowed(),
                ));
            }
            list
        }
    };
    Ok(Morris {
        trajectories,
        levels: levels as u32,
        trials,
        seed,
        parameters_given: given.is_some(),
        parameters,
        metrics,
    })
}

/// The default screened parameters for an arm with `params`: every parameter with a plausible
/// range, except those of measures it does not enable and of mediators it makes inactive.
pub(crate) fn default_parameters(params: &Params) -> Vec<String> {
    let registry = Registry::get();
    let table = Value::try_from(params).unwrap_or_else(|_| Value::Table(toml::Table::new()));
    let switched_off = |key: &str| -> bool {
        let segs: Vec<&str> = key.split('.').collect();
        let flag = match segs.as_slice() {
            ["measures", m, _] => table
                .get("measures")
                .and_then(|t| t.get(m))
                .and_then(|t| t.get("enabled")),
            ["mediators", m, _] => table
                .get("mediators")
                .and_then(|t| t.get(m))
                .and_then(|t| t.get("active")),
            _ => return false,
        };
        flag.and_then(Value::as_bool) == Some(false)
    };
    registry
        .specs
        .iter()
        .filter(|s| s.domain.plausible_range().is_some() && !switched_off(&s.key))
        .map(|s| s.key.clone())
        .collect()
}

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
            shuffle(&mut rng, &mut order);
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
    #[serde(flatten)]
    pub range: UnitRange,
}

/// Morris trajectories over screened factors: the design the sensitivity analysis runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectories {
    pub factors: Vec<Factor>,
    pub keys: Vec<String>,
    pub design: MorrisDesign,
}

impl Trajectories {
    /// The trajectories of `morris` over `factors`.
    pub fn new(morris: &Morris, factors: Vec<Factor>) -> Self {
        let design = MorrisDesign::new(
            factors.len(),
            morris.levels,
            morris.trajectories,
            morris.seed,
        );
        let keys = factors.iter().map(|f| f.key.clone()).collect();
        Trajectories {
            factors,
            keys,
            design,
        }
    }

    /// The parameter values of trajectory `t`'s points, in order.
    pub fn trajectory(&self, t: usize) -> Vec<Vec<Value>> {
        self.design.points[t]
            .iter()
            .map(|levels| {
                self.factors
                    .iter()
                    .zip(levels)
                    .map(|(f, &level)| f.range.value(self.design.unit(level)))
                    .collect()
            })
            .collect()
    }
}

impl Design for Trajectories {
    fn tag(&self) -> char {
        'm'
    }
    fn keys(&self) -> &[String] {
        &self.keys
    }
    fn points(&self) -> Vec<Vec<Value>> {
        (0..self.design.points.len())
            .flat_map(|t| self.trajectory(t))
            .collect()
    }
}

/// The screened parameters of `morris`, with their plausible ranges.
pub fn factors(morris: &Morris) -> Result<Vec<Factor>, String> {
    let specs = Params::specs();
    morris
        .parameters
        .iter()
        .map(|key| {
            let spec = specs
                .iter()
                .find(|s| &s.key == key)
                .ok_or_else(|| format!("{key} is not a parameter"))?;
            let (low, high) = spec
                .domain
                .plausible_range()
                .ok_or_else(|| format!("{key} has no plausible range"))?;
            Ok(Factor {
                key: key.clone(),
                range: UnitRange {
                    low,
                    high,
                    whole: spec.domain.is_int(),
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As a `Design`, the trajectories' points are every trajectory's points in order, each
    /// inside its factor's range, consecutive points of a trajectory differing in one key.
    #[test]
    fn trajectories_as_a_design_list_every_point_in_range() {
        let morris = Morris {
            trajectories: 3,
            levels: 4,
            trials: None,
            seed: 11,
            parameters: vec![],
            parameters_given: true,
            metrics: vec![],
        };
        let factors = vec![
            Factor {
                key: "pakistan.anger_decay".into(),
                range: UnitRange {
                    low: 0.05,
                    high: 0.2,
                    whole: false,
                },
            },
            Factor {
                key: "militants.max_cells".into(),
                range: UnitRange {
                    low: 120.0,
                    high: 250.0,
                    whole: true,
                },
            },
        ];
        let plan = Trajectories::new(&morris, factors);
        let points = plan.points();
        assert_eq!(points.len(), 3 * 3, "r trajectories of k + 1 points");
        assert_eq!(plan.keys(), ["pakistan.anger_decay", "militants.max_cells"]);
        for (t, chunk) in points.chunks(3).enumerate() {
            assert_eq!(chunk, plan.trajectory(t).as_slice());
            for pair in chunk.windows(2) {
                let changed = pair[0].iter().zip(&pair[1]).filter(|(a, b)| a != b).count();
                assert_eq!(changed, 1, "one parameter per step");
            }
        }
        for point in &points {
            let x = point[0].as_float().expect("real");
            assert!((0.05..=0.2).contains(&x), "{x}");
            let n = point[1].as_integer().expect("whole");
            assert!((120..=250).contains(&n), "{n}");
        }
    }

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
