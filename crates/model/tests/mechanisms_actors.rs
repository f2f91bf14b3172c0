//! One test per mechanism that makes escalation credible (docs/MODEL.md, "Smooth decisions"
//! and the actors the texts imply): smooth decisions and a decaying ladder, the crackdown
//! dilemma and the rival group, the TTP's spoiler attacks and its cells inside Pakistan,
//! Kabul's economy and its own initiative, the India front and political shocks, the fighting
//! season, mediator credibility, and Pakistan's trust and Kabul's denials. As in
//! mechanisms.rs, each is switched with everything else held fixed on the same trial seeds
//! (common random numbers) and the direction of its effect is checked where it acts.

mod common;

use common::{
    Direction::Down, Direction::Up, N, N_DOWNSTREAM, YEAR, assert_moves, check, off_on, off_on_n,
    probe_pair, run, run_days,
};
use deescalate_model::Params;
use deescalate_model::world::{World, location};

/// Smooth decisions: with the strike threshold above most of the pressure a trial sees, a
/// wider logistic leaves more doubt below it, so more strikes; a hard threshold (width near
/// 0) is the limit. The same holds for open war.
#[test]
fn wider_decisions_leave_doubt_below_the_threshold() {
    let what = "decision width";
    let mut hard = Params::default();
    hard.pakistan.strike_width = 0.01;
    let (off, on) = off_on(&hard, |p| p.pakistan.strike_width = 0.15);
    check(
        what,
        "cross_border_strikes (strike width)",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Up,
    );
    let mut hard = Params::default();
    hard.pakistan.war_width = 0.01;
    let (off, on) = off_on_n(N_DOWNSTREAM, &hard, |p| p.pakistan.war_width = 0.15);
    check(what, "open_war (war width)", &off, &on, |o| o.open_war, Up);
}

/// The ladder is read off what happened, with memory that decays: a rung is held for a
/// random, exponentially distributed time, so time on a rung is not a multiple of a fixed
/// hold, and a longer memory keeps the ladder off rung 0 longer.
#[test]
fn ladder_memory_decays_at_random() {
    let outs = run(&Params::default(), N_DOWNSTREAM, YEAR);
    let with_strikes: Vec<f64> = outs
        .iter()
        .filter(|o| o.days_rung_4 > 0.0)
        .map(|o| o.days_rung_4)
        .collect();
    assert!(with_strikes.len() > 100, "too few trials with strikes");
    let multiples_of_ten = with_strikes.iter().filter(|d| *d % 10.0 == 0.0).count();
    assert!(
        (multiples_of_ten as f64) < 0.25 * with_strikes.len() as f64,
        "rung 4 days quantised: {multiples_of_ten} of {} are multiples of 10",
        with_strikes.len()
    );
    let mut distinct = with_strikes.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    assert!(
        distinct.len() > 30,
        "only {} distinct rung-4 spells",
        distinct.len()
    );

    let (off, on) = off_on(&Params::default(), |p| p.ladder.memory_days = 30);
    check(
        "ladder memory",
        "days_rung_0 (longer memory)",
        &off,
        &on,
        |o| o.days_rung_0,
        Down,
    );
}

/// The crackdown dilemma is live: a hard crackdown builds fracture stress, the movement
/// splits in a share of trials, and the splinters join the rival group, whose attacks
/// rise. Without the split hazard there are no splits and the rival group stays smaller.
#[test]
fn hard_crackdowns_split_the_movement_and_feed_the_rival_group() {
    let what = "fracture";
    let mut hard = Params::default();
    hard.afghanistan.crackdown_base = 0.4;
    let splits = run(&hard, N, YEAR);
    let split_share =
        splits.iter().filter(|o| o.factional_splits > 0.0).count() as f64 / splits.len() as f64;
    assert!(
        (0.05..0.95).contains(&split_share),
        "a hard crackdown should split the movement in some trials, not none or all: {split_share}"
    );
    let mut no_splits = hard.clone();
    no_splits.afghanistan.fracture_hazard = 0.0;
    let (off, on) = off_on(&no_splits, |p| {
        p.afghanistan.fracture_hazard = hard.afghanistan.fracture_hazard
    });
    assert!(off.iter().all(|o| o.factional_splits == 0.0));
    check(
        what,
        "factional_splits",
        &off,
        &on,
        |o| o.factional_splits,
        Up,
    );
    check(
        what,
        "rival_attacks (splinters)",
        &off,
        &on,
        |o| o.rival_attacks,
        Up,
    );
    let rival = |w: &World| w.rival.total_strength();
    let (off, on) = probe_pair(
        &no_splits,
        |p| p.afghanistan.fracture_hazard = hard.afghanistan.fracture_hazard,
        rival,
    );
    assert_moves(what, "rival strength (splinters)", &off, &on, Up);
}

