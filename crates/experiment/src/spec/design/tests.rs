//! Design tests: [sweep], [latin_hypercube], effects_baseline, pairing, [precision].

use crate::spec::tests::{assert_contains, error_of, load_text};
use crate::spec::{Arm, Experiment, Overrides};

const DESIGN_HEAD: &str = r#"
name = "designs"
trials = 10
seed = 5

[baseline]
label = "Status quo"

[scenarios.mediation]
label = "Mediation"
measures.mediation.enabled = true
"#;

fn design(extra: &str) -> Experiment {
    let text = format!("{DESIGN_HEAD}\n{extra}");
    let (_dir, _path, result) = load_text(&text, &Overrides::none());
    result.expect("valid design")
}

#[test]
fn sweep_grid_size_and_order() {
    let exp = design(
        r#"
[sweep]
"measures.mediation.intensity" = [0.2, 0.5, 0.8]
"pakistan.strike_window_days" = { from = 3, to = 9, steps = 4 }
"#,
    );
    // 2 named arms × (1 + 3 × 4 points).
    assert_eq!(exp.arm_count(), 2 * 13);
    assert_eq!(exp.designs.len(), 1);
    let d = &exp.designs[0];
    assert_eq!(
        (d.section.as_str(), d.tag, d.points.len()),
        ("sweep", 'p', 12)
    );
    assert_eq!(d.arms, ["baseline", "mediation"]);
    assert_eq!(d.arm_id("mediation", 11), "mediation.p012");
    assert_eq!(d.numeric_point(4), [Some(0.5), Some(3.0)]);
    let ids: Vec<String> = exp.arms().map(|a| a.id.clone()).collect();
    assert_eq!(&ids[..3], ["baseline", "baseline.p001", "baseline.p002"]);
    assert_eq!(ids[13], "mediation");
    assert_eq!(ids[25], "mediation.p012");
    // The last parameter varies fastest; Int ranges give whole numbers.
    let point = |i: usize| {
        let a = &*exp.arm(14 + i);
        (
            a.params.measures.mediation.intensity,
            a.params.pakistan.strike_window_days,
        )
    };
    assert_eq!(point(0), (0.2, 3));
    assert_eq!(point(1), (0.2, 5));
    assert_eq!(point(3), (0.2, 9));
    assert_eq!(point(4), (0.5, 3));
    assert_eq!(point(11), (0.8, 9));
    // Design points keep their arm's settings, and labels say what was set.
    assert!(exp.arm(14).params.measures.mediation.enabled);
    assert!(!exp.arm(1).params.measures.mediation.enabled);
    assert_eq!(
        exp.arm(18).label,
        "Mediation · measures.mediation.intensity=0.5, pakistan.strike_window_days=3"
    );
    assert_eq!(exp.total_trials(), 26 * 10);
}

#[test]
fn sweep_arms_choose_the_swept_arms_and_ranges_are_even() {
    let exp = design(
        r#"
[sweep]
arms = ["mediation"]
measures.mediation.intensity = { from = 0.3, to = 0.6, steps = 4 }
"#,
    );
    let ids: Vec<String> = exp.arms().map(|a| a.id.clone()).collect();
    assert_eq!(
        ids,
        [
            "baseline",
            "mediation",
            "mediation.p001",
            "mediation.p002",
            "mediation.p003",
            "mediation.p004"
        ]
    );
    let xs: Vec<f64> = exp
        .arms()
        .skip(2)
        .map(|a| a.params.measures.mediation.intensity)
        .collect();
    assert_eq!(xs, [0.3, 0.4, 0.5, 0.6]);
}

#[test]
fn design_errors_name_file_key_value_and_what_is_allowed() {
    let text = |extra: &str| format!("{DESIGN_HEAD}\n{extra}");
    let (_, msg) = error_of(
        &text("[sweep]\n\"measures.mediation.intensity\" = [0.2, 1.5]\n"),
        &[],
    );
    assert_contains(
        &msg,
        &[
            "sweep.\"measures.mediation.intensity\"",
            "1.5",
            "a number from 0 to 1",
        ],
    );
    let (_, msg) = error_of(
        &text("[sweep]\n\"pakistan.strike_treshold\" = [0.2]\n"),
        &[],
    );
    assert_contains(&msg, &["strike_treshold", "pakistan.strike_threshold"]);
    let (_, msg) = error_of(
        &text("[sweep]\narms = [\"mediaton\"]\n\"measures.mediation.intensity\" = [0.2]\n"),
        &[],
    );
    assert_contains(&msg, &["sweep.arms", "mediaton", "baseline, mediation"]);
    let top = |line: &str| format!("{line}\n{DESIGN_HEAD}");
    let (_, msg) = error_of(&top("effects_baseline = \"nope\""), &[]);
    assert_contains(&msg, &["effects_baseline", "nope", "baseline, mediation"]);
    let (_, msg) = error_of(&top("pairing = \"sometimes\""), &[]);
    assert_contains(&msg, &["pairing", "sometimes", "independent"]);
    let (_, msg) = error_of(
        &text("[latin_hypercube]\npoints = 4\n\"pakistan.doctrine\" = {}\n"),
        &[],
    );
    assert_contains(&msg, &["latin_hypercube", "pakistan.doctrine", "numeric"]);
    let (_, msg) = error_of(
        &text("[precision]\nmetric = \"open_wars\"\nhalf_width = 0.02\n"),
        &[],
    );
    assert_contains(&msg, &["precision.metric", "open_wars", "open_war"]);
}

