//! Refugees (000 "it has hosted nearly 4 million Afghan refugees for over four decades,
//! creating deep social, cultural and economic interconnections ... a stabilizing force";
//! "refugee management ... jeopardized"). Deportations run at a base pace, faster during a
//! deportation drive (a coercive measure) and slower under a hosting refugee policy; each
//! deportation adds Afghan resentment and thins the social ties that damp outrage.

use super::resentment::add_resentment;
use crate::params::Params;
use crate::world::World;

/// `deported = base * (drive ? multiplier : 1) * (1 - policy * pace_cut) * stock / initial`,
/// counted in whole people (fractions carry to the next day).
pub fn manage_refugees(world: &mut World, params: &Params) {
    let r = &params.refugees;
    let drive = if world.pk.deportation_drive {
        r.drive_multiplier
    } else {
        1.0
    };
    let policy = 1.0 - world.levers.refugee_policy * params.measures.refugee_policy.pace_cut;
    let remaining = if r.initial_stock > 0.0 {
        world.refugees.stock / r.initial_stock
    } else {
        0.0
    };
    let pace = r.base_deportations_per_day * drive * policy * remaining + world.refugees.carry;
    // `pace` is never negative, so truncating is flooring (and costs no library call).
    let whole = pace as u64 as f64;
    let deported = whole.min(world.refugees.stock.max(0.0));
    world.refugees.carry = pace - whole;
    world.refugees.stock -= deported;
    world.tally.deported += deported as u64;
    add_resentment(
        world,
        params,
        params.publics.resentment_per_100k_deported * deported / 1.0e5,
    );
}
