//! Parameter overrides checked against the registry (`Params::specs()`), leaf by leaf, and
//! merged by key path onto the defaults.

use super::context::{Ctx, closest, join, show};
use super::error::{ConfigError, KeyKind};
use model::Params;
use model::param_spec::{Domain, ParamSpec};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use toml::{Table, Value};

/// The parameter registry, indexed for lookups by key path.
pub(crate) struct Registry {
    pub specs: Vec<ParamSpec>,
    index: HashMap<String, usize>,
    /// Every proper prefix of a parameter key (`pakistan`, `measures`, `measures.fencing`, ...).
    sections: HashSet<String>,
    /// The complete default parameter table.
    pub defaults: Table,
}

impl Registry {
    pub fn get() -> &'static Registry {
        static REGISTRY: OnceLock<Registry> = OnceLock::new();
        REGISTRY.get_or_init(|| {
            let specs = Params::specs();
            let index = specs
                .iter()
                .enumerate()
                .map(|(i, s)| (s.key.clone(), i))
                .collect();
            let mut sections = HashSet::new();
            for spec in &specs {
                let mut prefix = String::new();
                let segs: Vec<&str> = spec.key.split('.').collect();
                for seg in &segs[..segs.len() - 1] {
                    if !prefix.is_empty() {
                        prefix.push('.');
                    }
                    prefix.push_str(seg);
                    sections.insert(prefix.clone());
                }
            }
            let defaults = match Value::try_from(Params::default()) {
                Ok(Value::Table(t)) => t,
                other => panic!("Params::default() must serialise to a TOML table: {other:?}"),
            };
            Registry {
                specs,
                index,
                sections,
                defaults,
            }
        })
    }

    /// A parameter's default as a TOML value.
    pub fn default_of(spec: &ParamSpec) -> Value {
        to_toml(&spec.default)
    }

    /// The position of parameter `key` in the registry's order.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
    }

    pub fn spec(&self, key: &str) -> Option<&ParamSpec> {
        self.index.get(key).map(|&i| &self.specs[i])
    }

    pub fn is_section(&self, key: &str) -> bool {
        self.sections.contains(key)
    }

    /// The known parameter closest to an unknown key path.
    pub(crate) fn suggest(&self, unknown: &str) -> Option<&str> {
        let keys = self.specs.iter().map(|s| s.key.as_str());
        if let Some(k) = closest(unknown, keys) {
            return Some(k);
        }
        // The right name in the wrong section: `pakistan.crackdown_capacity`.
        let last = unknown.rsplit('.').next()?;
        let mut same: Vec<&str> = self
            .specs
            .iter()
            .map(|s| s.key.as_str())
            .filter(|k| k.rsplit('.').next() == Some(last))
            .collect();
        if same.len() == 1 { same.pop() } else { None }
    }

    /// Checks an arm's override table in place: every leaf must be a known parameter of the
    /// right type and in its domain. Whole numbers given for real parameters become floats.
    /// `tree_path` is where the table sits in the file, for messages.
    pub fn check_overrides(
        &self,
        table: &mut Table,
        tree_path: &[String],
        ctx: &Ctx,
    ) -> Result<(), ConfigError> {
        self.check_table(table, &mut Vec::new(), tree_path, ctx)
    }

    fn check_table(
        &self,
        table: &mut Table,
        prefix: &mut Vec<String>,
        tree_path: &[String],
        ctx: &Ctx,
    ) -> Result<(), ConfigError> {
        for (k, v) in table.iter_mut() {
            prefix.push(k.clone());
            let key = prefix.join(".");
            let full: Vec<String> = tree_path.iter().chain(prefix.iter()).cloned().collect();
            if let Some(spec) = self.spec(&key) {
                check_leaf(spec, v, &full, ctx)?;
            } else if self.is_section(&key) {
                match v {
                    Value::Table(t) => self.check_table(t, prefix, tree_path, ctx)?,
                    other => {
                        let example = self
                            .specs
                            .iter()
                            .find(|s| s.key.starts_with(&format!("{key}.")))
                            .map(|s| s.key.as_str())
                            .unwrap_or("");
                        return Err(ctx.wrong_type(
                            &full,
                            other,
                            format!("a table of parameters ({key} is a section, e.g. {example})"),
                        ));
                    }
                }
            } else {
                return Err(self.unknown(&full, tree_path.len(), v, ctx));
            }
            prefix.pop();
        }
        Ok(())
    }

    /// An unknown key at `full` (the arm's table starts after `arm_len` segments). If the
    /// value is a table, the message names its first leaf, the key the user meant to set.
    fn unknown(&self, full: &[String], arm_len: usize, value: &Value, ctx: &Ctx) -> ConfigError {
        let (leaf, v) = first_leaf(full, value);
        let param_key = leaf[arm_len..].join(".");
        let shown = ctx.key(&leaf);
        // A misspelt arm setting (`labels`) rather than a parameter.
        let arm_setting = if leaf.len() == arm_len + 1 {
            closest(&param_key, ["label"])
        } else {
            None
        };
        let suggestion = arm_setting.or_else(|| self.suggest(&param_key)).map(|s| {
            // Write the suggestion the way the user wrote the key: same prefix, right name.
            let written = match shown.strip_suffix(&join(&leaf[arm_len..])) {
                Some(prefix) => format!("{prefix}{s}"),
                None => s.to_string(),
            };
            written
                .strip_prefix("--set ")
                .map(str::to_string)
                .unwrap_or(written)
        });
        ConfigError::UnknownKey {
            file: ctx.file(),
            key: shown,
            value: show(v),
            what: KeyKind::Parameter,
            suggestion,
        }
    }
}

