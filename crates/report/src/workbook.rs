//! report.xlsx: an Overview (the experiment, its provenance, the headline per arm and native
//! charts), one sheet per table with typed cells, and a Ladder sheet of charts.
//!
//! Every number is written as a number (so no locale reads `0.135` as 135), shares and
//! probabilities with a percentage format, seeds as text (spreadsheets keep 15 digits), with
//! frozen headers, filters and widths. Charts read cells of the Chart data and Time series
//! sheets, so that Excel and LibreOffice redraw them from the workbook's own numbers.

use crate::folder::{EffectRow, KEPT_ROWS, Results, TABLES, Table};
use crate::{
    CHART_ARMS, Error, HEADLINE_METRICS, RUNG_NAMES, Result, Verdict, is_share, metric_spec,
    verdict,
};
use rust_xlsxwriter::{
    Chart, ChartErrorBars, ChartErrorBarsType, ChartRange, ChartType, Color, Format, FormatAlign,
    Workbook, Worksheet, XlsxError,
};

/// Columns always written as text (identifiers, names, seeds).
const TEXT_COLUMNS: [&str; 12] = [
    "scenario",
    "label",
    "baseline",
    "metric",
    "unit",
    "id",
    "design",
    "interval",
    "better",
    "case",
    "parameter",
    "seed",
];

struct Formats {
    header: Format,
    title: Format,
    percent: Format,
    number: Format,
    text: Format,
}

/// Fills of effects rows: by direction, strong where the 95% interval excludes no change.
const BETTER: u32 = 0xC6EFCE;
const WORSE: u32 = 0xFFC7CE;
const LEANING_BETTER: u32 = 0xEAF6EC;
const LEANING_WORSE: u32 = 0xFCEBEC;

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDE4EE))
                .set_align(FormatAlign::Top)
                .set_text_wrap(),
            title: Format::new().set_bold().set_font_size(16),
            percent: Format::new().set_num_format("0.0%"),
            number: Format::new().set_num_format("#,##0.###"),
            text: Format::new(),
        }
    }
}

fn xlsx(e: XlsxError) -> Error {
    Error::Xlsx {
        path: "report.xlsx".into(),
        source: e,
    }
}

/// The workbook's bytes.
pub(crate) fn build(results: &Results) -> Result<Vec<u8>> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    let arms = chart_arms(results);
    let (chart_data, layout) = chart_data(results, &arms, &formats)?;
    let cut: Vec<String> = results
        .tables
        .iter()
        .filter(|t| t.total_rows > KEPT_ROWS)
        .map(|t| {
            format!(
                "{}: the first {KEPT_ROWS} of {} rows (Excel's limit); {} has them all",
                sheet_name(t),
                t.total_rows,
                t.file
            )
        })
        .collect();
    let mut overview = overview(results, &cut, &formats)?;
    insert_overview_charts(&mut overview, &layout)?;
    workbook.push_worksheet(overview);
    for table in &results.tables {
        let sheet = table_sheet(&mut workbook, table, &formats)?;
        workbook.push_worksheet(sheet);
    }
    if !results.days.is_empty() {
        workbook.push_worksheet(ladder_sheet(results, &arms)?);
    }
    workbook.push_worksheet(chart_data);
    workbook.save_to_buffer().map_err(xlsx)
}

/// The sheet of a table ([`TABLES`]).
fn sheet_name(table: &Table) -> &'static str {
    TABLES
        .iter()
        .find(|(file, _)| *file == table.file)
        .map_or(table.file, |(_, sheet)| sheet)
}

/// The arms the charts show: the first [`CHART_ARMS`] in file order.
fn chart_arms(results: &Results) -> Vec<(String, String)> {
    results.arms().into_iter().take(CHART_ARMS).collect()
}

/// Where the chart data sheet put each chart's columns.
struct ChartLayout {
    /// Rows 1..=arms of columns A (label), B (mean), C (plus), D (minus): open war.
    arms: u32,
    /// Rows 1..=effect_arms of column F (label) and per headline metric three columns from G:
    /// relative change, plus, minus.
    effect_arms: u32,
    metrics: Vec<String>,
}

const CHART_DATA: &str = "Chart data";

