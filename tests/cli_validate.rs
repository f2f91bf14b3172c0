//! The command line end to end: exit codes, messages on stderr, listings on stdout.

use std::path::Path;
use std::process::{Command, Output};

fn deescalate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deescalate"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn write_config(dir: &Path, body: &str) -> String {
    let path = dir.join("exp.toml");
    std::fs::write(&path, body).unwrap();
    path.display().to_string()
}

const CONFIG: &str = r#"
name = "two_arms"
trials = 50
horizon_days = 100
seed = 7

[baseline]
label = "Status quo"
pakistan.strike_threshold = 0.37

[scenarios.cbm]
label = "CBM"
measures.confidence_building.enabled = true
"#;

#[test]
fn validate_prints_the_plan_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), CONFIG);
    let out = deescalate(&["validate", &config]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for part in [
        "two_arms",
        "50 per arm",
        "100 days",
        "seed          7",
        "baseline",
        "Status quo",
        "pakistan.strike_threshold = 0.37",
        "measures.confidence_building.enabled = true",
        "2 arms × 50 trials = 100 trials in all, 10000 trial-days",
    ] {
        assert!(stdout.contains(part), "`{part}` missing from:\n{stdout}");
    }
}

#[test]
fn validate_applies_set_trials_and_seed() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), CONFIG);
    let out = deescalate(&[
        "validate",
        &config,
        "--trials",
        "3",
        "--seed",
        "9",
        "--set",
        "pakistan.doctrine=teach_a_lesson",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        stdout.contains("3 per arm") && stdout.contains("seed          9"),
        "{stdout}"
    );
    assert!(
        stdout.contains("pakistan.doctrine = \"teach_a_lesson\""),
        "{stdout}"
    );
}

