//! `params` and `metrics`: the parameter and metric registries as a table, CSV or Markdown.

use super::print;
use clap::Args;
use experiment::spec::{to_toml, toml};
use model::METRICS;
use model::Params;
use model::param_spec::Domain;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Write CSV with a header instead of an aligned table.
    #[arg(long, conflicts_with = "markdown")]
    csv: bool,
    /// Write a Markdown table (the one in docs/REFERENCE.md).
    #[arg(long)]
    markdown: bool,
}

/// How `params` and `metrics` print a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListFormat {
    /// Aligned columns for a terminal.
    Table,
    Csv,
    Markdown,
}

impl ListArgs {
    pub(crate) fn format(&self) -> ListFormat {
        match (self.csv, self.markdown) {
            (true, _) => ListFormat::Csv,
            (false, true) => ListFormat::Markdown,
            (false, false) => ListFormat::Table,
        }
    }
}

/// One row of `params --csv`.
#[derive(Debug, Serialize)]
struct ParamRow {
    key: String,
    default: String,
    kind: &'static str,
    min: Option<f64>,
    max: Option<f64>,
    options: String,
    allowed: String,
    plausible_min: Option<f64>,
    plausible_max: Option<f64>,
    unit: &'static str,
    meaning: String,
    source: &'static str,
}

fn param_rows() -> Vec<ParamRow> {
    Params::specs()
        .into_iter()
        .map(|s| {
            let (kind, min, max, options) = match s.domain {
                Domain::Real { min, max, .. } => ("real", Some(min), Some(max), String::new()),
                Domain::Int { min, max, .. } => {
                    ("int", Some(min as f64), Some(max as f64), String::new())
                }
                Domain::Flag => ("flag", None, None, "true|false".to_string()),
                Domain::Choice { options } => ("choice", None, None, options.join("|")),
            };
            let plausible = s.domain.plausible_range();
            ParamRow {
                key: s.key,
                default: match to_toml(&s.default) {
                    toml::Value::String(text) => text,
                    other => other.to_string(),
                },
                kind,
                min,
                max,
                options,
                allowed: s.domain.allowed(),
                plausible_min: plausible.map(|p| p.0),
                plausible_max: plausible.map(|p| p.1),
                unit: s.unit,
                meaning: s.meaning,
                source: s.source,
            }
        })
        .collect()
}

pub(crate) fn write_params(format: ListFormat, out: &mut impl Write) -> anyhow::Result<()> {
    let rows = param_rows();
    if format == ListFormat::Csv {
        return print::write_csv(&rows, out);
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let allowed = match (r.min, r.max) {
                (Some(lo), Some(hi)) if r.kind == "int" => format!("{lo}..{hi} whole"),
                (Some(lo), Some(hi)) => format!("{lo}..{hi}"),
                _ => r.options.clone(),
            };
            let plausible = match (r.plausible_min, r.plausible_max) {
                (Some(lo), Some(hi)) => format!("{lo}..{hi}"),
                _ => "-".to_string(),
            };
            let default = if r.kind == "choice" {
                format!("\"{}\"", r.default)
            } else {
                r.default.clone()
            };
            vec![
                r.key.clone(),
                default,
                allowed,
                plausible,
                r.unit.to_string(),
                r.meaning.clone(),
                r.source.to_string(),
            ]
        })
        .collect();
    let header = [
        "KEY",
        "DEFAULT",
        "ALLOWED",
        "PLAUSIBLE",
        "UNIT",
        "MEANING",
        "SOURCE",
    ];
    write_table(format, &header, &table, out)?;
    Ok(())
}

/// One row of `metrics --csv`.
#[derive(Debug, Serialize)]
struct MetricRow {
    name: &'static str,
    unit: &'static str,
    kind: String,
    /// Which way is better for de-escalation: lower, higher or neither.
    better: String,
    definition: &'static str,
}

pub(crate) fn write_metrics(format: ListFormat, out: &mut impl Write) -> anyhow::Result<()> {
    let rows: Vec<MetricRow> = METRICS
        .iter()
        .map(|m| MetricRow {
            name: m.name,
            unit: m.unit,
            kind: format!("{:?}", m.kind).to_lowercase(),
            better: format!("{:?}", m.better).to_lowercase(),
            definition: m.definition,
        })
        .collect();
    if format == ListFormat::Csv {
        return print::write_csv(&rows, out);
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.name.to_string(),
                r.unit.to_string(),
                r.kind.clone(),
                r.better.clone(),
                r.definition.trim().to_string(),
            ]
        })
        .collect();
    write_table(
        format,
        &["NAME", "UNIT", "KIND", "BETTER", "DEFINITION"],
        &table,
        out,
    )?;
    Ok(())
}

/// A registry listing as aligned columns or as a Markdown table (`|` in cells escaped).
fn write_table(
    format: ListFormat,
    header: &[&str],
    rows: &[Vec<String>],
    out: &mut impl Write,
) -> io::Result<()> {
    if format != ListFormat::Markdown {
        return print::write_aligned(header, rows, out);
    }
    let line = |cells: &mut dyn Iterator<Item = String>| {
        let cells: Vec<String> = cells.collect();
        format!("| {} |", cells.join(" | "))
    };
    writeln!(
        out,
        "{}",
        line(&mut header.iter().map(|h| h.to_lowercase()))
    )?;
    writeln!(
        out,
        "{}",
        line(&mut header.iter().map(|_| "---".to_string()))
    )?;
    for row in rows {
        writeln!(
            out,
            "{}",
            line(&mut row.iter().map(|c| c.replace('|', "\\|")))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_table_and_csv_list_every_parameter() {
        let n = Params::specs().len();
        let mut text = Vec::new();
        write_params(ListFormat::Table, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert_eq!(text.lines().count(), n + 1);
        assert!(
            text.lines()
                .any(|l| l.starts_with("pakistan.strike_threshold "))
        );
        let mut csv = Vec::new();
        write_params(ListFormat::Csv, &mut csv).unwrap();
        let mut reader = csv::Reader::from_reader(&csv[..]);
        let header = reader.headers().unwrap().clone();
        assert_eq!(&header[0], "key");
        assert_eq!(reader.records().count(), n);
    }

    #[test]
    fn metrics_table_and_csv_list_every_metric() {
        let mut csv = Vec::new();
        write_metrics(ListFormat::Csv, &mut csv).unwrap();
        let mut reader = csv::Reader::from_reader(&csv[..]);
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            ["name", "unit", "kind", "better", "definition"]
        );
        let better: Vec<String> = reader
            .records()
            .map(|r| r.unwrap()[3].to_string())
            .collect();
        assert_eq!(better.len(), METRICS.len());
        assert_eq!(better[0], "lower", "open_war");
        assert!(
            better
                .iter()
                .all(|b| ["lower", "higher", "neither"].contains(&b.as_str()))
        );
    }
}
