//! Experiment-file tests: settings, arms, overrides and every kind of error.

use super::*;
use resolved::Form;
use std::path::PathBuf;

const VALID: &str = r#"
name = "compare_measures"
description = "Baseline and two measures"
trials = 200
horizon_days = 365
seed = 20251018

[baseline]
label = "Status quo"
pakistan.doctrine = "teach_a_lesson"
pakistan.strike_threshold = 0.4

[scenarios.cbm]
label = "Confidence-building measures"
measures.confidence_building.enabled = true
measures.confidence_building.intensity = 0.6

[scenarios.patience]
pakistan.doctrine = "strategic_patience"
measures.strategic_patience.enabled = true
measures.strategic_patience.start_day = 30
"#;

/// Writes `text` to `<tmp>/x.toml` and loads it.
pub(crate) fn load_text(
    text: &str,
    overrides: &Overrides,
) -> (tempfile::TempDir, PathBuf, Result<Experiment, ConfigError>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.toml");
    std::fs::write(&path, text).unwrap();
    let result = load(&path, overrides);
    (dir, path, result)
}

/// Loads `text` with the `--set` arguments and returns the error message, checking that it
/// names the file and is one paragraph.
pub(crate) fn error_of(text: &str, sets: &[&str]) -> (ConfigError, String) {
    let mut overrides = Overrides::none();
    for s in sets {
        overrides = overrides.with_set(s).unwrap();
    }
    let (_dir, path, result) = load_text(text, &overrides);
    let err = result.expect_err("the file should be rejected");
    let msg = err.to_string();
    assert!(
        msg.contains(&path.display().to_string()),
        "names the file: {msg}"
    );
    assert!(!msg.contains('\n'), "one paragraph: {msg}");
    assert_eq!(err.file(), path);
    (err, msg)
}

pub(crate) fn assert_contains(msg: &str, parts: &[&str]) {
    for part in parts {
        assert!(msg.contains(part), "`{part}` missing from: {msg}");
    }
}

fn with_baseline(lines: &str) -> String {
    format!("name = \"x\"\ntrials = 10\nseed = 1\n\n[baseline]\n{lines}\n")
}

fn override_of<'a>(arm: &'a Arm, key: &str) -> Option<&'a toml::Value> {
    arm.overrides.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

#[test]
fn valid_file_gives_baseline_then_scenarios_in_file_order() {
    let (_dir, path, result) = load_text(VALID, &Overrides::none());
    let exp = result.unwrap();
    assert_eq!(exp.source, path);
    assert_eq!(exp.name, "compare_measures");
    assert_eq!(exp.description, "Baseline and two measures");
    assert_eq!(
        (exp.trials, exp.horizon_days, exp.seed),
        (200, 365, 20251018)
    );
    assert_eq!(exp.output_dir, PathBuf::from("results"));
    assert!(!exp.write_trials);
    let ids: Vec<_> = exp.arms().map(|a| a.id.clone()).collect();
    assert_eq!(ids, ["baseline", "cbm", "patience"]);
    let labels: Vec<_> = exp.arms().map(|a| a.label.clone()).collect();
    assert_eq!(
        labels,
        ["Status quo", "Confidence-building measures", "patience"]
    );
    assert_eq!(exp.total_trials(), 600);
    assert_eq!(exp.trial_days(), 600 * 365);
    assert_eq!(
        exp.output_dir.join(&exp.name),
        PathBuf::from("results/compare_measures")
    );
}

