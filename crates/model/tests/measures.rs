//! One test per de-escalation measure of MODEL.md: the same trial seeds (common random
//! numbers) are run with the measure off and on, everything else at `Params::default()`, and
//! the direction of its effect is checked on the outcome its mechanism acts through first,
//! then downstream. Differences must exceed three standard errors of the paired difference.

mod common;

use common::{
    Direction::Down, Direction::Up, N, N_DOWNSTREAM, YEAR, check, off_on, off_on_n, run_days,
    run_probe,
};
use deescalate_model::measures::Levers;
use deescalate_model::mechanisms::attacks::border_block_chance;
use deescalate_model::mechanisms::trust::{Side, lose_trust};
use deescalate_model::rng::trial_seed;
use deescalate_model::world::World;
use deescalate_model::{Outcomes, Params};

/// Asserts that Afghan civilians killed per strike fall, over the trials with strikes in both
/// arms (the caller makes strikes the only source of Afghan civilian deaths).
fn civilians_per_strike_fall(what: &str, channel: &str, off: &[Outcomes], on: &[Outcomes]) {
    let per_strike = |o: &Outcomes| o.fatalities_af_civilian / o.cross_border_strikes;
    let (a, b): (Vec<f64>, Vec<f64>) = off
        .iter()
        .zip(on)
        .filter(|(a, b)| a.cross_border_strikes > 0.0 && b.cross_border_strikes > 0.0)
        .map(|(a, b)| (per_strike(a), per_strike(b)))
        .unzip();
    assert!(
        a.len() > 100,
        "{what}: too few trials with strikes: {}",
        a.len()
    );
    let metric = format!("Afghan civilians killed per strike ({channel})");
    common::assert_moves(what, &metric, &a, &b, Down);
}

/// Confidence-building measures (MODEL.md measures: "trust gain, damping of incident-driven trust loss").
#[test]
fn confidence_building_raises_trust_and_damps_incident_losses() {
    let what = "confidence_building";
    let (off, on) = off_on_n(N_DOWNSTREAM, &Params::default(), |p| {
        p.measures.confidence_building.enabled = true;
    });
    check(
        what,
        "final_trust_pk_in_af",
        &off,
        &on,
        |o| o.final_trust_pk_in_af,
        Up,
    );
    check(
        what,
        "final_trust_af_in_pk",
        &off,
        &on,
        |o| o.final_trust_af_in_pk,
        Up,
    );
    // Downstream: trust lowers hostility, so fewer local clashes.
    check(
        what,
        "border_clashes",
        &off,
        &on,
        |o| o.border_clashes,
        Down,
    );

    // The damping alone (no daily gain): the same incident costs less trust.
    let (off, on) = off_on(&Params::default(), |p| {
        p.measures.confidence_building.enabled = true;
        p.measures.confidence_building.trust_gain = 0.0;
    });
    check(
        what,
        "final_trust_af_in_pk (damping only)",
        &off,
        &on,
        |o| o.final_trust_af_in_pk,
        Up,
    );
    let mut p = Params::default();
    let mut world = World::new(&p);
    world.reset(&p, trial_seed(common::MASTER, 0, 0));
    lose_trust(&mut world, &p, Side::Both, 0.2);
    let undamped = world.af.trust_in_pk;
    p.measures.confidence_building.enabled = true;
    world.reset(&p, trial_seed(common::MASTER, 0, 0));
    world.levers = Levers::on_day(&p.measures, 0);
    lose_trust(&mut world, &p, Side::Both, 0.2);
    assert!(
        world.af.trust_in_pk > undamped,
        "damped loss leaves {} vs undamped {undamped}",
        world.af.trust_in_pk
    );
}

