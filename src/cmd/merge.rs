//! `merge`: the shards' partial results into the folder a single run writes.

use super::print;
use anyhow::Context;
use clap::Args;
use experiment::job::{self, MergeOptions};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// The shards' output folders (or their partial.json files), in any order: every shard
    /// of one run, each once.
    #[arg(required = true, value_name = "PART")]
    parts: Vec<PathBuf>,
    /// Run folder to write (default <output_dir>/<name> of the experiment, as `run` writes).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replace an existing run folder.
    #[arg(long)]
    force: bool,
}

/// `merge PARTS...`.
pub(crate) fn merge(args: &MergeArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let options = MergeOptions {
        out: args.out.clone(),
        force: args.force,
    };
    let report = job::merge(&args.parts, &options).context("merging partial results")?;
    writeln!(
        out,
        "wrote {}: merged {} shards of {}: {} arms × {} trials, in {}",
        report.out_dir.display(),
        report.parts,
        report.experiment,
        report.arms,
        report.trials,
        print::wall_time(report.wall_time)
    )?;
    Ok(())
}