fn chart_data(
    results: &Results,
    arms: &[(String, String)],
    f: &Formats,
) -> Result<(Worksheet, ChartLayout)> {
    let mut sheet = Worksheet::new();
    sheet.set_name(CHART_DATA).map_err(xlsx)?;
    let headers = ["arm", "open war", "plus", "minus"];
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &f.header)
            .map_err(xlsx)?;
    }
    let mut row = 1;
    for (id, label) in arms {
        let Some(s) = results.summary_of(id, "open_war") else {
            continue;
        };
        let mean = s.mean.unwrap_or(0.0);
        sheet.write_string(row, 0, label).map_err(xlsx)?;
        sheet
            .write_number_with_format(row, 1, mean, &f.percent)
            .map_err(xlsx)?;
        let plus = s.ci95_high.map_or(0.0, |h| (h - mean).max(0.0));
        let minus = s.ci95_low.map_or(0.0, |l| (mean - l).max(0.0));
        sheet
            .write_number_with_format(row, 2, plus, &f.percent)
            .map_err(xlsx)?;
        sheet
            .write_number_with_format(row, 3, minus, &f.percent)
            .map_err(xlsx)?;
        row += 1;
    }
    let open_war_rows = row - 1;
    let baseline = results.baseline();
    let effect_arms: Vec<&(String, String)> = arms.iter().filter(|a| a.0 != baseline).collect();
    let metrics: Vec<String> = HEADLINE_METRICS
        .iter()
        .filter(|m| results.effects.iter().any(|e| e.metric == **m))
        .map(|m| m.to_string())
        .collect();
    sheet
        .write_string_with_format(0, 5, "arm", &f.header)
        .map_err(xlsx)?;
    for (k, metric) in metrics.iter().enumerate() {
        let c = 6 + 3 * k as u16;
        for (j, what) in ["relative change", "plus", "minus"].iter().enumerate() {
            sheet
                .write_string_with_format(0, c + j as u16, format!("{metric}: {what}"), &f.header)
                .map_err(xlsx)?;
        }
    }
    for (i, (id, label)) in effect_arms.iter().enumerate() {
        let r = 1 + i as u32;
        sheet.write_string(r, 5, label).map_err(xlsx)?;
        for (k, metric) in metrics.iter().enumerate() {
            let c = 6 + 3 * k as u16;
            let e = results
                .effects
                .iter()
                .find(|e| &e.scenario == id && &e.metric == metric);
            let (rel, plus, minus) = e.map_or((0.0, 0.0, 0.0), EffectRow::relative_interval);
            sheet
                .write_number_with_format(r, c, rel, &f.percent)
                .map_err(xlsx)?;
            sheet
                .write_number_with_format(r, c + 1, plus, &f.percent)
                .map_err(xlsx)?;
            sheet
                .write_number_with_format(r, c + 2, minus, &f.percent)
                .map_err(xlsx)?;
        }
    }
    sheet.set_column_width(0, 36).map_err(xlsx)?;
    sheet.set_column_width(5, 36).map_err(xlsx)?;
    Ok((
        sheet,
        ChartLayout {
            arms: open_war_rows,
            effect_arms: effect_arms.len() as u32,
            metrics,
        },
    ))
}

/// The Overview: the experiment, its provenance, how to read the sheets, and `notes` (tables
/// cut at Excel's row limit); the charts go beside it.
fn overview(results: &Results, notes: &[String], f: &Formats) -> Result<Worksheet> {
    let mut sheet = Worksheet::new();
    sheet.set_name("Overview").map_err(xlsx)?;
    let name = results.text("name");
    sheet
        .write_string_with_format(0, 0, format!("deescalate: {name}"), &f.title)
        .map_err(xlsx)?;
    sheet
        .write_string(1, 0, results.text("description"))
        .map_err(xlsx)?;
    let mut row = 3;
    sheet
        .write_string_with_format(row, 0, "provenance", &f.header)
        .map_err(xlsx)?;
    sheet
        .write_string_with_format(row, 1, "value", &f.header)
        .map_err(xlsx)?;
    row += 1;
    for (key, text) in results.provenance() {
        sheet.write_string(row, 0, key).map_err(xlsx)?;
        // As text: seeds and checksums keep every digit.
        sheet.write_string(row, 1, text).map_err(xlsx)?;
        row += 1;
    }
    sheet
        .write_string(
            row + 1,
            0,
            "Every sheet holds the folder's CSV table of the same name with typed cells; \
             Effects are green where the 95% interval excludes no change and the change is \
             for the better, red where it is for the worse, pale where the interval includes \
             no change. Charts read the Chart data and Time series sheets.",
        )
        .map_err(xlsx)?;
    for (i, note) in notes.iter().enumerate() {
        sheet
            .write_string(row + 2 + i as u32, 0, note)
            .map_err(xlsx)?;
    }
    sheet.set_column_width(0, 26).map_err(xlsx)?;
    sheet.set_column_width(1, 60).map_err(xlsx)?;
    Ok(sheet)
}