/// Joint border monitoring (MODEL.md measures: "infiltration across sectors; shared facts about incidents").
#[test]
fn joint_monitoring_foils_infiltration_and_shares_facts() {
    let what = "joint_monitoring";
    let (off, on) = off_on(&Params::default(), |p| {
        p.measures.joint_monitoring.enabled = true;
    });
    check(what, "attacks_foiled", &off, &on, |o| o.attacks_foiled, Up);
    check(what, "attacks_ttp", &off, &on, |o| o.attacks_ttp, Down);
    check(what, "accusations", &off, &on, |o| o.accusations, Down);

    // Shared facts alone (monitoring on in both arms, facts established or not): accusations
    // that are not denied cost Pakistan's trust less.
    let mut base = Params::default();
    base.measures.joint_monitoring.enabled = true;
    base.measures.joint_monitoring.shared_facts = 0.0;
    let (off, on) = off_on(&base, |p| p.measures.joint_monitoring.shared_facts = 0.7);
    check(
        what,
        "final_trust_pk_in_af (shared facts)",
        &off,
        &on,
        |o| o.final_trust_pk_in_af,
        Up,
    );
    check(
        what,
        "final_trust_af_in_pk (shared facts)",
        &off,
        &on,
        |o| o.final_trust_af_in_pk,
        Up,
    );
}

/// Intelligence sharing (MODEL.md measures: "interdiction of attacks; precision of strikes; efficiency of Afghan crackdown").
#[test]
fn intelligence_sharing_foils_attacks_spares_civilians_and_sharpens_crackdown() {
    let what = "intelligence_sharing";
    let (off, on) = off_on(&Params::default(), |p| {
        p.measures.intelligence_sharing.enabled = true;
    });
    check(what, "attacks_foiled", &off, &on, |o| o.attacks_foiled, Up);
    check(what, "attacks_ttp", &off, &on, |o| o.attacks_ttp, Down);
    check(
        what,
        "fatalities_af_civilian",
        &off,
        &on,
        |o| o.fatalities_af_civilian,
        Down,
    );

    // Precision alone, with clashes killing no civilians so that every Afghan civilian death
    // is a strike's: fewer civilians killed per strike (trials with strikes in both arms).
    let mut base = Params::default();
    base.border.clash_civilian_deaths = 0.0;
    let (off, on) = off_on(&base, |p| {
        p.measures.intelligence_sharing.enabled = true;
        p.measures.intelligence_sharing.interdiction = 0.0;
        p.measures.intelligence_sharing.crackdown_efficiency = 0.0;
    });
    civilians_per_strike_fall(what, "precision", &off, &on);

    // Crackdown efficiency alone: more cells hit, fewer fighters at the end.
    let (off, on) = off_on(&Params::default(), |p| {
        p.measures.intelligence_sharing.enabled = true;
        p.measures.intelligence_sharing.interdiction = 0.0;
        p.measures.intelligence_sharing.strike_precision = 0.0;
    });
    check(
        what,
        "final_militant_strength (crackdown)",
        &off,
        &on,
        |o| o.final_militant_strength,
        Down,
    );
}

/// Third-party facilitation (MODEL.md measures: "which mediators, how early they engage, facilitation vs dictation").
#[test]
fn mediation_measure_brokers_more_agreements_and_dictation_costs_acceptance() {
    let what = "mediation";
    let (off, on) = off_on(&Params::default(), |p| p.measures.mediation.enabled = true);
    check(what, "agreements", &off, &on, |o| o.agreements, Up);
    check(
        what,
        "agreement_days_held",
        &off,
        &on,
        |o| o.agreement_days_held,
        Up,
    );
    check(what, "ceasefires", &off, &on, |o| o.ceasefires, Up);
    check(
        what,
        "border_clashes",
        &off,
        &on,
        |o| o.border_clashes,
        Down,
    );

    // Style: the same measure, dictating instead of facilitating, is accepted less.
    let mut base = Params::default();
    base.measures.mediation.enabled = true;
    let (off, on) = off_on(&base, |p| p.measures.mediation.dictation = 1.0);
    check(
        what,
        "agreements (dictating)",
        &off,
        &on,
        |o| o.agreements,
        Down,
    );
    check(
        what,
        "agreement_days_held (dictating)",
        &off,
        &on,
        |o| o.agreement_days_held,
        Down,
    );
}

