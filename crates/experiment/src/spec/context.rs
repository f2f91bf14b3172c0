//! How errors name what the user wrote: key paths as written (or as `--set KEY`), values as
//! TOML shows them, typo suggestions; [`Ctx`] builds the errors of one file.

use super::error::ConfigError;
use std::path::{Path, PathBuf};
use toml::Value;

/// Whether `s` is a bare TOML key (letters, digits, `_`, `-`).
pub(crate) fn is_bare_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A key path as the user would write it: `scenarios.cbm.measures.fencing.enabled`, with
/// segments that are not bare keys quoted.
pub(crate) fn join(path: &[String]) -> String {
    path.iter()
        .map(|s| {
            if is_bare_key(s) {
                s.clone()
            } else {
                Value::String(s.clone()).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// A value as it would be written in TOML, shortened for messages.
pub(crate) fn show(v: &Value) -> String {
    shorten(v.to_string().trim())
}

/// Text for a message, cut to 80 characters (a key or value can be arbitrarily long).
fn shorten(s: &str) -> String {
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(77).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}

/// The closest candidate to `word`, if any is close enough to be a plausible typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // A score of 0.7 needs lengths within 30% of each other: skipping the others first keeps
    // a pathological word (a million characters) from costing a distance to every key.
    let len = word.chars().count();
    candidates
        .into_iter()
        .filter(|c| {
            let other = c.chars().count();
            len.abs_diff(other) * 10 <= 3 * len.max(other)
        })
        .map(|c| (strsim::normalized_damerau_levenshtein(word, c), c))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Where overridden parts of the tree came from, so that errors name `--set KEY` rather than
/// a key of the file.
#[derive(Debug, Default)]
pub(crate) struct Origins(Vec<(Vec<String>, String)>);

impl Origins {
    pub fn push(&mut self, tree_path: Vec<String>, label: String) {
        self.0.push((tree_path, label));
    }

    /// The key path as the user wrote it: the file's path, or `--set KEY` plus the rest of
    /// the path below what `--set` put there.
    pub fn display(&self, path: &[String]) -> String {
        let origin = self
            .0
            .iter()
            .rev()
            .filter(|(p, _)| path.starts_with(p))
            .max_by_key(|(p, _)| p.len());
        match origin {
            Some((p, label)) if p.len() == path.len() => label.clone(),
            Some((p, label)) => format!("{label}.{}", join(&path[p.len()..])),
            None => join(path),
        }
    }
}

/// The file being read and where its overrides came from: builds errors.
pub(crate) struct Ctx<'a> {
    pub file: &'a Path,
    pub origins: &'a Origins,
}

impl Ctx<'_> {
    pub fn key(&self, path: &[String]) -> String {
        shorten(&self.origins.display(path))
    }
    pub fn file(&self) -> PathBuf {
        self.file.to_path_buf()
    }
    pub fn wrong_type(
        &self,
        path: &[String],
        v: &Value,
        allowed: impl Into<String>,
    ) -> ConfigError {
        ConfigError::WrongType {
            file: self.file(),
            key: self.key(path),
            value: show(v),
            allowed: allowed.into(),
        }
    }
    pub fn out_of_range(
        &self,
        path: &[String],
        v: &Value,
        allowed: impl Into<String>,
    ) -> ConfigError {
        ConfigError::OutOfRange {
            file: self.file(),
            key: self.key(path),
            value: show(v),
            allowed: allowed.into(),
        }
    }
    pub fn not_allowed(
        &self,
        path: &[String],
        v: &Value,
        allowed: impl Into<String>,
    ) -> ConfigError {
        ConfigError::NotAllowed {
            file: self.file(),
            key: self.key(path),
            value: show(v),
            allowed: allowed.into(),
        }
    }
    pub fn missing(&self, path: &[String], allowed: impl Into<String>) -> ConfigError {
        ConfigError::Missing {
            file: self.file(),
            key: self.key(path),
            allowed: allowed.into(),
        }
    }
}

/// A key path from its segments.
pub(crate) fn p(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

/// A TOML value as a number, if it is one.
pub(crate) fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Float(x) => Some(*x),
        Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}
