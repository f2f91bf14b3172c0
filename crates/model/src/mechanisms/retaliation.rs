//! Mechanism 2, Kabul's side of the ladder (000 "Matters escalated further when Afghan forces
//! reportedly opened fire on multiple Pakistani border posts"). After a strike, Kabul may
//! answer on the border posts within a window (CAL 0-4 days), with a daily hazard rising with
//! Afghan resentment and Kabul's vulnerability and falling with its trust in Islamabad; the
//! no-strike assurance brings reciprocity (less readiness to retaliate).

use super::clashes::fight_clash;
use super::vulnerability::afghan_vulnerability;
use crate::agents::SECTOR_COUNT;
use crate::draw::{index, uniform};
use crate::params::Params;
use crate::rng::Stream;
use crate::world::World;

/// `h = retaliation_hazard * min(1, R * (1 + vulnerability_effect * V)) * (1 - T)
///      * (1 - reciprocity) * ceasefire`.
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
    let readiness = (world.af.total_resentment()
        * (1.0 + a.vulnerability_effect * afghan_vulnerability(world, params)))
    .min(1.0);
    let mut hazard = a.retaliation_hazard * readiness * (1.0 - world.af.trust_in_pk);
    hazard *=
        1.0 - world.levers.no_strike_assurance * params.measures.no_strike_assurance.reciprocity;
    if world.accord.ceasefire_on(day) {
        hazard *= 1.0 - params.mediation.ceasefire_compliance;
    }
    if u_fire < hazard {
        world.af.retaliation_pending_since = None;
        world.tally.responses += 1;
        world.tally.response_delay_sum += day - since;
        fight_clash(world, params, sector, Stream::Retaliation);
        // An attack by the Afghan state on Pakistani posts is itself a trigger (Oct 2025, Feb 2026).
        world.today.trigger = true;
    }
}
