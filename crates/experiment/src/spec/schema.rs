//! The experiment file's top level, parsed in one place. Every top-level key is declared in
//! [`SETTINGS`] (settings.rs); anything else is an error with a suggestion. A later feature
//! (sweeps, Latin hypercube designs, a precision target) adds its key there and a field to
//! [`ExperimentFile`] here, and existing files keep working.

use super::context::{Ctx, closest, is_bare_key, join, show};
use super::error::{ConfigError, KeyKind};
use super::settings::{
    HORIZON_MAX, LABEL_ALLOWED, NAME_ALLOWED, NAME_MAX, PAIRING_ALLOWED, SEED_ALLOWED, SETTINGS,
    is_setting,
};
use std::path::PathBuf;
use toml::{Table, Value};

/// An arm as written: its label and its parameter overrides (not yet checked).
#[derive(Debug, Clone)]
pub(crate) struct ArmSpec {
    pub id: String,
    pub label: String,
    /// Where the arm's table is in the file (`["baseline"]` or `["scenarios", id]`).
    pub tree_path: Vec<String>,
    pub params: Table,
}

/// The top level of an experiment file, checked for keys and types.
#[derive(Debug, Clone)]
pub(crate) struct ExperimentFile {
    pub name: String,
    pub description: String,
    pub trials: u64,
    pub horizon_days: u32,
    pub seed: u64,
    pub output_dir: PathBuf,
    pub write_trials: bool,
    pub baseline: ArmSpec,
    pub scenarios: Vec<ArmSpec>,
    pub sweep: Option<Value>,
    pub latin_hypercube: Option<Value>,
    pub effects_baseline: Option<String>,
    pub pairing: super::pairing::Pairing,
    pub precision: Option<Value>,
    pub morris: Option<Value>,
}

fn path1(key: &str) -> Vec<String> {
    vec![key.to_string()]
}

fn allowed(key: &str) -> &'static str {
    SETTINGS
        .iter()
        .find(|s| s.key == key)
        .map(|s| s.allowed)
        .unwrap_or("")
}

/// Checks the top level of a parsed file (after command-line overrides).
pub(crate) fn parse(mut tree: Table, ctx: &Ctx) -> Result<ExperimentFile, ConfigError> {
    if let Some((key, value)) = tree.iter().find(|(k, _)| !is_setting(k)) {
        return Err(unknown_setting(key, value, ctx));
    }

    let name = match tree.get("name") {
        None => return Err(ctx.missing(&path1("name"), NAME_ALLOWED)),
        Some(Value::String(s)) if is_bare_key(s) && s.len() <= NAME_MAX => s.clone(),
        Some(v @ Value::String(_)) => return Err(ctx.not_allowed(&path1("name"), v, NAME_ALLOWED)),
        Some(v) => return Err(ctx.wrong_type(&path1("name"), v, NAME_ALLOWED)),
    };
    let description = optional_string(&tree, "description", ctx)?.unwrap_or_default();
    let trials = match tree.get("trials") {
        None => return Err(ctx.missing(&path1("trials"), allowed("trials"))),
        Some(v) => whole(v, "trials", 1, i64::MAX, ctx)? as u64,
    };
    let horizon_days = match tree.get("horizon_days") {
        None => 365,
        Some(v) => whole(v, "horizon_days", 1, HORIZON_MAX, ctx)? as u32,
    };
    let seed = match tree.get("seed") {
        None => return Err(ctx.missing(&path1("seed"), SEED_ALLOWED)),
        Some(v) => seed_value(v, &path1("seed"), SEED_ALLOWED, ctx)?,
    };
    let output_dir = match optional_string(&tree, "output_dir", ctx)? {
        None => PathBuf::from("results"),
        Some(s) if s.trim().is_empty() => {
            return Err(ctx.not_allowed(
                &path1("output_dir"),
                &Value::String(s),
                allowed("output_dir"),
            ));
        }
        Some(s) => PathBuf::from(s),
    };
    let write_trials = match tree.get("write_trials") {
        None => false,
        Some(Value::Boolean(b)) => *b,
        Some(v) => return Err(ctx.wrong_type(&path1("write_trials"), v, allowed("write_trials"))),
    };

    let baseline = match tree.remove("baseline") {
        None => ArmSpec {
            id: "baseline".into(),
            label: "Baseline".into(),
            tree_path: path1("baseline"),
            params: Table::new(),
        },
        Some(Value::Table(t)) => arm("baseline", "Baseline", path1("baseline"), t, ctx)?,
        Some(v) => return Err(ctx.wrong_type(&path1("baseline"), &v, allowed("baseline"))),
    };
    let scenarios = match tree.remove("scenarios") {
        None => Vec::new(),
        Some(Value::Table(t)) => {
            let mut arms = Vec::with_capacity(t.len());
            for (id, v) in t {
                let path = vec!["scenarios".to_string(), id.clone()];
                if !is_bare_key(&id) || id == "baseline" {
                    return Err(ConfigError::NotAllowed {
                        file: ctx.file(),
                        key: ctx.key(&path),
                        value: show(&v),
                        allowed: "a scenario name of letters, digits, _ and -, other than baseline"
                            .into(),
                    });
                }
                match v {
                    Value::Table(body) => arms.push(arm(&id, &id, path, body, ctx)?),
                    v => {
                        return Err(ctx.wrong_type(
                            &path,
                            &v,
                            "a table of parameter overrides and an optional label, e.g. [scenarios.cbm]",
                        ));
                    }
                }
            }
            arms
        }
        Some(v) => return Err(ctx.wrong_type(&path1("scenarios"), &v, allowed("scenarios"))),
    };

    let effects_baseline = optional_string(&tree, "effects_baseline", ctx)?;
    let pairing = match tree.get("pairing") {
        None => super::pairing::Pairing::Common,
        Some(Value::String(s)) if s == "common" => super::pairing::Pairing::Common,
        Some(Value::String(s)) if s == "independent" => super::pairing::Pairing::Independent,
        Some(v @ Value::String(_)) => {
            return Err(ctx.not_allowed(&path1("pairing"), v, PAIRING_ALLOWED));
        }
        Some(v) => return Err(ctx.wrong_type(&path1("pairing"), v, PAIRING_ALLOWED)),
    };

    Ok(ExperimentFile {
        sweep: tree.remove("sweep"),
        latin_hypercube: tree.remove("latin_hypercube"),
        precision: tree.remove("precision"),
        morris: tree.remove("morris"),
        effects_baseline,
        pairing,
        name,
        description,
        trials,
        horizon_days,
        seed,
        output_dir,
        write_trials,
        baseline,
        scenarios,
    })
}

