//! The report of a small hand-made results folder, read back as a person's tools read it.

use super::*;
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::fs;

const SUMMARY: &str = "\
scenario,label,metric,unit,n,mean,sd,ci95_low,ci95_high,p05,p25,p50,p75,p95,min,max
baseline,Status quo,open_war,0/1,100,0.2,0.4,0.13,0.29,0,0,0,0,1,0,1
baseline,Status quo,attacks,attacks,100,1200,40,1192,1208,1130,1170,1200,1230,1270,1100,1300
channel,Türkiye · channel,open_war,0/1,100,0,0,0,0.037,0,0,0,0,0,0,0
channel,Türkiye · channel,attacks,attacks,100,1150,40,1142,1158,1080,1120,1150,1180,1220,1050,1250
";

const EFFECTS: &str = "\
scenario,label,baseline,metric,unit,n,baseline_mean,scenario_mean,diff,diff_ci95_low,diff_ci95_high,rel_change,interval
channel,Türkiye · channel,baseline,open_war,0/1,100,0.2,0,-0.2,-0.28,-0.12,-1,paired
channel,Türkiye · channel,baseline,attacks,attacks,100,1200,1150,-50,-60,-40,-0.0416667,paired
";

fn timeseries() -> String {
    let mut text = String::from(
        "scenario,day,mean_rung,share_rung_0,share_rung_1,share_rung_2,share_rung_3,share_rung_4,share_rung_5,mean_cumulative_attacks,mean_cumulative_fatalities\n",
    );
    for arm in ["baseline", "channel"] {
        for day in 1..=30 {
            let war = if arm == "baseline" {
                0.01 * f64::from(day) / 3.0
            } else {
                0.0
            };
            text += &format!(
                "{arm},{day},{},{},0.1,0.05,0.03,0.02,{war},{},{}\n",
                0.5 + war,
                0.8 - war,
                3 * day,
                9 * day
            );
        }
    }
    text
}

/// A results folder as `run` writes it (a few rows of each table).
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("manifest.json"),
        r#"{"name": "tiny", "description": "Two arms", "seed": 18446744073709551557,
            "effects_baseline": "baseline", "trials_per_arm": 100, "horizon_days": 30}"#,
    )
    .unwrap();
    fs::write(d.join("summary.csv"), SUMMARY).unwrap();
    fs::write(d.join("effects.csv"), EFFECTS).unwrap();
    fs::write(d.join("timeseries.csv"), timeseries()).unwrap();
    dir
}

#[test]
fn the_workbook_has_its_sheets_typed_cells_text_seeds_and_native_charts() {
    let dir = folder();
    let written = write_report(dir.path(), false).unwrap();
    assert_eq!(written.len(), 2);
    let mut book: Xlsx<_> = open_workbook(dir.path().join(REPORT_XLSX)).unwrap();
    let names = book.sheet_names();
    for sheet in [
        "Overview",
        "Effects",
        "Summary",
        "Time series",
        "Ladder",
        "Chart data",
    ] {
        assert!(names.iter().any(|n| n == sheet), "{sheet} in {names:?}");
    }
    let summary = book.worksheet_range("Summary").unwrap();
    assert_eq!(summary.get((0, 0)), Some(&Data::String("scenario".into())));
    // Numbers are numbers (no locale can misread them), labels keep their characters.
    assert_eq!(summary.get((1, 5)), Some(&Data::Float(0.2)));
    assert_eq!(
        summary.get((3, 1)),
        Some(&Data::String("Türkiye · channel".into()))
    );
    // A seed above 2^53 keeps every digit as text.
    let overview = book.worksheet_range("Overview").unwrap();
    let seed = overview
        .rows()
        .find(|r| r[0] == Data::String("seed".into()))
        .unwrap();
    assert_eq!(seed[1], Data::String("18446744073709551557".into()));
    // Chart parts: the two Overview charts and one ladder per arm.
    let zip = fs::read(dir.path().join(REPORT_XLSX)).unwrap();
    let charts = (1..=4)
        .filter(|k| {
            let name = format!("xl/charts/chart{k}.xml");
            zip.windows(name.len()).any(|w| w == name.as_bytes())
        })
        .count();
    assert_eq!(charts, 4);
}

#[test]
fn the_page_is_self_contained_with_its_charts_and_provenance() {
    let dir = folder();
    write_report(dir.path(), false).unwrap();
    let page = fs::read_to_string(dir.path().join(REPORT_HTML)).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    // Open war, two forest plots (open war, attacks), two ladders, the mean rung.
    assert_eq!(page.matches("<svg").count(), 6, "{page}");
    for says in [
        "Provenance",
        "18446744073709551557",
        "Türkiye · channel",
        "class=\"better\"",
    ] {
        assert!(page.contains(says), "{says}");
    }
    // Nothing fetched: no scripts, no links, no external images or fonts.
    for never in ["<script", "src=", "href=", "@import", "url("] {
        assert!(!page.contains(never), "{never}");
    }
}

#[test]
fn an_existing_report_is_kept_unless_forced_and_a_foreign_folder_refused() {
    let dir = folder();
    write_report(dir.path(), false).unwrap();
    let err = write_report(dir.path(), false).unwrap_err();
    assert!(
        err.is_bad_input() && err.to_string().contains("--force"),
        "{err}"
    );
    write_report(dir.path(), true).unwrap();
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let empty = tempfile::tempdir().unwrap();
    let err = write_report(empty.path(), false).unwrap_err();
    assert!(
        err.is_bad_input() && err.to_string().contains("manifest.json"),
        "{err}"
    );
}

#[test]
fn verdicts_follow_the_metrics_direction_and_the_interval() {
    let v = |metric, diff, low, high| verdict(metric, Some(diff), Some(low), Some(high));
    assert_eq!(v("open_war", -0.1, -0.2, -0.01), Some(Verdict::Better));
    assert_eq!(v("open_war", 0.1, 0.01, 0.2), Some(Verdict::Worse));
    assert_eq!(
        v("open_war", -0.1, -0.2, 0.05),
        Some(Verdict::LeaningBetter)
    );
    assert_eq!(v("days_rung_0", 3.0, 1.0, 5.0), Some(Verdict::Better));
    assert_eq!(v("fatalities_militant", 3.0, 1.0, 5.0), None);
    assert_eq!(v("open_war", 0.0, 0.0, 0.0), None);
}
