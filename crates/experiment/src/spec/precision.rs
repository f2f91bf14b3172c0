//! The `[precision]` target: run in batches until an interval is narrow enough.
//!
//! ```toml
//! [precision]
//! metric = "open_war"
//! half_width = 0.02
//! max_trials = 20000                               # optional, default 20000
//! ```

use super::context::{Ctx, number, p, show};
use super::error::{ConfigError, KeyKind};
use super::settings::PRECISION_ALLOWED;
use model::METRICS;
use toml::Value;

/// Default cap on trials per arm when a precision target is given.
pub const DEFAULT_MAX_TRIALS: u64 = 20_000;

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
