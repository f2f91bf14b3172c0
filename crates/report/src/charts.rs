//! The HTML report's charts as SVG text (plotters' SVG backend: no fonts or system libraries;
//! the browser draws the text).

use crate::folder::{DayRow, Results};
use crate::{Error, Result};
use plotters::prelude::*;

/// Colours of rungs 0 (calm) to 5 (open war): calm to alarm.
const RUNG_COLOURS: [RGBColor; 6] = [
    RGBColor(0xD9, 0xE8, 0xD4),
    RGBColor(0xF6, 0xE7, 0xA9),
    RGBColor(0xF4, 0xC2, 0x7A),
    RGBColor(0xE8, 0x8B, 0x55),
    RGBColor(0xC9, 0x4A, 0x3C),
    RGBColor(0x7A, 0x12, 0x1A),
];
const BAR: RGBColor = RGBColor(0x3B, 0x6E, 0xA5);
const WHISKER: RGBColor = RGBColor(0x22, 0x22, 0x22);

fn chart_error(chart: &str) -> impl Fn(String) -> Error + '_ {
    move |why| Error::Chart {
        chart: chart.to_string(),
        why,
    }
}

/// Draws with `draw` on an SVG of `size` and returns its text.
fn svg(
    name: &str,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<(), String>,
) -> Result<String> {
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, size).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| chart_error(name)(e.to_string()))?;
        draw(&root).map_err(chart_error(name))?;
        root.present()
            .map_err(|e| chart_error(name)(e.to_string()))?;
    }
    Ok(text)
}

/// 95% whiskers, one per labelled row, on an x axis in percent, with a bar from 0 to the value
/// (`bars`) or a dot at it; `rows` are (label, value, interval low, interval high), values as
/// fractions.
fn interval_bars(
    name: &str,
    caption: &str,
    x_label: &str,
    rows: &[(String, f64, f64, f64)],
    bars: bool,
) -> Result<String> {
    let height = 70 + 24 * rows.len() as u32;
    let (mut lo, mut hi) = rows.iter().fold((0.0f64, 0.0f64), |(lo, hi), r| {
        (lo.min(r.2).min(r.1), hi.max(r.3).max(r.1))
    });
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.06;
    (lo, hi) = (if lo < 0.0 { lo - pad } else { lo }, hi + pad);
    let n = rows.len() as f64;
    svg(name, (860, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(caption, ("sans-serif", 16))
            .margin(8)
            .x_label_area_size(36)
            .y_label_area_size(300)
            .build_cartesian_2d(lo..hi, -0.5..n - 0.5)
            .map_err(|e| e.to_string())?;
        let label_of = |y: &f64| {
            let i = y.round();
            match (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < rows.len() {
                true => shorten(&rows[rows.len() - 1 - i as usize].0, 46),
                false => String::new(),
            }
        };
        // `+ 0.0` turns a rounded -0 into 0.
        let x_format = |x: &f64| format!("{:.0}%", (x * 100.0).round() + 0.0);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(rows.len().max(1) * 2 + 1)
            .y_label_formatter(&label_of)
            .x_label_formatter(&x_format)
            .x_desc(x_label)
            .draw()
            .map_err(|e| e.to_string())?;
        // Rows top to bottom in file order.
        let y = |i: usize| n - 1.0 - i as f64;
        if bars {
            chart
                .draw_series(rows.iter().enumerate().map(|(i, r)| {
                    Rectangle::new(
                        [(0.0, y(i) - 0.32), (r.1, y(i) + 0.32)],
                        BAR.mix(0.75).filled(),
                    )
                }))
                .map_err(|e| e.to_string())?;
        } else {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, -0.5), (0.0, n - 0.5)],
                    BLACK.stroke_width(1),
                )))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(
                    rows.iter()
                        .enumerate()
                        .map(|(i, r)| Circle::new((r.1, y(i)), 4, BAR.filled())),
                )
                .map_err(|e| e.to_string())?;
        }
        chart
            .draw_series(rows.iter().enumerate().flat_map(|(i, r)| {
                let (yy, cap) = (y(i), 0.15);
                [
                    PathElement::new(vec![(r.2, yy), (r.3, yy)], WHISKER.stroke_width(1)),
                    PathElement::new(
                        vec![(r.2, yy - cap), (r.2, yy + cap)],
                        WHISKER.stroke_width(1),
                    ),
                    PathElement::new(
                        vec![(r.3, yy - cap), (r.3, yy + cap)],
                        WHISKER.stroke_width(1),
                    ),
                ]
            }))
            .map_err(|e| e.to_string())?;
        Ok(())
    })
}

