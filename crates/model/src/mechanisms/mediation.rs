//! Mechanism 10, mediation (000 "Türkiye and Qatar have reportedly sought to mediate";
//! 001 "Regional countries that both Islamabad and Kabul trust, possibly Qatar, China, or
//! Saudi Arabia, can act as mediators. Their job should not be to dictate policy, but to
//! ensure that commitments are honored"). Each mediator engages once the ladder reaches its
//! readiness rung; the mediation measure draws it in earlier with an effort equal to the
//! measure's intensity. Its acceptance is the lower of the two sides' trust in it, cut by a
//! dictating style. A ceasefire also needs Pakistan ready to stop: its chance is scaled by
//! one minus the open-war inclination. Engaged mediators broker ceasefires (rung 3 and
//! above) and agreements with commitments (under a ceasefire, or under the mediation
//! measure on a share of crisis days equal to its intensity); they monitor compliance, and detected breaches break
//! agreements, while compliance seen to be honoured builds trust. A broken ceasefire or
//! agreement costs the engaged mediators credibility, which scales their acceptance and
//! recovers over months.

use super::trust::{Side, gain_trust, lose_trust};
use crate::decision::{inclination, occurs};
use crate::draw::{chance, uniform};
use crate::params::{Mediator, Params};
use crate::rng::Stream;
use crate::world::World;

/// Combined daily chances of a ceasefire and of an agreement from all engaged mediators:
/// `1 - prod(1 - effort_m * leverage_m * acceptance_m * credibility_m)`. A mediator engages
/// of its own accord at its readiness rung (effort 1) and stays while the crisis lasts;
/// under the mediation measure at intensity `l` it is drawn in from the measure's earlier
/// rung with effort `l` until the crisis reaches its own readiness rung.
fn brokering_chances(world: &mut World, params: &Params) -> (f64, f64) {
    let level = world.levers.mediation;
    let measure = &params.measures.mediation;
    let rung = u32::from(world.ladder.rung);
    let mut no_ceasefire = 1.0;
    let mut no_agreement = 1.0;
    for (state, mediator) in world.mediators.iter_mut().zip(params.mediators.all()) {
        let own_accord =
            mediator.active && (rung >= mediator.readiness_rung || (state.own_accord && rung >= 1));
        let drawn_in = mediator.active && level > 0.0 && rung >= measure.engage_rung;
        state.own_accord = own_accord;
        state.engaged = own_accord || drawn_in;
        if !state.engaged {
            continue;
        }
        let effort = if own_accord { 1.0 } else { level };
        let chance_m = effort
            * leverage(mediator, params, level)
            * acceptance(mediator, params, level)
            * state.credibility;
        no_ceasefire *= 1.0 - chance_m.min(1.0);
        no_agreement *= 1.0 - (chance_m * params.mediation.agreement_rate).min(1.0);
    }
    (1.0 - no_ceasefire, 1.0 - no_agreement)
}

/// Leverage, boosted by the mediation measure.
fn leverage(mediator: &Mediator, params: &Params, level: f64) -> f64 {
    mediator.leverage * (1.0 + level * params.measures.mediation.leverage_boost)
}

/// Acceptance: `min(trust_pk, trust_af) * (1 - dictation_penalty * dictation)`, where the
/// style moves from the mediator's own towards the measure's with its intensity `l`:
/// `dictation = (1 - l) * own + l * measure`.
pub fn acceptance(mediator: &Mediator, params: &Params, level: f64) -> f64 {
    let dictation =
        (1.0 - level) * mediator.dictation + level * params.measures.mediation.dictation;
    mediator.trust_pk.min(mediator.trust_af)
        * (1.0 - params.mediation.dictation_penalty * dictation)
}

