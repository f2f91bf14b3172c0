//! Mechanism 10, mediation (000 "Türkiye and Qatar have reportedly sought to mediate";
//! 001 "Regional countries that both Islamabad and Kabul trust, possibly Qatar, China, or
//! Saudi Arabia, can act as mediators. Their job should not be to dictate policy, but to
//! ensure that commitments are honored"). Each mediator engages once the ladder reaches its
//! readiness rung (earlier under the mediation measure); its acceptance is the lower of the
//! two sides' trust in it, cut by a dictating style. Engaged mediators broker ceasefires
//! (rung 3 and above) and agreements with commitments (under a ceasefire, or at any crisis
//! rung under the mediation measure); they monitor compliance, and detected breaches break
//! agreements, while compliance seen to be honoured builds trust.

use super::trust::{Side, gain_trust, lose_trust};
use crate::draw::chance;
use crate::params::{Mediator, Params};
use crate::rng::Stream;
use crate::world::World;

/// Combined daily chances of a ceasefire and of an agreement from all engaged mediators:
/// `1 - prod(1 - leverage_m * acceptance_m)`.
fn brokering_chances(world: &mut World, params: &Params) -> (f64, f64) {
    let lv = world.levers;
    let measure = &params.measures.mediation;
    let rung = u32::from(world.ladder.rung);
    let mut no_ceasefire = 1.0;
    let mut no_agreement = 1.0;
    for (state, mediator) in world.mediators.iter_mut().zip(params.mediators.all()) {
        let engage_rung = if lv.mediation > 0.0 {
            mediator.readiness_rung.min(measure.engage_rung)
        } else {
            mediator.readiness_rung
        };
        state.engaged = mediator.active && (rung >= engage_rung || (state.engaged && rung >= 1));
        if !state.engaged {
            continue;
        }
        let chance_m =
            leverage(mediator, params, lv.mediation) * acceptance(mediator, params, lv.mediation);
        no_ceasefire *= 1.0 - chance_m.min(1.0);
        no_agreement *= 1.0 - (chance_m * params.mediation.agreement_rate).min(1.0);
    }
    (1.0 - no_ceasefire, 1.0 - no_agreement)
}

/// Leverage, boosted by the mediation measure.
fn leverage(mediator: &Mediator, params: &Params, level: f64) -> f64 {
    mediator.leverage * (1.0 + level * params.measures.mediation.leverage_boost)
}

/// Acceptance: `min(trust_pk, trust_af) * (1 - dictation_penalty * dictation)`; under the
/// mediation measure its style replaces the mediator's own.
pub fn acceptance(mediator: &Mediator, params: &Params, level: f64) -> f64 {
    let dictation = if level > 0.0 {
        params.measures.mediation.dictation
    } else {
        mediator.dictation
    };
    mediator.trust_pk.min(mediator.trust_af)
        * (1.0 - params.mediation.dictation_penalty * dictation)
}

/// The day's mediation: broker a ceasefire or an agreement, then monitor the agreement.
pub fn mediate(world: &mut World, params: &Params) {
    let day = world.day;
    let (p_ceasefire, p_agreement) = brokering_chances(world, params);
    let p_detect = detection(world, params);
    let rng = world.streams.get(Stream::Mediation);
    let ceasefire = chance(rng, p_ceasefire);
    let agreement = chance(rng, p_agreement);
    let detected = chance(rng, p_detect);
    let ceasefire_on = world.accord.ceasefire_on(day);
    if ceasefire && !ceasefire_on && world.ladder.rung >= 3 {
        broker_ceasefire(world, params);
    }
    let talks_possible =
        world.accord.ceasefire_on(day) || (world.levers.mediation > 0.0 && world.ladder.rung >= 1);
    if agreement && !world.accord.agreement && talks_possible {
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

/// An agreement is broken: it lapses and both sides lose trust.
pub fn break_agreement(world: &mut World, params: &Params) {
    world.accord.agreement = false;
    world.tally.agreements_broken += 1;
    lose_trust(
        world,
        params,
        Side::Both,
        params.mediation.broken_trust_loss,
    );
}
