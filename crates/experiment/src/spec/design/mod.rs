//! Designs: ways to choose points in parameter space, each turning a named arm into one arm
//! per point with a stable id (`mediation.p003`, `baseline.h07`) and a readable label.
//!
//! A design implements [`Design`]: the keys it varies, the id tag of its points and the
//! points themselves. The file's `[sweep]` is a [`grid::Grid`], `[latin_hypercube]` a
//! [`hypercube::Hypercube`]; `[morris]` trajectories ([`morris::Trajectories`]) are run by the
//! sensitivity analysis. A new design adds a module here, a parser for its section and a
//! line in `schema::SETTINGS`.
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
//! ```
//!
//! Grid order: the last parameter varies fastest. Arm order: each named arm, followed by its
//! sweep points, then its Latin hypercube points.

pub mod ensemble;
pub mod grid;
pub mod hypercube;
pub mod morris;
#[cfg(test)]
mod tests;

use super::context::{Ctx, p, show};
use super::error::{ConfigError, KeyKind};
use super::registry::Registry;
use super::schema::{ArmSpec, seed_value};
use super::settings::DESIGN_SEED_ALLOWED;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use toml::{Table, Value};

/// The largest number of design points a design may have.
pub(crate) const MAX_POINTS: usize = 100_000;

/// A set of points in parameter space.
pub trait Design {
    /// The letter in its points' arm ids (`p` sweep, `h` Latin hypercube).
    fn tag(&self) -> char;
    /// The parameters it varies, as key paths.
    fn keys(&self) -> &[String];
    /// Its points, each one value per key, in a fixed order.
    fn points(&self) -> Vec<Vec<Value>>;
}

/// The arm ids a design names, with where and how they were written (for messages).
pub(crate) type ArmChoice = (Vec<String>, Vec<String>, Value);

/// A design of the file with its points drawn, and the arms it applies to.
#[derive(Debug, Clone)]
pub(crate) struct DesignPoints {
    /// The id infix.
    pub tag: char,
    /// Arm ids the design applies to (`None`: every named arm).
    pub arms: Option<ArmChoice>,
    pub keys: Vec<String>,
    pub points: Vec<Vec<Value>>,
    /// For an ensemble's members: their names and file.
    pub members: Option<Members>,
}

/// The points of a design are a calibration ensemble's members: labels show their names
/// instead of their values, and an arm's own settings win over a member's values (a member
/// says what the world is like; an arm's setting is the analyst's choice).
#[derive(Debug, Clone, PartialEq)]
pub struct Members {
    /// The ensemble file, as given.
    pub file: String,
    /// Each member's id, one per point.
    pub names: Vec<String>,
}

impl DesignPoints {
    pub fn of(design: &impl Design, arms: Option<ArmChoice>) -> Self {
        DesignPoints {
            tag: design.tag(),
            arms,
            keys: design.keys().to_vec(),
            points: design.points(),
            members: None,
        }
    }

    /// Whether the design applies to the named arm `id`.
    fn applies_to(&self, id: &str) -> bool {
        self.arms
            .as_ref()
            .is_none_or(|(wanted, _, _)| wanted.iter().any(|w| w == id))
    }
}

/// A design as the experiment keeps it: its points and the named arms it was applied to, so
/// that analyses over the points (robustness, scenario discovery) find each point's arms.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignInfo {
    /// Its section in the file (`sweep`, `latin_hypercube`).
    pub section: String,
    /// The id infix of its points.
    pub tag: char,
    /// The parameters it varies, as key paths.
    pub keys: Vec<String>,
    /// Its points, one value per key.
    pub points: Vec<Vec<Value>>,
    /// The ids of the named arms it was applied to, in arm order.
    pub arms: Vec<String>,
    /// For a calibration ensemble (`run --ensemble`): its members' names and file.
    pub members: Option<Members>,
}

impl DesignInfo {
    /// The id of the arm that is named arm `owner` at point `index` (from 0):
    /// `mediation.h007`, numbered from 1 with at least three digits.
    pub fn arm_id(&self, owner: &str, index: usize) -> String {
        point_arm_id(owner, self.tag, self.points.len(), index)
    }

    /// Point `index` as numbers, one per key (booleans as 0 and 1; `None` for text values).
    pub fn numeric_point(&self, index: usize) -> Vec<Option<f64>> {
        self.points[index]
            .iter()
            .map(|v| match v {
                Value::Float(x) => Some(*x),
                Value::Integer(i) => Some(*i as f64),
                Value::Boolean(b) => Some(f64::from(u8::from(*b))),
                _ => None,
            })
            .collect()
    }
}

pub(crate) fn point_arm_id(owner: &str, tag: char, points: usize, index: usize) -> String {
    let width = points.to_string().len().max(3);
    format!("{owner}.{tag}{:0width$}", index + 1)
}

/// A numeric parameter's range, onto which designs map unit coordinates.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct UnitRange {
    pub low: f64,
    pub high: f64,
    /// Whole-number parameter: values are rounded to the nearest whole number.
    pub whole: bool,
}

impl UnitRange {
    /// The parameter value at unit coordinate `u` (0 is `low`, 1 is `high`).
    pub fn value(&self, u: f64) -> Value {
        numeric(self.whole, self.low + u * (self.high - self.low))
    }
}

/// A value of a numeric parameter from a real number (rounded for whole-number parameters).
pub(crate) fn numeric(whole: bool, x: f64) -> Value {
    if whole {
        Value::Integer(x.round() as i64)
    } else {
        Value::Float(x)
    }
}

/// Shuffles `items` in place (Fisher–Yates, drawing 64-bit indices so that the draws do not
/// depend on the platform's word size).
pub(crate) fn shuffle<T>(rng: &mut ChaCha8Rng, items: &mut [T]) {
    for i in (1..items.len() as u64).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i as usize, j as usize);
    }
}

/// Flattens a design table into (parameter key, value) pairs, by the registry: quoted dotted
/// keys and nested tables both work. Keys in `reserved` are skipped at the top.
pub(crate) fn params_of(
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
pub(crate) fn arms_of(
    section: &str,
    table: &Table,
    ctx: &Ctx,
) -> Result<Option<ArmChoice>, ConfigError> {
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

/// A design's optional `seed` (a whole number, or a string above i64::MAX), else `default`.
pub(crate) fn design_seed(
    section: &str,
    table: &Table,
    default: u64,
    ctx: &Ctx,
) -> Result<u64, ConfigError> {
    match table.get("seed") {
        None => Ok(default),
        Some(v) => seed_value(v, &p(&[section, "seed"]), DESIGN_SEED_ALLOWED, ctx),
    }
}

/// Each design as the experiment keeps it (`sections` names them in order), after checking
/// that the arms it names are named arms. Its points become arms when asked
/// ([`crate::spec::Experiment::arm`]).
pub(crate) fn infos(
    named: &[ArmSpec],
    designs: Vec<DesignPoints>,
    sections: &[&str],
    ctx: &Ctx,
) -> Result<Vec<DesignInfo>, ConfigError> {
    let ids: Vec<&str> = named.iter().map(|a| a.id.as_str()).collect();
    for design in &designs {
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
    Ok(designs
        .into_iter()
        .zip(sections)
        .map(|(design, section)| DesignInfo {
            section: section.to_string(),
            tag: design.tag,
            arms: named
                .iter()
                .filter(|a| design.applies_to(&a.id))
                .map(|a| a.id.clone())
                .collect(),
            keys: design.keys,
            points: design.points,
            members: design.members,
        })
        .collect())
}