/// Verifiable security mechanism (MODEL.md measures: "sanctuaries dismantled rather than relocated; detection of compliance").
#[test]
fn verification_dismantles_rather_than_relocates() {
    let what = "verification";
    let (off, on) = off_on(&Params::default(), |p| {
        p.measures.verification.enabled = true
    });
    check(
        what,
        "final_militant_strength",
        &off,
        &on,
        |o| o.final_militant_strength,
        Down,
    );
    check(what, "attacks_ttp", &off, &on, |o| o.attacks_ttp, Down);

    // Detection alone (dismantling as without the measure) under an agreement-prone setting:
    // compliance is seen more often, so honoured commitments build more trust.
    let mut base = Params::default();
    base.measures.mediation.enabled = true;
    let (off, on) = off_on(&base, |p| {
        p.measures.verification.enabled = true;
        p.measures.verification.dismantle_share = 0.0;
    });
    check(
        what,
        "final_trust_pk_in_af (detection)",
        &off,
        &on,
        |o| o.final_trust_pk_in_af,
        Up,
    );
}

/// No-unilateral-strike assurance (MODEL.md measures: "Pakistani strike decisions; Afghan reciprocity").
#[test]
fn no_strike_assurance_forgoes_strikes_and_brings_reciprocity() {
    let what = "no_strike_assurance";
    let (off, on) = off_on(&Params::default(), |p| {
        p.measures.no_strike_assurance.enabled = true;
    });
    check(
        what,
        "cross_border_strikes",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Down,
    );
    check(
        what,
        "fatalities_af_civilian",
        &off,
        &on,
        |o| o.fatalities_af_civilian,
        Down,
    );
    check(
        what,
        "final_af_resentment",
        &off,
        &on,
        |o| o.final_af_resentment,
        Down,
    );

    // Reciprocity alone (no restraint on strikes, no extra crackdown): Kabul answers fewer
    // strikes on the border posts.
    let p_off = Params::default();
    let mut p_on = p_off.clone();
    let a = &mut p_on.measures.no_strike_assurance;
    a.enabled = true;
    a.restraint = 0.0;
    a.crackdown_reciprocity = 0.0;
    let responses = |w: &World| f64::from(w.tally.responses);
    let off: Vec<f64> = run_probe(&p_off, N, YEAR, responses)
        .into_iter()
        .map(|x| x.1)
        .collect();
    let on: Vec<f64> = run_probe(&p_on, N, YEAR, responses)
        .into_iter()
        .map(|x| x.1)
        .collect();
    common::assert_moves(
        what,
        "Afghan responses on posts (reciprocity)",
        &off,
        &on,
        Down,
    );
}

/// Standing communication channel (MODEL.md measures: "incidents handled before they escalate; regular border meetings").
#[test]
fn standing_channel_handles_incidents_before_they_escalate() {
    let what = "standing_channel";
    let (off, on) = off_on(&Params::default(), |p| {
        p.measures.standing_channel.enabled = true;
    });
    check(
        what,
        "border_clashes",
        &off,
        &on,
        |o| o.border_clashes,
        Down,
    );
    check(
        what,
        "cross_border_strikes",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Down,
    );
    check(what, "days_rung_5", &off, &on, |o| o.days_rung_5, Down);

    // Incident handling alone (no border meetings, no coordination for the fence): accusations
    // explained through the channel are not denied and cost half the trust, so trust ends
    // higher, and a strike explained is answered less readily, so fewer strikes follow.
    let (off, on) = off_on(&Params::default(), |p| {
        let c = &mut p.measures.standing_channel;
        c.enabled = true;
        c.border_meetings = 0.0;
        c.coordination = 0.0;
    });
    check(
        what,
        "cross_border_strikes (handling)",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Down,
    );
    check(
        what,
        "final_trust_pk_in_af (handling)",
        &off,
        &on,
        |o| o.final_trust_pk_in_af,
        Up,
    );
}

