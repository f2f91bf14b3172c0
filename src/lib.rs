//! deescalate: a seeded agent-based simulation of the Pakistan–Afghanistan crisis and a batch
//! runner that compares de-escalation measures.
//!
//! - [`model`]: the agents, mechanisms and measures, one simulated day per step.
//! - [`scenario`]: experiment files, parameter overrides and validation.
//! - [`experiment`]: seeding, trials on rayon, designs, the runner.
//! - [`stats`]: mergeable, exact accumulators and their summaries.
//! - [`output`]: CSV and manifest writers, atomic output folders.
//! - [`cli`]: the command line.

pub mod cli;
mod cli_analysis;
pub mod experiment;
pub mod model;
pub mod output;
pub mod scenario;
pub mod stats;
