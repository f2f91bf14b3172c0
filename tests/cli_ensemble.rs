//! End-to-end tests of the calibration ensemble: `calibrate --ensemble N` (history matching,
//! seeded and the same whatever the thread count, members within their plausible ranges and
//! under the cutoff), and `run --ensemble FILE` (every arm at every member on the same trial
//! seeds, an arm's own settings kept, shards and merge, bad files refused with exit 2).

mod common;

use common::{DESIGN_TABLES, assert_same_files, fails_with_2, read_csv, run_ok};
use std::fs;
use std::path::{Path, PathBuf};

/// A status quo whose baseline sets one world parameter itself, and a measure.
const SMALL: &str = r#"
name = "small"
trials = 24
horizon_days = 365
seed = 9

[baseline]
label = "Status quo"
pakistan.anger_decay = 0.02

[scenarios.channel]
label = "Standing channel"
measures.standing_channel.enabled = true
"#;

/// A baseline, a measure and an arm that sets a parameter the ensemble varies.
const ARMS: &str = r#"
name = "arms"
trials = 40
horizon_days = 180
seed = 3

[baseline]
label = "Status quo"

[scenarios.channel]
label = "Standing channel"
measures.standing_channel.enabled = true

[scenarios.hawk]
label = "Hawkish"
pakistan.strike_threshold = 0.4
"#;

fn calibrate_args<'a>(out: &'a str, threads: &'a str) -> Vec<&'a str> {
    vec![
        "calibrate",
        "small.toml",
        "--ensemble",
        "8",
        "--candidates",
        "40",
        "--waves",
        "2",
        "--cutoff",
        "8",
        "--threads",
        threads,
        "--no-progress",
        "--out",
        out,
    ]
}

#[test]
fn calibrate_ensemble_is_seeded_scored_and_the_same_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("small.toml"), SMALL).unwrap();
    let printed = run_ok(dir.path(), &calibrate_args("one", "1"));
    run_ok(dir.path(), &calibrate_args("two", "2"));
    assert!(printed.contains("WAVE"), "{printed}");
    assert!(printed.contains("not ruled out"), "{printed}");
    let files = [
        "calibration.csv",
        "ensemble.csv",
        "ensemble_targets.csv",
        "ensemble_waves.csv",
        "ensemble_parameters.csv",
        "summary.csv",
    ];
    for file in files {
        let (a, b) = (
            fs::read(dir.path().join("one").join(file)).unwrap(),
            fs::read(dir.path().join("two").join(file)).unwrap(),
        );
        assert!(a == b, "{file} differs between 1 and 2 threads");
    }

    let (header, members) = read_csv(&dir.path().join("one/ensemble.csv"));
    assert_eq!(header[..3], ["id", "wave", "implausibility"]);
    assert!(
        !members.is_empty() && members.len() <= 8,
        "{} members",
        members.len()
    );
    let specs = model::Params::specs();
    let keys = &header[3..];
    assert!(keys.len() > 100, "every uncertain parameter is varied");
    assert!(
        !keys.iter().any(|k| k == "pakistan.anger_decay"),
        "what the file's baseline sets is its own choice, not varied"
    );
    assert!(!keys.iter().any(|k| k.starts_with("measures.")));
    let mut last = 0.0;
    for m in &members {
        let score: f64 = m[2].parse().unwrap();
        assert!(score <= 8.0, "a member is under the cutoff: {score}");
        assert!(score >= last, "most plausible first");
        last = score;
        for (key, cell) in keys.iter().zip(m.iter().skip(3)) {
            let spec = specs.iter().find(|s| s.key == *key).expect("a parameter");
            let (low, high) = spec.domain.plausible_range().expect("a plausible range");
            let v: f64 = cell.parse().unwrap();
            assert!(
                v >= low - 1e-9 && v <= high + 1e-9,
                "{key} = {v} outside {low}..{high}"
            );
        }
    }

    // One row per varied parameter, most narrowed first, its members' spread inside its range.
    let (header, spread) = read_csv(&dir.path().join("one/ensemble_parameters.csv"));
    assert_eq!(header[0], "parameter");
    assert_eq!(spread.len(), keys.len());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (width, p05, p95) = (
        column("width_share"),
        column("ensemble_p05"),
        column("ensemble_p95"),
    );
    let mut last = 0.0;
    for row in &spread {
        let w: f64 = row[width].parse().unwrap();
        assert!((0.0..=1.0).contains(&w) && w >= last, "{row:?}");
        last = w;
        assert!(row[p05].parse::<f64>().unwrap() <= row[p95].parse::<f64>().unwrap());
    }

    let (header, waves) = read_csv(&dir.path().join("one/ensemble_waves.csv"));
    assert_eq!(header[..3], ["wave", "candidates", "accepted"]);
    assert_eq!(waves.len(), 2);
    let accepted: usize = waves.iter().map(|w| w[2].parse::<usize>().unwrap()).sum();
    assert!(accepted >= members.len());

    let (_, targets) = read_csv(&dir.path().join("one/ensemble_targets.csv"));
    let all = experiment::analysis::calibration::TARGETS;
    assert_eq!(targets.len(), all.len());
    assert!(
        targets.iter().any(|t| &t[1] == "check"),
        "held-out targets are reported"
    );

    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("one/manifest.json")).unwrap())
            .unwrap();
    let record = &manifest["calibration_ensemble"];
    assert_eq!(record["size"], 8);
    assert_eq!(record["candidates_simulated"], 80);
    assert_eq!(record["not_ruled_out"], accepted);
    assert_eq!(record["members"], members.len());
}

