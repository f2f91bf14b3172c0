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

/// Runs `config` with `trials` trials on one and on two threads, into `dir`/a and `dir`/b.
fn run_on_one_and_two_threads(
    config: &str,
    trials: &str,
    dir: &Path,
) -> (std::path::PathBuf, std::path::PathBuf) {
    let (a, b) = (dir.join("a"), dir.join("b"));
    for (out, threads) in [(&a, "1"), (&b, "2")] {
        run_ok(&[
            "run",
            config,
            "--trials",
            trials,
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
            "--no-progress",
        ]);
    }
    (a, b)
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
    let (a, b) = run_on_one_and_two_threads(config, "20", dir.path());
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

/// robustness.csv and discovery.csv of a Latin hypercube over the baseline and a measure agree
/// with effects.csv, summary.csv and scenarios.csv of the same run: the shares of points
/// where the measure helps and harms, its regret against the baseline at each point, and the
/// points inside each discovery box; one and two threads write the same bytes.
#[test]
fn robustness_and_discovery_agree_with_the_per_point_tables() {
    let dir = tempfile::tempdir().unwrap();
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/configs/lhs_sensitivity.toml");
    let (a, b) = run_on_one_and_two_threads(config, "30", dir.path());
    for file in ["robustness.csv", "discovery.csv"] {
        assert_eq!(
            fs::read(a.join(file)).unwrap(),
            fs::read(b.join(file)).unwrap()
        );
    }
    let read = |file: &str| -> (csv::StringRecord, Vec<csv::StringRecord>) {
        let mut reader = csv::Reader::from_path(a.join(file)).unwrap();
        let header = reader.headers().unwrap().clone();
        (header, reader.records().map(Result::unwrap).collect())
    };
    let col = |header: &csv::StringRecord, name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let num = |r: &csv::StringRecord, i: usize| -> f64 { r[i].parse().unwrap() };
    let (rh, robustness) = read("robustness.csv");
    let (eh, effects) = read("effects.csv");
    let (sh, summary) = read("summary.csv");
    let (ch, scenarios) = read("scenarios.csv");
    let (dh, discovery) = read("discovery.csv");

    // One row per arm (baseline, mediation) and headline metric with a direction.
    let metrics: Vec<&str> = robustness
        .iter()
        .filter(|r| &r[col(&rh, "scenario")] == "mediation")
        .map(|r| r.get(col(&rh, "metric")).unwrap())
        .collect();
    assert!(metrics.contains(&"open_war") && metrics.contains(&"attacks"));
    assert!(
        !metrics.contains(&"fatalities_militant"),
        "no good direction"
    );
    assert_eq!(robustness.len(), 2 * metrics.len());

    let mean = |arm: &str, metric: &str| -> f64 {
        let row = summary
            .iter()
            .find(|r| &r[0] == arm && &r[col(&sh, "metric")] == metric)
            .expect("summary row");
        num(row, col(&sh, "mean"))
    };
    for metric in ["attacks", "open_war", "cross_border_strikes", "agreements"] {
        let row = robustness
            .iter()
            .find(|r| &r[col(&rh, "scenario")] == "mediation" && &r[col(&rh, "metric")] == metric)
            .unwrap();
        let higher = &row[col(&rh, "better")] == "higher";
        let points: Vec<&csv::StringRecord> = effects
            .iter()
            .filter(|r| r[0].starts_with("mediation.h") && &r[col(&eh, "metric")] == metric)
            .collect();
        assert_eq!(points.len(), 40);
        let (mut helps, mut harms, mut regret) = (0, 0, 0.0);
        for p in &points {
            let (low, high) = (
                num(p, col(&eh, "diff_ci95_low")),
                num(p, col(&eh, "diff_ci95_high")),
            );
            let (good, bad) = if higher {
                (low > 0.0, high < 0.0)
            } else {
                (high < 0.0, low > 0.0)
            };
            helps += usize::from(good);
            harms += usize::from(bad);
            let (m, b) = (mean(&p[0], metric), mean(&p[col(&eh, "baseline")], metric));
            let gap = if higher { b - m } else { m - b };
            regret += gap.max(0.0);
        }
        let share = |name: &str| num(row, col(&rh, name));
        assert_eq!(share("share_helps"), helps as f64 / 40.0, "{metric}");
        assert_eq!(share("share_harms"), harms as f64 / 40.0, "{metric}");
        let total = share("share_helps") + share("share_harms") + share("share_no_clear_effect");
        assert!(
            (total - 1.0).abs() < 1e-9,
            "{metric}: shares sum to {total}"
        );
        let expected = regret / 40.0;
        assert!(
            (share("regret_mean") - expected).abs() <= 1e-4 * expected.max(1.0),
            "{metric}: regret {} is not {expected}",
            share("regret_mean")
        );
    }

    // Every box holds the points the file says, read off scenarios.csv's sampled values
    // (boxes of metrics where every point had something to prevent, so every point counts).
    let no_room_free = |metric: &str| {
        robustness.iter().any(|r| {
            &r[col(&rh, "scenario")] == "mediation"
                && &r[col(&rh, "metric")] == metric
                && num(r, col(&rh, "share_nothing_to_prevent")) == 0.0
        })
    };
    let mediation_points: Vec<&csv::StringRecord> = scenarios
        .iter()
        .filter(|r| r[0].starts_with("mediation.h"))
        .collect();
    let mut boxes = std::collections::BTreeMap::<(String, String), Vec<&csv::StringRecord>>::new();
    for r in discovery
        .iter()
        .filter(|r| &r[col(&dh, "scenario")] == "mediation")
    {
        let key = (
            r[col(&dh, "metric")].to_string(),
            r[col(&dh, "case")].to_string(),
        );
        boxes.entry(key).or_default().push(r);
    }
    let mut checked = 0;
    for ((metric, case), limits) in &boxes {
        if case == "fails_to_help" && !no_room_free(metric) {
            continue;
        }
        let inside = mediation_points
            .iter()
            .filter(|p| {
                limits.iter().all(|l| {
                    let key = &l[col(&dh, "parameter")];
                    if key.is_empty() {
                        return true;
                    }
                    let x = num(p, col(&ch, key));
                    let low = l[col(&dh, "low")]
                        .parse::<f64>()
                        .unwrap_or(f64::NEG_INFINITY);
                    let high = l[col(&dh, "high")].parse::<f64>().unwrap_or(f64::INFINITY);
                    // Limits are printed to six significant digits.
                    x >= low * (1.0 - 1e-5) && x <= high * (1.0 + 1e-5)
                })
            })
            .count();
        let row = limits[0];
        assert_eq!(
            inside,
            num(row, col(&dh, "box_points")) as usize,
            "{metric} {case}"
        );
        let (cases, in_box) = (num(row, col(&dh, "cases")), num(row, col(&dh, "box_cases")));
        assert!((num(row, col(&dh, "coverage")) - in_box / cases).abs() < 1e-5);
        checked += 1;
    }
    assert!(checked > 0, "some box checked");
}