fn insert_overview_charts(sheet: &mut Worksheet, layout: &ChartLayout) -> Result<()> {
    if layout.arms > 0 {
        let mut chart = Chart::new(ChartType::Column);
        let rows = layout.arms;
        chart
            .add_series()
            .set_name("open war")
            .set_categories((CHART_DATA, 1, 0, rows, 0))
            .set_values((CHART_DATA, 1, 1, rows, 1))
            .set_y_error_bars(ChartErrorBars::new().set_type(ChartErrorBarsType::Custom(
                ChartRange::new_from_range(CHART_DATA, 1, 2, rows, 2),
                ChartRange::new_from_range(CHART_DATA, 1, 3, rows, 3),
            )));
        chart
            .title()
            .set_name("Probability of open war within the horizon, with 95% interval");
        chart.y_axis().set_num_format("0%");
        chart.legend().set_hidden();
        chart.set_width(900).set_height(420);
        sheet.insert_chart(3, 4, &chart).map_err(xlsx)?;
    }
    // Headline metrics are those effects.csv has, so no effects means no metrics.
    if layout.effect_arms > 0 && !layout.metrics.is_empty() {
        let mut chart = Chart::new(ChartType::Column);
        let rows = layout.effect_arms;
        for (k, metric) in layout.metrics.iter().enumerate() {
            let c = 6 + 3 * k as u16;
            chart
                .add_series()
                .set_name(metric.as_str())
                .set_categories((CHART_DATA, 1, 5, rows, 5))
                .set_values((CHART_DATA, 1, c, rows, c))
                .set_y_error_bars(ChartErrorBars::new().set_type(ChartErrorBarsType::Custom(
                    ChartRange::new_from_range(CHART_DATA, 1, c + 1, rows, c + 1),
                    ChartRange::new_from_range(CHART_DATA, 1, c + 2, rows, c + 2),
                )));
        }
        chart.title().set_name(
            "Effects on the headline outcomes: change relative to the baseline, 95% interval",
        );
        chart.y_axis().set_num_format("0%");
        chart.set_width(900).set_height(460);
        sheet.insert_chart(25, 4, &chart).map_err(xlsx)?;
    }
    Ok(())
}

/// How a column's numbers are shown in `row`.
fn number_format<'f>(
    header: &str,
    row: &csv::StringRecord,
    unit: Option<usize>,
    f: &'f Formats,
) -> &'f Format {
    let share_row = unit.is_some_and(|u| row.get(u).is_some_and(is_share));
    let statistic = [
        "mean",
        "sd",
        "ci95_low",
        "ci95_high",
        "p05",
        "p25",
        "p50",
        "p75",
        "p95",
        "min",
        "max",
        "baseline_mean",
        "scenario_mean",
        "diff",
        "diff_ci95_low",
        "diff_ci95_high",
        "effect_median",
        "effect_p05",
        "effect_p95",
        "effect_worst",
        "regret_mean",
        "regret_max",
    ]
    .contains(&header);
    let binary_column = header
        .rsplit_once('_')
        .and_then(|(stem, _)| {
            let stem = stem.trim_end_matches("_ci95");
            metric_spec(stem)
        })
        .is_some_and(|m| is_share(m.unit));
    if header == "rel_change"
        || header.starts_with("share_")
        || header == "coverage"
        || header == "density"
        || (statistic && share_row)
        || binary_column
    {
        &f.percent
    } else {
        &f.number
    }
}

/// The fill of an effects row ([`verdict`]).
fn effect_fill(header: &[String], row: &csv::StringRecord) -> Option<Color> {
    let at = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .and_then(|i| row.get(i))
    };
    let number = |name: &str| at(name).and_then(|v| v.parse::<f64>().ok());
    let verdict = verdict(
        at("metric")?,
        number("diff"),
        number("diff_ci95_low"),
        number("diff_ci95_high"),
    )?;
    Some(Color::RGB(match verdict {
        Verdict::Better => BETTER,
        Verdict::Worse => WORSE,
        Verdict::LeaningBetter => LEANING_BETTER,
        Verdict::LeaningWorse => LEANING_WORSE,
    }))
}

