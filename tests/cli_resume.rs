//! End-to-end tests of checkpoints and `run --resume`: a run killed (SIGKILL) or stopped
//! (SIGINT, SIGTERM) after a checkpoint goes on from it and ends byte-identical to an
//! uninterrupted run, trials.csv included, and so does a design streamed part by part; a
//! resume of another experiment, of nothing, or from a damaged checkpoint is refused with
//! exit 2 and keeps the checkpoint.

mod common;

use common::{DESIGN_TABLES, assert_same_files, fails_with_2, run_ok};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Three arms, trials.csv, and enough trials (about ten seconds on one thread) that a kill
/// always lands before the end.
const LONG: &str = r#"
name = "long"
trials = 6000
horizon_days = 365
seed = 77
write_trials = true

[baseline]
label = "Status quo"

[scenarios.channel]
measures.standing_channel.enabled = true

[scenarios.patience]
measures.strategic_patience.enabled = true
"#;

const FILES: [&str; 5] = [
    "summary.csv",
    "effects.csv",
    "scenarios.csv",
    "timeseries.csv",
    "trials.csv",
];

fn start(dir: &Path, out: &str, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_deescalate"))
        .current_dir(dir)
        .args([
            "run",
            "long.toml",
            "--no-progress",
            "--threads",
            "1",
            "--out",
            out,
        ])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts")
}

/// The staging folder of `out` holding a checkpoint, waited for up to a minute.
fn checkpoint_of(dir: &Path, out: &str) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let found = fs::read_dir(dir).unwrap().flatten().find_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path().join("checkpoint.json");
            (name.starts_with(&format!(".{out}.partial-")) && path.is_file()).then_some(path)
        });
        if let Some(path) = found {
            return path;
        }
        assert!(Instant::now() < deadline, "no checkpoint within a minute");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn trials_done(checkpoint: &Path) -> u64 {
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(checkpoint).unwrap()).unwrap();
    json["trials_done"].as_u64().unwrap()
}

fn assert_same(dir: &Path, a: &str, b: &str) {
    assert_same_files(&dir.join(a), &dir.join(b), &FILES);
}

fn staging_left(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-"))
        .collect()
}

#[test]
fn a_killed_run_resumes_from_its_checkpoint_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("long.toml"), LONG).unwrap();
    run_ok(d, &["run", "long.toml", "--no-progress", "--out", "whole"]);

    let mut child = start(d, "killed", &["--checkpoint-seconds", "0"]);
    let checkpoint = checkpoint_of(d, "killed");
    child.kill().unwrap(); // SIGKILL: nothing runs after it
    child.wait().unwrap();
    assert!(!d.join("killed").exists(), "a killed run writes no results");
    let done = trials_done(&checkpoint);
    assert!(done > 0 && done < 6000, "{done}");
    // trials.csv holds rows past the checkpoint, or a half row: the resume cuts them.
    let out = run_ok(
        d,
        &[
            "run",
            "long.toml",
            "--no-progress",
            "--out",
            "killed",
            "--resume",
        ],
    );
    assert!(out.contains("6000 trials"), "{out}");
    assert_same(d, "whole", "killed");
    assert!(
        !d.join("killed/checkpoint.json").exists(),
        "the checkpoint is not a result"
    );
    assert!(staging_left(d).is_empty(), "{:?}", staging_left(d));
}

#[test]
fn a_stopped_run_says_how_to_resume_and_refused_resumes_keep_its_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("long.toml"), LONG).unwrap();

    let child = start(d, "stopped", &["--checkpoint-seconds", "0"]);
    checkpoint_of(d, "stopped");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("--resume"), "{stderr}");
    assert!(stderr.contains("of 6000 trials per arm"), "{stderr}");
    assert!(!d.join("stopped").exists());
    assert_eq!(staging_left(d).len(), 1, "the checkpoint is kept");

    // Another experiment (other seed), other options, a damaged checkpoint: refused, kept.
    let base = [
        "run",
        "long.toml",
        "--no-progress",
        "--out",
        "stopped",
        "--resume",
    ];
    let refused = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        let stderr = fails_with_2(d, &args);
        assert!(stderr.contains("checkpoint.json"), "{stderr}");
        assert_eq!(staging_left(d).len(), 1, "still kept after {extra:?}");
        stderr
    };
    assert!(refused(&["--seed", "5"]).contains("different experiment"));
    assert!(refused(&["--independent-seeds"]).contains("different experiment"));
    let checkpoint = checkpoint_of(d, "stopped");
    let good = fs::read_to_string(&checkpoint).unwrap();
    fs::write(
        &checkpoint,
        good.replacen("\"trials_done\":", "\"trials_done\":1", 1),
    )
    .unwrap();
    assert!(refused(&[]).contains("damaged"));
    // Each resume takes the folder over under its own process id.
    fs::write(checkpoint_of(d, "stopped"), &good).unwrap();

    // SIGTERM with no checkpoint yet: nothing kept (a checkpoint only every 10 minutes).
    let child = start(d, "early", &["--checkpoint-seconds", "600"]);
    std::thread::sleep(Duration::from_millis(300));
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no checkpoint yet"));
    let stderr = fails_with_2(
        d,
        &[
            "run",
            "long.toml",
            "--no-progress",
            "--out",
            "early",
            "--resume",
        ],
    );
    assert!(stderr.contains("no stopped run"), "{stderr}");

    // The stopped run resumes to the uninterrupted bytes.
    run_ok(d, &base);
    run_ok(d, &["run", "long.toml", "--no-progress", "--out", "whole"]);
    assert_same(d, "whole", "stopped");
    assert!(staging_left(d).is_empty(), "{:?}", staging_left(d));
}

