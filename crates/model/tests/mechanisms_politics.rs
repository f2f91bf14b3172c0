//! One test per mechanism of MODEL.md, continued from mechanisms.rs (legitimacy, trust,
//! publics, vulnerability, costs, mediation, recurring cycles): the mechanism is switched off (or turned down) through
//! its parameters with everything else held fixed, the same trial seeds run in both arms
//! (common random numbers), and the direction of its effect is checked on the outcome it acts
//! through. Structural rules (the ladder, recurring cycles) are checked as invariants.

mod common;

use common::{
    Direction::Down, Direction::Up, N, YEAR, assert_moves, check, fresh_world, off_on, probe_pair,
    run, run_days,
};
use deescalate_model::mechanisms::outrage::spread_outrage;
use deescalate_model::mechanisms::response::strike_threshold;
use deescalate_model::world::World;
use deescalate_model::{Outcomes, Params};

/// Mechanism 5, legitimacy and isolation: inaction costs legitimacy, action gains it, and lost legitimacy spurs action.
#[test]
fn inaction_costs_legitimacy_and_action_gains_it() {
    let what = "legitimacy";
    let (off, on) = off_on(&Params::default(), |p| {
        p.afghanistan.legitimacy_loss_per_attributed_attack = 0.0;
    });
    check(
        what,
        "final_af_legitimacy (no loss)",
        &off,
        &on,
        |o| o.final_af_legitimacy,
        Up,
    );
    let (off, on) = off_on(&Params::default(), |p| p.afghanistan.legitimacy_gain = 0.0);
    check(
        what,
        "final_af_legitimacy (no gain)",
        &off,
        &on,
        |o| o.final_af_legitimacy,
        Down,
    );
    let (off, on) = off_on(&Params::default(), |p| {
        p.afghanistan.legitimacy_incentive = 0.0
    });
    check(
        what,
        "final_militant_strength (no incentive)",
        &off,
        &on,
        |o| o.final_militant_strength,
        Up,
    );
}

/// Mechanism 6, trust and its breakdown: trust falls with incidents and broken commitments and rises with honoured ones.
#[test]
fn trust_falls_with_incidents_and_rises_with_commitments() {
    let what = "trust";
    let (off, on) = off_on(&Params::default(), |p| {
        p.ladder.accusation_trust_loss = 0.0;
        p.ladder.denial_trust_loss = 0.0;
        p.ladder.strike_trust_loss = 0.0;
        p.ladder.clash_trust_loss = 0.0;
        p.mediation.broken_trust_loss = 0.0;
    });
    check(
        what,
        "final_trust_pk_in_af (no losses)",
        &off,
        &on,
        |o| o.final_trust_pk_in_af,
        Up,
    );
    check(
        what,
        "final_trust_af_in_pk (no losses)",
        &off,
        &on,
        |o| o.final_trust_af_in_pk,
        Up,
    );

    let mut mediated = Params::default();
    mediated.measures.mediation.enabled = true;
    let (off, on) = off_on(&mediated, |p| {
        p.mediation.honoured_trust_gain = 0.0;
        p.mediation.ceasefire_trust_gain = 0.0;
    });
    check(
        what,
        "final_trust_pk_in_af (no gains)",
        &off,
        &on,
        |o| o.final_trust_pk_in_af,
        Down,
    );
    check(
        what,
        "final_trust_af_in_pk (no gains)",
        &off,
        &on,
        |o| o.final_trust_af_in_pk,
        Down,
    );
}

/// Mechanism 7, reaction speed: a faster information environment shortens the time from incident to pressure.
#[test]
fn faster_information_shortens_time_to_pressure() {
    let mut slow = Params::default();
    slow.publics.social_media_speed = 0.3;
    let mut fast = Params::default();
    fast.publics.social_media_speed = 0.9;
    // One incident, one day: pressure closes more of the gap to anger when information is fast.
    let after_one_day = |p: &Params| {
        let mut world = fresh_world(p);
        world.today.outrage = 0.3;
        spread_outrage(&mut world, p);
        (world.pk.anger, world.pk.pressure)
    };
    let (anger_slow, pressure_slow) = after_one_day(&slow);
    let (anger_fast, pressure_fast) = after_one_day(&fast);
    assert_eq!(anger_slow, anger_fast, "speed must not change anger itself");
    assert!(
        pressure_fast > pressure_slow && pressure_slow > Params::default().pakistan.initial_anger,
        "pressure after an incident: fast {pressure_fast}, slow {pressure_slow}"
    );

    let what = "reaction speed";
    let (off, on) = off_on(&slow, |p| p.publics.social_media_speed = 0.9);
    check(
        what,
        "cross_border_strikes",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Up,
    );
    // Time from trigger to strike, in trials with strikes in both arms.
    let (a, b): (Vec<f64>, Vec<f64>) = off
        .iter()
        .zip(&on)
        .filter_map(|(a, b)| Some((a.strike_delay_days?, b.strike_delay_days?)))
        .unzip();
    assert!(
        a.len() > 100,
        "too few trials with strikes in both arms: {}",
        a.len()
    );
    assert_moves(what, "strike_delay_days", &a, &b, Down);
}