#[test]
fn scenarios_inherit_the_baseline_and_apply_their_own_overrides() {
    use model::params::Doctrine;
    let (_dir, _path, result) = load_text(VALID, &Overrides::none());
    let exp = result.unwrap();
    let defaults = Params::default();
    let arms: Vec<Arm> = exp.arms().map(|a| a.into_owned()).collect();
    let [base, cbm, patience] = &arms[..] else {
        panic!("three arms")
    };

    assert_eq!(base.params.pakistan.doctrine, Doctrine::TeachALesson);
    assert_eq!(base.params.pakistan.strike_threshold, 0.4);
    assert_eq!(base.params.measures, defaults.measures);

    // cbm inherits the baseline and adds its measure.
    assert_eq!(cbm.params.pakistan.doctrine, Doctrine::TeachALesson);
    assert_eq!(cbm.params.pakistan.strike_threshold, 0.4);
    assert!(cbm.params.measures.confidence_building.enabled);
    assert_eq!(cbm.params.measures.confidence_building.intensity, 0.6);
    assert!(!cbm.params.measures.strategic_patience.enabled);

    // patience overrides the baseline's doctrine, keeps its threshold.
    assert_eq!(
        patience.params.pakistan.doctrine,
        Doctrine::StrategicPatience
    );
    assert_eq!(patience.params.pakistan.strike_threshold, 0.4);
    assert_eq!(patience.params.measures.strategic_patience.start_day, 30);
    assert!(!patience.params.measures.confidence_building.enabled);

    // Overrides: what differs from the defaults, inherited ones included.
    let keys = |a: &Arm| {
        a.overrides
            .iter()
            .map(|(k, _)| k.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        keys(base),
        ["pakistan.doctrine", "pakistan.strike_threshold"]
    );
    assert_eq!(
        keys(cbm),
        [
            "pakistan.doctrine",
            "pakistan.strike_threshold",
            "measures.confidence_building.enabled",
            "measures.confidence_building.intensity"
        ]
    );
    assert_eq!(
        override_of(patience, "pakistan.doctrine"),
        Some(&toml::Value::from("strategic_patience"))
    );
    assert_eq!(
        override_of(patience, "measures.strategic_patience.start_day"),
        Some(&toml::Value::Integer(30))
    );
}

/// The resolved experiment as written, read back as a table.
pub(crate) fn resolved_table(exp: &Experiment, form: Form) -> toml::Table {
    toml::Table::try_from(exp.resolved(form)).expect("the resolved experiment serialises")
}

#[test]
fn resolved_table_lists_settings_and_complete_parameters_per_arm() {
    let (_dir, _path, result) = load_text(VALID, &Overrides::none());
    let exp = result.unwrap();
    let r = &resolved_table(&exp, Form::Full);
    assert_eq!(r["name"].as_str(), Some("compare_measures"));
    assert_eq!(r["trials"].as_integer(), Some(200));
    assert_eq!(r["seed"].as_integer(), Some(20251018));
    let arms = r["arms"].as_array().unwrap();
    assert_eq!(arms.len(), 3);
    assert_eq!(arms[1]["id"].as_str(), Some("cbm"));
    assert_eq!(
        arms[1]["label"].as_str(),
        Some("Confidence-building measures")
    );
    let params = arms[1]["params"].clone();
    let back: Params = params.try_into().unwrap();
    assert_eq!(back, exp.arm(1).params);
    // It serialises (the manifest writes it).
    assert!(toml::to_string(r).unwrap().contains("compare_measures"));
}

/// The manifest's form stores the baseline's parameters once and each arm's differences, from
/// which every arm's complete parameters are rebuilt exactly.
#[test]
fn compact_resolved_table_rebuilds_every_arm_from_the_baseline_and_its_differences() {
    let (_dir, _path, result) = load_text(VALID, &Overrides::none());
    let exp = result.unwrap();
    let r = resolved_table(&exp, Form::Compact);
    let base = r["baseline_params"].as_table().unwrap();
    let arms = r["arms"].as_array().unwrap();
    assert_eq!(arms.len(), exp.arm_count());
    for (stored, arm) in arms.iter().zip(exp.arms()) {
        assert!(
            stored.get("params").is_none(),
            "no complete parameters per arm"
        );
        let differing = stored["params_differing_from_baseline"].as_table().unwrap();
        let mut rebuilt = base.clone();
        for (key, value) in differing {
            tree::set_key(&mut rebuilt, key, value.clone()).unwrap();
        }
        let back: Params = toml::Value::Table(rebuilt).try_into().unwrap();
        assert_eq!(back, arm.params, "{}", arm.id);
    }
    let cbm = arms[1]["params_differing_from_baseline"]
        .as_table()
        .unwrap();
    assert_eq!(
        cbm.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "measures.confidence_building.enabled",
            "measures.confidence_building.intensity"
        ]
    );
}

