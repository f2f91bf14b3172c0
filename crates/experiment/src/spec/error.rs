//! Configuration errors: one paragraph each, naming the file, the key path as the user wrote
//! it, the offending value and what is allowed.

use std::path::PathBuf;
use thiserror::Error;

/// Anything wrong with an experiment file or its command-line overrides. Every variant but
/// [`ConfigError::ModelMismatch`] is bad input ([`ConfigError::is_bad_input`]): the command
/// line exits with code 2 for them.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A checked parameter table the model's types do not accept: the registry and the
    /// model disagree. A bug, not bad input.
    #[error(
        "{}: internal error (please report it): the checked parameters of {key} do not fit the model: {message}",
        file.display()
    )]
    ModelMismatch {
        file: PathBuf,
        key: String,
        message: String,
    },

    /// The file could not be read (missing, unreadable, not UTF-8).
    #[error("{}: cannot read the experiment file: {os_error}", file.display())]
    Read {
        file: PathBuf,
        os_error: std::io::Error,
    },

    /// The file is not valid TOML.
    #[error("{}: invalid TOML at line {line}, column {column}: {message}", file.display())]
    Syntax {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    /// A key that is not an experiment setting, arm setting or parameter.
    #[error(
        "{}: {key} = {value} is not {}; {}{}.",
        file.display(),
        what.noun(),
        did_you_mean(suggestion),
        what.allowed()
    )]
    UnknownKey {
        file: PathBuf,
        key: String,
        value: String,
        what: KeyKind,
        suggestion: Option<String>,
    },

    /// A value of the wrong type (a string where a number is expected, a table where a value is).
    #[error("{}: {key} = {value} has the wrong type: allowed is {allowed}.", file.display())]
    WrongType {
        file: PathBuf,
        key: String,
        value: String,
        allowed: String,
    },

    /// A number outside its allowed range.
    #[error("{}: {key} = {value} is out of range: allowed is {allowed}.", file.display())]
    OutOfRange {
        file: PathBuf,
        key: String,
        value: String,
        allowed: String,
    },

    /// A value of the right type that is not one of the allowed ones (a choice, a name).
    #[error("{}: {key} = {value} is not allowed: allowed is {allowed}.", file.display())]
    NotAllowed {
        file: PathBuf,
        key: String,
        value: String,
        allowed: String,
    },

    /// A measure that would start after the last simulated day.
    #[error(
        "{}: {key} = {value} is past the horizon (horizon_days = {horizon}): allowed is a whole number from 0 to {horizon}.",
        file.display()
    )]
    PastHorizon {
        file: PathBuf,
        key: String,
        value: String,
        horizon: u32,
    },

    /// Shares that must sum to 1 do not.
    #[error(
        "{}: {key} = {sum} (the sum of {parts}) does not add up: allowed is shares that sum to 1 (within 1e-9).",
        file.display()
    )]
    SharesSum {
        file: PathBuf,
        key: String,
        sum: f64,
        parts: String,
    },

    /// A required setting is absent.
    #[error("{}: {key} is missing: it is required, and allowed is {allowed}.", file.display())]
    Missing {
        file: PathBuf,
        key: String,
        allowed: String,
    },

    /// A `--set` override that cannot be applied (malformed key, or a path through a value).
    #[error("{}: --set {arg}: {reason}.", file.display())]
    BadSet {
        file: PathBuf,
        arg: String,
        reason: String,
    },
}

/// What kind of key was expected where an unknown key was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A top-level experiment setting.
    Setting,
    /// A model parameter (in `[baseline]`, a scenario, or `--set`).
    Parameter,
}

impl KeyKind {
    fn noun(self) -> &'static str {
        match self {
            KeyKind::Setting => "an experiment setting",
            KeyKind::Parameter => "a parameter",
        }
    }
    fn allowed(self) -> String {
        match self {
            KeyKind::Setting => {
                format!(
                    "one of {}",
                    super::settings::SETTINGS
                        .iter()
                        .map(|s| s.key)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
            KeyKind::Parameter => "a parameter key listed by `deescalate params`".to_string(),
        }
    }
}

impl ConfigError {
    /// The experiment file the error is about.
    pub fn file(&self) -> &std::path::Path {
        match self {
            ConfigError::Read { file, .. }
            | ConfigError::Syntax { file, .. }
            | ConfigError::UnknownKey { file, .. }
            | ConfigError::WrongType { file, .. }
            | ConfigError::OutOfRange { file, .. }
            | ConfigError::NotAllowed { file, .. }
            | ConfigError::PastHorizon { file, .. }
            | ConfigError::SharesSum { file, .. }
            | ConfigError::Missing { file, .. }
            | ConfigError::BadSet { file, .. }
            | ConfigError::ModelMismatch { file, .. } => file,
        }
    }
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("did you mean {s}? Allowed is "),
        None => "allowed is ".to_string(),
    }
}

impl ConfigError {
    /// Whether the file or the overrides are at fault (everything but a model mismatch).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, ConfigError::ModelMismatch { .. })
    }
}