/// Strategic patience (MODEL.md measures: "thresholds and proportionality of responses, vs teach a lesson").
#[test]
fn strategic_patience_raises_thresholds_and_shrinks_strikes() {
    let what = "strategic_patience";
    let (off, on) = off_on(&Params::default(), |p| {
        p.measures.strategic_patience.enabled = true;
    });
    check(
        what,
        "cross_border_strikes",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Down,
    );
    check(what, "days_rung_2", &off, &on, |o| o.days_rung_2, Down);
    check(
        what,
        "fatalities_af_civilian",
        &off,
        &on,
        |o| o.fatalities_af_civilian,
        Down,
    );

    // Proportionality alone (thresholds unchanged): smaller strikes kill fewer Afghan
    // civilians each (clashes made harmless to civilians so that every such death is a strike's).
    let mut base = Params::default();
    base.border.clash_civilian_deaths = 0.0;
    let (off, on) = off_on(&base, |p| {
        p.measures.strategic_patience.enabled = true;
        p.measures.strategic_patience.threshold_raise = 0.0;
    });
    civilians_per_strike_fall(what, "proportionality", &off, &on);
}

/// Border fencing and patrols (MODEL.md measures: "porosity, with limited effect without political coordination").
#[test]
fn fencing_foils_infiltration_but_militarisation_breeds_clashes() {
    let what = "fencing";
    let (off, on) = off_on(&Params::default(), |p| p.measures.fencing.enabled = true);
    check(what, "attacks_foiled", &off, &on, |o| o.attacks_foiled, Up);
    // The model documents the other edge: more posts, more friction.
    check(what, "border_clashes", &off, &on, |o| o.border_clashes, Up);

    // Limited without political coordination: the fence stops more teams when a standing
    // channel coordinates it.
    let p = Params::default();
    let mut world = World::new(&p);
    world.reset(&p, trial_seed(common::MASTER, 0, 0));
    let mut fenced = p.clone();
    fenced.measures.fencing.enabled = true;
    world.levers = Levers::on_day(&p.measures, 0);
    let none = border_block_chance(&world, &p);
    world.levers = Levers::on_day(&fenced.measures, 0);
    let uncoordinated = border_block_chance(&world, &fenced);
    fenced.measures.standing_channel.enabled = true;
    fenced.measures.standing_channel.incident_handling = 0.0;
    fenced.measures.standing_channel.border_meetings = 0.0;
    world.levers = Levers::on_day(&fenced.measures, 0);
    let coordinated = border_block_chance(&world, &fenced);
    assert!(
        none < uncoordinated && uncoordinated < coordinated,
        "block chance: no fencing {none}, fencing {uncoordinated}, fencing with coordination {coordinated}"
    );
    assert!(
        uncoordinated - none < coordinated - uncoordinated,
        "uncoordinated fencing should add less than coordination does: {none} -> {uncoordinated} -> {coordinated}"
    );
}

/// Keeping crossings and trade open (MODEL.md measures: "economic costs and interdependence during crises").
#[test]
fn open_crossings_cut_closure_days_and_trade_lost() {
    let what = "open_crossings";
    let (off, on) = off_on(&Params::default(), |p| {
        p.measures.open_crossings.enabled = true;
    });
    check(
        what,
        "border_closed_days",
        &off,
        &on,
        |o| o.border_closed_days,
        Down,
    );
    check(
        what,
        "trade_lost_usd",
        &off,
        &on,
        |o| o.trade_lost_usd,
        Down,
    );

    // Interdependence alone (closures not forgone): open trade raises the strike threshold.
    let (off, on) = off_on(&Params::default(), |p| {
        let c = &mut p.measures.open_crossings;
        c.enabled = true;
        c.closure_restraint = 0.0;
        c.interdependence = 0.2;
    });
    check(
        what,
        "cross_border_strikes (interdependence)",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Down,
    );
}

