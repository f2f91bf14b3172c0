//! The library's one error type. Each variant says whether the fault is the caller's input
//! ([`Error::is_bad_input`]); the command line turns that into its exit code.

use crate::run::ShardError;
use crate::spec::ConfigError;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Everything that can go wrong while validating, running, merging or writing.
#[derive(Debug, Error)]
pub enum Error {
    /// A bad experiment file or override.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Shards that do not make one run, or a damaged partial result.
    #[error(transparent)]
    Shard(#[from] ShardError),
    /// The output folder exists and replacing it was not asked for.
    #[error(
        "output folder {} already exists; use --force to replace it or --out to write elsewhere",
        .0.display()
    )]
    TargetExists(PathBuf),
    /// A file or folder operation failed.
    #[error("{what} {}", path.display())]
    Io {
        /// What was being done, e.g. "cannot create".
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A CSV file could not be written.
    #[error("cannot write {}", path.display())]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    /// A JSON file could not be written.
    #[error("cannot write {}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// A request the library cannot carry out as asked (e.g. zero threads).
    #[error("{0}")]
    Unusable(String),
    /// A broken internal invariant: a bug, not the user's input.
    #[error("internal error (please report it): {0}")]
    Internal(String),
    /// An error with what was being done when it happened.
    #[error("{context}")]
    Context {
        context: String,
        #[source]
        source: Box<Error>,
    },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether the fault lies in the input (file, overrides, shards): exit code 2 on the
    /// command line; anything else is a failure to carry out valid work.
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::Config(_) | Error::Shard(_) => true,
            Error::Context { source, .. } => source.is_bad_input(),
            _ => false,
        }
    }

    /// This error with `context` said before it.
    pub fn context(self, context: impl Into<String>) -> Self {
        Error::Context {
            context: context.into(),
            source: Box::new(self),
        }
    }

    /// An I/O failure `what` on `path`.
    pub fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.to_path_buf();
        move |source| Error::Io { what, path, source }
    }

    /// A CSV write failure on `path`.
    pub fn csv(path: &Path) -> impl FnOnce(csv::Error) -> Error {
        let path = path.to_path_buf();
        move |source| Error::Csv { path, source }
    }

    /// A JSON write failure on `path`.
    pub fn json(path: &Path) -> impl FnOnce(serde_json::Error) -> Error {
        let path = path.to_path_buf();
        move |source| Error::Json { path, source }
    }
}

/// Adds what was being done to an error, as `anyhow::Context` does, keeping the typed chain.
pub trait Context<T> {
    fn context_with(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context_with(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| e.into().context(context()))
    }
}