#[test]
fn nested_tables_and_dotted_keys_are_equivalent() {
    let dotted = with_baseline(
        "pakistan.strike_threshold = 0.5\nmeasures.fencing.enabled = true\nmeasures.fencing.intensity = 1",
    );
    let nested = "name = \"x\"\ntrials = 10\nseed = 1\n\n[baseline.pakistan]\nstrike_threshold = 0.5\n\n\
                  [baseline.measures.fencing]\nenabled = true\nintensity = 1.0\n";
    let inline = "name = \"x\"\ntrials = 10\nseed = 1\nbaseline = { pakistan = { strike_threshold = 0.5 }, \
                  measures = { fencing = { enabled = true, intensity = 1.0 } } }\n";
    let a = load_text(&dotted, &Overrides::none()).2.unwrap();
    let b = load_text(nested, &Overrides::none()).2.unwrap();
    let c = load_text(inline, &Overrides::none()).2.unwrap();
    assert_eq!(a.arm(0).params, b.arm(0).params);
    assert_eq!(a.arm(0).params, c.arm(0).params);
    assert_eq!(a.arm(0).overrides, b.arm(0).overrides);
    // The integer 1 for a real parameter is taken as 1.0.
    assert_eq!(
        override_of(&a.arm(0), "measures.fencing.intensity"),
        Some(&toml::Value::Float(1.0))
    );
}

#[test]
fn defaults_apply_when_optional_settings_are_absent() {
    let exp = load_text("name = \"x-1\"\ntrials = 1\nseed = 0\n", &Overrides::none())
        .2
        .unwrap();
    assert_eq!(exp.horizon_days, 365);
    assert_eq!(exp.arm_count(), 1);
    assert_eq!(exp.arm(0).id, "baseline");
    assert_eq!(exp.arm(0).params, Params::default());
    assert!(exp.arm(0).overrides.is_empty());
}

#[test]
fn set_overrides_route_to_settings_or_baseline_parameters() {
    let overrides = Overrides {
        trials: Some(7),
        seed: Some(u64::MAX),
        ..Overrides::none()
    }
    .with_set("pakistan.strike_threshold=0.55")
    .unwrap()
    .with_set("scenarios.cbm.measures.confidence_building.intensity=1")
    .unwrap()
    .with_set("scenarios.new.label=\"New arm\"")
    .unwrap()
    .with_set("name=2025")
    .unwrap()
    .with_set("pakistan.doctrine=proportional")
    .unwrap()
    .with_set("write_trials=true")
    .unwrap();
    let exp = load_text(VALID, &overrides).2.unwrap();
    assert_eq!(exp.name, "2025");
    assert_eq!((exp.trials, exp.seed), (7, u64::MAX));
    assert!(exp.write_trials);
    assert_eq!(
        resolved_table(&exp, Form::Full)["seed"].as_str(),
        Some("18446744073709551615")
    );
    let ids: Vec<_> = exp.arms().map(|a| a.id.clone()).collect();
    assert_eq!(ids, ["baseline", "cbm", "patience", "new"]);
    for arm in exp.arms() {
        assert_eq!(arm.params.pakistan.strike_threshold, 0.55, "{}", arm.id);
    }
    assert_eq!(
        exp.arm(0).params.pakistan.doctrine,
        model::params::Doctrine::Proportional
    );
    assert_eq!(
        exp.arm(1).params.measures.confidence_building.intensity,
        1.0
    );
    assert_eq!(exp.arm(3).label, "New arm");
}

