//! A calibration ensemble as a design (`run FILE --ensemble ensemble.csv`): every named arm
//! of the file runs at every member of the ensemble that `calibrate --ensemble N` wrote, on
//! the same trial seeds, so effects and robustness.csv are over the parameter sets the data
//! cannot rule out. A member's arm is `<arm>.e001`, labelled `<arm label> · member <id>`.
//!
//! The file's first column is `id`; `wave` and `implausibility` are read past; every other
//! column is a parameter key path whose cells are its values for each member. The file's text
//! travels with the experiment (the manifest, a shard's partial result), so a merge rebuilds
//! the same arms without the file.

use super::{DesignPoints, MAX_POINTS, Members};
use crate::spec::error::{ConfigError, KeyKind};
use crate::spec::registry::Registry;
use model::param_spec::Domain;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use toml::Value;

/// The columns of ensemble.csv that are not parameters.
pub const MEMBER_COLUMNS: &[&str] = &["id", "wave", "implausibility"];

/// An ensemble file as given on the command line, with its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnsembleFile {
    /// Its path as given.
    pub path: String,
    /// Its text.
    pub text: String,
}

impl EnsembleFile {
    /// Reads the file at `path`.
    pub fn read(path: &std::path::Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|os_error| ConfigError::Read {
            file: path.to_path_buf(),
            os_error,
        })?;
        Ok(EnsembleFile {
            path: path.display().to_string(),
            text,
        })
    }
}

/// The members of `file` as design points (tag `e`), applied to every named arm.
pub(crate) fn parse_ensemble(file: &EnsembleFile) -> Result<DesignPoints, ConfigError> {
    let path = PathBuf::from(&file.path);
    let registry = Registry::get();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(file.text.as_bytes());
    let bad = |key: String, value: String, allowed: String| ConfigError::NotAllowed {
        file: path.clone(),
        key,
        value,
        allowed,
    };
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| {
            bad(
                "header".into(),
                String::new(),
                format!("a CSV header ({e})"),
            )
        })?
        .iter()
        .map(str::to_string)
        .collect();
    if header.first().map(String::as_str) != Some("id") {
        return Err(bad(
            "column 1".into(),
            header.first().cloned().unwrap_or_default(),
            "`id`, as calibrate --ensemble writes ensemble.csv".into(),
        ));
    }
    let mut keys = Vec::new();
    let mut columns = Vec::new();
    for (c, name) in header.iter().enumerate().skip(1) {
        if MEMBER_COLUMNS.contains(&name.as_str()) {
            continue;
        }
        let Some(spec) = registry.spec(name) else {
            return Err(ConfigError::UnknownKey {
                file: path.clone(),
                key: format!("column {}", c + 1),
                value: name.clone(),
                what: KeyKind::Parameter,
                suggestion: registry.suggest(name).map(str::to_string),
            });
        };
        if !matches!(spec.domain, Domain::Real { .. } | Domain::Int { .. }) {
            return Err(bad(
                format!("column {}", c + 1),
                name.clone(),
                format!("a numeric parameter ({name} is {})", spec.domain.allowed()),
            ));
        }
        if keys.contains(name) {
            return Err(bad(
                format!("column {}", c + 1),
                name.clone(),
                "each parameter once".into(),
            ));
        }
        keys.push(name.clone());
        columns.push((c, spec));
    }
    if keys.is_empty() {
        return Err(ConfigError::Missing {
            file: path.clone(),
            key: "header".into(),
            allowed: "at least one parameter column after id".into(),
        });
    }
    let mut names: Vec<String> = Vec::new();
    let mut points = Vec::new();
    for (r, record) in reader.records().enumerate() {
        let row = r + 2;
        let record = record.map_err(|e| {
            bad(
                format!("row {row}"),
                String::new(),
                format!("{} cells, as in the header ({e})", header.len()),
            )
        })?;
        if points.len() == MAX_POINTS {
            return Err(ConfigError::OutOfRange {
                file: path.clone(),
                key: "rows".into(),
                value: format!("more than {MAX_POINTS}"),
                allowed: format!("1 to {MAX_POINTS} members"),
            });
        }
        let id = record.get(0).unwrap_or_default().to_string();
        if id.is_empty() || names.contains(&id) {
            return Err(bad(
                format!("row {row}, column id"),
                id,
                "a non-empty id, each member once".into(),
            ));
        }
        let mut point = Vec::with_capacity(columns.len());
        for &(c, spec) in &columns {
            let cell = record.get(c).unwrap_or_default();
            let key = format!("row {row}, column {}", spec.key);
            let value = match spec.domain {
                Domain::Int { min, max, .. } => cell
                    .parse::<i64>()
                    .ok()
                    .filter(|v| (min..=max).contains(v))
                    .map(Value::Integer),
                Domain::Real { min, max, .. } => cell
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && (min..=max).contains(v))
                    .map(Value::Float),
                _ => None,
            };
            let Some(value) = value else {
                return Err(ConfigError::OutOfRange {
                    file: path.clone(),
                    key,
                    value: cell.to_string(),
                    allowed: spec.domain.allowed(),
                });
            };
            point.push(value);
        }
        names.push(id);
        points.push(point);
    }
    if points.is_empty() {
        return Err(ConfigError::Missing {
            file: path,
            key: "rows".into(),
            allowed: "at least one member".into(),
        });
    }
    Ok(DesignPoints {
        tag: 'e',
        arms: None,
        keys,
        points,
        members: Some(Members {
            file: file.path.clone(),
            names,
        }),
    })
}