/// The rival group attacks in both countries: without it, no rival attacks; with it, more
/// attacks in Pakistan and deaths in both. Its recruitment grows it.
#[test]
fn the_rival_group_attacks_both_countries_and_recruits() {
    let what = "rival group";
    let mut none = Params::default();
    none.rival.initial_cells = 0;
    none.afghanistan.fracture_hazard = 0.0;
    let (off, on) = off_on(&none, |p| {
        p.rival.initial_cells = Params::default().rival.initial_cells
    });
    assert!(off.iter().all(|o| o.rival_attacks == 0.0));
    check(what, "rival_attacks", &off, &on, |o| o.rival_attacks, Up);
    check(what, "attacks in Pakistan", &off, &on, |o| o.attacks, Up);
    check(
        what,
        "rival_fatalities",
        &off,
        &on,
        |o| o.rival_fatalities,
        Up,
    );

    // All in Afghanistan: Pakistan sees none of its attacks.
    let mut afghan_only = Params::default();
    afghan_only.rival.pakistan_share = 0.0;
    let (off, on) = off_on(&afghan_only, |p| p.rival.pakistan_share = 1.0);
    check(
        what,
        "attacks (Pakistan share)",
        &off,
        &on,
        |o| o.attacks,
        Up,
    );

    let mut static_group = Params::default();
    static_group.rival.recruitment_rate = 0.0;
    let strength = |w: &World| w.rival.total_strength();
    let (off, on) = probe_pair(
        &static_group,
        |p| p.rival.recruitment_rate = 0.004,
        strength,
    );
    assert_moves(what, "rival strength (recruitment)", &off, &on, Up);
}

/// The TTP spoils accords: spoiler attacks happen only while a ceasefire or an agreement is
/// in force, and more of them against agreements.
#[test]
fn spoilers_strike_only_at_accords() {
    let what = "spoilers";
    let mut mediated = Params::default();
    mediated.measures.mediation.enabled = true;
    for o in run(&mediated, N, YEAR) {
        if o.ceasefire_days_held == 0.0 && o.agreements == 0.0 {
            assert_eq!(o.spoiler_attacks, 0.0, "a spoiler attack without an accord");
        }
    }
    let mut quiet = mediated.clone();
    quiet.militants.spoiler_hazard = 0.0;
    let (off, on) = off_on(&quiet, |p| p.militants.spoiler_hazard = 0.05);
    assert!(off.iter().all(|o| o.spoiler_attacks == 0.0));
    check(
        what,
        "spoiler_attacks",
        &off,
        &on,
        |o| o.spoiler_attacks,
        Up,
    );
    check(what, "attacks (spoilers)", &off, &on, |o| o.attacks, Up);
    let (off, on) = off_on(&mediated, |p| p.militants.spoiler_agreement_factor = 5.0);
    check(
        what,
        "spoiler_attacks (against agreements)",
        &off,
        &on,
        |o| o.spoiler_attacks,
        Up,
    );
}

/// Cells inside Pakistan have no border to cross and are beyond Kabul's crackdown and
/// Pakistan's strikes: with every cell inside, fewer attacks are foiled at the border and
/// more fighters survive Kabul's hard crackdown.
#[test]
fn cells_inside_pakistan_are_beyond_the_border_and_kabul() {
    let what = "cells inside Pakistan";
    let mut fenced = Params::default();
    fenced.militants.inside_share = 0.0;
    fenced.measures.fencing.enabled = true;
    let (off, on) = off_on(&fenced, |p| p.militants.inside_share = 1.0);
    check(
        what,
        "attacks_foiled (fenced border)",
        &off,
        &on,
        |o| o.attacks_foiled,
        Down,
    );
    let mut hard = Params::default();
    hard.militants.inside_share = 0.0;
    hard.militants.relocation_inside_share = 0.0;
    hard.afghanistan.crackdown_base = 0.4;
    hard.afghanistan.fracture_hazard = 0.0;
    let ttp = |w: &World| w.cells.total_strength();
    let (off, on) = probe_pair(&hard, |p| p.militants.inside_share = 1.0, ttp);
    assert_moves(what, "TTP strength (hard crackdown)", &off, &on, Up);
}

