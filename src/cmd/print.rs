//! Plain-text output on stdout: aligned tables, CSV, durations.

use serde::Serialize;
use std::io::{self, Write};
use std::time::Duration;

pub(crate) fn wall_time(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 60.0 {
        format!("{s:.1} s")
    } else {
        format!("{}m {:02}s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

pub(crate) fn write_csv<T: Serialize>(rows: &[T], out: &mut impl Write) -> anyhow::Result<()> {
    Ok(experiment::output::write_rows(out, rows)?)
}

/// A table with every column but the last padded to its widest cell.
pub(crate) fn write_aligned(
    header: &[&str],
    rows: &[Vec<String>],
    out: &mut impl Write,
) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                line.push_str(cell);
                line.push_str(&" ".repeat(pad + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
