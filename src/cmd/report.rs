//! `report`: the workbook and the HTML page of a results folder.

use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// A results folder of `run`, `merge` or `calibrate`.
    dir: PathBuf,
    /// Replace a report already in the folder.
    #[arg(long)]
    force: bool,
}

/// `report DIR`: writes DIR/report.xlsx and DIR/report.html.
pub(crate) fn report(args: &ReportArgs, out: &mut impl Write) -> anyhow::Result<()> {
    write(&args.dir, args.force, out)
}

/// Writes the report of `dir` and says where (also `run --report`).
pub(crate) fn write(dir: &Path, force: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let written = report::write_report(dir, force)?;
    for path in written {
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(())
}
