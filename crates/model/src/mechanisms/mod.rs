//! The mechanisms of MODEL.md, one module each. Each exposes functions named after its rule;
//! the daily schedule in `step.rs` calls them in order.

pub mod attacks;
pub mod attribution;
pub mod clashes;
pub mod costs;
pub mod crackdown;
pub mod ladder;
pub mod legitimacy;
pub mod mediation;
pub mod militancy;
pub mod operations;
pub mod outrage;
pub mod politics;
pub mod refugees;
pub mod resentment;
pub mod response;
pub mod retaliation;
pub mod rival;
pub mod spoilers;
pub mod ties;
pub mod trust;
pub mod vulnerability;

use crate::params::Params;
use crate::world::World;

/// Share of a bilateral incident's effect that remains when the standing channel handles it:
/// the trust an accusation costs, Kabul's readiness to answer a strike, the anger a clash adds
/// (000 "a standing communication channel"; the halving is an assumption, docs/MODEL.md §3.4).
pub const HANDLED_EFFECT: f64 = 0.5;

/// Chance that the standing channel handles a bilateral incident today: the measure's lever
/// times its incident handling. Each mechanism draws it from its own stream.
pub fn channel_handling(world: &World, params: &Params) -> f64 {
    world.levers.standing_channel * params.measures.standing_channel.incident_handling
}

/// The factor an incident's effect gets: [`HANDLED_EFFECT`] if the channel handled it.
pub fn handled_factor(handled: bool) -> f64 {
    if handled { HANDLED_EFFECT } else { 1.0 }
}