/// An ensemble file of two members over three parameters: `d` at their defaults, `x` away
/// from them.
fn ensemble_file(dir: &Path) -> PathBuf {
    let specs = model::Params::specs();
    let default = |key: &str| {
        let spec = specs.iter().find(|s| s.key == key).expect("a parameter");
        match spec.default {
            model::param_spec::Value::Real(x) => format!("{x}"),
            model::param_spec::Value::Int(i) => i.to_string(),
            _ => panic!("{key} is numeric"),
        }
    };
    let keys = [
        "pakistan.strike_threshold",
        "pakistan.anger_decay",
        "militants.initial_cells",
    ];
    let d: Vec<String> = keys.iter().map(|k| default(k)).collect();
    let text = format!(
        "id,wave,implausibility,{}\nd,0,0,{}\nx,2,1.5,0.35,0.05,40\n",
        keys.join(","),
        d.join(",")
    );
    let path = dir.join("members.csv");
    fs::write(&path, text).unwrap();
    path
}

/// summary.csv's rows of arm `arm`, without the arm's id and label.
fn summary_of(folder: &Path, arm: &str) -> Vec<Vec<String>> {
    let (header, rows) = read_csv(&folder.join("summary.csv"));
    let scenario = header.iter().position(|h| h == "scenario").unwrap();
    let label = header.iter().position(|h| h == "label").unwrap();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| &r[scenario] == arm)
        .map(|r| {
            r.iter()
                .enumerate()
                .filter(|(i, _)| *i != scenario && *i != label)
                .map(|(_, c)| c.to_string())
                .collect()
        })
        .collect();
    assert!(!rows.is_empty(), "no rows for {arm}");
    rows
}

