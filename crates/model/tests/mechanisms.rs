//! One test per mechanism of MODEL.md (militancy, attacks, attribution, the ladder, strikes,
//! crackdowns here; legitimacy, trust, publics, vulnerability, costs, mediation and cycles in
//! mechanisms_politics.rs): the mechanism is switched off (or turned down) through
//! its parameters with everything else held fixed, the same trial seeds run in both arms
//! (common random numbers), and the direction of its effect is checked on the outcome it acts
//! through. Structural rules (the ladder, recurring cycles) are checked as invariants.

mod common;

use common::{
    Direction::Down, Direction::Up, N, N_DOWNSTREAM, YEAR, assert_moves, check, off_on, off_on_n,
    probe_pair, run,
};
use deescalate_model::params::Doctrine;
use deescalate_model::world::World;
use deescalate_model::{Outcomes, Params};

/// Mechanism 1, attacks and attribution: no cells, no rival group and no other groups, no
/// attacks; accusations only follow attributed attacks.
#[test]
fn attacks_need_militants_and_accusations_need_attribution() {
    let mut none = Params::default();
    none.militants.initial_cells = 0;
    none.militants.other_group_attacks_per_day = 0.0;
    none.rival.initial_cells = 0;
    // A split sends Afghan Taliban defectors to the rival group, TTP or no TTP.
    none.afghanistan.fracture_hazard = 0.0;
    // Kabul's unprompted fire is not an attack, but it would be a strike trigger.
    none.afghanistan.initiative_hazard = 0.0;
    for o in run(&none, 50, YEAR) {
        assert_eq!(o.attacks, 0.0, "attacks without any militants");
        assert_eq!(o.accusations, 0.0, "accusations without any attack");
        assert_eq!(o.cross_border_strikes, 0.0, "strikes without any attack");
    }

    // Other groups only: their attacks are blamed on Afghan soil only if attributed.
    let mut others = Params::default();
    others.militants.initial_cells = 0;
    others.militants.other_group_attribution = 0.0;
    let unattributed = run(&others, N, YEAR);
    for o in &unattributed {
        assert!(o.attacks > 0.0, "other groups should still attack");
        assert_eq!(
            o.accusations, 0.0,
            "accusation without an attributed attack"
        );
    }
    let (off, on) = off_on(&others, |p| p.militants.other_group_attribution = 1.0);
    let what = "attribution";
    check(what, "accusations", &off, &on, |o| o.accusations, Up);
    check(
        what,
        "final_trust_af_in_pk",
        &off,
        &on,
        |o| o.final_trust_af_in_pk,
        Down,
    );
    check(
        what,
        "final_af_legitimacy",
        &off,
        &on,
        |o| o.final_af_legitimacy,
        Down,
    );
}

/// Mechanism 1, accusation and denial erode trust ("accusations, and denials").
#[test]
fn accusation_and_denial_erode_trust() {
    let what = "denial";
    let (off, on) = off_on(&Params::default(), |p| {
        p.afghanistan.denial_propensity = 0.0
    });
    check(
        what,
        "final_trust_pk_in_af (no denials)",
        &off,
        &on,
        |o| o.final_trust_pk_in_af,
        Up,
    );
    let (off, on) = off_on(&Params::default(), |p| p.ladder.accusation_trust_loss = 0.0);
    check(
        what,
        "final_trust_af_in_pk (no accusation loss)",
        &off,
        &on,
        |o| o.final_trust_af_in_pk,
        Up,
    );
}

