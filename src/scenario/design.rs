//! Designs in the experiment file: a full-factorial `[sweep]`, a `[latin_hypercube]`, and the
//! `[precision]` target. A design turns each swept named arm into one arm per design point,
//! with a stable id (`mediation.p003`, `baseline.h07`) and a readable label.
//!
//! ```toml
//! [sweep]
//! arms = ["baseline", "mediation"]                 # optional; default every named arm
//! "measures.mediation.intensity" = [0.2, 0.5, 0.8] # a list of values
//! "pakistan.strike_threshold" = { from = 0.3, to = 0.6, steps = 4 }  # inclusive, evenly spaced
//!
//! [latin_hypercube]
//! points = 20                                      # required
//! seed = 7                                         # optional; default derived from the master seed
//! arms = ["baseline"]                              # optional
//! "pakistan.anger_decay" = { from = 0.05, to = 0.1 }
//! "afghanistan.crackdown_capacity" = {}            # {} = the registry's plausible range
//!
//! [precision]
//! metric = "open_war"
//! half_width = 0.02
//! max_trials = 20000                               # optional, default 20000
//! ```
//!
//! Grid order: the last parameter varies fastest. Arm order: each named arm, followed by its
//! sweep points, then its Latin hypercube points.

use super::check::{Registry, check_leaf};
use super::error::{ConfigError, KeyKind};
use super::schema::{ArmSpec, Ctx, show};
use crate::model::METRICS;
use crate::model::param_spec::Domain;
use crate::model::rng::mix64;
use crate::output::format_number;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use toml::{Table, Value};

pub(crate) const SWEEP_ALLOWED: &str = "a table of parameter key paths, each a list of values or { from, to, steps }, and an optional arms = [arm ids]";
pub(crate) const LHS_ALLOWED: &str = "a table with points = N, optional seed and arms, and parameter key paths each { from, to } or {} (the plausible range)";
pub(crate) const PRECISION_ALLOWED: &str = "a table with metric = \"<metric name>\", half_width = <positive number> and optional max_trials = <whole number>";
const RANGE_ALLOWED: &str = "a non-empty list of values or { from = A, to = B, steps = N }";
const LHS_PARAM_ALLOWED: &str =
    "{ from = A, to = B } or {} (the plausible range) for a numeric parameter";
/// The largest number of design points a design may have.
pub(crate) const MAX_POINTS: usize = 100_000;
/// Default cap on trials per arm when a precision target is given.
pub const DEFAULT_MAX_TRIALS: u64 = 20_000;

/// The arm ids a design names, with where and how they were written (for messages).
pub(crate) type ArmChoice = (Vec<String>, Vec<String>, Value);

/// A parsed design: parameter keys and the values of each point, for some arms.
#[derive(Debug, Clone)]
pub(crate) struct Design {
    /// `p` for a sweep, `h` for a Latin hypercube (the id infix).
    pub tag: char,
    /// Arm ids the design applies to (`None`: every named arm).
    pub arms: Option<ArmChoice>,
    pub keys: Vec<String>,
    pub points: Vec<Vec<Value>>,
}

/// A precision target: run in batches until the 95% half-width of `metric` is at most
/// `half_width` in every arm, or `max_trials` per arm have run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Precision {
    pub metric: String,
    #[serde(skip)]
    pub metric_index: usize,
    pub half_width: f64,
    pub max_trials: u64,
}

impl Precision {
    /// A target on `metric` (which must be a metric name).
    pub fn new(metric: &str, half_width: f64, max_trials: u64) -> Option<Self> {
        let metric_index = METRICS.iter().position(|m| m.name == metric)?;
        (half_width > 0.0 && half_width.is_finite() && max_trials >= 1).then(|| Precision {
            metric: metric.to_string(),
            metric_index,
            half_width,
            max_trials,
        })
    }
}

