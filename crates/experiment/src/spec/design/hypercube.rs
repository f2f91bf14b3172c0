//! The seeded Latin hypercube of `[latin_hypercube]`: `points` parameter sets such that, in
//! every parameter, each of the `points` equal slices of its range holds exactly one point.

use super::{
    Design, DesignPoints, MAX_POINTS, UnitRange, arms_of, design_seed, params_of, shuffle,
};
use crate::spec::context::Ctx;
use crate::spec::context::{number, p};
use crate::spec::error::ConfigError;
use crate::spec::registry::Registry;
use crate::spec::settings::LHS_ALLOWED;
use model::param_spec::Domain;
use model::rng::mix64;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use toml::Value;

const LHS_PARAM_ALLOWED: &str =
    "{ from = A, to = B } or {} (the plausible range) for a numeric parameter";

/// A Latin hypercube over parameter ranges.
#[derive(Debug, Clone, PartialEq)]
pub struct Hypercube {
    pub keys: Vec<String>,
    pub ranges: Vec<UnitRange>,
    /// Number of points.
    pub points: u64,
    /// Seed of its ChaCha8 stream.
    pub seed: u64,
}

impl Design for Hypercube {
    fn tag(&self) -> char {
        'h'
    }
    fn keys(&self) -> &[String] {
        &self.keys
    }
    fn points(&self) -> Vec<Vec<Value>> {
        latin_hypercube(self.points, self.ranges.len(), self.seed)
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .zip(&self.ranges)
                    .map(|(u, range)| range.value(u))
                    .collect()
            })
            .collect()
    }
}

/// Parses `[latin_hypercube]` and draws its points.
pub(crate) fn parse_lhs(
    v: &Value,
    master_seed: u64,
    ctx: &Ctx,
) -> Result<DesignPoints, ConfigError> {
    let Value::Table(table) = v else {
        return Err(ctx.wrong_type(&p(&["latin_hypercube"]), v, LHS_ALLOWED));
    };
    let registry = Registry::get();
    let arms = arms_of("latin_hypercube", table, ctx)?;
    let points_path = p(&["latin_hypercube", "points"]);
    let points_allowed = format!("a whole number from 1 to {MAX_POINTS}");
    let points = match table.get("points") {
        None => return Err(ctx.missing(&points_path, points_allowed)),
        Some(Value::Integer(n)) if (1..=MAX_POINTS as i64).contains(n) => *n as u64,
        Some(v @ Value::Integer(_)) => {
            return Err(ctx.out_of_range(&points_path, v, points_allowed));
        }
        Some(v) => return Err(ctx.wrong_type(&points_path, v, points_allowed)),
    };
    let seed = design_seed(
        "latin_hypercube",
        table,
        mix64(master_seed ^ 0x4C48_535F_5345_4544),
        ctx,
    )?;
    let mut keys = Vec::new();
    let mut ranges = Vec::new();
    for (key, value) in params_of("latin_hypercube", table, &["arms", "points", "seed"], ctx)? {
        let spec = registry.spec(&key).expect("a registry key");
        let path = p(&["latin_hypercube", &key]);
        let (min, max) = match spec.domain {
            Domain::Real { min, max, .. } => (min, max),
            Domain::Int { min, max, .. } => (min as f64, max as f64),
            _ => {
                return Err(ctx.not_allowed(
                    &path,
                    &value,
                    format!("a numeric parameter ({key} is {})", spec.domain.allowed()),
                ));
            }
        };
        let Value::Table(t) = &value else {
            return Err(ctx.wrong_type(&path, &value, LHS_PARAM_ALLOWED));
        };
        if let Some(k) = t.keys().find(|k| !["from", "to"].contains(&k.as_str())) {
            let mut kp = path.clone();
            kp.push(k.clone());
            return Err(ctx.not_allowed(&kp, &t[k], "from and to"));
        }
        let range = match (t.get("from"), t.get("to")) {
            (None, None) => match spec.domain.plausible_range() {
                Some(range) => range,
                None => {
                    return Err(ctx.not_allowed(
                        &path,
                        &value,
                        format!(
                            "{{ from = A, to = B }}: {key} has no plausible range in the registry (`deescalate params`), so {{}} cannot stand for one"
                        ),
                    ));
                }
            },
            (Some(a), Some(b)) => {
                let (Some(lo), Some(hi)) = (number(a), number(b)) else {
                    return Err(ctx.wrong_type(&path, &value, LHS_PARAM_ALLOWED));
                };
                if !(lo >= min && hi <= max && lo <= hi) {
                    return Err(ctx.out_of_range(
                        &path,
                        &value,
                        format!(
                            "from <= to, both within {} ({})",
                            spec.domain.allowed(),
                            key
                        ),
                    ));
                }
                (lo, hi)
            }
            _ => return Err(ctx.missing(&path, LHS_PARAM_ALLOWED)),
        };
        keys.push(key);
        ranges.push(UnitRange {
            low: range.0,
            high: range.1,
            whole: spec.domain.is_int(),
        });
    }
    let design = Hypercube {
        keys,
        ranges,
        points,
        seed,
    };
    Ok(DesignPoints::of(&design, arms))
}

/// `n` points in the unit cube of `dims` dimensions, one in each of the `n` equal strata of
/// every dimension (a random permutation of strata per dimension, a uniform position within
/// each stratum), drawn from ChaCha8 seeded with `seed`.
pub(crate) fn latin_hypercube(n: u64, dims: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = vec![vec![0.0; dims]; n as usize];
    for d in 0..dims {
        let mut strata: Vec<u64> = (0..n).collect();
        shuffle(&mut rng, &mut strata);
        for (row, stratum) in out.iter_mut().zip(&strata) {
            let u: f64 = rng.random();
            row[d] = ((*stratum as f64 + u) / n as f64).min(1.0);
        }
    }
    out
}
