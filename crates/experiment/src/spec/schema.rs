//! The experiment file's top level, parsed in one place. Every top-level key is declared in
//! [`SETTINGS`]; anything else is an error with a suggestion. A later feature (sweeps, Latin
//! hypercube designs, a precision target) adds its section here and a field to
//! [`ExperimentFile`], and existing files keep working.

use super::context::{Ctx, closest, is_bare_key, join, show};
use super::error::{ConfigError, KeyKind};
use std::path::PathBuf;
use toml::{Table, Value};

/// One top-level key of an experiment file.
pub(crate) struct Setting {
    pub key: &'static str,
    /// What is allowed, for messages.
    pub allowed: &'static str,
    /// Whether the value is free text (a bare `--set name=2025` is then kept as text).
    pub text: bool,
}

/// Every top-level key an experiment file may have, in the order they are documented.
pub(crate) const SETTINGS: &[Setting] = &[
    Setting {
        key: "name",
        allowed: NAME_ALLOWED,
        text: true,
    },
    Setting {
        key: "description",
        allowed: "a string",
        text: true,
    },
    Setting {
        key: "trials",
        allowed: "a whole number of at least 1",
        text: false,
    },
    Setting {
        key: "horizon_days",
        allowed: "a whole number from 1 to 36500",
        text: false,
    },
    Setting {
        key: "seed",
        allowed: SEED_ALLOWED,
        text: false,
    },
    Setting {
        key: "output_dir",
        allowed: "a folder path (a non-empty string)",
        text: true,
    },
    Setting {
        key: "write_trials",
        allowed: "true or false",
        text: false,
    },
    Setting {
        key: "baseline",
        allowed: "a table of parameter overrides and an optional label",
        text: false,
    },
    Setting {
        key: "scenarios",
        allowed: "a table of named scenarios, e.g. [scenarios.cbm], each with parameter overrides and an optional label",
        text: false,
    },
    Setting {
        key: "sweep",
        allowed: SWEEP_ALLOWED,
        text: false,
    },
    Setting {
        key: "latin_hypercube",
        allowed: LHS_ALLOWED,
        text: false,
    },
    Setting {
        key: "effects_baseline",
        allowed: "the id of an arm (default: baseline)",
        text: true,
    },
    Setting {
        key: "pairing",
        allowed: PAIRING_ALLOWED,
        text: true,
    },
    Setting {
        key: "precision",
        allowed: PRECISION_ALLOWED,
        text: false,
    },
    Setting {
        key: "morris",
        allowed: MORRIS_ALLOWED,
        text: false,
    },
];

/// What the design and target sections allow, for messages.
pub(crate) const SWEEP_ALLOWED: &str = "a table of parameter key paths, each a list of values or { from, to, steps }, and an optional arms = [arm ids]";
pub(crate) const LHS_ALLOWED: &str = "a table with points = N, optional seed and arms, and parameter key paths each { from, to } or {} (the plausible range)";
pub(crate) const PRECISION_ALLOWED: &str = "a table with metric = \"<metric name>\", half_width = <positive number> and optional max_trials = <whole number>";
pub(crate) const MORRIS_ALLOWED: &str = "a table with trajectories = N, levels = P (even), and optional trials, seed, parameters = [key paths] and metrics = [names]";
const PAIRING_ALLOWED: &str =
    "\"common\" (every arm of trial k on the same seed) or \"independent\" (own seed per arm)";

const NAME_ALLOWED: &str = "a non-empty name of letters, digits, _ and -";
const SEED_ALLOWED: &str = "a whole number from 0 to 18446744073709551615 (above 9223372036854775807, write it as a quoted string)";
const LABEL_ALLOWED: &str = "a string";
pub(crate) const HORIZON_MAX: i64 = 36500;

/// Whether `key` is a top-level experiment setting.
pub(crate) fn is_setting(key: &str) -> bool {
    SETTINGS.iter().any(|s| s.key == key)
}

/// Whether the key path (in the file's tree) holds free text.
pub(crate) fn is_text_setting(path: &[String]) -> bool {
    match path {
        [p, m] if p == "precision" => m == "metric",
        [key] => SETTINGS.iter().any(|s| s.key == key && s.text),
        [arm, label] if arm == "baseline" => label == "label",
        [scenarios, _, label] if scenarios == "scenarios" => label == "label",
        _ => false,
    }
}

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
    pub pairing: super::Pairing,
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
        Some(Value::String(s)) if is_bare_key(s) => s.clone(),
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
        Some(v @ Value::Integer(_)) => whole(v, "seed", 0, i64::MAX, ctx)? as u64,
        Some(v @ Value::String(s)) => s
            .trim()
            .parse::<u64>()
            .map_err(|_| ctx.not_allowed(&path1("seed"), v, SEED_ALLOWED))?,
        Some(v) => return Err(ctx.wrong_type(&path1("seed"), v, SEED_ALLOWED)),
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
        None => super::Pairing::Common,
        Some(Value::String(s)) if s == "common" => super::Pairing::Common,
        Some(Value::String(s)) if s == "independent" => super::Pairing::Independent,
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