fn p(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

/// Flattens a design table into (parameter key, value) pairs, by the registry: quoted dotted
/// keys and nested tables both work. Keys in `reserved` are skipped at the top.
fn params_of(
    section: &str,
    table: &Table,
    reserved: &[&str],
    ctx: &Ctx,
) -> Result<Vec<(String, Value)>, ConfigError> {
    let registry = Registry::get();
    let mut out = Vec::new();
    fn walk(
        prefix: &str,
        path: &mut Vec<String>,
        t: &Table,
        reserved: &[&str],
        out: &mut Vec<(String, Value)>,
        ctx: &Ctx,
    ) -> Result<(), ConfigError> {
        let registry = Registry::get();
        for (k, v) in t {
            if prefix.is_empty() && reserved.contains(&k.as_str()) {
                continue;
            }
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            path.push(k.clone());
            if registry.spec(&key).is_some() {
                out.push((key, v.clone()));
            } else if let (true, Value::Table(inner)) = (registry.is_section(&key), v) {
                walk(&key, path, inner, &[], out, ctx)?;
            } else {
                return Err(ConfigError::UnknownKey {
                    file: ctx.file(),
                    key: ctx.key(path),
                    value: show(v),
                    what: KeyKind::Parameter,
                    suggestion: registry.suggest(&key).map(str::to_string),
                });
            }
            path.pop();
        }
        Ok(())
    }
    walk("", &mut p(&[section]), table, reserved, &mut out, ctx)?;
    if out.is_empty() {
        let _ = registry;
        return Err(ctx.missing(
            &p(&[section, "<parameter>"]),
            format!("at least one parameter key path in [{section}]"),
        ));
    }
    Ok(out)
}

/// The optional `arms = [..]` list of a design.
fn arms_of(section: &str, table: &Table, ctx: &Ctx) -> Result<Option<ArmChoice>, ConfigError> {
    let path = p(&[section, "arms"]);
    match table.get("arms") {
        None => Ok(None),
        Some(v @ Value::Array(items)) if !items.is_empty() => {
            let mut ids = Vec::new();
            for item in items {
                match item {
                    Value::String(s) => ids.push(s.clone()),
                    _ => return Err(ctx.wrong_type(&path, v, "a non-empty list of arm ids")),
                }
            }
            Ok(Some((ids, path, v.clone())))
        }
        Some(v) => Err(ctx.wrong_type(&path, v, "a non-empty list of arm ids")),
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Float(x) => Some(*x),
        Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

/// A value of a numeric parameter from a real number (rounded for Int parameters).
fn numeric_value(domain: &Domain, x: f64) -> Value {
    match domain {
        Domain::Int { .. } => Value::Integer(x.round() as i64),
        _ => Value::Float(x),
    }
}

/// Parses `[sweep]` into a full-factorial grid (last parameter fastest).
pub(crate) fn parse_sweep(v: &Value, ctx: &Ctx) -> Result<Design, ConfigError> {
    let Value::Table(table) = v else {
        return Err(ctx.wrong_type(&p(&["sweep"]), v, SWEEP_ALLOWED));
    };
    let registry = Registry::get();
    let arms = arms_of("sweep", table, ctx)?;
    let mut keys = Vec::new();
    let mut axes: Vec<Vec<Value>> = Vec::new();
    for (key, value) in params_of("sweep", table, &["arms"], ctx)? {
        let spec = registry.spec(&key).expect("a registry key");
        let path = p(&["sweep", &key]);
        let mut values = match &value {
            Value::Array(items) if !items.is_empty() => items.clone(),
            Value::Table(t) => range_values(t, &spec.domain, &path, &value, ctx)?,
            other => return Err(ctx.wrong_type(&path, other, RANGE_ALLOWED)),
        };
        for x in &mut values {
            check_leaf(spec, x, &path, ctx)?;
        }
        keys.push(key);
        axes.push(values);
    }
    let size = axes
        .iter()
        .try_fold(1usize, |acc, a| acc.checked_mul(a.len()))
        .filter(|&n| n <= MAX_POINTS);
    let Some(size) = size else {
        return Err(ctx.out_of_range(
            &p(&["sweep"]),
            v,
            format!("a grid of at most {MAX_POINTS} points"),
        ));
    };
    Ok(Design {
        tag: 'p',
        arms,
        keys,
        points: grid(&axes, size),
    })
}

/// Every combination of the axes' values, the last axis varying fastest.
pub(crate) fn grid(axes: &[Vec<Value>], size: usize) -> Vec<Vec<Value>> {
    (0..size)
        .map(|mut i| {
            let mut point = vec![Value::Boolean(false); axes.len()];
            for (slot, axis) in point.iter_mut().zip(axes).rev() {
                *slot = axis[i % axis.len()].clone();
                i /= axis.len();
            }
            point
        })
        .collect()
}

/// `{ from, to, steps }`: `steps` evenly spaced values from `from` to `to` inclusive.
fn range_values(
    t: &Table,
    domain: &Domain,
    path: &[String],
    whole: &Value,
    ctx: &Ctx,
) -> Result<Vec<Value>, ConfigError> {
    if let Some(k) = t
        .keys()
        .find(|k| !["from", "to", "steps"].contains(&k.as_str()))
    {
        let mut kp = path.to_vec();
        kp.push(k.clone());
        return Err(ctx.not_allowed(&kp, &t[k], "from, to and steps"));
    }
    if !matches!(domain, Domain::Real { .. } | Domain::Int { .. }) {
        return Err(ctx.wrong_type(
            path,
            whole,
            format!("a list of values ({})", domain.allowed()),
        ));
    }
    let get = |k: &str| -> Result<f64, ConfigError> {
        let mut kp = path.to_vec();
        kp.push(k.to_string());
        match t.get(k) {
            None => Err(ctx.missing(&kp, "a number")),
            Some(v) => number(v).ok_or_else(|| ctx.wrong_type(&kp, v, "a number")),
        }
    };
    let (from, to) = (get("from")?, get("to")?);
    let mut sp = path.to_vec();
    sp.push("steps".into());
    let steps = match t.get("steps") {
        None => return Err(ctx.missing(&sp, "a whole number from 1 to 100000")),
        Some(Value::Integer(n)) if (1..=MAX_POINTS as i64).contains(n) => *n as u32,
        Some(v) => return Err(ctx.out_of_range(&sp, v, "a whole number from 1 to 100000")),
    };
    if steps == 1 && from != to {
        return Err(ctx.out_of_range(
            &sp,
            &Value::Integer(1),
            "at least 2 when from and to differ",
        ));
    }
    Ok((0..steps)
        .map(|i| {
            let x = if steps == 1 {
                from
            } else if i + 1 == steps {
                to
            } else {
                // Rounded to 12 significant digits: 0.6, not 0.6000000000000001.
                let x = from + (to - from) * f64::from(i) / f64::from(steps - 1);
                format!("{x:.11e}").parse().unwrap_or(x)
            };
            numeric_value(domain, x)
        })
        .collect())
}

/// Parses `[latin_hypercube]` and draws its points.
pub(crate) fn parse_lhs(v: &Value, master_seed: u64, ctx: &Ctx) -> Result<Design, ConfigError> {
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
        ranges.push((range, spec.domain));
    }
    let unit = latin_hypercube(points, ranges.len(), seed);
    let points = unit
        .into_iter()
        .map(|row| {
            row.into_iter()
                .zip(&ranges)
                .map(|(u, ((lo, hi), domain))| numeric_value(domain, lo + u * (hi - lo)))
                .collect()
        })
        .collect();
    Ok(Design {
        tag: 'h',
        arms,
        keys,
        points,
    })
}

/// A design's optional `seed` (a whole number, or a string above i64::MAX), else `default`.
pub(crate) fn design_seed(
    section: &str,
    table: &Table,
    default: u64,
    ctx: &Ctx,
) -> Result<u64, ConfigError> {
    let path = p(&[section, "seed"]);
    match table.get("seed") {
        None => Ok(default),
        Some(Value::Integer(i)) if *i >= 0 => Ok(*i as u64),
        Some(v @ Value::String(s)) => s
            .trim()
            .parse::<u64>()
            .map_err(|_| ctx.not_allowed(&path, v, "a whole number of at least 0")),
        Some(v) => Err(ctx.out_of_range(&path, v, "a whole number of at least 0")),
    }
}

/// `n` points in the unit cube of `dims` dimensions, one in each of the `n` equal strata of
/// every dimension (a random permutation of strata per dimension, a uniform position within
/// each stratum), drawn from ChaCha8 seeded with `seed`.
pub(crate) fn latin_hypercube(n: u64, dims: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = vec![vec![0.0; dims]; n as usize];
    for d in 0..dims {
        let mut strata: Vec<u64> = (0..n).collect();
        for i in (1..n).rev() {
            let j = rng.random_range(0..=i);
            strata.swap(i as usize, j as usize);
        }
        for (row, stratum) in out.iter_mut().zip(&strata) {
            let u: f64 = rng.random();
            row[d] = ((*stratum as f64 + u) / n as f64).min(1.0);
        }
    }
    out
}

/// Parses `[precision]`.
pub(crate) fn parse_precision(v: &Value, ctx: &Ctx) -> Result<Precision, ConfigError> {
    let Value::Table(t) = v else {
        return Err(ctx.wrong_type(&p(&["precision"]), v, PRECISION_ALLOWED));
    };
    if let Some(k) = t
        .keys()
        .find(|k| !["metric", "half_width", "max_trials"].contains(&k.as_str()))
    {
        return Err(ConfigError::UnknownKey {
            file: ctx.file(),
            key: ctx.key(&p(&["precision", k])),
            value: show(&t[k]),
            what: KeyKind::Setting,
            suggestion: Some("metric, half_width or max_trials".into()),
        });
    }
    let names = || {
        format!(
            "a metric name ({})",
            METRICS
                .iter()
                .map(|m| m.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mp = p(&["precision", "metric"]);
    let metric = match t.get("metric") {
        None => return Err(ctx.missing(&mp, names())),
        Some(Value::String(s)) if METRICS.iter().any(|m| m.name == s) => s.clone(),
        Some(v @ Value::String(_)) => return Err(ctx.not_allowed(&mp, v, names())),
        Some(v) => return Err(ctx.wrong_type(&mp, v, names())),
    };
    let hp = p(&["precision", "half_width"]);
    let half_width = match t.get("half_width") {
        None => return Err(ctx.missing(&hp, "a positive number")),
        Some(v) => match number(v) {
            Some(x) if x > 0.0 && x.is_finite() => x,
            Some(_) => return Err(ctx.out_of_range(&hp, v, "a positive number")),
            None => return Err(ctx.wrong_type(&hp, v, "a positive number")),
        },
    };
    let xp = p(&["precision", "max_trials"]);
    let max_trials = match t.get("max_trials") {
        None => DEFAULT_MAX_TRIALS,
        Some(Value::Integer(n)) if *n >= 1 => *n as u64,
        Some(v) => return Err(ctx.out_of_range(&xp, v, "a whole number of at least 1")),
    };
    Ok(Precision::new(&metric, half_width, max_trials).expect("checked above"))
}

/// A parameter value as written in labels and scenarios.csv: words plain, numbers short.
pub fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Float(x) => format_number(*x),
        other => other.to_string(),
    }
}

/// Sets `key` (dotted) to `value` in a nested table.
fn set_path(table: &mut Table, key: &str, value: Value) {
    let mut segs: Vec<&str> = key.split('.').collect();
    let last = segs.pop().expect("non-empty key");
    let mut t = table;
    for seg in segs {
        let entry = t
            .entry(seg.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        if !entry.is_table() {
            *entry = Value::Table(Table::new());
        }
        t = entry.as_table_mut().expect("a table");
    }
    t.insert(last.to_string(), value);
}

/// The named arms with each design's points inserted after the arms they apply to.
pub(crate) fn expand(
    named: Vec<ArmSpec>,
    designs: &[Design],
    ctx: &Ctx,
) -> Result<Vec<ArmSpec>, ConfigError> {
    let ids: Vec<&str> = named.iter().map(|a| a.id.as_str()).collect();
    for design in designs {
        if let Some((wanted, path, v)) = &design.arms
            && let Some(_bad) = wanted.iter().find(|w| !ids.contains(&w.as_str()))
        {
            return Err(ctx.not_allowed(
                path,
                v,
                format!("a list of named arm ids ({})", ids.join(", ")),
            ));
        }
    }
    let mut out = Vec::new();
    for arm in named {
        let mut points = Vec::new();
        for design in designs {
            let applies = design
                .arms
                .as_ref()
                .is_none_or(|(w, _, _)| w.contains(&arm.id));
            if !applies {
                continue;
            }
            let width = design.points.len().to_string().len().max(3);
            for (i, point) in design.points.iter().enumerate() {
                let mut params = arm.params.clone();
                let mut parts = Vec::new();
                for (key, value) in design.keys.iter().zip(point) {
                    set_path(&mut params, key, value.clone());
                    parts.push(format!("{key}={}", plain(value)));
                }
                points.push(ArmSpec {
                    id: format!("{}.{}{:0width$}", arm.id, design.tag, i + 1),
                    label: format!("{} · {}", arm.label, parts.join(", ")),
                    tree_path: arm.tree_path.clone(),
                    params,
                });
            }
        }
        out.push(arm);
        out.extend(points);
    }
    Ok(out)
}