/// A run with a precision target checkpoints inside its batches, and a resume must keep the
/// target: it then stops where the uninterrupted run stops, with the same bytes.
#[test]
fn a_precision_run_resumes_in_its_batch_and_keeps_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("long.toml"),
        LONG.replace("trials = 6000", "trials = 500"),
    )
    .unwrap();
    let target = ["--precision", "open_war=0.01"];
    let mut whole = vec!["run", "long.toml", "--no-progress", "--out", "whole"];
    whole.extend(target);
    let printed = run_ok(d, &whole);
    assert!(printed.contains("precision: open_war"), "{printed}");

    let mut extra = vec!["--checkpoint-seconds", "0"];
    extra.extend(target);
    let mut child = start(d, "killed", &extra);
    let checkpoint = checkpoint_of(d, "killed");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(trials_done(&checkpoint) > 0);
    let base = [
        "run",
        "long.toml",
        "--no-progress",
        "--out",
        "killed",
        "--resume",
    ];
    let mut other = base.to_vec();
    other.extend(["--precision", "open_war=0.02"]);
    assert!(fails_with_2(d, &other).contains("precision target"));
    let mut same = base.to_vec();
    same.extend(target);
    assert_eq!(run_ok(d, &same).lines().last(), printed.lines().last());
    assert_same(d, "whole", "killed");
}

#[test]
fn bad_checkpoint_intervals_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("long.toml"), LONG).unwrap();
    let stderr = fails_with_2(
        d,
        &[
            "run",
            "long.toml",
            "--checkpoint-seconds=-1",
            "--out",
            "never",
        ],
    );
    assert!(stderr.contains("--checkpoint-seconds"), "{stderr}");
    assert!(!d.join("never").exists());
}

/// A run of design points streamed part by part checkpoints after whole parts (its spools'
/// lengths and the robustness digests) and resumes to the same bytes, robustness.csv and
/// discovery.csv included.
#[test]
fn a_streamed_design_run_resumes_after_its_last_whole_part() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/configs/robustness.toml"
    ))
    .unwrap();
    fs::write(d.join("long.toml"), text).unwrap();
    let small = ["--trials", "40", "--set", "latin_hypercube.points=60"];
    let mut whole = vec!["run", "long.toml", "--no-progress", "--out", "whole"];
    whole.extend(small);
    run_ok(d, &whole);

    let mut extra = vec!["--checkpoint-seconds", "0"];
    extra.extend(small);
    let child = start(d, "stopped", &extra);
    let checkpoint = checkpoint_of(d, "stopped");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&checkpoint).unwrap()).unwrap();
    assert!(json["streamed"]["parts_done"].as_u64().unwrap() >= 1);
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("parts of the design"), "{stderr}");

    let mut resume = vec![
        "run",
        "long.toml",
        "--no-progress",
        "--out",
        "stopped",
        "--resume",
    ];
    resume.extend(small);
    run_ok(d, &resume);
    assert_same_files(&d.join("whole"), &d.join("stopped"), &DESIGN_TABLES);
    let mut names: Vec<String> = fs::read_dir(d.join("stopped"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names
            .iter()
            .all(|n| !n.starts_with('.') && n != "checkpoint.json"),
        "{names:?}"
    );
    assert!(staging_left(d).is_empty());
}

/// The arguments of running shard `k` of long.toml into `out`.
fn shard<'a>(out: &'a str, k: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "run",
        "long.toml",
        "--no-progress",
        "--out",
        out,
        "--shard",
        k,
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn a_killed_shard_resumes_to_the_same_partial_result_and_refuses_another_shard() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("long.toml"), LONG).unwrap();
    run_ok(d, &shard("whole", "2/2", &[]));

    let mut child = Command::new(env!("CARGO_BIN_EXE_deescalate"))
        .current_dir(d)
        .args(shard(
            "killed",
            "2/2",
            &["--threads", "1", "--checkpoint-seconds", "0"],
        ))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let checkpoint = checkpoint_of(d, "killed");
    child.kill().unwrap();
    child.wait().unwrap();
    let done = trials_done(&checkpoint);
    assert!(done > 0 && done < 3000, "{done}");
    // Shard 1's trials are not shard 2's: refused, kept.
    let err = fails_with_2(d, &shard("killed", "1/2", &["--resume"]));
    assert!(err.contains("same --shard"), "{err}");
    run_ok(d, &shard("killed", "2/2", &["--resume"]));
    assert_same_files(&d.join("whole"), &d.join("killed"), &["trials.csv"]);
    let stats = |out: &str| {
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(d.join(out).join("partial.json")).unwrap())
                .unwrap();
        (json["arms"].clone(), json["statistics_sha256"].clone())
    };
    assert_eq!(stats("whole"), stats("killed"));
    assert!(staging_left(d).is_empty(), "{:?}", staging_left(d));
}
