//! Reading a results folder back: its manifest, its headline tables as typed rows, and every
//! CSV table as text cells for the workbook's sheets.

use crate::{Error, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One row of summary.csv.
#[derive(Debug, Clone, Deserialize)]
pub struct SummaryRow {
    pub scenario: String,
    pub label: String,
    pub metric: String,
    pub unit: String,
    pub n: u64,
    pub mean: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
}

/// One row of effects.csv.
#[derive(Debug, Clone, Deserialize)]
pub struct EffectRow {
    pub scenario: String,
    pub label: String,
    pub metric: String,
    pub unit: String,
    pub baseline_mean: Option<f64>,
    pub diff: Option<f64>,
    pub diff_ci95_low: Option<f64>,
    pub diff_ci95_high: Option<f64>,
    pub rel_change: Option<f64>,
}

impl EffectRow {
    /// The effect as a change relative to the baseline mean, with the distances to its
    /// interval's ends (fractions of the baseline mean; zeros where that mean is 0).
    pub fn relative_interval(&self) -> (f64, f64, f64) {
        match (self.baseline_mean, self.diff) {
            (Some(b), Some(d)) if b != 0.0 => {
                let rel = d / b;
                let hi = self.diff_ci95_high.map_or(rel, |h| h / b);
                let lo = self.diff_ci95_low.map_or(rel, |l| l / b);
                let (hi, lo) = if b > 0.0 { (hi, lo) } else { (lo, hi) };
                (rel, (hi - rel).max(0.0), (rel - lo).max(0.0))
            }
            _ => (0.0, 0.0, 0.0),
        }
    }
}

/// One row of timeseries.csv.
#[derive(Debug, Clone, Deserialize)]
pub struct DayRow {
    pub scenario: String,
    pub day: u32,
    pub mean_rung: f64,
    pub share_rung_0: f64,
    pub share_rung_1: f64,
    pub share_rung_2: f64,
    pub share_rung_3: f64,
    pub share_rung_4: f64,
    pub share_rung_5: f64,
    pub mean_cumulative_fatalities: f64,
}

impl DayRow {
    /// Share of trials on each rung, 0 (calm) to 5 (open war).
    pub fn shares(&self) -> [f64; 6] {
        [
            self.share_rung_0,
            self.share_rung_1,
            self.share_rung_2,
            self.share_rung_3,
            self.share_rung_4,
            self.share_rung_5,
        ]
    }
}

/// A CSV table of the folder: its header and length; its rows are read from the file when
/// written (a large design's tables run to millions of rows).
#[derive(Debug, Clone)]
pub struct Table {
    /// The file name (summary.csv …).
    pub file: &'static str,
    pub path: PathBuf,
    pub header: Vec<String>,
    /// Rows in the file.
    pub total_rows: usize,
}

/// Rows a sheet holds: Excel's 1,048,576, one of them the header.
pub const KEPT_ROWS: usize = 1_048_575;

impl Table {
    /// Calls `each` with the text cells of the first `limit` rows, in order.
    pub fn for_rows(
        &self,
        limit: usize,
        mut each: impl FnMut(usize, &csv::StringRecord) -> Result<()>,
    ) -> Result<()> {
        let mut reader = csv::Reader::from_path(&self.path).map_err(Error::csv(&self.path))?;
        let mut record = csv::StringRecord::new();
        let mut index = 0;
        while index < limit
            && reader
                .read_record(&mut record)
                .map_err(Error::csv(&self.path))?
        {
            each(index, &record)?;
            index += 1;
        }
        Ok(())
    }
}

/// What a results folder holds (a run's or a merge's; calibrate's has calibration.csv).
#[derive(Debug, Clone)]
pub struct Results {
    pub dir: PathBuf,
    /// manifest.json as it is.
    pub manifest: serde_json::Value,
    pub summary: Vec<SummaryRow>,
    pub effects: Vec<EffectRow>,
    pub days: Vec<DayRow>,
    /// Every table present, in the workbook's order.
    pub tables: Vec<Table>,
}

/// The tables a report shows, in sheet order, with their sheet names.
pub const TABLES: [(&str, &str); 7] = [
    ("effects.csv", "Effects"),
    ("summary.csv", "Summary"),
    ("scenarios.csv", "Scenarios"),
    ("timeseries.csv", "Time series"),
    ("robustness.csv", "Robustness"),
    ("discovery.csv", "Discovery"),
    ("calibration.csv", "Calibration"),
];

impl Results {
    /// Reads the folder `dir`: it must hold this tool's manifest.json and summary.csv or
    /// calibration.csv.
    pub fn read(dir: &Path) -> Result<Results> {
        let manifest_path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&manifest_path).map_err(|e| Error::NotResults {
            dir: dir.to_path_buf(),
            why: format!("cannot read manifest.json ({e})"),
        })?;
        let manifest: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Error::NotResults {
                dir: dir.to_path_buf(),
                why: format!("manifest.json is not JSON ({e})"),
            })?;
        let present = |file: &str| dir.join(file).is_file();
        if !present("summary.csv") && !present("calibration.csv") {
            return Err(Error::NotResults {
                dir: dir.to_path_buf(),
                why: "it holds neither summary.csv nor calibration.csv".into(),
            });
        }
        let mut tables = Vec::new();
        for (file, _) in TABLES {
            if present(file) {
                tables.push(read_table(dir, file)?);
            }
        }
        let summary: Vec<SummaryRow> = read_rows(dir, "summary.csv", |_: &SummaryRow| true)?;
        // The day-by-day rows only of the arms the charts show (a large design has millions).
        let mut charted = std::collections::HashSet::new();
        for row in &summary {
            if charted.len() == crate::CHART_ARMS && !charted.contains(row.scenario.as_str()) {
                break;
            }
            charted.insert(row.scenario.as_str());
        }
        let days = read_rows(dir, "timeseries.csv", |d: &DayRow| {
            charted.contains(d.scenario.as_str())
        })?;
        let effects = read_rows(dir, "effects.csv", |_: &EffectRow| true)?;
        Ok(Results {
            dir: dir.to_path_buf(),
            manifest,
            summary,
            effects,
            days,
            tables,
        })
    }

    /// A text field of the manifest ("" if absent).
    pub fn text(&self, key: &str) -> String {
        match &self.manifest[key] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    }

    /// The manifest's plain fields (text, numbers, switches) as text, in its order: the
    /// provenance both reports show. Numbers stay text so that no seed loses a digit.
    pub fn provenance(&self) -> Vec<(String, String)> {
        let serde_json::Value::Object(fields) = &self.manifest else {
            return Vec::new();
        };
        fields
            .iter()
            .filter_map(|(key, value)| {
                let text = match value {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    _ => return None,
                };
                Some((key.clone(), text))
            })
            .collect()
    }

    /// The arms in file order: (id, label), from summary.csv.
    pub fn arms(&self) -> Vec<(String, String)> {
        let mut arms: Vec<(String, String)> = Vec::new();
        for row in &self.summary {
            if arms.last().is_none_or(|(id, _)| *id != row.scenario) {
                arms.push((row.scenario.clone(), row.label.clone()));
            }
        }
        arms
    }

    /// summary.csv's row of `metric` in arm `scenario`.
    pub fn summary_of(&self, scenario: &str, metric: &str) -> Option<&SummaryRow> {
        self.summary
            .iter()
            .find(|r| r.scenario == scenario && r.metric == metric)
    }

    /// The effects baseline's id (the manifest's, else the first arm).
    pub fn baseline(&self) -> String {
        match self.text("effects_baseline") {
            b if !b.is_empty() => b,
            _ => self.arms().first().map(|a| a.0.clone()).unwrap_or_default(),
        }
    }
}

/// The rows of `file` in `dir` that `keep` keeps (none if the file is absent).
fn read_rows<R: for<'de> Deserialize<'de>>(
    dir: &Path,
    file: &str,
    keep: impl Fn(&R) -> bool,
) -> Result<Vec<R>> {
    let path = dir.join(file);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let mut reader = csv::Reader::from_path(&path).map_err(Error::csv(&path))?;
    let mut rows = Vec::new();
    for row in reader.deserialize() {
        let row: R = row.map_err(Error::csv(&path))?;
        if keep(&row) {
            rows.push(row);
        }
    }
    Ok(rows)
}

fn read_table(dir: &Path, file: &'static str) -> Result<Table> {
    let path = dir.join(file);
    let mut reader = csv::Reader::from_path(&path).map_err(Error::csv(&path))?;
    let header = reader
        .headers()
        .map_err(Error::csv(&path))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut record = csv::StringRecord::new();
    let mut total_rows = 0;
    while reader.read_record(&mut record).map_err(Error::csv(&path))? {
        total_rows += 1;
    }
    Ok(Table {
        file,
        path,
        header,
        total_rows,
    })
}