#[test]
fn effects_baseline_pairing_and_precision_are_read() {
    let text = format!(
        "effects_baseline = \"mediation\"\npairing = \"independent\"\n{DESIGN_HEAD}\n[precision]\nmetric = \"open_war\"\nhalf_width = 0.02\nmax_trials = 500\n"
    );
    let (_dir, _path, result) = load_text(&text, &Overrides::none());
    let exp = result.expect("valid");
    assert_eq!(exp.effects_baseline, 1);
    assert_eq!(exp.pairing, crate::spec::Pairing::Independent);
    let p = exp.precision.expect("precision");
    assert_eq!(
        (p.metric.as_str(), p.half_width, p.max_trials),
        ("open_war", 0.02, 500)
    );
}

#[test]
fn latin_hypercube_has_one_sample_in_each_stratum_of_every_dimension() {
    let n = 37;
    let points = super::hypercube::latin_hypercube(n, 5, 99);
    assert_eq!(points.len(), n as usize);
    for d in 0..5 {
        let mut strata: Vec<u64> = points
            .iter()
            .map(|p| (p[d] * n as f64).floor() as u64)
            .collect();
        strata.sort_unstable();
        assert_eq!(strata, (0..n).collect::<Vec<_>>(), "dimension {d}");
    }
    assert_eq!(
        points,
        super::hypercube::latin_hypercube(n, 5, 99),
        "reproducible"
    );
    assert_ne!(
        points,
        super::hypercube::latin_hypercube(n, 5, 100),
        "seeded"
    );
}

#[test]
fn latin_hypercube_design_maps_strata_onto_the_ranges() {
    let extra = r#"
[latin_hypercube]
points = 8
arms = ["baseline"]
"pakistan.anger_decay" = { from = 0.05, to = 0.2 }
"afghanistan.crackdown_capacity" = {}
"#;
    let exp = design(extra);
    assert_eq!(exp.arm_count(), 2 + 8);
    assert_eq!(exp.arm(1).id, "baseline.h001");
    assert_eq!(exp.arm(9).id, "mediation");
    let strata = |f: &dyn Fn(&Arm) -> f64, lo: f64, hi: f64| {
        let mut s: Vec<u64> = (1..9)
            .map(|a| exp.arm(a))
            .map(|a| ((f(&a) - lo) / (hi - lo) * 8.0).floor() as u64)
            .collect();
        s.sort_unstable();
        s
    };
    let all: Vec<u64> = (0..8).collect();
    assert_eq!(strata(&|a| a.params.pakistan.anger_decay, 0.05, 0.2), all);
    // {} is the registry's plausible range (0.3..0.8).
    assert_eq!(
        strata(&|a| a.params.afghanistan.crackdown_capacity, 0.3, 0.8),
        all
    );
    // The default seed comes from the master seed: same file, same points.
    let again = design(extra);
    assert_eq!(
        exp.arms().map(|a| a.label.clone()).collect::<Vec<_>>(),
        again.arms().map(|a| a.label.clone()).collect::<Vec<_>>()
    );
}

#[test]
fn swept_start_day_past_the_horizon_names_the_sweep_key() {
    let text = format!("{DESIGN_HEAD}\n[sweep]\n\"measures.mediation.start_day\" = [0, 400]\n");
    let (_, msg) = error_of(&text, &[]);
    assert_contains(
        &msg,
        &["sweep.\"measures.mediation.start_day\"", "400", "horizon"],
    );
}

/// A design's arms split into parts for streaming: every arm in exactly one part, the named
/// arms first, every point's arms together with the baseline at that point, parts near the
/// asked size, and a part as an experiment seeds its arms as the whole does.
#[test]
fn parts_keep_each_point_with_its_baseline() {
    let exp = design(
        r#"
[latin_hypercube]
points = 25
"pakistan.anger_decay" = { from = 0.05, to = 0.2 }
"#,
    );
    assert_eq!(exp.arm_count(), 2 * 26);
    let parts = exp.parts(10);
    let mut seen = vec![0; exp.arm_count()];
    for part in &parts {
        assert!(part.windows(2).all(|w| w[0] < w[1]), "ascending");
        for &a in part {
            seen[a] += 1;
        }
    }
    assert!(seen.iter().all(|&n| n == 1), "{seen:?}");
    let ids = |p: &[usize]| -> Vec<String> { p.iter().map(|&a| exp.arm(a).id.clone()).collect() };
    assert_eq!(ids(&parts[0]), ["baseline", "mediation"]);
    // Two arms per point: five points per part of ten arms.
    assert_eq!(parts.len(), 1 + 5);
    assert_eq!(
        ids(&parts[1]),
        [
            "baseline.h001",
            "baseline.h002",
            "baseline.h003",
            "baseline.h004",
            "baseline.h005",
            "mediation.h001",
            "mediation.h002",
            "mediation.h003",
            "mediation.h004",
            "mediation.h005",
        ]
    );
    let whole_refs = exp.reference_arms();
    for part in &parts {
        let sub = exp.part(part);
        assert_eq!(sub.effects_baseline_arm().id, "baseline");
        let refs = sub.reference_arms();
        for (local, arm) in sub.arms().enumerate() {
            let whole = sub.seed_index(local);
            assert_eq!(exp.arm(whole).id, arm.id);
            assert_eq!(
                exp.arm(whole_refs[whole]).id,
                sub.arm(refs[local]).id,
                "{}",
                arm.id
            );
        }
    }
}

