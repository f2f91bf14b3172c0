//! The library's one error type. Each variant says whether the fault is the caller's input
//! ([`Error::is_bad_input`]); the command line turns that into its exit code.

use crate::spec::{ConfigError, Shard};
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
    /// `--force` was asked to replace something that is not a results folder of this tool, or
    /// that holds an input of the job.
    #[error(
        "{} cannot be replaced: {reason}; --force replaces only a results folder that deescalate wrote, so choose another --out",
        path.display()
    )]
    NotReplaceable { path: PathBuf, reason: String },
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
    /// A request that cannot be carried out as asked (zero or too many threads, a screening
    /// without `[morris]`): bad input.
    #[error("{0}")]
    Unusable(String),
    /// A run bigger than this machine can hold or finish in the time allowed (the
    /// estimates of [`crate::run::Budget`] against its limits): refused before any work.
    #[error("{0}")]
    TooBig(String),
    /// The machine could not provide what valid work needs (threads, for example).
    #[error("{0}")]
    Resources(String),
    /// The run was stopped from outside (Ctrl-C, SIGTERM) before it finished; its last
    /// checkpoint, if it wrote one, is kept for `run --resume`.
    #[error("{}", match checkpoint {
        Some(done) => format!(
            "stopped; the checkpoint after {done} is kept: run the same command with --resume to go on from there"
        ),
        None => "stopped before the end (no checkpoint yet); nothing was written".to_string(),
    })]
    Interrupted {
        /// What the kept checkpoint holds ("1984 of 20000 trials per arm").
        checkpoint: Option<String>,
    },
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
    /// Whether the run was stopped from outside (exit code 130 on the command line).
    pub fn is_interrupted(&self) -> bool {
        match self {
            Error::Interrupted { .. } => true,
            Error::Context { source, .. } => source.is_interrupted(),
            _ => false,
        }
    }

    /// Whether the fault lies in the input (file, overrides, shards): exit code 2 on the
    /// command line; anything else is a failure to carry out valid work.
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::Config(e) => e.is_bad_input(),
            Error::Shard(_)
            | Error::TargetExists(_)
            | Error::NotReplaceable { .. }
            | Error::Unusable(_)
            | Error::TooBig(_) => true,
            // A path the user named that cannot be used as given (missing, not allowed, of the
            // wrong kind); a full disk or a broken device is not the input's fault.
            Error::Io { source, .. } => matches!(
                source.kind(),
                std::io::ErrorKind::NotFound
                    | std::io::ErrorKind::PermissionDenied
                    | std::io::ErrorKind::AlreadyExists
                    | std::io::ErrorKind::NotADirectory
                    | std::io::ErrorKind::IsADirectory
                    | std::io::ErrorKind::ReadOnlyFilesystem
                    | std::io::ErrorKind::InvalidInput
                    | std::io::ErrorKind::InvalidFilename
            ),
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

/// Bad sharding input or partial results that do not fit together; the command line exits
/// with code 2 for all of them.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ShardError {
    /// A precision target decides how many trials to run from all results so far.
    #[error(
        "--shard cannot be used with a precision target ({source_of_target}): a precision run \
         decides batch by batch how many trials to run from the results of all trials so far, \
         which no single shard sees. Run the sharded experiment with a fixed number of trials \
         (--trials N, without --precision or [precision]), or run it unsharded"
    )]
    Precision { source_of_target: String },

    /// Merge was given nothing to merge.
    #[error("no partial results to merge")]
    NoParts,

    /// A part cannot be read.
    #[error("{}: cannot read the partial result: {reason}", file.display())]
    Unreadable { file: PathBuf, reason: String },

    /// A part is not a partial result of this format, or is damaged.
    #[error("{}: not a valid deescalate partial result: {reason}", file.display())]
    Corrupt { file: PathBuf, reason: String },

    /// A part written in another format version or by another version of the tool.
    #[error("{}: {what}", file.display())]
    Version { file: PathBuf, what: String },

    /// Parts of different experiments.
    #[error(
        "the parts belong to different experiments (the checksum of the resolved experiment \
         differs; a different seed, trial count, horizon, pairing or parameter changes it):\n{groups}"
    )]
    DifferentExperiments { groups: String },

    /// Parts of different splits.
    #[error("the parts come from different splits of the experiment:\n{groups}")]
    DifferentSplits { groups: String },

    /// The same shard given twice.
    #[error("shard {shard} is given more than once: {}", list_files(files))]
    Duplicate { shard: Shard, files: Vec<PathBuf> },

    /// Shards not given.
    #[error(
        "{} of {count} shards missing: {missing} (trials {ranges}); pass every part of the run",
        missing_count
    )]
    Missing {
        count: u64,
        missing_count: usize,
        missing: String,
        ranges: String,
    },

    /// The stored experiment would have merge write outside the current folder.
    #[error(
        "{}: the stored experiment writes to {}, outside the current folder; give the merged folder's place with --out DIR",
        file.display(),
        output_dir.display()
    )]
    OutputOutside { file: PathBuf, output_dir: PathBuf },

    /// Parts with and without trials.csv.
    #[error(
        "some parts have trials.csv and some do not (with: {}; without: {}); rerun the shards \
         without trials.csv alike",
        list_files(with),
        list_files(without)
    )]
    MixedTrialRows {
        with: Vec<PathBuf>,
        without: Vec<PathBuf>,
    },
}

fn list_files(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