#[test]
fn run_ensemble_runs_every_arm_at_every_member_keeping_what_an_arm_sets() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("arms.toml"), ARMS).unwrap();
    let members = ensemble_file(d);
    let printed = run_ok(
        d,
        &[
            "validate",
            "arms.toml",
            "--ensemble",
            members.to_str().unwrap(),
        ],
    );
    assert!(printed.contains("channel.e002"), "{printed}");
    run_ok(
        d,
        &[
            "run",
            "arms.toml",
            "--ensemble",
            "members.csv",
            "--no-progress",
            "--out",
            "ens",
        ],
    );
    let ens = d.join("ens");
    let (_, scenarios) = read_csv(&ens.join("scenarios.csv"));
    let ids: Vec<&str> = scenarios.iter().map(|r| r.get(0).unwrap()).collect();
    for id in [
        "baseline",
        "baseline.e001",
        "baseline.e002",
        "channel.e001",
        "channel.e002",
        "hawk.e002",
    ] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    let labels: Vec<&str> = scenarios.iter().map(|r| r.get(1).unwrap()).collect();
    assert!(
        labels.contains(&"Standing channel · member x"),
        "{labels:?}"
    );

    // The member at the defaults is the arm itself, on the same trial seeds.
    assert_eq!(
        summary_of(&ens, "baseline.e001"),
        summary_of(&ens, "baseline")
    );
    assert_eq!(
        summary_of(&ens, "channel.e001"),
        summary_of(&ens, "channel")
    );
    // Member x is the same as setting its values on the command line.
    let set = [
        "--set",
        "pakistan.strike_threshold=0.35",
        "--set",
        "pakistan.anger_decay=0.05",
        "--set",
        "militants.initial_cells=40",
    ];
    let mut args = vec!["run", "arms.toml", "--no-progress", "--out", "set"];
    args.extend(set);
    run_ok(d, &args);
    let at_x = d.join("set");
    assert_eq!(
        summary_of(&ens, "baseline.e002"),
        summary_of(&at_x, "baseline")
    );
    assert_eq!(
        summary_of(&ens, "channel.e002"),
        summary_of(&at_x, "channel")
    );
    assert_ne!(
        summary_of(&ens, "baseline.e002"),
        summary_of(&ens, "baseline"),
        "member x changes the world"
    );
    // The hawkish arm keeps its own strike threshold at member x: it is the hawkish arm with
    // member x's other two values.
    let args = vec![
        "run",
        "arms.toml",
        "--no-progress",
        "--out",
        "hawk_x",
        "--set",
        "pakistan.anger_decay=0.05",
        "--set",
        "militants.initial_cells=40",
    ];
    run_ok(d, &args);
    assert_eq!(
        summary_of(&ens, "hawk.e002"),
        summary_of(&d.join("hawk_x"), "hawk")
    );

    // robustness.csv: each measure across the members, paired with the baseline at each.
    let (_, rows) = read_csv(&ens.join("robustness.csv"));
    assert!(
        rows.iter()
            .any(|r| &r[0] == "ensemble" && &r[1] == "channel" && &r[6] == "2"),
        "channel across the 2 members"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(ens.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["designs"][0]["design"], "ensemble");
    assert_eq!(manifest["designs"][0]["file"], "members.csv");
}

#[test]
fn ensemble_shards_merge_into_the_single_run_without_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("arms.toml"), ARMS).unwrap();
    ensemble_file(d);
    let base = [
        "run",
        "arms.toml",
        "--ensemble",
        "members.csv",
        "--no-progress",
    ];
    let mut whole = base.to_vec();
    whole.extend(["--out", "whole"]);
    run_ok(d, &whole);
    for k in 1..=2 {
        let (shard, out) = (format!("{k}/2"), format!("part{k}"));
        let mut args = base.to_vec();
        args.extend(["--shard", &shard, "--out", &out]);
        run_ok(d, &args);
    }
    // The partial results carry the members: the merge needs no ensemble file.
    fs::remove_file(d.join("members.csv")).unwrap();
    run_ok(d, &["merge", "part1", "part2", "--out", "merged"]);
    assert_same_files(&d.join("whole"), &d.join("merged"), &DESIGN_TABLES);
}

#[test]
fn bad_ensemble_files_exit_2_naming_the_file_the_cell_and_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("arms.toml"), ARMS).unwrap();
    let cases: [(&str, &[&str]); 7] = [
        (
            "id,wave,implausibility,pakistan.strike_treshold\na,1,0,0.5\n",
            &["pakistan.strike_treshold", "pakistan.strike_threshold"],
        ),
        (
            "id,pakistan.strike_threshold\na,7\n",
            &["row 2, column pakistan.strike_threshold", "7"],
        ),
        ("id,pakistan.strike_threshold\na,high\n", &["row 2", "high"]),
        (
            "id,pakistan.strike_threshold\na,0.5\na,0.6\n",
            &["row 3, column id", "each member once"],
        ),
        (
            "member,pakistan.strike_threshold\na,0.5\n",
            &["column 1", "id"],
        ),
        (
            "id,pakistan.doctrine\na,1\n",
            &["pakistan.doctrine", "numeric"],
        ),
        ("id,pakistan.strike_threshold\n", &["at least one member"]),
    ];
    for (text, expected) in cases {
        fs::write(d.join("bad.csv"), text).unwrap();
        let stderr = fails_with_2(
            d,
            &[
                "run",
                "arms.toml",
                "--ensemble",
                "bad.csv",
                "--no-progress",
                "--out",
                "never",
            ],
        );
        assert!(stderr.contains("bad.csv"), "names the file: {stderr}");
        for e in expected {
            assert!(stderr.contains(e), "{text:?}: {e:?} not in {stderr}");
        }
        assert!(!d.join("never").exists(), "nothing written");
    }
    let stderr = fails_with_2(
        d,
        &[
            "run",
            "arms.toml",
            "--ensemble",
            "missing.csv",
            "--out",
            "never",
        ],
    );
    assert!(stderr.contains("missing.csv"), "{stderr}");
}
