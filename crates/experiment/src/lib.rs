//! Experiments on the crisis model, in layers that import downward only:
//!
//! - [`spec`]: experiment files, `--set` overrides, validation against the parameter
//!   registry, typed errors; the resolved [`spec::Experiment`].
//! - [`design`]: designs that turn named arms into design points (grid sweep, Latin
//!   hypercube, Morris trajectories).
//! - [`run`]: seeding, trials on rayon, precision targets, progress callbacks, shards.
//! - [`output`]: the one job-to-folder writer, CSV tables, manifest, partial results.
//! - [`analysis`]: calibration against real figures and Morris sensitivity screening.
//!
//! docs/ARCHITECTURE.md draws the layers and says where to add a mechanism, a measure, a
//! metric, a design or an output.

pub mod analysis;
pub mod error;
pub mod job;
pub mod output;
pub mod run;
pub mod spec;
pub mod text;
pub use error::{Context, Error, Result, ShardError};
