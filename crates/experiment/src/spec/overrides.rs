//! Command-line overrides (`--set KEY=VALUE`, `--trials`, `--seed`): parsed here, applied to the
//! file's tree before validation so that the same checks and messages apply.

use super::context::{self, Origins};
use super::design::ensemble::EnsembleFile;
use super::error::ConfigError;
use super::settings;
use std::path::Path;
use std::str::FromStr;
use toml::{Table, Value};

/// One `--set KEY=VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct SetOverride {
    /// The key path as written, e.g. `pakistan.strike_threshold` or `scenarios.cbm.label`.
    pub key: String,
    /// The key path split into segments.
    pub path: Vec<String>,
    /// The value, parsed as TOML (a bare word that is not valid TOML is a string).
    pub value: Value,
    /// The value as written.
    pub raw: String,
}

impl FromStr for SetOverride {
    type Err = String;

    /// Parses `KEY=VALUE`. VALUE is a TOML value (`0.5`, `true`, `"x"`, `[1, 2]`,
    /// `{ enabled = true }`); anything else is taken as a string.
    fn from_str(arg: &str) -> Result<Self, String> {
        let (key, raw) = arg.split_once('=').ok_or_else(|| {
            format!("`{arg}` is not KEY=VALUE (e.g. pakistan.strike_threshold=0.5)")
        })?;
        let key = key.trim();
        let raw = raw.trim();
        let path = parse_key(key)?;
        Ok(SetOverride {
            key: key.to_string(),
            path,
            value: parse_value(raw),
            raw: raw.to_string(),
        })
    }
}

/// Splits a dotted key path into segments; every segment is a bare TOML key.
fn parse_key(key: &str) -> Result<Vec<String>, String> {
    if key.is_empty() {
        return Err(
            "the key is empty (expected KEY=VALUE, e.g. pakistan.strike_threshold=0.5)".into(),
        );
    }
    let path: Vec<String> = key.split('.').map(|s| s.trim().to_string()).collect();
    if let Some(bad) = path.iter().find(|s| !context::is_bare_key(s)) {
        return Err(format!(
            "`{key}` is not a dotted key path: segment `{bad}` must be letters, digits, _ and -"
        ));
    }
    Ok(path)
}

/// A TOML value, or the text itself as a string when it is not valid TOML.
fn parse_value(raw: &str) -> Value {
    match format!("v = {raw}").parse::<Table>() {
        Ok(mut t) if t.len() == 1 => t.remove("v").unwrap_or_else(|| Value::String(raw.into())),
        _ => Value::String(raw.to_string()),
    }
}

/// Everything the command line changes in an experiment file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// `--set` overrides, applied in order (a later one wins).
    pub sets: Vec<SetOverride>,
    /// `--trials N`.
    pub trials: Option<u64>,
    /// `--seed S`.
    pub seed: Option<u64>,
    /// `run --ensemble FILE`: every named arm runs at every member of this ensemble.
    pub ensemble: Option<EnsembleFile>,
}

impl Overrides {
    /// No overrides.
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds a `--set KEY=VALUE` (builder style, for tests and callers without clap).
    pub fn with_set(mut self, arg: &str) -> Result<Self, String> {
        self.sets.push(arg.parse()?);
        Ok(self)
    }

    /// Applies the overrides to a parsed file, recording where each came from so that errors
    /// can name `--set KEY` rather than a line of the file.
    pub(crate) fn apply(
        &self,
        tree: &mut Table,
        file: &Path,
        origins: &mut Origins,
    ) -> Result<(), ConfigError> {
        for set in &self.sets {
            let Some(first) = set.path.first() else {
                return Err(ConfigError::BadSet {
                    file: file.to_path_buf(),
                    arg: format!("{}={}", set.key, set.raw),
                    reason: "the key is empty".into(),
                });
            };
            let top_level = settings::is_setting(first);
            let mut path = set.path.clone();
            if !top_level {
                path.insert(0, "baseline".to_string());
            }
            let mut value = set.value.clone();
            // A bare number or word given to a text setting is meant as text: `--set name=2025`.
            if settings::is_text_setting(&path)
                && !matches!(value, Value::String(_))
                && !set.raw.starts_with(['"', '\''])
            {
                value = Value::String(set.raw.clone());
            }
            insert_at(tree, &path, value).map_err(|reason| ConfigError::BadSet {
                file: file.to_path_buf(),
                arg: format!("{}={}", set.key, set.raw),
                reason,
            })?;
            origins.push(path, format!("--set {}", set.key));
        }
        if let Some(trials) = self.trials {
            tree.insert(
                "trials".into(),
                Value::Integer(i64::try_from(trials).unwrap_or(i64::MAX)),
            );
            origins.push(vec!["trials".into()], "--trials".into());
        }
        if let Some(seed) = self.seed {
            let v = i64::try_from(seed)
                .map(Value::Integer)
                .unwrap_or_else(|_| Value::String(seed.to_string()));
            tree.insert("seed".into(), v);
            origins.push(vec!["seed".into()], "--seed".into());
        }
        Ok(())
    }
}

/// Sets `path` in `tree`, creating tables on the way; fails if the way passes through a value.
fn insert_at(tree: &mut Table, path: &[String], value: Value) -> Result<(), String> {
    super::tree::set(tree, path, value).map_err(|i| {
        let blocking = super::tree::lookup_path(tree, &path[..=i]);
        format!(
            "{} = {} is a value, not a table, so it has no key {}",
            context::join(&path[..=i]),
            blocking.map(context::show).unwrap_or_default(),
            path[i + 1]
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_as_toml_or_fall_back_to_strings() {
        let v = |s: &str| s.parse::<SetOverride>().unwrap().value;
        assert_eq!(v("a=0.5"), Value::Float(0.5));
        assert_eq!(v("a=3"), Value::Integer(3));
        assert_eq!(v("a=true"), Value::Boolean(true));
        assert_eq!(v("a=\"x y\""), Value::String("x y".into()));
        assert_eq!(
            v("a=teach_a_lesson"),
            Value::String("teach_a_lesson".into())
        );
        assert_eq!(
            v("a=[1,2]"),
            Value::Array(vec![Value::Integer(1), Value::Integer(2)])
        );
        assert_eq!(v("a=results/x"), Value::String("results/x".into()));
        assert_eq!(v("a=1\nb = 2"), Value::String("1\nb = 2".into()));
    }

    #[test]
    fn malformed_set_arguments_are_rejected() {
        assert!("pakistan.strike_threshold".parse::<SetOverride>().is_err());
        assert!("=1".parse::<SetOverride>().is_err());
        assert!("a..b=1".parse::<SetOverride>().is_err());
        assert!("a b=1".parse::<SetOverride>().is_err());
        let s: SetOverride = " pakistan.strike_threshold = 0.5 ".parse().unwrap();
        assert_eq!(s.path, ["pakistan", "strike_threshold"]);
    }
}