/// Mechanism 2, retaliation and the escalation ladder: rung days sum to the horizon, rung 4 only with strikes, rung 5 only with open war.
#[test]
fn ladder_rungs_account_for_every_day_and_follow_actions() {
    let mut escalating = Params::default();
    escalating.pakistan.doctrine = Doctrine::TeachALesson;
    for p in [Params::default(), escalating] {
        let outs = run(&p, N, YEAR);
        let mut strikes_seen = 0;
        let mut wars_seen = 0;
        for o in &outs {
            let days = o.days_rung_0
                + o.days_rung_1
                + o.days_rung_2
                + o.days_rung_3
                + o.days_rung_4
                + o.days_rung_5;
            assert_eq!(days, f64::from(YEAR), "rung days must sum to the horizon");
            // A strike holds rung 4 unless open war overtakes it at once.
            assert!(
                o.days_rung_4 == 0.0 || o.cross_border_strikes > 0.0,
                "rung 4 without strikes: {o:?}"
            );
            assert!(
                o.cross_border_strikes == 0.0 || o.days_rung_4 + o.days_rung_5 > 0.0,
                "strikes without rung 4 or 5: {o:?}"
            );
            assert!(
                o.days_rung_5 == 0.0 || o.open_war == 1.0,
                "rung 5 without open war: {o:?}"
            );
            assert_eq!(o.days_to_open_war.is_some(), o.open_war == 1.0);
            assert_eq!(o.displaced, o.days_rung_5 * p.border.war_displaced_per_day);
            let top = (0..6)
                .rev()
                .find(|&r| {
                    [
                        o.days_rung_0,
                        o.days_rung_1,
                        o.days_rung_2,
                        o.days_rung_3,
                        o.days_rung_4,
                        o.days_rung_5,
                    ][r] > 0.0
                })
                .expect("some rung") as f64;
            assert_eq!(o.max_rung, top, "max rung is the highest rung with days");
            strikes_seen += usize::from(o.cross_border_strikes > 0.0);
            wars_seen += usize::from(o.open_war == 1.0);
        }
        // Not vacuous: both rungs are reached in some trials.
        assert!(
            strikes_seen > 10 && wars_seen > 10,
            "strikes in {strikes_seen}, wars in {wars_seen} trials"
        );
    }
}

/// Mechanism 2, the ladder must report open war: a trial in which open war began spends days on rung 5 and reaches it as its highest rung.
#[test]
fn open_war_is_always_recorded_on_rung_five() {
    let mut escalating = Params::default();
    escalating.pakistan.doctrine = Doctrine::TeachALesson;
    for p in [Params::default(), escalating] {
        let outs = run(&p, N, YEAR);
        let unrecorded: Vec<&Outcomes> = outs
            .iter()
            .filter(|o| o.open_war == 1.0 && (o.days_rung_5 == 0.0 || o.max_rung < 5.0))
            .collect();
        let wars = outs.iter().filter(|o| o.open_war == 1.0).count();
        assert!(
            unrecorded.is_empty(),
            "{} of {wars} trials with open war never show rung 5; first: {:?}",
            unrecorded.len(),
            unrecorded.first()
        );
    }
}

/// Mechanism 2: pressure past the strike threshold brings strikes; strikes bring Afghan responses on posts, which can become open war.
#[test]
fn pressure_brings_strikes_and_strikes_bring_retaliation() {
    let what = "retaliation ladder";
    let (off, on) = off_on(&Params::default(), |p| p.pakistan.strike_threshold = 0.3);
    check(
        what,
        "cross_border_strikes (lower threshold)",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Up,
    );
    check(
        what,
        "final_af_resentment (lower threshold)",
        &off,
        &on,
        |o| o.final_af_resentment,
        Up,
    );

    // Open war is rare in the calibrated status quo (about 12% of years), so its days need
    // twice the downstream sample to show the effect clearly.
    let (off, on) = off_on_n(2 * N_DOWNSTREAM, &Params::default(), |p| {
        p.afghanistan.retaliation_hazard = 0.0;
    });
    check(
        what,
        "border_clashes (no Afghan retaliation)",
        &off,
        &on,
        |o| o.border_clashes,
        Down,
    );
    check(
        what,
        "days_rung_5 (no Afghan retaliation)",
        &off,
        &on,
        |o| o.days_rung_5,
        Down,
    );

    // Strikes may kill civilians: with no civilian risk and harmless clashes, none die.
    let mut safe = Params::default();
    safe.ladder.strike_civilian_risk = 0.0;
    safe.border.clash_civilian_deaths = 0.0;
    let (off, on) = off_on(&safe, |p| p.ladder.strike_civilian_risk = 0.6);
    assert!(off.iter().all(|o| o.fatalities_af_civilian == 0.0));
    check(
        what,
        "fatalities_af_civilian (strike civilian risk)",
        &off,
        &on,
        |o| o.fatalities_af_civilian,
        Up,
    );
}