/// Mechanism 8, vulnerability: economic stress, volatility and a second front lower thresholds and enlarge responses.
#[test]
fn vulnerability_lowers_thresholds_and_enlarges_responses() {
    let p = Params::default();
    let mut world = fresh_world(&p);
    let mut previous = f64::INFINITY;
    for stress in [0.0, 0.3, 0.6, 0.9] {
        world.pk.economic_stress = stress;
        let t = strike_threshold(&world, &p);
        assert!(
            t < previous,
            "strike threshold {t} at stress {stress} not below {previous}"
        );
        previous = t;
    }
    let mut none = p.clone();
    none.pakistan.vulnerability_threshold_effect = 0.0;
    let world = fresh_world(&none);
    let t_none = strike_threshold(&world, &none);
    let world = fresh_world(&p);
    assert!(
        strike_threshold(&world, &p) < t_none,
        "vulnerability should lower the threshold"
    );

    let what = "vulnerability";
    let mut calm = Params::default();
    calm.pakistan.vulnerability_threshold_effect = 0.0;
    let (off, on) = off_on(&calm, |p| p.pakistan.vulnerability_threshold_effect = 0.6);
    check(
        what,
        "cross_border_strikes (thresholds)",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Up,
    );

    // Larger strikes: more militants killed and more civilians at risk per strike.
    let mut small = Params::default();
    small.pakistan.vulnerability_magnitude_effect = 0.0;
    small.border.clash_civilian_deaths = 0.0;
    let (off, on) = off_on(&small, |p| p.pakistan.vulnerability_magnitude_effect = 2.0);
    let per_strike = |o: &Outcomes| o.fatalities_af_civilian / o.cross_border_strikes;
    let (a, b): (Vec<f64>, Vec<f64>) = off
        .iter()
        .zip(&on)
        .filter(|(a, b)| a.cross_border_strikes > 0.0 && b.cross_border_strikes > 0.0)
        .map(|(a, b)| (per_strike(a), per_strike(b)))
        .unzip();
    assert_moves(what, "Afghan civilians per strike (magnitude)", &a, &b, Up);

    // Kabul's side: vulnerability raises readiness to answer strikes on the posts.
    let responses = |w: &World| f64::from(w.tally.responses);
    let mut steady = Params::default();
    steady.afghanistan.vulnerability_effect = 0.0;
    let (off, on) = probe_pair(
        &steady,
        |p| p.afghanistan.vulnerability_effect = 2.0,
        responses,
    );
    assert_moves(what, "Afghan responses on posts (Kabul)", &off, &on, Up);
}