#[test]
fn unknown_top_level_key_is_an_error_with_a_suggestion() {
    let (err, msg) = error_of("name = \"x\"\ntrails = 10\nseed = 1\n", &[]);
    assert!(matches!(err, ConfigError::UnknownKey { .. }));
    assert_contains(
        &msg,
        &[
            "trails = 10",
            "is not an experiment setting",
            "did you mean trials?",
            "horizon_days",
        ],
    );
}

#[test]
fn parameter_at_the_top_level_points_to_the_baseline() {
    let (_, msg) = error_of(
        "name = \"x\"\ntrials = 10\nseed = 1\npakistan.doctrine = \"proportional\"\n",
        &[],
    );
    assert_contains(
        &msg,
        &[
            "pakistan.doctrine = \"proportional\"",
            "baseline.pakistan.doctrine",
        ],
    );
}

#[test]
fn unknown_parameter_suggests_the_closest_key() {
    let text = format!("{VALID}\n[scenarios.typo]\npakistan.strike_treshold = 0.5\n");
    let (err, msg) = error_of(&text, &[]);
    assert!(matches!(err, ConfigError::UnknownKey { .. }));
    assert_contains(
        &msg,
        &[
            "scenarios.typo.pakistan.strike_treshold = 0.5",
            "is not a parameter",
            "did you mean scenarios.typo.pakistan.strike_threshold?",
            "deescalate params",
        ],
    );
    // A misspelt section is reported at the key the user meant to set.
    let (_, msg) = error_of(
        &with_baseline("[baseline.pakstan]\nstrike_threshold = 0.5"),
        &[],
    );
    assert_contains(
        &msg,
        &[
            "baseline.pakstan.strike_threshold = 0.5",
            "did you mean baseline.pakistan.strike_threshold?",
        ],
    );
    // The right name in the wrong section.
    let (_, msg) = error_of(&with_baseline("pakistan.crackdown_capacity = 0.5"), &[]);
    assert_contains(
        &msg,
        &["did you mean baseline.afghanistan.crackdown_capacity?"],
    );
}

#[test]
fn wrong_type_is_an_error() {
    let (err, msg) = error_of(&with_baseline("measures.fencing.enabled = \"yes\""), &[]);
    assert!(matches!(err, ConfigError::WrongType { .. }));
    assert_contains(
        &msg,
        &[
            "baseline.measures.fencing.enabled = \"yes\"",
            "wrong type",
            "allowed is true or false",
        ],
    );

    let (_, msg) = error_of(&with_baseline("pakistan.strike_window_days = 2.5"), &[]);
    assert_contains(
        &msg,
        &[
            "baseline.pakistan.strike_window_days = 2.5",
            "a whole number from 1 to 60",
        ],
    );

    let (_, msg) = error_of(&with_baseline("pakistan = 3"), &[]);
    assert_contains(&msg, &["baseline.pakistan = 3", "a table of parameters"]);

    let (_, msg) = error_of("name = \"x\"\ntrials = \"many\"\nseed = 1\n", &[]);
    assert_contains(
        &msg,
        &[
            "trials = \"many\"",
            "wrong type",
            "a whole number of at least 1",
        ],
    );
}

#[test]
fn probability_above_one_is_out_of_range() {
    let text =
        format!("{VALID}\n[scenarios.strong]\nmeasures.confidence_building.intensity = 1.5\n");
    let (err, msg) = error_of(&text, &[]);
    assert!(matches!(err, ConfigError::OutOfRange { .. }));
    assert!(
        msg.ends_with(
            "x.toml: scenarios.strong.measures.confidence_building.intensity = 1.5 is out of range: \
             allowed is a number from 0 to 1."
        ),
        "{msg}"
    );
    let (_, msg) = error_of(
        &with_baseline("militants.other_group_attribution = nan"),
        &[],
    );
    assert_contains(
        &msg,
        &[
            "baseline.militants.other_group_attribution = nan",
            "out of range",
        ],
    );
}

