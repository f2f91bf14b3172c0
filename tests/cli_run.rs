//! End-to-end tests of `deescalate run`: the files and their columns, determinism across
//! thread counts, bad input (exit 2, no output folder), and no silent overwriting.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const SMALL: &str = r#"
name = "small"
trials = 40
horizon_days = 120
seed = 7

[baseline]
label = "Status quo"

[scenarios.channel]
label = "Standing channel"
measures.standing_channel.enabled = true
"#;

fn deescalate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deescalate"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn write_config(dir: &Path, text: &str) -> String {
    let path = dir.join("experiment.toml");
    fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn header(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    text.lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect()
}

fn run_ok(args: &[&str]) {
    let out = deescalate(args);
    assert!(
        out.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn run_writes_every_file_with_its_columns() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), SMALL);
    let out = dir.path().join("out");
    run_ok(&[
        "run",
        &config,
        "--out",
        out.to_str().unwrap(),
        "--trials-csv",
        "--no-progress",
    ]);

    let summary = header(&out.join("summary.csv"));
    for column in [
        "scenario",
        "metric",
        "n",
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
    ] {
        assert!(
            summary.contains(&column.to_string()),
            "summary.csv lacks {column}: {summary:?}"
        );
    }
    let rows = fs::read_to_string(out.join("summary.csv")).unwrap();
    let metric_rows = rows
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("baseline,"))
        .count();
    assert_eq!(metric_rows, model::METRICS.len());
    for metric in [
        "open_war",
        "days_to_open_war",
        "days_rung_5",
        "crisis_episodes",
        "trade_lost_usd",
        "final_militant_strength",
    ] {
        assert!(
            rows.contains(&format!(",{metric},")),
            "summary.csv lacks metric {metric}"
        );
    }

    let timeseries = fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert!(timeseries.starts_with("scenario,day,mean_rung,share_rung_0"));
    assert_eq!(
        timeseries.lines().count(),
        1 + 2 * 120,
        "one row per arm and day"
    );

    let trials = fs::read_to_string(out.join("trials.csv")).unwrap();
    assert!(trials.starts_with("scenario,trial,seed,open_war"));
    assert_eq!(
        trials.lines().count(),
        1 + 2 * 40,
        "one row per arm and trial"
    );

    let effects = header(&out.join("effects.csv"));
    assert_eq!(
        &effects[..12],
        [
            "scenario",
            "label",
            "baseline",
            "metric",
            "unit",
            "n",
            "baseline_mean",
            "scenario_mean",
            "diff",
            "diff_ci95_low",
            "diff_ci95_high",
            "rel_change"
        ]
    );

    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 7);
    for text in [rows, timeseries, trials] {
        assert!(
            !text.contains("e+") && !text.contains("e-"),
            "no exponent notation in CSV"
        );
    }
}

#[test]
fn one_and_two_threads_give_identical_csv() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), SMALL);
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_ok(&[
        "run",
        &config,
        "--out",
        a.to_str().unwrap(),
        "--threads",
        "1",
        "--trials-csv",
        "--no-progress",
    ]);
    run_ok(&[
        "run",
        &config,
        "--out",
        b.to_str().unwrap(),
        "--threads",
        "2",
        "--trials-csv",
        "--no-progress",
    ]);
    for file in ["summary.csv", "effects.csv", "timeseries.csv", "trials.csv"] {
        assert_eq!(
            fs::read(a.join(file)).unwrap(),
            fs::read(b.join(file)).unwrap(),
            "{file} differs"
        );
    }
}