/// Refugee policy (MODEL.md measures: "deportation pace vs hosting; its effect on resentment and ties").
#[test]
fn refugee_policy_slows_deportations_and_resentment() {
    let what = "refugee_policy";
    let (off, on) = off_on_n(N_DOWNSTREAM, &Params::default(), |p| {
        p.measures.refugee_policy.enabled = true;
    });
    check(
        what,
        "refugees_deported",
        &off,
        &on,
        |o| o.refugees_deported,
        Down,
    );
    check(
        what,
        "final_af_resentment",
        &off,
        &on,
        |o| o.final_af_resentment,
        Down,
    );
}

/// Common random numbers (MODEL.md "Each is a config section: on/off, intensity, and the day it starts"): a measure changes nothing before its start day.
#[test]
fn late_measures_leave_earlier_days_identical() {
    const H: u32 = 240;
    const START: u32 = 120;
    type Switch = fn(&mut Params, u32);
    let measures: [(&str, Switch); 11] = [
        ("confidence_building", |p, d| {
            p.measures.confidence_building.enabled = true;
            p.measures.confidence_building.start_day = d;
        }),
        ("joint_monitoring", |p, d| {
            p.measures.joint_monitoring.enabled = true;
            p.measures.joint_monitoring.start_day = d;
        }),
        ("intelligence_sharing", |p, d| {
            p.measures.intelligence_sharing.enabled = true;
            p.measures.intelligence_sharing.start_day = d;
        }),
        ("mediation", |p, d| {
            p.measures.mediation.enabled = true;
            p.measures.mediation.start_day = d;
        }),
        ("verification", |p, d| {
            p.measures.verification.enabled = true;
            p.measures.verification.start_day = d;
        }),
        ("no_strike_assurance", |p, d| {
            p.measures.no_strike_assurance.enabled = true;
            p.measures.no_strike_assurance.start_day = d;
        }),
        ("standing_channel", |p, d| {
            p.measures.standing_channel.enabled = true;
            p.measures.standing_channel.start_day = d;
        }),
        ("strategic_patience", |p, d| {
            p.measures.strategic_patience.enabled = true;
            p.measures.strategic_patience.start_day = d;
        }),
        ("fencing", |p, d| {
            p.measures.fencing.enabled = true;
            p.measures.fencing.start_day = d;
        }),
        ("open_crossings", |p, d| {
            p.measures.open_crossings.enabled = true;
            p.measures.open_crossings.start_day = d;
        }),
        ("refugee_policy", |p, d| {
            p.measures.refugee_policy.enabled = true;
            p.measures.refugee_policy.start_day = d;
        }),
    ];
    let off = Params::default();
    for (name, switch) in measures {
        let mut late = off.clone();
        switch(&mut late, START);
        let mut never = off.clone();
        switch(&mut never, H);
        let mut differs_after_start = false;
        for k in 0..20 {
            let (o_off, d_off) = run_days(&off, k, H);
            let (o_late, d_late) = run_days(&late, k, H);
            let (o_never, d_never) = run_days(&never, k, H);
            // Starting on the horizon: the measure never acts, every outcome is identical.
            assert_eq!(
                o_off, o_never,
                "{name}: trial {k} changed by a measure that never started"
            );
            assert_eq!(
                d_off, d_never,
                "{name}: trial {k} days changed by a measure that never started"
            );
            // Starting mid-run: every day before the start is identical.
            let s = START as usize;
            assert_eq!(
                d_off[..s],
                d_late[..s],
                "{name}: trial {k} changed before day {START}"
            );
            let (o_off_s, _) = run_days(&off, k, START);
            let (o_late_s, _) = run_days(&late, k, START);
            assert_eq!(
                o_off_s, o_late_s,
                "{name}: trial {k} outcomes to day {START} changed"
            );
            differs_after_start |= o_off != o_late;
        }
        // The comparison is not vacuous: once started, the measure does change the trials.
        assert!(
            differs_after_start,
            "{name}: no trial changed after the measure started"
        );
    }
}
