//! Writers of a job's output folder: summary.csv, timeseries.csv, effects.csv, scenarios.csv,
//! trials.csv and manifest.json, a shard's partial.json, and the atomic folder handling around
//! them.
//!
//! effects.csv compares every arm with the effects baseline, or a design point with the
//! effects baseline at the same point ([`crate::spec::Experiment::reference_arms`], named in
//! its `baseline` column): `diff` is scenario mean −
//! baseline mean (for 0/1 metrics such as `open_war`, the change in probability);
//! `interval` says whether the 95% interval is `paired` (paired t over per-trial differences,
//! common random numbers) or `welch` (independent seeds). scenarios.csv has one row per arm:
//! its id and label, every parameter that differs from the effects baseline in some arm, and
//! mean and 95% interval of each of [`HEADLINE_METRICS`].
//!
//! A run writes into a temporary sibling folder and renames it into place only when every
//! file is complete, so there is never a half-written output folder, and an existing folder
//! is replaced only when asked to (`--force`). CSV files have a header row, `.` decimals, no
//! thousands separators, UTF-8, and numbers printed deterministically ([`crate::text::format_number`]) so
//! that identical statistics give identical bytes.

mod checkpoint;
mod columns;
mod csv;
mod folder;
mod format;
mod manifest;
mod partial;
mod robustness;
mod streamed;
mod tables;
#[cfg(test)]
mod tests;

pub use checkpoint::{CHECKPOINT_FORMAT, CHECKPOINT_JSON, Checkpoint, precision_key};
pub use columns::HEADLINE_METRICS;
pub use csv::write_rows;
pub(crate) use csv::{create_csv, write_record};
pub(crate) use folder::{Finished, JobFolder, Started};
pub use folder::{Job, default_dir, target_dir};
pub use format::rfc3339_utc;
pub use manifest::{
    Identity, Manifest, ManifestArm, ManifestDesign, ManifestPart, Provenance, SensitivityManifest,
};
pub(crate) use manifest::{commit_with_manifest, sensitivity_manifest};
pub use partial::{FileDigest, PARTIAL_FORMAT, PARTIAL_FORMAT_VERSION, PARTIAL_JSON, Partial};
pub(crate) use partial::{copy_csv, write_partial};
pub use streamed::StreamState;
pub(crate) use streamed::StreamedTables;
pub(crate) use tables::{TrialsWriter, write_summary, write_tables};

pub const SUMMARY_CSV: &str = "summary.csv";
pub const TIMESERIES_CSV: &str = "timeseries.csv";
pub const EFFECTS_CSV: &str = "effects.csv";
pub const SCENARIOS_CSV: &str = "scenarios.csv";
pub const TRIALS_CSV: &str = "trials.csv";
pub const ROBUSTNESS_CSV: &str = "robustness.csv";
pub const DISCOVERY_CSV: &str = "discovery.csv";
pub const MANIFEST_JSON: &str = "manifest.json";
