//! `report` and `run --report` as an analyst uses them: the workbook opens in a spreadsheet
//! reader with its sheets, labels and typed numbers; the page renders in a browser (headless
//! Chromium, which `.ci/run` installs) to a picture that is not blank.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{fails_with_2, run_ok};
use std::path::Path;
use std::process::Command;

/// compare_measures at 120 trials with its report, in `dir`/cm.
fn compare_with_report(dir: &Path) -> std::path::PathBuf {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/compare_measures.toml");
    let out = run_ok(
        dir,
        &[
            "run",
            config.to_str().unwrap(),
            "--trials",
            "120",
            "--no-progress",
            "--out",
            "cm",
            "--report",
        ],
    );
    assert!(
        out.contains("report.xlsx") && out.contains("report.html"),
        "{out}"
    );
    dir.join("cm")
}

#[test]
fn run_report_writes_a_workbook_a_spreadsheet_reader_opens() {
    let dir = tempfile::tempdir().unwrap();
    let cm = compare_with_report(dir.path());
    let mut book: Xlsx<_> = open_workbook(cm.join("report.xlsx")).unwrap();
    let names = book.sheet_names();
    assert_eq!(
        names,
        [
            "Overview",
            "Effects",
            "Summary",
            "Scenarios",
            "Time series",
            "Ladder",
            "Chart data"
        ]
    );
    let effects = book.worksheet_range("Effects").unwrap();
    let header: Vec<String> = effects
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        &header[..5],
        ["scenario", "label", "baseline", "metric", "unit"]
    );
    // Labels in the sheet; effects as numbers, the same as effects.csv.
    let (_, rows) = common::read_csv(&cm.join("effects.csv"));
    let first = effects.rows().nth(1).unwrap();
    assert_eq!(first[1], Data::String(rows[0][1].to_string()));
    let diff: f64 = rows[0][8].parse().unwrap();
    assert_eq!(first[8], Data::Float(diff));
    // 13 arms × 365 days of the time series.
    assert_eq!(
        book.worksheet_range("Time series").unwrap().height(),
        1 + 13 * 365
    );
    // A second report is refused, --force replaces it.
    let err = fails_with_2(dir.path(), &["report", "cm"]);
    assert!(err.contains("--force"), "{err}");
    run_ok(dir.path(), &["report", "cm", "--force"]);
    let err = fails_with_2(dir.path(), &["report", "."]);
    assert!(err.contains("not a results folder"), "{err}");
}

/// Chromium on this machine, if any.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn the_html_report_renders_in_a_browser_to_a_picture_that_is_not_blank() {
    let Some(browser) = chromium() else {
        // CI installs Chromium (.ci/run), so there it always runs.
        assert!(std::env::var_os("CI").is_none(), "CI must have Chromium");
        eprintln!("skipped: no Chromium on this machine (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let cm = compare_with_report(dir.path());
    let png = dir.path().join("report.png");
    let status = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1100,2400",
        ])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", cm.join("report.html").display()))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let channels = info.color_type.samples();
    let rgb: Vec<&[u8]> = pixels[..info.buffer_size()].chunks(channels).collect();
    let inked = rgb
        .iter()
        .filter(|p| p[..3].iter().any(|&c| c < 200))
        .count();
    // The bar colour of the open-war chart (#3b6ea5 at 75% on white) is drawn.
    let bars = rgb
        .iter()
        .filter(|p| p[2] > 150 && p[0] < 130 && p[1] > 120 && p[1] < 180)
        .count();
    let share = inked as f64 / rgb.len() as f64;
    assert!(
        share > 0.02,
        "only {:.2}% of the page is drawn",
        share * 100.0
    );
    assert!(
        bars > 2_000,
        "the open-war bars are missing ({bars} pixels)"
    );
}
