//! Mechanism 2, Kabul's side of the ladder (000 "Matters escalated further when Afghan forces
//! reportedly opened fire on multiple Pakistani border posts"). Kabul's hostility toward
//! Pakistan grows with Afghan resentment (raised by Kabul's vulnerability: economic stress
//! and isolation) and with Pakistan's coercive measures in force, and is forgiven by trust.
//! After a strike, Kabul may answer on the border posts within a window (CAL 0-4 days); and
//! it may open fire unprompted. Each is a daily chance rising logistically with hostility
//! ([`crate::decision`]); the no-strike assurance brings reciprocity (less readiness), a
//! strike explained through a standing channel is answered less readily, and a ceasefire
//! suppresses both.

use super::clashes::fight_clash;
use super::handled_factor;
use super::vulnerability::afghan_vulnerability;
use crate::agents::SECTOR_COUNT;
use crate::decision::{inclination, occurs};
use crate::draw::{index, uniform};
use crate::params::Params;
use crate::rng::Stream;
use crate::world::World;

/// Kabul's hostility toward Pakistan (0-1):
/// `min(1, R * (1 + vulnerability_effect * V) + coercion_grievance * coerced) * (1 - T)`,
/// with `R` total resentment, `V` Kabul's vulnerability, `coerced` 1 while Pakistan's
/// crossings are closed or a deportation drive runs, and `T` Kabul's trust in Islamabad.
pub fn afghan_hostility(world: &World, params: &Params) -> f64 {
    let a = &params.afghanistan;
    let coerced = world.pk.crossings_closed || world.pk.deportation_drive;
    let grievance = if coerced { a.coercion_grievance } else { 0.0 };
    let resentment = world.af.total_resentment()
        * (1.0 + a.vulnerability_effect * afghan_vulnerability(world, params));
    (resentment + grievance).min(1.0) * (1.0 - world.af.trust_in_pk)
}

/// What restrains Kabul's fire on the posts today: the assurance's reciprocity and a
/// ceasefire's compliance (a factor on the hazards).
fn restraint(world: &World, params: &Params) -> f64 {
    let mut factor =
        1.0 - world.levers.no_strike_assurance * params.measures.no_strike_assurance.reciprocity;
    if world.accord.ceasefire_on(world.day) {
        factor *= 1.0 - params.mediation.ceasefire_compliance;
    }
    factor
}

/// The answer to a strike: `h = retaliation_hazard * inclination(hostility,
/// retaliation_threshold, retaliation_width) * restraint`, halved if a standing channel
/// handled the strike.
pub fn retaliate_on_posts(world: &mut World, params: &Params) {
    let a = &params.afghanistan;
    // Two draws a day whatever the state, so the stream stays aligned across arms.
    let rng = world.streams.get(Stream::Retaliation);
    let u_fire = uniform(rng);
    let sector = index(rng, SECTOR_COUNT);
    let Some(since) = world.af.retaliation_pending_since else {
        return;
    };
    let day = world.day;
    if day - since > a.retaliation_window_days {
        world.af.retaliation_pending_since = None;
        return;
    }
    let handled = handled_factor(world.af.strike_handled);
    let fires = occurs(u_fire, a.retaliation_hazard * handled, || {
        let hostility = afghan_hostility(world, params);
        inclination(hostility, a.retaliation_threshold, a.retaliation_width)
            * restraint(world, params)
    });
    if fires {
        world.af.retaliation_pending_since = None;
        world.tally.responses += 1;
        world.tally.response_delay_sum += day - since;
        fight_clash(world, params, sector, Stream::Retaliation);
        // An attack by the Afghan state on Pakistani posts is itself a trigger (Oct 2025, Feb 2026).
        world.today.trigger = true;
    }
}

/// Kabul's own escalation: its forces open fire on Pakistani posts unprompted with the daily
/// chance `initiative_hazard * inclination(hostility, initiative_threshold,
/// initiative_width) * restraint` (not during open war, when fighting is already daily).
/// Like an answer to a strike, it is a trigger for Pakistan.
pub fn open_fire_unprompted(world: &mut World, params: &Params) {
    let a = &params.afghanistan;
    let rng = world.streams.get(Stream::Initiative);
    let u_fire = uniform(rng);
    let sector = index(rng, SECTOR_COUNT);
    if world.pk.open_war {
        return;
    }
    let fires = occurs(u_fire, a.initiative_hazard, || {
        let hostility = afghan_hostility(world, params);
        inclination(hostility, a.initiative_threshold, a.initiative_width)
            * restraint(world, params)
    });
    if fires {
        world.tally.kabul_initiated_clashes += 1;
        fight_clash(world, params, sector, Stream::Initiative);
        world.today.trigger = true;
    }
}