/// Relocation when pressed: cells hit by a crackdown or a strike move, a share of them into
/// Pakistan.
#[test]
fn pressed_cells_relocate_into_pakistan() {
    let mut hard = Params::default();
    hard.afghanistan.crackdown_base = 0.4;
    hard.afghanistan.dismantle_share = 0.0;
    hard.militants.relocation_inside_share = 0.0;
    let inside_share = |w: &World| {
        let n = w.cells.len();
        let inside = (0..n).filter(|&i| location(w.cells.sector(i)).0).count();
        inside as f64 / n.max(1) as f64
    };
    let (off, on) = probe_pair(
        &hard,
        |p| p.militants.relocation_inside_share = 0.8,
        inside_share,
    );
    assert_moves("relocation", "share of cells inside", &off, &on, Up);
}

/// Kabul's economy: closed crossings raise Afghan economic stress, which raises Kabul's
/// willingness to act on the TTP (the economic lever) and its vulnerability.
#[test]
fn closures_strain_kabuls_economy_and_move_its_choices() {
    let what = "Afghan economy";
    let mut closing = Params::default();
    closing.border.closure_hazard = 0.2;
    closing.afghanistan.closure_stress = 0.0;
    let stress = |w: &World| w.af.economic_stress;
    let (off, on) = probe_pair(&closing, |p| p.afghanistan.closure_stress = 0.01, stress);
    assert_moves(what, "final Afghan economic stress", &off, &on, Up);

    let mut strained = closing.clone();
    strained.afghanistan.closure_stress = 0.01;
    strained.afghanistan.stress_crackdown_effect = 0.0;
    let willingness = |w: &World| w.af.willingness;
    let (off, on) = probe_pair(
        &strained,
        |p| p.afghanistan.stress_crackdown_effect = 0.5,
        willingness,
    );
    assert_moves(what, "final crackdown willingness", &off, &on, Up);
}

/// Kabul can escalate: its forces open fire unprompted when hostility is high. Without the
/// initiative there are no such clashes; with more of it, more clashes and more strikes.
#[test]
fn kabul_opens_fire_unprompted() {
    let what = "Kabul's initiative";
    let mut none = Params::default();
    none.afghanistan.initiative_hazard = 0.0;
    let (off, on) = off_on(&none, |p| p.afghanistan.initiative_hazard = 0.1);
    assert!(off.iter().all(|o| o.kabul_initiated_clashes == 0.0));
    check(
        what,
        "kabul_initiated_clashes",
        &off,
        &on,
        |o| o.kabul_initiated_clashes,
        Up,
    );
    check(what, "border_clashes", &off, &on, |o| o.border_clashes, Up);
    check(
        what,
        "cross_border_strikes",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Up,
    );
}

/// A second front and domestic politics vary in time: crises with India and political
/// shocks raise Pakistan's vulnerability, which lowers its thresholds: more strikes.
#[test]
fn india_crises_and_political_shocks_raise_vulnerability() {
    let what = "second front and politics";
    let mut calm = Params::default();
    calm.pakistan.india_crisis_hazard = 0.0;
    let (off, on) = off_on_n(N_DOWNSTREAM, &calm, |p| {
        p.pakistan.india_crisis_hazard = 0.02
    });
    check(
        what,
        "cross_border_strikes (India crises)",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Up,
    );
    let mut calm = Params::default();
    calm.pakistan.political_shock_hazard = 0.0;
    let (off, on) = off_on_n(N_DOWNSTREAM, &calm, |p| {
        p.pakistan.political_shock_hazard = 0.03
    });
    check(
        what,
        "cross_border_strikes (political shocks)",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Up,
    );
    let volatility = |w: &World| w.pk.volatility;
    let (off, on) = probe_pair(
        &calm,
        |p| p.pakistan.political_shock_hazard = 0.03,
        volatility,
    );
    assert_moves(what, "final volatility", &off, &on, Up);
}

