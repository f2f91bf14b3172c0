//! report.html: one self-contained page (inline SVG and CSS, no scripts, no network) that
//! reads on a laptop and prints: the experiment and its provenance, the open-war chart, the
//! effects on the headline outcomes, the ladder day by day, and the robustness, discovery and
//! calibration tables where the folder has them.

use crate::folder::{Results, Table};
use crate::{CHART_ARMS, HEADLINE_METRICS, RUNG_NAMES, Result, Verdict, charts, is_share, verdict};
use html_escape::encode_text;
use std::fmt::Write;

/// Rows of a long table shown on the page (the workbook and the CSV have them all).
const TABLE_ROWS: usize = 200;

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; max-width: 980px;
       margin: 2em auto; padding: 0 1em; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.1em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ccd; }
.lede { color: #444; font-size: 1.1em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0; }
th, td { border: 1px solid #d6d9e0; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #eef1f6; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.better { background: #c6efce; } .worse { background: #ffc7ce; }
.leaning-better { background: #eaf6ec; } .leaning-worse { background: #fcebec; }
.grid { display: flex; flex-wrap: wrap; gap: 6px; }
.key span { display: inline-block; width: 1em; height: 1em; margin: 0 0.3em 0 1em; vertical-align: middle; }
figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
.note { color: #555; font-size: 0.9em; }
@media print { body { max-width: none; } h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
";

/// The page's text.
pub(crate) fn build(results: &Results) -> Result<String> {
    let arms: Vec<(String, String)> = results.arms().into_iter().take(CHART_ARMS).collect();
    let all_arms = results.arms().len();
    let name = results.text("name");
    let mut page = String::new();
    let w = &mut page;
    let _ = write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>deescalate: {}</title><style>{STYLE}</style></head><body>\n",
        encode_text(&name)
    );
    let _ = write!(
        w,
        "<h1>deescalate: {}</h1>\n<p class=\"lede\">{}</p>\n",
        encode_text(&name),
        encode_text(&results.text("description"))
    );
    provenance(w, results);
    if all_arms > arms.len() {
        let _ = writeln!(
            w,
            "<p class=\"note\">The charts show the first {} of {all_arms} arms; report.xlsx and \
             the CSV files hold them all.</p>",
            arms.len()
        );
    }
    if let Some(svg) = charts::open_war(results, &arms)? {
        let _ = write!(
            w,
            "<h2>Open war</h2>\n<figure>{svg}</figure>\n<p class=\"note\">The share of trials in \
             which open war began within the horizon, with its 95% (Wilson) interval.</p>\n"
        );
    }
    effects(w, results, &arms)?;
    ladder(w, results, &arms)?;
    for (file, title, note) in [
        (
            "robustness.csv",
            "Robustness across plausible worlds",
            "Each measure's effect over the design points or ensemble members: how often it \
             helps or harms, its spread, its regret and how often it ranks first.",
        ),
        (
            "discovery.csv",
            "Where a measure fails (scenario discovery)",
            "Boxes of parameter values (PRIM) in which a measure fails to help or harms.",
        ),
        (
            "calibration.csv",
            "Calibration against real-world figures",
            "Each target's simulated value against its observed range.",
        ),
    ] {
        if let Some(table) = results.tables.iter().find(|t| t.file == file) {
            let _ = write!(
                w,
                "<h2>{title}</h2>\n<p class=\"note\">{note} From {file}.</p>\n"
            );
            plain_table(w, table)?;
        }
    }
    let _ = write!(
        w,
        "<p class=\"note\">Written by deescalate report from {}. Every number here is in the \
         folder's CSV files and in report.xlsx.</p>\n</body></html>\n",
        encode_text(&results.dir.display().to_string())
    );
    Ok(page)
}

fn provenance(w: &mut String, results: &Results) {
    let _ = write!(w, "<h2>Provenance</h2>\n<table>\n");
    for (key, text) in results.provenance() {
        let _ = writeln!(
            w,
            "<tr><th>{}</th><td>{}</td></tr>",
            encode_text(&key),
            encode_text(&text)
        );
    }
    let _ = writeln!(w, "</table>");
}

fn effects(w: &mut String, results: &Results, arms: &[(String, String)]) -> Result<()> {
    if results.effects.is_empty() {
        return Ok(());
    }
    let _ = write!(
        w,
        "<h2>Effects on the headline outcomes</h2>\n<p class=\"note\">Each arm against the \
         baseline ({}), on the same trial seeds where paired: the change relative to the \
         baseline's mean with its 95% interval. Green: the interval excludes no change and the \
         change is for the better; red: for the worse; pale: the interval includes no change.\
         </p>\n<div class=\"grid\">",
        encode_text(&results.baseline())
    );
    for metric in HEADLINE_METRICS {
        if let Some(svg) = charts::forest(results, arms, metric)? {
            let _ = write!(w, "<figure>{svg}</figure>");
        }
    }
    let _ = writeln!(w, "</div>");
    let _ = writeln!(
        w,
        "<table><tr><th>arm</th><th>outcome</th><th>baseline</th><th>arm</th><th>change</th>\
         <th>95% interval</th><th>relative</th></tr>"
    );
    let ids: Vec<&str> = arms.iter().map(|a| a.0.as_str()).collect();
    for e in results.effects.iter().filter(|e| {
        HEADLINE_METRICS.contains(&e.metric.as_str()) && ids.contains(&e.scenario.as_str())
    }) {
        let share = is_share(&e.unit);
        let number = |x: Option<f64>| x.map_or(String::new(), |x| show(x, share, "%"));
        let change = |x: Option<f64>| x.map_or(String::new(), |x| show(x, share, " pp"));
        let class = effect_class(&e.metric, e.diff, e.diff_ci95_low, e.diff_ci95_high);
        let _ = writeln!(
            w,
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{} to {}</td><td class=\"n\">{}</td></tr>",
            encode_text(&e.label),
            encode_text(&e.metric),
            number(e.baseline_mean),
            number(e.baseline_mean.zip(e.diff).map(|(b, d)| b + d)),
            change(e.diff),
            change(e.diff_ci95_low),
            change(e.diff_ci95_high),
            e.rel_change
                .map_or(String::new(), |r| format!("{:+.1}%", r * 100.0)),
        );
    }
    let _ = writeln!(w, "</table>");
    Ok(())
}

/// The CSS class of an effect's row.
fn effect_class(
    metric: &str,
    diff: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
) -> &'static str {
    match verdict(metric, diff, low, high) {
        Some(Verdict::Better) => "better",
        Some(Verdict::Worse) => "worse",
        Some(Verdict::LeaningBetter) => "leaning-better",
        Some(Verdict::LeaningWorse) => "leaning-worse",
        None => "",
    }
}

/// A number as the table shows it: shares in percent (`unit` "%", or " pp" for a change in
/// percentage points), large counts whole, others to three decimals.
fn show(x: f64, share: bool, unit: &str) -> String {
    match share {
        true => format!("{:.1}{unit}", x * 100.0),
        false if x.abs() >= 100.0 => format!("{x:.0}"),
        false => format!("{x:.3}"),
    }
}

fn ladder(w: &mut String, results: &Results, arms: &[(String, String)]) -> Result<()> {
    if results.days.is_empty() {
        return Ok(());
    }
    let _ = write!(
        w,
        "<h2>The escalation ladder, day by day</h2>\n<p class=\"note\">The share of trials on \
         each rung of the ladder on each day, per arm (bands stacked from calm at the bottom \
         to open war at the top). From timeseries.csv.</p>\n<p class=\"key\">"
    );
    for (colour, name) in charts::rung_css_colours().iter().zip(RUNG_NAMES) {
        let _ = write!(w, "<span style=\"background:{colour}\"></span>{name}");
    }
    let _ = write!(w, "</p>\n<div class=\"grid\">");
    for (id, label) in arms {
        let days: Vec<_> = results.days.iter().filter(|d| &d.scenario == id).collect();
        if days.is_empty() {
            continue;
        }
        let svg = charts::ladder(label, &days)?;
        let _ = write!(w, "<figure>{svg}</figure>");
    }
    let _ = writeln!(w, "</div>");
    if let Some(svg) = charts::mean_rung(results, arms)? {
        let _ = writeln!(w, "<figure>{svg}</figure>");
    }
    Ok(())
}

fn plain_table(w: &mut String, table: &Table) -> Result<()> {
    let _ = write!(w, "<table><tr>");
    for h in &table.header {
        let _ = write!(w, "<th>{}</th>", encode_text(h));
    }
    let _ = writeln!(w, "</tr>");
    table.for_rows(TABLE_ROWS, |_, row| {
        let _ = write!(w, "<tr>");
        for cell in row {
            let class = if cell.parse::<f64>().is_ok() {
                " class=\"n\""
            } else {
                ""
            };
            let _ = write!(w, "<td{class}>{}</td>", encode_text(cell));
        }
        let _ = writeln!(w, "</tr>");
        Ok(())
    })?;
    let _ = writeln!(w, "</table>");
    if table.total_rows > TABLE_ROWS {
        let _ = writeln!(
            w,
            "<p class=\"note\">The first {TABLE_ROWS} of {} rows; {} and report.xlsx hold them all.</p>",
            table.total_rows, table.file
        );
    }
    Ok(())
}
