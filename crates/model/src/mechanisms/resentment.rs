//! The Afghan public's resentment of Pakistan (000 "Afghan public opinion solidifies against
//! Islamabad", "harden attitudes across generations"): strikes, clashes and deportations add
//! to it, split between a short memory that fades over months and a long, generational one;
//! social ties damp what is added.

use super::ties::ties_damping;
use crate::params::Params;
use crate::world::World;

/// Adds Afghan resentment, split between short and long memory and damped by social ties
/// (000 "harden attitudes across generations").
pub fn add_resentment(world: &mut World, params: &Params, amount: f64) {
    let amount = amount * ties_damping(world, params);
    let long = amount * params.publics.generational_share;
    world.af.resentment = (world.af.resentment + amount - long).clamp(0.0, 1.0);
    world.af.generational_resentment = (world.af.generational_resentment + long).clamp(0.0, 1.0);
}

/// Short-memory resentment fades over months, long-memory resentment over generations.
pub fn fade_memories(world: &mut World, params: &Params) {
    let p = &params.publics;
    world.af.resentment *= 1.0 - p.resentment_decay;
    world.af.generational_resentment *= 1.0 - p.generational_decay;
}