/// Mechanism 3, escalation feeds militancy: chaos, resentment and the vacuum raise recruitment and freedom of action.
#[test]
fn escalation_feeds_militancy() {
    let mut escalating = Params::default();
    escalating.pakistan.doctrine = Doctrine::TeachALesson;
    let what = "escalation feeds militancy";
    let (on, off) = off_on(&escalating, |p| p.militants.chaos_effect = 0.0);
    check(
        what,
        "final_militant_strength (chaos)",
        &off,
        &on,
        |o| o.final_militant_strength,
        Up,
    );
    check(
        what,
        "attacks_ttp (chaos)",
        &off,
        &on,
        |o| o.attacks_ttp,
        Up,
    );
    let (on, off) = off_on(&escalating, |p| p.militants.resentment_effect = 0.0);
    check(
        what,
        "final_militant_strength (resentment)",
        &off,
        &on,
        |o| o.final_militant_strength,
        Up,
    );
    let (on, off) = off_on(&escalating, |p| p.militants.vacuum_effect = 0.0);
    check(
        what,
        "final_militant_strength (vacuum)",
        &off,
        &on,
        |o| o.final_militant_strength,
        Up,
    );
}

/// Mechanism 4, crackdown dilemma: action reduces cells but risks fracture; unverified action only relocates.
#[test]
fn crackdown_reduces_cells_but_risks_fracture_and_relocation() {
    let what = "crackdown";
    let (off, on) = off_on(&Params::default(), |p| {
        p.afghanistan.crackdown_capacity = 0.0
    });
    check(
        what,
        "final_militant_strength (no capacity)",
        &off,
        &on,
        |o| o.final_militant_strength,
        Up,
    );
    let (off, on) = off_on(&Params::default(), |p| p.afghanistan.fracture_fear = 0.0);
    check(
        what,
        "final_militant_strength (no fracture fear)",
        &off,
        &on,
        |o| o.final_militant_strength,
        Down,
    );
    check(
        what,
        "final_af_legitimacy (no fracture fear)",
        &off,
        &on,
        |o| o.final_af_legitimacy,
        Up,
    );

    // Dismantled vs relocated: the same hits remove fighters only when cells are dismantled.
    let mut relocate = Params::default();
    relocate.afghanistan.dismantle_share = 0.0;
    let (off, on) = off_on(&relocate, |p| p.afghanistan.dismantle_share = 1.0);
    check(
        what,
        "final_militant_strength (dismantled)",
        &off,
        &on,
        |o| o.final_militant_strength,
        Down,
    );

    // The fracture risk: under a hard crackdown, fracture stress splits the movement; with no
    // stress building there are no splits, no defectors and no pauses.
    let mut hard = Params::default();
    hard.afghanistan.crackdown_base = 1.0;
    hard.afghanistan.crackdown_capacity = 1.0;
    let fractures = |w: &World| f64::from(w.tally.fractures);
    let (no_stress, stress) = probe_pair(
        &{
            let mut p = hard.clone();
            p.afghanistan.fracture_gain = 0.0;
            p
        },
        |p| p.afghanistan.fracture_gain = hard.afghanistan.fracture_gain,
        fractures,
    );
    assert!(
        no_stress.iter().all(|&f| f == 0.0),
        "fractures without fracture stress"
    );
    assert_moves(what, "fractures (hard crackdown)", &no_stress, &stress, Up);
    let mut p = hard.clone();
    p.afghanistan.fracture_gain = 0.0;
    let (off, on) = off_on(&p, |p| {
        p.afghanistan.fracture_gain = hard.afghanistan.fracture_gain
    });
    check(
        what,
        "final_militant_strength (fractures)",
        &off,
        &on,
        |o| o.final_militant_strength,
        Up,
    );
}