#[test]
fn negative_count_is_out_of_range() {
    let (err, msg) = error_of(&with_baseline("militants.initial_cells = -5"), &[]);
    assert!(matches!(err, ConfigError::OutOfRange { .. }));
    assert_contains(
        &msg,
        &[
            "baseline.militants.initial_cells = -5",
            "out of range",
            "a whole number from 1 to 400",
        ],
    );
    let (_, msg) = error_of("name = \"x\"\ntrials = -1\nseed = 1\n", &[]);
    assert_contains(&msg, &["trials = -1", "out of range", "at least 1"]);
    let (_, msg) = error_of("name = \"x\"\ntrials = 1\nseed = -1\n", &[]);
    assert_contains(
        &msg,
        &["seed = -1", "out of range", "a whole number from 0 to"],
    );
}

#[test]
fn choice_outside_its_options_is_not_allowed() {
    let (err, msg) = error_of(&with_baseline("pakistan.doctrine = \"nice\""), &[]);
    assert!(matches!(err, ConfigError::NotAllowed { .. }));
    assert_contains(
        &msg,
        &[
            "baseline.pakistan.doctrine = \"nice\"",
            "one of strategic_patience, proportional, teach_a_lesson",
        ],
    );
}

#[test]
fn start_day_past_the_horizon_is_an_error() {
    let text = "name = \"x\"\ntrials = 10\nseed = 1\nhorizon_days = 100\n\n[scenarios.late]\n\
                measures.verification.enabled = true\nmeasures.verification.start_day = 150\n";
    let (err, msg) = error_of(text, &[]);
    assert!(matches!(err, ConfigError::PastHorizon { .. }));
    assert_contains(
        &msg,
        &[
            "scenarios.late.measures.verification.start_day = 150",
            "past the horizon",
            "a whole number from 0 to 100",
        ],
    );
    // The same start day is fine with a longer horizon.
    assert!(
        load_text(&text.replace("100", "200"), &Overrides::none())
            .2
            .is_ok()
    );
}

#[test]
fn target_shares_must_sum_to_one() {
    let (err, msg) = error_of(
        &format!("{VALID}\n[scenarios.cities]\nmilitants.target_city = 0.2\n"),
        &[],
    );
    assert!(matches!(err, ConfigError::SharesSum { .. }));
    assert_contains(
        &msg,
        &[
            "scenarios.cities.militants.target_*",
            "target_city = 0.2",
            "sum to 1",
        ],
    );
    // Shifting share between targets keeps the sum.
    let ok = with_baseline("militants.target_city = 0.1984\nmilitants.target_checkpoint = 0.35");
    assert!(load_text(&ok, &Overrides::none()).2.is_ok());
}

#[test]
fn bad_toml_reports_line_and_column() {
    let (err, msg) = error_of("name = \"x\"\ntrials = 10\nseed = = 1\n", &[]);
    assert!(
        matches!(err, ConfigError::Syntax { line: 3, .. }),
        "{err:?}"
    );
    assert_contains(&msg, &["invalid TOML at line 3, column"]);
    // A key set twice (dotted and nested) is a TOML error too.
    let (_, msg) = error_of(
        &with_baseline("pakistan.anger_decay = 0.1\n[baseline.pakistan]\nanger_decay = 0.2"),
        &[],
    );
    assert_contains(&msg, &["invalid TOML at line"]);
}

#[test]
fn missing_file_names_the_path_and_the_os_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.toml");
    let err = load(&path, &Overrides::none()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ConfigError::Read { .. }));
    let os = std::io::Error::from(std::io::ErrorKind::NotFound)
        .kind()
        .to_string();
    assert_contains(&msg, &[&path.display().to_string(), "cannot read"]);
    assert!(
        msg.to_lowercase().contains(&os.to_lowercase()) || msg.contains("os error 2"),
        "{msg}"
    );
}

#[test]
fn missing_required_settings_are_errors() {
    let (err, msg) = error_of("name = \"x\"\ntrials = 10\n", &[]);
    assert!(matches!(err, ConfigError::Missing { .. }));
    assert_contains(&msg, &["seed is missing", "a whole number from 0"]);
    let (_, msg) = error_of("trials = 10\nseed = 1\n", &[]);
    assert_contains(&msg, &["name is missing"]);
    let (_, msg) = error_of("name = \"my run\"\ntrials = 10\nseed = 1\n", &[]);
    assert_contains(&msg, &["name = \"my run\"", "letters, digits, _ and -"]);
}