#[test]
fn config_errors_exit_2_with_one_message() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), CONFIG);
    let out = deescalate(&["validate", &config, "--set", "pakistan.strike_treshold=0.5"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("did you mean pakistan.strike_threshold?"),
        "{stderr}"
    );

    let out = deescalate(&[
        "validate",
        &dir.path().join("missing.toml").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.toml"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(deescalate(&["validate"]).status.code(), Some(2));
    assert_eq!(
        deescalate(&["validate", "x.toml", "--set", "novalue"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        deescalate(&["run", "x.toml", "--trials", "0"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(deescalate(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(deescalate(&["--help"]).status.code(), Some(0));
}

/// Requests too large to carry out are refused at once with the numbers, writing nothing; a
/// pathological key is named in a message of ordinary length.
#[test]
fn oversized_requests_are_refused_with_their_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("x.toml");
    std::fs::write(&config, "name = \"x\"\ntrials = 5\nseed = 1\n").unwrap();
    let out = dir.path().join("out");
    let threads = deescalate(&[
        "run",
        config.to_str().unwrap(),
        "--threads",
        "100000",
        "--out",
        out.to_str().unwrap(),
        "--no-progress",
    ]);
    assert_eq!(threads.status.code(), Some(2));
    let stderr = text(&threads.stderr);
    assert!(
        stderr.contains("100000") && stderr.contains("1 to 1024"),
        "{stderr}"
    );
    assert!(!out.exists());

    let key = "a".repeat(100_000);
    std::fs::write(
        &config,
        format!("name = \"x\"\ntrials = 5\nseed = 1\n[baseline]\n{key} = 1\n"),
    )
    .unwrap();
    let long = deescalate(&["validate", config.to_str().unwrap()]);
    assert_eq!(long.status.code(), Some(2));
    let stderr = text(&long.stderr);
    assert!(
        stderr.contains("is not a parameter") && stderr.len() < 400,
        "{}",
        &stderr[..400.min(stderr.len())]
    );
}

#[test]
fn params_and_metrics_list_as_table_and_csv() {
    let out = deescalate(&["params", "--csv"]);
    assert_eq!(out.status.code(), Some(0));
    let csv = text(&out.stdout);
    assert!(csv.starts_with("key,default,"), "{csv}");
    let spec = model::Params::specs()
        .into_iter()
        .find(|s| s.key == "pakistan.strike_threshold")
        .unwrap();
    let row = format!(
        "pakistan.strike_threshold,{},",
        experiment::spec::to_toml(&spec.default)
    );
    assert!(csv.lines().any(|l| l.starts_with(&row)), "no row {row}");
    let table = text(&deescalate(&["params"]).stdout);
    assert!(table.starts_with("KEY "));
    let metrics = text(&deescalate(&["metrics", "--csv"]).stdout);
    assert!(metrics.starts_with("name,unit,kind,better,definition"));
    assert!(metrics.lines().any(|l| l.starts_with("open_war,")));
}

const DESIGN: &str = r#"
name = "designs"
trials = 20
horizon_days = 60
seed = 7
effects_baseline = "baseline"

[baseline]
label = "Status quo"

[scenarios.mediation]
label = "Mediation"
measures.mediation.enabled = true

[sweep]
arms = ["mediation"]
"pakistan.doctrine" = ["strategic_patience", "teach_a_lesson"]
"measures.mediation.intensity" = { from = 0.2, to = 0.8, steps = 3 }
"#;

#[test]
fn validate_prints_design_points_and_total_trials() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), DESIGN);
    let out = deescalate(&["validate", &config]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for part in [
        "design points 6 (sweep 6); 2 named arms + 6 design arms",
        "mediation.p001",
        "Mediation · pakistan.doctrine=strategic_patience, measures.mediation.intensity=0.2",
        "8 arms × 20 trials = 160 trials in all",
    ] {
        assert!(stdout.contains(part), "`{part}` missing from:\n{stdout}");
    }
    // A large design is summarised after the first 100 arms.
    let large = write_config(dir.path(), &DESIGN.replace("steps = 3", "steps = 150"));
    let listing = text(&deescalate(&["validate", &large]).stdout);
    assert!(
        listing.contains("… and 202 more arms, to mediation.p300"),
        "{listing}"
    );
    let larger = write_config(dir.path(), &DESIGN.replace("steps = 3", "steps = 5000"));
    let longer = text(&deescalate(&["validate", &larger]).stdout);
    assert!(longer.contains("… and 9902 more arms"), "{longer}");
    assert_eq!(
        longer.lines().count(),
        listing.lines().count(),
        "the listing does not grow with the design"
    );
    let bad = write_config(
        dir.path(),
        &DESIGN.replace("steps = 3", "steps = 3, step = 1"),
    );
    let out = deescalate(&["validate", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("step"), "{}", text(&out.stderr));
}

#[test]
fn run_writes_scenarios_csv_with_changed_parameters_and_headline_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), DESIGN);
    let out_dir = dir.path().join("out");
    let out = deescalate(&[
        "run",
        &config,
        "--out",
        out_dir.to_str().unwrap(),
        "--no-progress",
        "--precision",
        "open_war=0.9",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("precision: open_war"));
    let csv = std::fs::read_to_string(out_dir.join("scenarios.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        &header[..5],
        [
            "id",
            "label",
            "pakistan.doctrine",
            "measures.mediation.enabled",
            "measures.mediation.intensity"
        ]
    );
    assert_eq!(header[5], "open_war_mean");
    assert_eq!(header.len(), 5 + 3 * 14);
    assert!(header.contains(&"final_militant_strength_ci95_high"));
    assert_eq!(csv.lines().count(), 1 + 8);
    assert!(csv.contains("\nmediation.p006,"));
    assert!(csv.contains(",teach_a_lesson,true,0.8,"));
}

#[test]
fn independent_seeds_from_the_flag_or_the_file_give_welch_effects() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), DESIGN);
    let flag_out = dir.path().join("flag");
    let out = deescalate(&[
        "run",
        &config,
        "--out",
        flag_out.to_str().unwrap(),
        "--no-progress",
        "--independent-seeds",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let file = write_config(dir.path(), &format!("pairing = \"independent\"\n{DESIGN}"));
    let file_out = dir.path().join("file");
    let out = deescalate(&[
        "run",
        &file,
        "--out",
        file_out.to_str().unwrap(),
        "--no-progress",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for dir in [&flag_out, &file_out] {
        let effects = std::fs::read_to_string(dir.join("effects.csv")).unwrap();
        assert!(effects.lines().next().unwrap().ends_with(",interval"));
        assert!(effects.lines().skip(1).all(|l| l.ends_with(",welch")));
        let manifest = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
        assert!(
            manifest.contains("\"pairing\": \"independent\""),
            "{manifest}"
        );
    }
}