/// The day's mediation: broker a ceasefire or an agreement, then monitor the agreement.
pub fn mediate(world: &mut World, params: &Params) {
    let day = world.day;
    let recovery = params.mediation.credibility_recovery;
    for state in &mut world.mediators {
        state.credibility += recovery * (1.0 - state.credibility);
    }
    let (p_ceasefire, p_agreement) = brokering_chances(world, params);
    let p_detect = detection(world, params);
    let rng = world.streams.get(Stream::Mediation);
    let u_ceasefire = uniform(rng);
    let agreement = chance(rng, p_agreement);
    let detected = chance(rng, p_detect);
    let u_talks = uniform(rng);
    // A Pakistan whose pressure is above its war threshold is not ready to stop fighting.
    let ceasefire = occurs(u_ceasefire, p_ceasefire, || {
        1.0 - inclination(
            world.pk.pressure,
            super::response::war_threshold(world, params),
            params.pakistan.war_width,
        )
    });
    let ceasefire_on = world.accord.ceasefire_on(day);
    if ceasefire && !ceasefire_on && world.ladder.rung >= 3 {
        broker_ceasefire(world, params);
    }
    if agreement && !world.accord.agreement && talks_possible(world, u_talks) {
        world.accord.agreement = true;
        world.tally.agreements += 1;
    }
    monitor_agreement(world, params, detected);
    world.tally.ceasefire_days += u32::from(world.accord.ceasefire_on(day));
    world.tally.agreement_days += u32::from(world.accord.agreement);
}

/// A ceasefire: ends open war and pending strikes and responses, builds some trust.
fn broker_ceasefire(world: &mut World, params: &Params) {
    world.accord.ceasefire_until = Some(world.day + params.mediation.ceasefire_days);
    world.tally.ceasefires += 1;
    world.pk.open_war = false;
    world.pk.war_days = 0;
    world.pk.strike_pending_since = None;
    world.af.retaliation_pending_since = None;
    gain_trust(world, Side::Both, params.mediation.ceasefire_trust_gain);
}

/// Agreements are negotiated under a ceasefire; under the mediation measure at intensity
/// `l`, talks also run without one on a share `l` of crisis days (001 "talks cannot begin
/// only after a bombing or a border clash").
fn talks_possible(world: &World, u_talks: f64) -> bool {
    world.accord.ceasefire_on(world.day)
        || (world.ladder.rung >= 1 && u_talks < world.levers.mediation)
}

/// Chance that compliance (or a breach) is seen: the mediators' monitoring, or the
/// verification mechanism where it is stronger.
fn detection(world: &World, params: &Params) -> f64 {
    let verified = world.levers.verification * params.measures.verification.detection;
    params.mediation.monitoring_detection.max(verified)
}

/// Kabul honours its commitment while its own net incentive to act (willingness without the
/// commitment) is not negative and no factional split has suspended the crackdown: fracture
/// fear and resentment can outweigh the commitment. A detected breach breaks the agreement;
/// compliance that is seen builds trust.
fn monitor_agreement(world: &mut World, params: &Params, detected: bool) {
    if !world.accord.agreement || !detected {
        return;
    }
    let suspended = world.day < world.af.paused_until;
    if world.af.willingness >= 0.0 && !suspended {
        gain_trust(world, Side::Both, params.mediation.honoured_trust_gain);
    } else {
        break_agreement(world, params);
    }
}

/// A ceasefire is broken (a strike, or a clash no channel handled): it ends, and the
/// mediators engaged in it lose credibility.
pub fn break_ceasefire(world: &mut World, params: &Params) {
    world.accord.ceasefire_until = None;
    lose_credibility(world, params);
}

/// Every engaged mediator loses a share of its credibility (failed talks, CAL Istanbul).
fn lose_credibility(world: &mut World, params: &Params) {
    let keep = 1.0 - params.mediation.credibility_loss;
    for state in world.mediators.iter_mut().filter(|m| m.engaged) {
        state.credibility *= keep;
    }
}

/// An agreement is broken: it lapses, both sides lose trust and the engaged mediators
/// credibility.
pub fn break_agreement(world: &mut World, params: &Params) {
    world.accord.agreement = false;
    world.tally.agreements_broken += 1;
    lose_credibility(world, params);
    lose_trust(
        world,
        params,
        Side::Both,
        params.mediation.broken_trust_loss,
    );
}
