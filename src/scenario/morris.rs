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

use super::check::Registry;
use super::error::{ConfigError, KeyKind};
use super::schema::{Ctx, show};
use crate::experiment::quantity::Quantity;
use crate::model::Params;
use crate::model::rng::mix64;
use serde::Serialize;
use toml::Value;

pub(crate) const MORRIS_ALLOWED: &str = "a table with trajectories = N, levels = P (even), and optional trials, seed, parameters = [key paths] and metrics = [names]";
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

fn p(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
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
                super::schema::closest(k, KEYS.iter().copied())
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
    let seed =
        super::design::design_seed("morris", t, mix64(master_seed ^ 0x4D4F_5252_4953_5345), ctx)?;

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