/// Mechanism 9, costs of hostility: closures cut trade and raise economic stress; drives deport refugees; open war displaces people.
#[test]
fn hostility_costs_trade_refugees_and_homes() {
    let what = "costs";
    let (off, on) = off_on(&Params::default(), |p| p.border.closure_hazard = 0.0);
    check(
        what,
        "border_closed_days (no closures)",
        &off,
        &on,
        |o| o.border_closed_days,
        Down,
    );
    check(
        what,
        "trade_lost_usd (no closures)",
        &off,
        &on,
        |o| o.trade_lost_usd,
        Down,
    );

    // Closed days and no diversion: trade is lost only on closures.
    let mut diverted = Params::default();
    diverted.border.trade_diversion = 1.0;
    assert!(
        run(&diverted, 50, YEAR)
            .iter()
            .all(|o| o.trade_lost_usd == 0.0)
    );

    // Closures raise Pakistan's economic stress.
    let stress = |w: &World| w.pk.economic_stress;
    let mut p = Params::default();
    p.pakistan.closure_stress = 0.0;
    let (off, on) = probe_pair(&p, |p| p.pakistan.closure_stress = 0.005, stress);
    assert_moves(
        what,
        "final economic stress (closure stress)",
        &off,
        &on,
        Up,
    );

    // Deportation drives deport more, and deportations feed resentment (no strikes in either
    // arm, so that resentment moves only through refugees and clashes).
    let mut flat = Params::default();
    flat.refugees.drive_multiplier = 1.0;
    flat.pakistan.trigger_security_deaths = u32::MAX;
    flat.pakistan.trigger_civilian_deaths = u32::MAX;
    flat.afghanistan.initiative_hazard = 0.0;
    let (off, on) = off_on(&flat, |p| p.refugees.drive_multiplier = 2.7);
    assert!(off.iter().chain(&on).all(|o| o.cross_border_strikes == 0.0));
    check(
        what,
        "refugees_deported (drives)",
        &off,
        &on,
        |o| o.refugees_deported,
        Up,
    );
    check(
        what,
        "final_af_resentment (drives)",
        &off,
        &on,
        |o| o.final_af_resentment,
        Up,
    );
}

/// Mechanism 10, mediation: mediators broker ceasefires and agreements; acceptance falls with dictation.
#[test]
fn mediators_broker_ceasefires_and_dictation_lowers_acceptance() {
    let mut alone = Params::default();
    alone.mediators.qatar.active = false;
    alone.mediators.turkiye.active = false;
    alone.mediators.china.active = false;
    alone.mediators.saudi_arabia.active = false;
    let (off, on) = off_on(&alone, |p| *p = Params::default());
    for o in &off {
        assert_eq!(
            o.ceasefires + o.agreements,
            0.0,
            "accord without any mediator"
        );
    }
    let what = "mediation";
    check(what, "ceasefires", &off, &on, |o| o.ceasefires, Up);
    check(
        what,
        "ceasefire_days_held",
        &off,
        &on,
        |o| o.ceasefire_days_held,
        Up,
    );
    check(what, "days_rung_5", &off, &on, |o| o.days_rung_5, Down);

    let (off, on) = off_on(&Params::default(), |p| {
        for m in [
            &mut p.mediators.qatar,
            &mut p.mediators.turkiye,
            &mut p.mediators.china,
            &mut p.mediators.saudi_arabia,
        ] {
            m.dictation = 1.0;
        }
    });
    check(
        what,
        "ceasefires (dictating)",
        &off,
        &on,
        |o| o.ceasefires,
        Down,
    );
    // Commitments can be broken, but only ones that were made.
    for o in on.iter().chain(&off) {
        assert!(
            o.agreements_broken <= o.agreements,
            "{} agreements broken of {} made",
            o.agreements_broken,
            o.agreements
        );
    }
}

/// Mechanism 11, recurring cycles: crises recur within a year, with lulls between episodes.
#[test]
fn crises_recur_with_lulls_between() {
    let p = Params::default();
    let outs = run(&p, N, YEAR);
    let mean_episodes = outs.iter().map(|o| o.crisis_episodes).sum::<f64>() / outs.len() as f64;
    assert!(
        mean_episodes >= 2.0,
        "mean crisis episodes a year {mean_episodes}"
    );
    let gaps: Vec<f64> = outs
        .iter()
        .filter_map(|o| o.mean_days_between_crises)
        .collect();
    assert!(
        gaps.len() * 2 > outs.len(),
        "most trials should have two or more crises"
    );
    let mean_gap = gaps.iter().sum::<f64>() / gaps.len() as f64;
    assert!(
        (7.0..=183.0).contains(&mean_gap),
        "mean gap {mean_gap} days is not 'every few months'"
    );
    // Day records: crisis days are followed by a return below the crisis rung, not a one-way run.
    let crisis = p.ladder.crisis_rung as u8;
    for k in 0..20 {
        let (o, days) = run_days(&p, k, YEAR);
        let starts = days
            .windows(2)
            .filter(|w| w[0].rung < crisis && w[1].rung >= crisis)
            .count()
            + usize::from(days[0].rung >= crisis);
        assert_eq!(
            starts as f64, o.crisis_episodes,
            "trial {k}: episodes counted off the day records"
        );
    }
}