/// The fighting season: with a seasonal amplitude, more attacks fall in the three months
/// around the peak than in the three months around the trough.
#[test]
fn attacks_follow_the_fighting_season() {
    let peak_minus_trough = |p: &Params| -> Vec<f64> {
        let peak = p.militants.season_peak_day as i64;
        let trough = (peak + 182) % 365;
        (0..N)
            .map(|k| {
                let (_, days) = run_days(p, k, YEAR);
                let attacks_near = |centre: i64| {
                    (0..days.len() as i64)
                        .filter(|d| {
                            let dist = (d - centre).rem_euclid(365);
                            dist.min(365 - dist) <= 45
                        })
                        .map(|d| {
                            let d = d as usize;
                            let before = if d == 0 {
                                0
                            } else {
                                days[d - 1].cumulative_attacks
                            };
                            f64::from(days[d].cumulative_attacks - before)
                        })
                        .sum::<f64>()
                };
                attacks_near(peak) - attacks_near(trough)
            })
            .collect()
    };
    let mut flat = Params::default();
    flat.militants.season_amplitude = 0.0;
    let mut seasonal = flat.clone();
    seasonal.militants.season_amplitude = 0.4;
    assert_moves(
        "fighting season",
        "attacks near the peak minus near the trough",
        &peak_minus_trough(&flat),
        &peak_minus_trough(&seasonal),
        Up,
    );
}

/// Mediator credibility falls when an accord it oversees breaks, and lower credibility
/// means fewer ceasefires later.
#[test]
fn broken_accords_cost_mediators_credibility() {
    let what = "mediator credibility";
    let mut keep = Params::default();
    keep.mediation.credibility_loss = 0.0;
    let credibility = |w: &World| w.mediators.iter().map(|m| m.credibility).sum::<f64>() / 4.0;
    let (off, on) = probe_pair(&keep, |p| p.mediation.credibility_loss = 0.8, credibility);
    assert!(
        off.iter().all(|&c| c == 1.0),
        "credibility lost without loss"
    );
    assert_moves(what, "final credibility", &off, &on, Down);
    let mut slow = keep.clone();
    slow.mediation.credibility_recovery = 0.0;
    let (off, on) = off_on_n(N_DOWNSTREAM, &slow, |p| p.mediation.credibility_loss = 0.9);
    check(what, "ceasefires", &off, &on, |o| o.ceasefires, Down);
}

/// Pakistan's trust in Kabul restrains its coercion and strikes; Kabul's trust in Islamabad
/// makes it deny less, so Pakistan's trust erodes less.
#[test]
fn trust_restrains_pakistan_and_quiets_denials() {
    let mut distrustful = Params::default();
    distrustful.pakistan.trust_restraint = 0.0;
    let (off, on) = off_on(&distrustful, |p| p.pakistan.trust_restraint = 1.5);
    check(
        "trust restraint",
        "cross_border_strikes",
        &off,
        &on,
        |o| o.cross_border_strikes,
        Down,
    );
    let mut denying = Params::default();
    denying.afghanistan.denial_trust_effect = 0.0;
    let (off, on) = off_on(&denying, |p| p.afghanistan.denial_trust_effect = 1.0);
    check(
        "denial and trust",
        "final_trust_pk_in_af",
        &off,
        &on,
        |o| o.final_trust_pk_in_af,
        Up,
    );
}

/// The standing channel handles bilateral incidents only: with border meetings, fence
/// coordination and incident handling all set to zero, it changes nothing at all (in
/// particular not the outrage of domestic terror attacks).
#[test]
fn the_standing_channel_acts_only_on_bilateral_incidents() {
    let mut idle = Params::default();
    let c = &mut idle.measures.standing_channel;
    c.border_meetings = 0.0;
    c.coordination = 0.0;
    c.incident_handling = 0.0;
    let (off, on) = off_on(&idle, |p| p.measures.standing_channel.enabled = true);
    for (a, b) in off.iter().zip(&on) {
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "an idle channel changed a trial"
        );
    }
}