fn shorten(text: &str, chars: usize) -> String {
    match text.chars().count() > chars {
        true => text.chars().take(chars - 1).collect::<String>() + "…",
        false => text.to_string(),
    }
}

/// Open-war probability per arm with its 95% interval.
pub(crate) fn open_war(results: &Results, arms: &[(String, String)]) -> Result<Option<String>> {
    let rows: Vec<_> = arms
        .iter()
        .filter_map(|(id, label)| {
            let s = results.summary_of(id, "open_war")?;
            let mean = s.mean?;
            Some((
                label.clone(),
                mean,
                s.ci95_low.unwrap_or(mean),
                s.ci95_high.unwrap_or(mean),
            ))
        })
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    interval_bars(
        "open war",
        "Probability of open war within the horizon (95% interval)",
        "probability",
        &rows,
        true,
    )
    .map(Some)
}

/// A forest plot of one metric's effects: change relative to the baseline, 95% interval.
pub(crate) fn forest(
    results: &Results,
    arms: &[(String, String)],
    metric: &str,
) -> Result<Option<String>> {
    let rows: Vec<_> = arms
        .iter()
        .filter_map(|(id, label)| {
            let e = results
                .effects
                .iter()
                .find(|e| &e.scenario == id && e.metric == metric)?;
            e.baseline_mean.filter(|b| *b != 0.0)?;
            let (rel, plus, minus) = e.relative_interval();
            Some((label.clone(), rel, rel - minus, rel + plus))
        })
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    interval_bars(
        metric,
        &format!("{metric}: change relative to the baseline (95% interval)"),
        "relative change",
        &rows,
        false,
    )
    .map(Some)
}

/// The share of trials on each rung, day by day, for one arm (stacked bands).
pub(crate) fn ladder(label: &str, days: &[&DayRow]) -> Result<String> {
    let last = days.last().map_or(1, |d| d.day) as f64;
    svg("ladder", (420, 240), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(shorten(label, 52), ("sans-serif", 13))
            .margin(6)
            .x_label_area_size(24)
            .y_label_area_size(40)
            .build_cartesian_2d(1.0..last, 0.0..1.0)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_mesh()
            .y_labels(3)
            .x_labels(5)
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .draw()
            .map_err(|e| e.to_string())?;
        // Draw from the top band down: each band is the cumulative share up to its rung.
        for rung in (0..6).rev() {
            let top = days.iter().map(|d| {
                (
                    f64::from(d.day),
                    d.shares()[..=rung].iter().sum::<f64>().min(1.0),
                )
            });
            chart
                .draw_series(AreaSeries::new(top, 0.0, RUNG_COLOURS[rung].filled()))
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    })
}

/// Mean rung per arm over the days, one line per arm.
pub(crate) fn mean_rung(results: &Results, arms: &[(String, String)]) -> Result<Option<String>> {
    if results.days.is_empty() {
        return Ok(None);
    }
    let last = results.days.iter().map(|d| d.day).max().unwrap_or(1) as f64;
    let top = results
        .days
        .iter()
        .map(|d| d.mean_rung)
        .fold(0.0f64, f64::max)
        .max(0.1)
        * 1.1;
    svg("mean rung", (860, 420), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                "Mean rung of the escalation ladder, day by day",
                ("sans-serif", 16),
            )
            .margin(8)
            .x_label_area_size(36)
            .y_label_area_size(48)
            .right_y_label_area_size(0)
            .build_cartesian_2d(1.0..last, 0.0..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("day")
            .y_desc("mean rung (0 calm … 5 open war)")
            .draw()
            .map_err(|e| e.to_string())?;
        for (k, (id, label)) in arms.iter().enumerate() {
            let colour = Palette99::pick(k);
            let line = results
                .days
                .iter()
                .filter(|d| &d.scenario == id)
                .map(|d| (f64::from(d.day), d.mean_rung));
            chart
                .draw_series(LineSeries::new(line, colour.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(shorten(label, 40))
                .legend(move |(x, y)| {
                    PathElement::new(
                        vec![(x, y), (x + 16, y)],
                        Palette99::pick(k).stroke_width(2),
                    )
                });
        }
        chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE.mix(0.85))
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(|e| e.to_string())?;
        Ok(())
    })
    .map(Some)
}

/// The rung colours as CSS, for the HTML legend.
pub(crate) fn rung_css_colours() -> [String; 6] {
    RUNG_COLOURS.map(|c| format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2))
}
