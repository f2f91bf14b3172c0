//! The analyst's view of a results folder: `report.xlsx`, a workbook with typed cells (no
//! locale can misread a number), labels on every sheet, number formats, filters, effects
//! coloured by direction and certainty, and native Excel charts; and `report.html`, one
//! self-contained file (inline SVG, no network) with the same charts, the day-by-day ladder,
//! the robustness and discovery tables, and the experiment's description and provenance.
//!
//! It reads only the folder's files (manifest.json and the CSV tables), so it works on any
//! run, merge or calibration folder, old or new.

mod charts;
mod folder;
mod html;
mod workbook;

pub use folder::{DayRow, EffectRow, Results, SummaryRow, Table};

use std::path::{Path, PathBuf};

/// The workbook's file name.
pub const REPORT_XLSX: &str = "report.xlsx";
/// The HTML report's file name.
pub const REPORT_HTML: &str = "report.html";

/// Charts show at most this many arms (the first, in file order); the sheets hold them all.
pub const CHART_ARMS: usize = 30;

/// The metrics a report puts first: the escalation outcomes the texts ask about.
pub const HEADLINE_METRICS: [&str; 5] = [
    "open_war",
    "days_rung_5",
    "cross_border_strikes",
    "border_clashes",
    "attacks",
];

/// The rungs of the escalation ladder, 0 to 5, as the charts name them.
pub const RUNG_NAMES: [&str; 6] = [
    "0 calm",
    "1 diplomatic crisis",
    "2 coercive measures",
    "3 border clashes",
    "4 cross-border strikes",
    "5 open war",
];

/// What went wrong making a report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The folder is not one this tool wrote (bad input).
    #[error("{} is not a results folder of deescalate: {why}", dir.display())]
    NotResults { dir: PathBuf, why: String },
    /// A report is there already and `--force` was not given (bad input).
    #[error("{} exists; pass --force to replace it", path.display())]
    Exists { path: PathBuf },
    #[error("cannot read {}", path.display())]
    Csv {
        path: PathBuf,
        #[source]
        source: csv::Error,
    },
    #[error("cannot write {}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Xlsx {
        path: PathBuf,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    #[error("cannot draw chart `{chart}`: {why}")]
    Chart { chart: String, why: String },
}

impl Error {
    fn csv(path: &Path) -> impl FnOnce(csv::Error) -> Error + '_ {
        move |source| Error::Csv {
            path: path.to_path_buf(),
            source,
        }
    }

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |source| Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Whether the user's input is at fault (exit 2): not a results folder (or one whose tables
    /// do not read), or a report there already.
    pub fn is_bad_input(&self) -> bool {
        // A table that does not read is the folder's fault, not the machine's.
        matches!(
            self,
            Error::NotResults { .. } | Error::Exists { .. } | Error::Csv { .. }
        )
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Writes report.xlsx and report.html into the results folder `dir` and returns their
/// paths. An existing report is refused unless `force`; each file is written under a
/// temporary name and renamed, so that no half-written report is ever left.
pub fn write_report(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    let results = Results::read(dir)?;
    let targets = [dir.join(REPORT_XLSX), dir.join(REPORT_HTML)];
    if !force && let Some(path) = targets.iter().find(|p| p.exists()) {
        return Err(Error::Exists { path: path.clone() });
    }
    let workbook = workbook::build(&results)?;
    let html = html::build(&results)?;
    write_atomically(&targets[0], &workbook)?;
    write_atomically(&targets[1], html.as_bytes())?;
    Ok(targets.to_vec())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&temporary, bytes).map_err(Error::io(&temporary))?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        Error::io(path)(e)
    })
}

/// How a metric's values read: a probability or share (shown as a percentage), or a number.
pub(crate) fn is_share(unit: &str) -> bool {
    unit == "0/1" || unit == "share"
}

/// What an effect says for de-escalation: the metric's better direction against the change,
/// certain where the 95% interval excludes no change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Better,
    Worse,
    LeaningBetter,
    LeaningWorse,
}

/// The verdict on a change `diff` of `metric` with interval `low`..`high` (none for a metric
/// without a better direction, or no change).
pub(crate) fn verdict(
    metric: &str,
    diff: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
) -> Option<Verdict> {
    let (spec, diff) = (metric_spec(metric)?, diff?);
    let good = match spec.better {
        model::Better::Lower => diff < 0.0,
        model::Better::Higher => diff > 0.0,
        model::Better::Neither => return None,
    };
    if diff == 0.0 {
        return None;
    }
    let certain = low.is_some_and(|l| l > 0.0) || high.is_some_and(|h| h < 0.0);
    Some(match (good, certain) {
        (true, true) => Verdict::Better,
        (false, true) => Verdict::Worse,
        (true, false) => Verdict::LeaningBetter,
        (false, false) => Verdict::LeaningWorse,
    })
}

/// The metric's registry entry, if it is one of the model's.
pub(crate) fn metric_spec(name: &str) -> Option<&'static model::MetricSpec> {
    model::METRICS.iter().find(|m| m.name == name)
}

#[cfg(test)]
mod tests;
