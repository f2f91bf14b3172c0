//! The full-factorial grid of `[sweep]`: every combination of each parameter's values.

use super::{Design, DesignPoints, MAX_POINTS, arms_of, numeric, params_of};
use crate::spec::context::Ctx;
use crate::spec::context::{number, p};
use crate::spec::error::ConfigError;
use crate::spec::registry::{Registry, check_leaf};
use crate::spec::settings::SWEEP_ALLOWED;
use model::param_spec::Domain;
use toml::{Table, Value};

const RANGE_ALLOWED: &str = "a non-empty list of values or { from = A, to = B, steps = N }";

/// A grid over parameters, each with its list of values.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub keys: Vec<String>,
    pub axes: Vec<Vec<Value>>,
}

impl Design for Grid {
    fn tag(&self) -> char {
        'p'
    }
    fn keys(&self) -> &[String] {
        &self.keys
    }
    /// Every combination of the axes' values, the last axis varying fastest.
    fn points(&self) -> Vec<Vec<Value>> {
        let size: usize = self.axes.iter().map(Vec::len).product();
        (0..size)
            .map(|mut i| {
                let mut point = vec![Value::Boolean(false); self.axes.len()];
                for (slot, axis) in point.iter_mut().zip(&self.axes).rev() {
                    *slot = axis[i % axis.len()].clone();
                    i /= axis.len();
                }
                point
            })
            .collect()
    }
}

/// Parses `[sweep]` into a full-factorial grid (last parameter fastest).
pub(crate) fn parse_sweep(v: &Value, ctx: &Ctx) -> Result<DesignPoints, ConfigError> {
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
    let Some(_) = size else {
        return Err(ctx.out_of_range(
            &p(&["sweep"]),
            v,
            format!("a grid of at most {MAX_POINTS} points"),
        ));
    };
    Ok(DesignPoints::of(&Grid { keys, axes }, arms))
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
            numeric(domain.is_int(), x)
        })
        .collect())
}
