//! Morris screening on the real model: a parameter that cannot act (a switched-off measure's)
//! gets exactly zero effects, a parameter known to drive an outcome ranks first on it, and the
//! result does not depend on the thread count.

use deescalate_experiment::analysis::sensitivity::{SensitivityRow, screen};
use deescalate_experiment::run::RunOptions;
use deescalate_experiment::spec::{self, Overrides};
use std::path::Path;

const CONFIG: &str = r#"
name = "morris_test"
trials = 64
horizon_days = 365
seed = 11

[morris]
trajectories = 4
levels = 4
parameters = ["measures.fencing.fencing_added", "pakistan.strike_threshold", "refugees.ties_damping"]
metrics = ["cross_border_strikes", "fatalities", "open_war"]
"#;

fn rows(threads: usize) -> Vec<SensitivityRow> {
    let experiment = spec::parse(CONFIG, Path::new("morris_test.toml"), &Overrides::default())
        .expect("valid config");
    let options = RunOptions {
        threads: Some(threads),
        progress: deescalate_experiment::run::Progress::none(),
        ..RunOptions::default()
    };
    screen(&experiment, &options).expect("screening runs").rows
}

#[test]
fn inert_parameter_has_zero_effect_and_the_strike_threshold_ranks_first_on_strikes() {
    let rows = rows(2);
    assert_eq!(rows.len(), 9);
    for r in rows
        .iter()
        .filter(|r| r.parameter == "measures.fencing.fencing_added")
    {
        assert_eq!(
            (r.mu_star, r.mu, r.sigma, r.noise_se),
            (0.0, 0.0, 0.0, 0.0),
            "{r:?}"
        );
        assert!(!r.above_noise);
    }
    let strikes = rows
        .iter()
        .find(|r| r.metric == "cross_border_strikes" && r.rank == 1)
        .unwrap();
    assert_eq!(strikes.parameter, "pakistan.strike_threshold");
    assert!(strikes.above_noise && strikes.mu < 0.0, "{strikes:?}");
}

#[test]
fn screening_is_identical_on_one_and_two_threads() {
    assert_eq!(rows(1), rows(2));
}