/// A design point is made when asked, not held: it is exactly the arm the same values give
/// when written as a named scenario (parameters and overrides), and the manifest's compact
/// form and the checksum's full form describe it as they describe a named arm.
#[test]
fn design_points_are_made_when_asked_and_equal_the_same_values_written_as_an_arm() {
    use crate::spec::resolved::Form;
    use crate::spec::tests::resolved_table;
    let exp = design(
        r#"
[sweep]
"measures.mediation.intensity" = [0.3, 0.7]
"pakistan.strike_window_days" = [4]
"#,
    );
    assert_eq!(exp.held.len(), 2, "only the named arms are held");
    let written = design(
        r#"
[scenarios.written]
label = "Written"
measures.mediation.enabled = true
measures.mediation.intensity = 0.7
pakistan.strike_window_days = 4
"#,
    );
    let written = written.arms().find(|a| a.id == "written").unwrap();
    let point = exp.arm(5);
    assert_eq!(point.id, "mediation.p002");
    assert!(exp.held_arm(5).is_none() && exp.held_arm(3).is_some());
    assert_eq!(point.params, written.params);
    assert_eq!(point.overrides, written.overrides);
    assert_eq!(exp.arm_overrides(5).into_owned(), written.overrides);
    assert_eq!(exp.arm_label(5), point.label);
    // A point whose value is the default drops it from its overrides.
    let default_window = model::Params::default().pakistan.strike_window_days;
    let at_default = design(&format!(
        "[sweep]\n\"pakistan.strike_window_days\" = [{default_window}]\n"
    ));
    assert!(at_default.arm(1).overrides.is_empty());
    // Full form: every arm's complete parameters; compact form: the differences.
    let full = resolved_table(&exp, Form::Full);
    let compact = resolved_table(&exp, Form::Compact);
    let base = compact["baseline_params"].as_table().unwrap();
    for a in 0..exp.arm_count() {
        let arm = exp.arm(a);
        let params: model::Params = full["arms"][a]["params"].clone().try_into().unwrap();
        assert_eq!(params, arm.params, "{}", arm.id);
        let mut rebuilt = base.clone();
        for (key, value) in compact["arms"][a]["params_differing_from_baseline"]
            .as_table()
            .unwrap()
        {
            crate::spec::tree::set_key(&mut rebuilt, key, value.clone()).unwrap();
        }
        let rebuilt: model::Params = toml::Value::Table(rebuilt).try_into().unwrap();
        assert_eq!(rebuilt, arm.params, "{}", arm.id);
    }
    // Held, every arm is the same arm.
    let held = exp.all_held();
    assert_eq!(held.arm_count(), exp.arm_count());
    for a in 0..exp.arm_count() {
        assert_eq!(*held.arm(a), *exp.arm(a));
    }
}

/// Reading a large design does not make its arms: the experiment holds only the named arms,
/// and ids and parts come from the layout.
#[test]
fn a_large_design_holds_only_its_named_arms() {
    let exp = design("[latin_hypercube]\npoints = 100000\n\"pakistan.anger_decay\" = {}\n");
    assert_eq!(exp.arm_count(), 2 + 2 * 100_000);
    assert_eq!(exp.held.len(), 2);
    assert_eq!(exp.arm_id(exp.arm_count() - 1), "mediation.h100000");
    assert_eq!(exp.parts(128).len(), 1 + 100_000usize.div_ceil(64));
}

/// A design that varies a militant target share is checked point by point: the shares must
/// still sum to 1 at every point, and the error names the arm and the sum.
#[test]
fn a_design_point_whose_target_shares_do_not_sum_to_one_is_refused() {
    let text = format!(
        "{DESIGN_HEAD}\n[sweep]\narms = [\"mediation\"]\n\"militants.target_city\" = [{}, 0.5]\n",
        model::Params::default().militants.target_city
    );
    let (_, msg) = error_of(&text, &[]);
    assert_contains(
        &msg,
        &[
            "scenarios.mediation.militants.target_*",
            "target_city = 0.5",
        ],
    );
}