fn arm(
    id: &str,
    default_label: &str,
    tree_path: Vec<String>,
    mut body: Table,
    ctx: &Ctx,
) -> Result<ArmSpec, ConfigError> {
    let label = match body.remove("label") {
        None => default_label.to_string(),
        Some(Value::String(s)) => s,
        Some(v) => {
            let mut p = tree_path.clone();
            p.push("label".into());
            return Err(ctx.wrong_type(&p, &v, LABEL_ALLOWED));
        }
    };
    Ok(ArmSpec {
        id: id.to_string(),
        label,
        tree_path,
        params: body,
    })
}

fn optional_string(tree: &Table, key: &str, ctx: &Ctx) -> Result<Option<String>, ConfigError> {
    match tree.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(ctx.wrong_type(&path1(key), v, allowed(key))),
    }
}

/// A seed: a whole number of at least 0, or a quoted one only where TOML's integers end (above
/// `i64::MAX`), so that a seed written as text by mistake is not taken silently.
pub(crate) fn seed_value(
    v: &Value,
    path: &[String],
    allowed: &str,
    ctx: &Ctx,
) -> Result<u64, ConfigError> {
    match v {
        Value::Integer(i) if *i >= 0 => Ok(*i as u64),
        Value::Integer(_) => Err(ctx.out_of_range(path, v, allowed)),
        Value::String(s) => match s.trim().parse::<u64>() {
            Ok(n) if n > i64::MAX as u64 => Ok(n),
            Ok(_) => Err(ctx.not_allowed(
                path,
                v,
                format!(
                    "{allowed}; write a seed up to 9223372036854775807 as a number, without quotes"
                ),
            )),
            Err(_) => Err(ctx.not_allowed(path, v, allowed)),
        },
        v => Err(ctx.wrong_type(path, v, allowed)),
    }
}

fn whole(v: &Value, key: &str, min: i64, max: i64, ctx: &Ctx) -> Result<i64, ConfigError> {
    match v {
        Value::Integer(i) if (min..=max).contains(i) => Ok(*i),
        Value::Integer(_) => Err(ctx.out_of_range(&path1(key), v, allowed(key))),
        v => Err(ctx.wrong_type(&path1(key), v, allowed(key))),
    }
}

/// An unknown top-level key: a typo of a setting, or a parameter written outside any arm.
fn unknown_setting(key: &str, value: &Value, ctx: &Ctx) -> ConfigError {
    let path = path1(key);
    let settings: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
    let mut suggestion = closest(key, settings.iter().copied()).map(|s| ctx.key(&path1(s)));
    let mut shown = value.clone();
    let mut key_path = path.clone();
    if suggestion.is_none() && super::registry::Registry::get().is_section(key) {
        // A parameter written at the top level: it belongs in [baseline] or a scenario.
        let (leaf, v) = super::registry::first_leaf(&path, value);
        suggestion = Some(format!(
            "baseline.{} (parameters go in [baseline] or [scenarios.NAME])",
            join(&leaf)
        ));
        shown = v.clone();
        key_path = leaf;
    }
    ConfigError::UnknownKey {
        file: ctx.file(),
        key: ctx.key(&key_path),
        value: show(&shown),
        what: KeyKind::Setting,
        suggestion,
    }
}
