//! One test per mechanism of MODEL.md: the mechanism is switched off (or turned down) through
//! its parameters with everything else held fixed, the same trial seeds run in both arms
//! (common random numbers), and the direction of its effect is checked on the outcome it acts
//! through. Structural rules (the ladder, recurring cycles) are checked as invariants.

mod common;

use common::{
    Direction::Down, Direction::Up, MASTER, N, N_DOWNSTREAM, YEAR, assert_moves, check, off_on,
    off_on_n, run, run_days, run_probe,
};
use deescalate_model::measures::Levers;
use deescalate_model::mechanisms::outrage::spread_outrage;
use deescalate_model::mechanisms::response::strike_threshold;
use deescalate_model::params::Doctrine;
use deescalate_model::rng::trial_seed;
use deescalate_model::world::World;
use deescalate_model::{Outcomes, Params};

/// Runs `base` and its variant and returns `probe` of each trial's final world.
fn probe_pair(
    base: &Params,
    change: impl Fn(&mut Params),
    probe: impl Fn(&World) -> f64 + Sync,
) -> (Vec<f64>, Vec<f64>) {
    let mut p = base.clone();
    change(&mut p);
    let take = |p: &Params| -> Vec<f64> {
        run_probe(p, N, YEAR, &probe)
            .into_iter()
            .map(|x| x.1)
            .collect()
    };
    (take(base), take(&p))
}

/// A world reset to day 0 of trial 0 under `params`, levers read.
fn fresh_world(params: &Params) -> World {
    let mut world = World::new(params);
    world.reset(params, trial_seed(MASTER, 0, 0));
    world.levers = Levers::on_day(params, 0);
    world
}

/// Mechanism 1, attacks and attribution: no cells and no other groups, no attacks; accusations only follow attributed attacks.
#[test]
fn attacks_need_militants_and_accusations_need_attribution() {
    let mut none = Params::default();
    none.militants.initial_cells = 0;
    none.militants.other_group_attacks_per_day = 0.0;
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
            assert_eq!(
                o.days_rung_4 > 0.0,
                o.cross_border_strikes > 0.0,
                "rung 4 iff strikes: {o:?}"
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