/// Rows read to size the columns (the widest cell among them, up to 48 characters).
const WIDTH_SAMPLE: usize = 10_000;

/// A table as a sheet, streamed from its file in constant memory (its first [`KEPT_ROWS`]
/// rows: Excel's limit).
fn table_sheet(workbook: &mut Workbook, table: &Table, f: &Formats) -> Result<Worksheet> {
    let mut sheet = workbook
        .new_worksheet_with_constant_memory()
        .map_err(xlsx)?;
    sheet.set_name(sheet_name(table)).map_err(xlsx)?;
    let unit = table.header.iter().position(|h| h == "unit");
    // Widths, panes and filter first: a constant-memory sheet writes its rows as they come.
    let mut widths: Vec<usize> = table.header.iter().map(|h| h.len().min(14)).collect();
    table.for_rows(WIDTH_SAMPLE, |_, row| {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count().min(48));
        }
        Ok(())
    })?;
    for (c, w) in widths.iter().enumerate() {
        sheet
            .set_column_width(c as u16, (*w as f64 + 2.0).min(50.0))
            .map_err(xlsx)?;
    }
    let kept = table.total_rows.min(KEPT_ROWS);
    sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
    if !table.header.is_empty() {
        sheet
            .autofilter(0, 0, kept as u32, table.header.len() as u16 - 1)
            .map_err(xlsx)?;
    }
    for (c, h) in table.header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, &f.header)
            .map_err(xlsx)?;
    }
    let effects = table.file == "effects.csv";
    table.for_rows(kept, |r, row| {
        let r32 = 1 + r as u32;
        let fill = match effects {
            true => effect_fill(&table.header, row),
            false => None,
        };
        for (c, cell) in row.iter().enumerate() {
            let header = table.header.get(c).map_or("", String::as_str);
            let text_column = TEXT_COLUMNS.contains(&header) || header.ends_with("seed");
            match cell.parse::<f64>() {
                Ok(x) if !text_column && x.is_finite() => {
                    let format = number_format(header, row, unit, f);
                    let format = match fill {
                        Some(color) => &format.clone().set_background_color(color),
                        None => format,
                    };
                    sheet
                        .write_number_with_format(r32, c as u16, x, format)
                        .map_err(xlsx)?;
                }
                _ if cell.is_empty() => {}
                _ => {
                    let format = match fill {
                        Some(color) => &f.text.clone().set_background_color(color),
                        None => &f.text,
                    };
                    sheet
                        .write_string_with_format(r32, c as u16, cell, format)
                        .map_err(xlsx)?;
                }
            }
        }
        Ok(())
    })?;
    Ok(sheet)
}

/// One stacked-area chart per arm: the share of trials on each rung, day by day, from the Time
/// series sheet.
fn ladder_sheet(results: &Results, arms: &[(String, String)]) -> Result<Worksheet> {
    let mut sheet = Worksheet::new();
    sheet.set_name("Ladder").map_err(xlsx)?;
    sheet
        .write_string(
            0,
            0,
            "Share of trials on each rung of the escalation ladder, day by day (from the Time series sheet)",
        )
        .map_err(xlsx)?;
    let series_sheet = "Time series";
    // Header row 0 of Time series: scenario, day, mean_rung, share_rung_0 … share_rung_5.
    let share_col = |rung: u16| 3 + rung;
    for (k, (id, label)) in arms.iter().enumerate() {
        let first = results.days.iter().position(|d| &d.scenario == id);
        let Some(first) = first else { continue };
        let count = results.days[first..]
            .iter()
            .take_while(|d| &d.scenario == id)
            .count();
        let (r0, r1) = (1 + first as u32, first as u32 + count as u32);
        if r1 as usize > KEPT_ROWS {
            break;
        }
        let mut chart = Chart::new(ChartType::AreaPercentStacked);
        for (rung, name) in RUNG_NAMES.iter().enumerate() {
            let c = share_col(rung as u16);
            chart
                .add_series()
                .set_name(*name)
                .set_categories((series_sheet, r0, 1, r1, 1))
                .set_values((series_sheet, r0, c, r1, c));
        }
        chart.title().set_name(label.as_str());
        chart.x_axis().set_name("day");
        chart.y_axis().set_num_format("0%");
        chart.set_width(640).set_height(300);
        let (row, col) = (2 + 16 * (k / 2) as u32, 10 * (k % 2) as u16);
        sheet.insert_chart(row, col, &chart).map_err(xlsx)?;
    }
    Ok(sheet)
}
