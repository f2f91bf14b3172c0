//! Experiments on the crisis model, in layers that import downward only (bottom first):
//!
//! - `text`: how numbers and parameter values are printed.
//! - [`spec`]: experiment files, `--set` overrides, validation against the parameter
//!   registry, typed errors; designs that turn named arms into design points
//!   ([`spec::design`]: grid sweep, Latin hypercube, Morris trajectories); shards; the
//!   resolved [`spec::Experiment`].
//! - [`error`]: the crate's [`Error`], which says whether a failure is bad input.
//! - [`run`]: seeding, trials on rayon, precision targets, progress callbacks, the shard
//!   checksum; statistics in memory, no files.
//! - [`analysis`]: calibration against real figures and Morris sensitivity screening.
//! - [`output`]: CSV tables, manifests, partial results, the one job-folder writer.
//! - [`job`]: a run, shard, merge, calibration or screening carried out and written.
//!
//! docs/ARCHITECTURE.md draws the layers and says where to add a mechanism, a measure, a
//! metric, a design or an output.

pub mod analysis;
pub mod error;
pub mod job;
pub mod output;
pub mod run;
pub mod spec;
pub(crate) mod text;
pub(crate) use error::Context;
pub use error::{Error, Result, ShardError};