#[test]
fn bad_set_key_is_reported_as_set_with_a_suggestion() {
    let (err, msg) = error_of(VALID, &["pakistan.strike_treshold=0.5"]);
    assert!(matches!(err, ConfigError::UnknownKey { .. }));
    assert_contains(
        &msg,
        &[
            "--set pakistan.strike_treshold = 0.5 is not a parameter",
            "did you mean pakistan.strike_threshold?",
        ],
    );
    let (_, msg) = error_of(
        VALID,
        &["scenarios.cbm.measures.confidence_building.intensity=1.5"],
    );
    assert_contains(
        &msg,
        &[
            "--set scenarios.cbm.measures.confidence_building.intensity = 1.5 is out of range",
            "from 0 to 1",
        ],
    );
    let (_, msg) = error_of(VALID, &["horizon_days=0"]);
    assert_contains(
        &msg,
        &["--set horizon_days = 0 is out of range", "from 1 to 36500"],
    );
    let (err, msg) = error_of(VALID, &["trials.x=1"]);
    assert!(matches!(err, ConfigError::BadSet { .. }));
    assert_contains(&msg, &["--set trials.x=1", "trials = 200 is a value"]);
    let (_, msg) = error_of(VALID, &["trails=5"]);
    assert_contains(&msg, &["--set trails = 5 is not a parameter"]);
}

#[test]
fn scenarios_must_be_named_tables() {
    let (_, msg) = error_of(
        "name = \"x\"\ntrials = 1\nseed = 1\n[[scenarios]]\nlabel = \"a\"\n",
        &[],
    );
    assert_contains(&msg, &["scenarios = ", "wrong type", "[scenarios.cbm]"]);
    let (_, msg) = error_of(
        "name = \"x\"\ntrials = 1\nseed = 1\n[scenarios.baseline]\n",
        &[],
    );
    assert_contains(&msg, &["scenarios.baseline", "other than baseline"]);
    let (_, msg) = error_of(
        "name = \"x\"\ntrials = 1\nseed = 1\n[scenarios.\"a b\"]\n",
        &[],
    );
    assert_contains(&msg, &["scenarios.\"a b\""]);
}

/// A seed written as text is taken only where TOML's integers end; a name is short enough
/// for every folder a job writes.
#[test]
fn quoted_seeds_and_long_names_are_refused() {
    let text = VALID.replace("seed = 20251018", "seed = \"20251018\"");
    let (err, msg) = error_of(&text, &[]);
    assert!(matches!(err, ConfigError::NotAllowed { .. }), "{msg}");
    assert_contains(
        &msg,
        &["seed = \"20251018\"", "as a number, without quotes"],
    );
    let (_, msg) = error_of(VALID, &["seed=\"7\""]);
    assert_contains(&msg, &["--set seed", "without quotes"]);
    let (_, msg) = error_of(
        &format!(
            "{VALID}\n[latin_hypercube]\npoints = 2\nseed = \"3\"\n\"pakistan.anger_decay\" = {{}}\n"
        ),
        &[],
    );
    assert_contains(&msg, &["latin_hypercube.seed", "without quotes"]);
    let (_, _, ok) = load_text(
        &VALID.replace("seed = 20251018", "seed = \"18446744073709551615\""),
        &Overrides::none(),
    );
    assert_eq!(ok.expect("a seed above i64::MAX as text").seed, u64::MAX);

    let long = "n".repeat(161);
    let (_, msg) = error_of(VALID, &[&format!("name={long}")]);
    assert_contains(&msg, &["at most 160"]);
    let (_, _, ok) = load_text(
        VALID,
        &Overrides::none()
            .with_set(&format!("name={}", "n".repeat(160)))
            .unwrap(),
    );
    assert!(ok.is_ok(), "160 characters are allowed");
}
