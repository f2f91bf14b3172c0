//! End-to-end tests of `deescalate calibrate` and `deescalate sensitivity`: calibration.csv's
//! columns and rows (the table in docs/MODEL.md is checked by tests/docs.rs), sensitivity.csv's
//! columns, and bad `[morris]` sections (exit 2, the key named, no folder).

mod common;

use common::{deescalate, read_csv};
use std::fs;
use std::process::Output;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const SMALL: &str = r#"
name = "small"
trials = 60
horizon_days = 365
seed = 5

[baseline]
label = "Status quo"

[scenarios.channel]
measures.standing_channel.enabled = true
"#;

const MORRIS: &str = r#"
[morris]
trajectories = 2
levels = 4
trials = 16
parameters = ["pakistan.strike_threshold", "pakistan.anger_decay"]
"#;

#[test]
fn calibrate_writes_one_row_per_target_with_its_columns() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("small.toml"), SMALL).unwrap();
    let out = deescalate(dir.path(), &["calibrate", "small.toml", "--out", "cal"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("arm baseline (1 of 2 arms in the file)"),
        "{printed}"
    );
    let (header, records) = read_csv(&dir.path().join("cal/calibration.csv"));
    assert_eq!(
        header,
        [
            "target",
            "role",
            "quantity",
            "unit",
            "real_low",
            "real_high",
            "real_figure",
            "source",
            "simulated_mean",
            "ci95_low",
            "ci95_high",
            "n",
            "in_range",
            "ci_overlaps",
            "note"
        ]
    );
    let targets = experiment::analysis::calibration::TARGETS;
    assert_eq!(records.len(), targets.len());
    for (record, target) in records.iter().zip(targets) {
        assert_eq!(&record[0], target.name);
        assert!(["fit", "check"].contains(&&record[1]), "{record:?}");
        let low: f64 = record[4].parse().unwrap();
        let high: f64 = record[5].parse().unwrap();
        assert!(low <= high);
        let mean: f64 = record[8].parse().unwrap();
        let in_range = (low..=high).contains(&mean);
        assert_eq!(
            &record[12],
            if in_range { "true" } else { "false" },
            "{record:?}"
        );
        assert!(!record[7].is_empty(), "every target names its source");
    }
    // Each printed row shows a target and its verdict.
    for t in targets {
        assert!(printed.contains(t.name), "{} not printed", t.name);
    }
    for file in ["calibration.csv", "summary.csv", "manifest.json"] {
        assert!(dir.path().join("cal").join(file).is_file(), "{file}");
    }
    // The folder is not overwritten without --force.
    let again = deescalate(dir.path(), &["calibrate", "small.toml", "--out", "cal"]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "an existing folder is bad input"
    );
    assert!(stderr(&again).contains("already exists"));
}

#[test]
fn sensitivity_writes_ranked_rows_for_every_parameter_and_metric() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("m.toml"), format!("{SMALL}{MORRIS}")).unwrap();
    let out = deescalate(
        dir.path(),
        &["sensitivity", "m.toml", "--out", "s", "--threads", "2"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (header, records) = read_csv(&dir.path().join("s/sensitivity.csv"));
    assert_eq!(
        header,
        [
            "parameter",
            "metric",
            "rank",
            "mu_star",
            "mu",
            "sigma",
            "noise_se",
            "above_noise",
            "unit",
            "plausible_low",
            "plausible_high"
        ]
    );
    // Two parameters × the five default metrics, ranks 1 and 2 (or a shared 1) per metric.
    assert_eq!(records.len(), 10);
    for pair in records.chunks(2) {
        assert_eq!(pair[0][1], pair[1][1]);
        assert_eq!(&pair[0][2], "1");
        let (a, b): (f64, f64) = (pair[0][3].parse().unwrap(), pair[1][3].parse().unwrap());
        assert!(a >= b);
    }
    assert!(dir.path().join("s/manifest.json").is_file());
}

#[test]
fn bad_morris_sections_exit_2_naming_the_key_and_write_nothing() {
    let cases: &[(&str, &[&str])] = &[
        (
            "[morris]\nlevels = 4\n",
            &["morris.trajectories is missing"],
        ),
        (
            "[morris]\ntrajectories = 5\nlevels = 3\n",
            &["morris.levels = 3", "even"],
        ),
        (
            "[morris]\ntrajectories = 1\nlevels = 4\n",
            &["morris.trajectories = 1", "from 2"],
        ),
        (
            "[morris]\ntrajectories = 5\nlevels = 4\nmetrics = [\"days_to_open_war\"]\n",
            &[
                "morris.metrics",
                "days_to_open_war",
                "defined in every trial",
            ],
        ),
        (
            "[morris]\ntrajectories = 5\nlevels = 4\nparameters = [\"border.trade_torkham_usd\"]\n",
            &["morris.parameters", "trade_torkham_usd", "has none"],
        ),
        (
            "[morris]\ntrajectories = 5\nlevels = 4\nparameters = [\"pakistan.strike_treshold\"]\n",
            &[
                "morris.parameters",
                "did you mean \"pakistan.strike_threshold\"",
            ],
        ),
        (
            "[morris]\ntrajectories = 5\nlevles = 4\n",
            &["morris.levles", "did you mean morris.levels"],
        ),
    ];
    for (section, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("m.toml"), format!("{SMALL}{section}")).unwrap();
        let out = deescalate(dir.path(), &["sensitivity", "m.toml", "--out", "s"]);
        assert_eq!(out.status.code(), Some(2), "{section}: {}", stderr(&out));
        let msg = stderr(&out);
        assert!(msg.contains("m.toml"), "{msg}");
        for e in *expected {
            assert!(msg.contains(e), "{section}: `{e}` not in: {msg}");
        }
        assert!(!dir.path().join("s").exists());
    }
    // A file without [morris] cannot be screened.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("m.toml"), SMALL).unwrap();
    let out = deescalate(dir.path(), &["sensitivity", "m.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("morris is missing"),
        "{}",
        stderr(&out)
    );
}