/// The first leaf below `path` (itself, if `value` is not a non-empty table).
pub(crate) fn first_leaf<'v>(path: &[String], value: &'v Value) -> (Vec<String>, &'v Value) {
    let mut path = path.to_vec();
    let mut value = value;
    while let Value::Table(t) = value {
        match t.iter().next() {
            Some((k, v)) => {
                path.push(k.clone());
                value = v;
            }
            None => break,
        }
    }
    (path, value)
}

/// Checks one value against its parameter's domain.
pub(crate) fn check_leaf(
    spec: &ParamSpec,
    v: &mut Value,
    path: &[String],
    ctx: &Ctx,
) -> Result<(), ConfigError> {
    let allowed = spec.domain.allowed();
    match spec.domain {
        Domain::Real { min, max, .. } => {
            let x = match v {
                Value::Float(x) => *x,
                Value::Integer(i) => *i as f64,
                other => return Err(ctx.wrong_type(path, other, allowed)),
            };
            // Written so that NaN fails too.
            if !(x >= min && x <= max) {
                return Err(ctx.out_of_range(path, v, allowed));
            }
            *v = Value::Float(x);
        }
        Domain::Int { min, max, .. } => match v {
            Value::Integer(i) if (min..=max).contains(i) => {}
            Value::Integer(_) => return Err(ctx.out_of_range(path, v, allowed)),
            other => return Err(ctx.wrong_type(path, other, allowed)),
        },
        Domain::Flag => {
            if !v.is_bool() {
                return Err(ctx.wrong_type(path, v, allowed));
            }
        }
        Domain::Choice { options } => match v {
            Value::String(s) if options.contains(&s.as_str()) => {}
            Value::String(_) => return Err(ctx.not_allowed(path, v, allowed)),
            other => return Err(ctx.wrong_type(path, other, allowed)),
        },
    }
    Ok(())
}

/// A registry value as TOML writes it.
pub fn to_toml(v: &model::param_spec::Value) -> Value {
    use model::param_spec::Value as V;
    match *v {
        V::Real(x) => Value::Float(x),
        V::Int(i) => Value::Integer(i),
        V::Flag(b) => Value::Boolean(b),
        V::Choice(word) => Value::String(word.to_string()),
    }
}
