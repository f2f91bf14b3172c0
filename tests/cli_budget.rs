//! Runs bigger than the machine: refused at once with the numbers (exit 2, nothing written),
//! by `run` and `validate` alike; and designs with many named arms within the open-file limit.

mod common;

use common::{fails_with_2, run_ok};
use std::fs;
use std::path::Path;

/// A 100,000-point grid (100,001 arms) of 100 trials, with trials.csv if `rows`.
fn huge_grid(dir: &Path, rows: bool) {
    fs::write(
        dir.join("huge.toml"),
        format!(
            "name = \"huge\"\ntrials = 100\nseed = 1\nwrite_trials = {rows}\n[baseline]\n[sweep]\n\
             \"measures.mediation.intensity\" = {{ from = 0.0, to = 1.0, steps = 100 }}\n\
             \"measures.confidence_building.intensity\" = {{ from = 0.0, to = 1.0, steps = 100 }}\n\
             \"measures.standing_channel.intensity\" = {{ from = 0.0, to = 1.0, steps = 10 }}\n"
        ),
    )
    .unwrap();
}

/// Nothing but the experiment file: no output folder, no staging folder.
fn nothing_written(dir: &Path) {
    let names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn a_design_that_cannot_fit_in_memory_is_refused_by_run_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    huge_grid(dir.path(), true);
    let limit = ["--max-memory", "4GiB"];
    let run = fails_with_2(
        dir.path(),
        &[
            &["run", "huge.toml", "--threads", "2", "--out", "out"],
            &limit[..],
        ]
        .concat(),
    );
    for says in [
        "of memory",
        "100001 arms",
        "4.0 GiB that --max-memory allows",
        "trials.csv",
    ] {
        assert!(run.contains(says), "{says}: {run}");
    }
    nothing_written(dir.path());
    let validate = fails_with_2(
        dir.path(),
        &[&["validate", "huge.toml"], &limit[..]].concat(),
    );
    assert!(
        validate.contains("4.0 GiB that --max-memory allows"),
        "{validate}"
    );
    // Without trials.csv its points stream 128 arms at a time: it fits, and validate says so.
    huge_grid(dir.path(), false);
    let out = run_ok(
        dir.path(),
        &[&["validate", "huge.toml"], &limit[..]].concat(),
    );
    let estimate = out.lines().find(|l| l.starts_with("estimate")).unwrap();
    assert!(estimate.contains("MiB of memory"), "{estimate}");
}

#[test]
fn a_run_longer_than_max_hours_is_refused_with_its_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/compare_measures.toml");
    let config = config.to_str().unwrap();
    // 13 arms × 10^10 trials × 365 days ≈ 4.7 × 10^13 trial-days: a year on one thread.
    let args = [
        "run",
        config,
        "--trials",
        "10000000000",
        "--threads",
        "1",
        "--out",
        "out",
    ];
    let err = fails_with_2(dir.path(), &args);
    assert!(
        err.contains("days on 1 thread (") && err.contains("--max-hours 168"),
        "{err}"
    );
    assert!(err.contains("--shard"), "{err}");
    assert!(!dir.path().join("out").exists());
    // validate says the same, and passes what --max-hours allows.
    let validate = ["validate", config, "--trials", "10000000000"];
    let err = fails_with_2(dir.path(), &validate);
    assert!(err.contains("--max-hours 168"), "{err}");
    let out = run_ok(
        dir.path(),
        &[&validate[..], &["--max-hours", "1e9"]].concat(),
    );
    assert!(out.contains("estimate      about "), "{out}");
    let err = fails_with_2(dir.path(), &[&args[..], &["--max-hours=0"]].concat());
    assert!(err.contains("positive number of hours"), "{err}");
}

#[test]
fn a_precision_target_no_run_can_reach_is_refused_by_run_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("p.toml"),
        "name = \"p\"\ntrials = 100\nseed = 1\n[baseline]\n[precision]\nmetric = \"open_war\"\n\
         half_width = 1e-12\nmax_trials = 1000000000000\n",
    )
    .unwrap();
    for command in ["run", "validate"] {
        let err = fails_with_2(dir.path(), &[command, "p.toml"]);
        assert!(
            err.contains("cannot be met within max_trials 1000000000000"),
            "{err}"
        );
        assert!(err.contains("half-width of at least 1.921e-12"), "{err}");
    }
    nothing_written(dir.path());
}

#[test]
fn many_named_arms_stream_within_a_small_open_file_limit() {
    // 40 named arms × 2 points: a spool per named arm and table was 160 open files.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("name = \"many\"\ntrials = 2\nseed = 1\n[baseline]\n");
    for i in 0..40 {
        text += &format!("[scenarios.a{i}]\nmeasures.mediation.enabled = true\n");
    }
    text += "[sweep]\n\"measures.mediation.intensity\" = { from = 0.0, to = 1.0, steps = 2 }\n";
    fs::write(dir.path().join("many.toml"), text).unwrap();
    let binary = env!("CARGO_BIN_EXE_deescalate");
    let out = std::process::Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "ulimit -n 64 && '{binary}' run many.toml --threads 2 --no-progress --out low"
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    run_ok(
        dir.path(),
        &[
            "run",
            "many.toml",
            "--threads",
            "1",
            "--no-progress",
            "--out",
            "high",
        ],
    );
    common::assert_same_files(
        &dir.path().join("low"),
        &dir.path().join("high"),
        &common::DESIGN_TABLES,
    );
}
