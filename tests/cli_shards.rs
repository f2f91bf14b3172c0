//! End-to-end tests of `run --shard K/N` and `merge`: shards merged in any order give the
//! single run's CSV files byte for byte; parts that do not fit together, bad --shard values and
//! sharded precision runs exit 2 with a message saying what is wrong, and write nothing.

mod common;

use common::{DESIGN_TABLES, assert_same_files};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Several named arms, a sweep over one of them (so robustness.csv and discovery.csv are
/// written), trials.csv, and a trial count that three shards split unevenly (23, 23, 24).
const SWEPT: &str = r#"
name = "swept"
trials = 70
horizon_days = 60
seed = 11
write_trials = true

[baseline]
label = "Status quo"

[scenarios.channel]
label = "Standing channel"
measures.standing_channel.enabled = true

[scenarios.mediation]
label = "Mediation, \"early\""
measures.mediation.enabled = true

[sweep]
arms = ["mediation"]
"measures.mediation.intensity" = [0.3, 0.9]
"pakistan.doctrine" = ["strategic_patience", "teach_a_lesson"]
"#;

const CSV_FILES: [&str; 7] = [
    "summary.csv",
    "effects.csv",
    "scenarios.csv",
    "timeseries.csv",
    "trials.csv",
    "robustness.csv",
    "discovery.csv",
];

fn deescalate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deescalate"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn run_ok(args: &[&str]) -> String {
    let out = deescalate(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `args` expecting exit code 2 and returns stderr.
fn fails_with_2(args: &[&str]) -> String {
    let out = deescalate(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    stderr
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

struct Setup {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Setup {
    fn new(text: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("swept.toml");
        fs::write(&config, text).unwrap();
        Setup { dir, config }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs the whole experiment into `name`.
    fn whole(&self, name: &str, extra: &[&str]) -> PathBuf {
        let out = self.path(name);
        let mut args = vec!["run", s(&self.config), "--out", s(&out), "--no-progress"];
        args.extend_from_slice(extra);
        run_ok(&args);
        out
    }

    /// Runs shard `shard` into `name`.
    fn shard(&self, shard: &str, name: &str, extra: &[&str]) -> PathBuf {
        let out = self.path(name);
        let mut args = vec![
            "run",
            s(&self.config),
            "--shard",
            shard,
            "--out",
            s(&out),
            "--no-progress",
        ];
        args.extend_from_slice(extra);
        let stdout = run_ok(&args);
        assert!(stdout.contains(&format!("shard {shard}")), "{stdout}");
        out
    }

    /// Runs all `n` shards into `<prefix>1` … `<prefix>n`.
    fn shards(&self, n: u64, prefix: &str, extra: &[&str]) -> Vec<PathBuf> {
        (1..=n)
            .map(|k| self.shard(&format!("{k}/{n}"), &format!("{prefix}{k}"), extra))
            .collect()
    }

    fn merge(&self, parts: &[PathBuf], name: &str) -> PathBuf {
        let out = self.path(name);
        let mut args = vec!["merge"];
        args.extend(parts.iter().map(|p| s(p)));
        args.extend(["--out", s(&out)]);
        let stdout = run_ok(&args);
        assert!(stdout.contains(&format!("merged {} shards", parts.len())));
        out
    }

    /// `merge parts --out <fresh folder>`, expecting exit 2 and no folder; returns stderr.
    fn merge_fails(&self, parts: &[&Path]) -> String {
        let out = self.path("never");
        let mut args = vec!["merge"];
        args.extend(parts.iter().map(|p| s(p)));
        args.extend(["--out", s(&out)]);
        let stderr = fails_with_2(&args);
        assert!(!out.exists(), "no output folder after a refused merge");
        stderr
    }
}

#[test]
fn three_shards_merged_in_any_order_equal_the_single_run() {
    let setup = Setup::new(SWEPT);
    let whole = setup.whole("whole", &[]);
    let parts = setup.shards(3, "part", &["--threads", "1"]);
    for (part, rows) in parts.iter().zip([23, 23, 24]) {
        let trials = fs::read_to_string(part.join("trials.csv")).unwrap();
        assert_eq!(trials.lines().count(), 1 + rows * 7, "7 arms × its trials");
        assert!(part.join("partial.json").is_file());
        assert!(
            !part.join("summary.csv").exists(),
            "a shard writes no tables"
        );
    }
    let merged = setup.merge(&parts, "merged");
    assert_same_files(&whole, &merged, &CSV_FILES);

    // Parts in reverse order, one named by its partial.json: the same bytes.
    let reversed = vec![
        parts[2].join("partial.json"),
        parts[1].clone(),
        parts[0].clone(),
    ];
    let merged_again = setup.merge(&reversed, "merged_reversed");
    assert_same_files(&merged, &merged_again, &CSV_FILES);

    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(merged.join("manifest.json")).unwrap()).unwrap();
    let from = manifest["merged_from"].as_array().expect("merged_from");
    let shards: Vec<&str> = from.iter().map(|p| p["shard"].as_str().unwrap()).collect();
    assert_eq!(shards, ["1/3", "2/3", "3/3"]);
    assert_eq!(from[1]["trial_start"], 23);
    assert_eq!(manifest["trials_per_arm"], 70);
    let files: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    for file in CSV_FILES {
        assert!(files.contains(&file), "manifest lists {file}");
    }
}

/// A run of design points streams them part by part (a part's rows go to per-arm spools as
/// it finishes); merged shards hold every arm at once. Both write the same bytes, here with the
/// points of seven arms split over several parts, and the streamed folder holds only its files.
#[test]
fn a_streamed_design_run_equals_its_merged_shards() {
    let text = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/configs/robustness.toml"
    ))
    .unwrap();
    let setup = Setup::new(&text);
    let small = ["--trials", "3", "--set", "latin_hypercube.points=40"];
    let whole = setup.whole("whole", &small);
    let parts = setup.shards(2, "part", &small);
    let merged = setup.merge(&parts, "merged");
    let files = DESIGN_TABLES;
    assert_same_files(&whole, &merged, &files);
    let mut names: Vec<String> = fs::read_dir(&whole)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<&str> = files.to_vec();
    expected.push("manifest.json");
    expected.sort();
    assert_eq!(names, expected, "no spool left behind");

    // Independent seeds: each arm keeps the seed of its place in the whole experiment.
    let independent = [&small[..], &["--independent-seeds"]].concat();
    let whole = setup.whole("whole_independent", &independent);
    let parts = setup.shards(2, "part_independent", &independent);
    let merged = setup.merge(&parts, "merged_independent");
    assert_same_files(&whole, &merged, &files);
}

#[test]
fn more_shards_than_trials_and_independent_seeds_merge_exactly() {
    let setup = Setup::new(&SWEPT.replace("trials = 70", "trials = 3"));
    let whole = setup.whole("whole", &["--independent-seeds"]);
    let parts = setup.shards(5, "part", &["--independent-seeds"]);
    let empty = fs::read_to_string(parts[0].join("trials.csv")).unwrap();
    assert_eq!(empty.lines().count(), 1, "shard 1/5 of 3 trials is empty");
    let merged = setup.merge(&parts, "merged");
    assert_same_files(&whole, &merged, &CSV_FILES);
    let effects = fs::read_to_string(merged.join("effects.csv")).unwrap();
    assert!(effects.lines().nth(1).unwrap().ends_with(",welch"));

    // Common-pairing shards are another experiment.
    let common = setup.shard("2/5", "common2", &[]);
    let stderr = setup.merge_fails(&[&parts[0], &common, &parts[2], &parts[3], &parts[4]]);
    assert!(stderr.contains("different experiments"), "{stderr}");
}

#[test]
fn parts_that_do_not_fit_together_are_refused_naming_them() {
    let setup = Setup::new(SWEPT);
    let parts = setup.shards(3, "part", &[]);
    let [p1, p2, p3] = [&parts[0], &parts[1], &parts[2]].map(|p| p.as_path());

    let missing = setup.merge_fails(&[p3, p1]);
    assert!(
        missing.contains("1 of 3 shards missing: 2/3 (trials 23..46)"),
        "{missing}"
    );

    let duplicate = setup.merge_fails(&[p1, p2, p2, p3]);
    assert!(
        duplicate.contains("shard 2/3 is given more than once") && duplicate.contains("part2"),
        "{duplicate}"
    );

    let other_seed = setup.shard("2/3", "seed12", &["--seed", "12"]);
    let mixed = setup.merge_fails(&[p1, &other_seed, p3]);
    assert!(mixed.contains("different experiments"), "{mixed}");
    assert!(
        mixed.contains("seed 12") && mixed.contains("seed 11") && mixed.contains("seed12"),
        "the message shows each experiment and its parts: {mixed}"
    );

    let other_split = setup.shard("2/4", "split4", &[]);
    let split = setup.merge_fails(&[p1, &other_split, p3]);
    assert!(
        split.contains("different splits") && split.contains("split into 4"),
        "{split}"
    );

    let without_rows = setup.shard("2/3", "norows", &["--set", "write_trials=false"]);
    let rows = setup.merge_fails(&[p1, &without_rows, p3]);
    assert!(rows.contains("some parts have trials.csv"), "{rows}");

    let nowhere = setup.path("no_such_part");
    let unreadable = setup.merge_fails(&[p1, &nowhere, p3]);
    assert!(
        unreadable.contains("no_such_part") && unreadable.contains("cannot read"),
        "{unreadable}"
    );
}

#[test]
fn damaged_parts_are_refused_and_nothing_is_written() {
    let setup = Setup::new(SWEPT);
    let parts = setup.shards(2, "part", &[]);
    let copy = |name: &str| {
        let dir = setup.path(name);
        fs::create_dir(&dir).unwrap();
        for file in ["partial.json", "trials.csv"] {
            fs::copy(parts[1].join(file), dir.join(file)).unwrap();
        }
        dir
    };

    let truncated = copy("truncated");
    let json = fs::read(truncated.join("partial.json")).unwrap();
    fs::write(truncated.join("partial.json"), &json[..json.len() / 2]).unwrap();
    let stderr = setup.merge_fails(&[&parts[0], &truncated]);
    assert!(
        stderr.contains("truncated") && stderr.contains("not a valid deescalate partial result"),
        "{stderr}"
    );

    let edited_rows = copy("edited_rows");
    let csv = fs::read_to_string(edited_rows.join("trials.csv")).unwrap();
    fs::write(
        edited_rows.join("trials.csv"),
        csv.replacen(",0,", ",1,", 1),
    )
    .unwrap();
    let stderr = setup.merge_fails(&[&parts[0], &edited_rows]);
    assert!(
        stderr.contains("edited_rows") && stderr.contains("SHA-256"),
        "{stderr}"
    );

    let future = copy("future");
    let text = fs::read_to_string(future.join("partial.json")).unwrap();
    let version = format!(
        "\"format_version\":{}",
        text.split("\"format_version\":")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
    );
    let text = text.replacen(&version, "\"format_version\":99", 1);
    fs::write(future.join("partial.json"), text).unwrap();
    let stderr = setup.merge_fails(&[&parts[0], &future]);
    assert!(stderr.contains("partial format version 99"), "{stderr}");

    // A count changed in the statistics, and a header (shard identity) copied onto another
    // shard's statistics: neither matches the recorded digest.
    let recount = copy("recount");
    let text = fs::read_to_string(recount.join("partial.json")).unwrap();
    let at = text.find("\"n\":").unwrap() + 4;
    let digits = text[at..].find(|c: char| !c.is_ascii_digit()).unwrap();
    let n: u64 = text[at..at + digits].parse().unwrap();
    let text = format!("{}{}{}", &text[..at], n + 1, &text[at + digits..]);
    fs::write(recount.join("partial.json"), text).unwrap();
    let stderr = setup.merge_fails(&[&parts[0], &recount]);
    assert!(
        stderr.contains("recount") && stderr.contains("SHA-256"),
        "{stderr}"
    );

    let relabelled = copy("relabelled");
    let text = fs::read_to_string(relabelled.join("partial.json")).unwrap();
    let text = text.replacen("\"shard\":2", "\"shard\":1", 1);
    fs::write(relabelled.join("partial.json"), text).unwrap();
    let stderr = setup.merge_fails(&[&parts[1], &relabelled]);
    assert!(
        stderr.contains("relabelled") && stderr.contains("SHA-256"),
        "{stderr}"
    );

    let leftovers: Vec<_> = fs::read_dir(setup.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging folders left: {leftovers:?}"
    );
}

#[test]
fn merge_and_shards_keep_existing_folders_unless_forced() {
    let setup = Setup::new(SWEPT);
    let parts = setup.shards(2, "part", &[]);
    let out = setup.merge(&parts, "merged");
    fs::write(out.join("keep.txt"), "earlier").unwrap();
    let refused = fails_with_2(&["merge", s(&parts[0]), s(&parts[1]), "--out", s(&out)]);
    assert!(refused.contains("--force"), "{refused}");
    assert!(out.join("keep.txt").exists());
    run_ok(&[
        "merge",
        s(&parts[0]),
        s(&parts[1]),
        "--out",
        s(&out),
        "--force",
    ]);
    assert!(out.join("summary.csv").exists() && !out.join("keep.txt").exists());

    let again = fails_with_2(&[
        "run",
        s(&setup.config),
        "--shard",
        "1/2",
        "--out",
        s(&parts[0]),
        "--no-progress",
    ]);
    assert!(
        again.contains("--force"),
        "an existing shard folder is kept: {again}"
    );
}

/// `--force` never replaces a merge's own input, nor a folder this tool did not write.
#[test]
fn forced_merge_keeps_its_inputs_and_foreign_folders() {
    let setup = Setup::new(SWEPT);
    let parts = setup.shards(2, "part", &[]);
    let into_part = fails_with_2(&[
        "merge",
        s(&parts[0]),
        s(&parts[1]),
        "--out",
        s(&parts[1]),
        "--force",
    ]);
    assert!(
        into_part.contains("an input of this command"),
        "{into_part}"
    );
    assert!(parts[1].join("partial.json").is_file());
    let foreign = setup.path("thesis");
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("chapter1.tex"), "keep").unwrap();
    let refused = fails_with_2(&[
        "merge",
        s(&parts[0]),
        s(&parts[1]),
        "--out",
        s(&foreign),
        "--force",
    ]);
    assert!(refused.contains("cannot be replaced"), "{refused}");
    assert!(foreign.join("chapter1.tex").is_file());
}

/// Without --out, merge writes `<output_dir>/<name>` only while the stored output_dir stays
/// inside the current folder: the stored experiment is outside the checksum.
#[test]
fn merge_without_out_stays_inside_the_current_folder() {
    let outside = tempfile::tempdir().unwrap();
    let text = format!(
        "output_dir = {:?}\n{SWEPT}",
        outside.path().join("elsewhere").display().to_string()
    );
    let setup = Setup::new(&text);
    let parts = setup.shards(2, "part", &[]);
    let refused = fails_with_2(&["merge", s(&parts[0]), s(&parts[1])]);
    assert!(refused.contains("outside the current folder"), "{refused}");
    assert!(!outside.path().join("elsewhere").exists());
    run_ok(&[
        "merge",
        s(&parts[0]),
        s(&parts[1]),
        "--out",
        s(&setup.path("chosen")),
    ]);
}

#[test]
fn bad_shard_values_and_sharded_precision_exit_2() {
    let setup = Setup::new(SWEPT);
    let config = s(&setup.config);
    let out = setup.path("never");
    for bad in ["0/4", "5/4", "1/0", "abc", "1/", "2.5/4"] {
        let stderr = fails_with_2(&["run", config, "--shard", bad, "--out", s(&out)]);
        assert!(
            stderr.contains("--shard") && stderr.contains(bad),
            "{stderr}"
        );
    }
    let stderr = fails_with_2(&[
        "run",
        config,
        "--shard",
        "1/2",
        "--precision",
        "open_war=0.05",
        "--out",
        s(&out),
    ]);
    assert!(
        stderr.contains("--shard cannot be used with a precision target (--precision)"),
        "{stderr}"
    );
    let with_section = setup.dir.path().join("precise.toml");
    fs::write(
        &with_section,
        format!("{SWEPT}\n[precision]\nmetric = \"open_war\"\nhalf_width = 0.05\n"),
    )
    .unwrap();
    let stderr = fails_with_2(&["run", s(&with_section), "--shard", "1/2", "--out", s(&out)]);
    assert!(
        stderr.contains("[precision] in") && stderr.contains("precise.toml"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");
}