/// Each kind of bad input exits 2 with one error naming the file, and creates no folder.
#[test]
fn bad_input_exits_2_and_creates_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &[&str], &str); 6] = [
        ("bad TOML", "name = \"x\"\ntrials = \n", &[], "TOML"),
        (
            "unknown key",
            &SMALL.replace("[baseline]", "[baseline]\npakistan.strike_treshold = 0.4"),
            &[],
            "pakistan.strike_treshold",
        ),
        (
            "wrong type",
            &SMALL.replace("trials = 40", "trials = \"forty\""),
            &[],
            "trials",
        ),
        (
            "probability above 1",
            &SMALL.replace("[baseline]", "[baseline]\nborder.porosity = 1.5"),
            &[],
            "border.porosity",
        ),
        (
            "start day past horizon",
            &SMALL.replace(
                "measures.standing_channel.enabled = true",
                "measures.standing_channel.start_day = 500",
            ),
            &[],
            "start_day",
        ),
        (
            "unknown --set key",
            SMALL,
            &["--set", "pakistan.nonsense=1"],
            "pakistan.nonsense",
        ),
    ];
    for (what, text, extra, mentions) in cases {
        let config = write_config(dir.path(), text);
        let out = dir.path().join("never");
        let mut args = vec![
            "run",
            config.as_str(),
            "--out",
            out.to_str().unwrap(),
            "--no-progress",
        ];
        args.extend_from_slice(extra);
        let result = deescalate(&args);
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert_eq!(result.status.code(), Some(2), "{what}: {stderr}");
        assert!(
            stderr.contains("experiment.toml"),
            "{what}: error names the file: {stderr}"
        );
        assert!(
            stderr.contains(mentions),
            "{what}: error names {mentions}: {stderr}"
        );
        assert!(!out.exists(), "{what}: no output folder");
    }
    let missing = deescalate(&["run", "no/such/file.toml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/file.toml"));
}

#[test]
fn existing_results_are_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), SMALL);
    let out = dir.path().join("out");
    run_ok(&[
        "run",
        &config,
        "--out",
        out.to_str().unwrap(),
        "--no-progress",
    ]);
    fs::write(out.join("keep.txt"), "earlier results").unwrap();
    let refused = deescalate(&[
        "run",
        &config,
        "--out",
        out.to_str().unwrap(),
        "--no-progress",
    ]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "an existing folder is bad input"
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert!(out.join("keep.txt").exists(), "nothing overwritten");
    run_ok(&[
        "run",
        &config,
        "--out",
        out.to_str().unwrap(),
        "--no-progress",
        "--force",
    ]);
    assert!(!out.join("keep.txt").exists() && out.join("summary.csv").exists());
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("partial"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary folders left: {leftovers:?}"
    );
}

/// In a design over the baseline and a measure, each measure point is paired with the
/// baseline at the same point (same seeds, same sampled parameters): effects.csv names that
/// baseline and its diff is the difference of the two arms' means; one and two threads agree.
#[test]
fn design_points_are_compared_with_the_baseline_at_the_same_point() {
    let dir = tempfile::tempdir().unwrap();
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/lhs_sensitivity.toml");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for (out, threads) in [(&a, "1"), (&b, "2")] {
        run_ok(&[
            "run",
            config,
            "--trials",
            "20",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
            "--no-progress",
        ]);
    }
    assert_eq!(
        fs::read(a.join("effects.csv")).unwrap(),
        fs::read(b.join("effects.csv")).unwrap()
    );
    let read = |file: &str| -> Vec<csv::StringRecord> {
        let mut reader = csv::Reader::from_path(a.join(file)).unwrap();
        reader.records().map(Result::unwrap).collect()
    };
    let (effects, summary) = (read("effects.csv"), read("summary.csv"));
    let baseline_of = |scenario: &str| {
        let row = effects.iter().find(|r| r[0] == *scenario).expect("row");
        row[2].to_string()
    };
    assert_eq!(baseline_of("mediation.h007"), "baseline.h007");
    assert_eq!(baseline_of("mediation.h040"), "baseline.h040");
    assert_eq!(baseline_of("baseline.h007"), "baseline");
    assert_eq!(baseline_of("mediation"), "baseline");
    let mean = |arm: &str| -> f64 {
        let row = summary
            .iter()
            .find(|r| r[0] == *arm && r[2] == *"attacks")
            .expect("summary row");
        row[5].parse().unwrap()
    };
    let mut checked = 0;
    for row in effects.iter().filter(|r| r[3] == *"attacks") {
        let diff: f64 = row[8].parse().unwrap();
        let expected = mean(&row[0]) - mean(&row[2]);
        assert!(
            (diff - expected).abs() <= 1e-4 * expected.abs().max(1.0),
            "{}: diff {diff} against {} is not {expected}",
            &row[0],
            &row[2]
        );
        checked += 1;
    }
    assert_eq!(checked, 81, "every arm but the effects baseline");
}
