//! Social ties (000 "deep social, cultural and economic interconnections ... shared history
//! should act as a stabilizing force"): the Afghan refugee population in Pakistan embodies
//! them; they damp Pakistani outrage and Afghan resentment, and deportations thin them.

use crate::params::Params;
use crate::world::World;

/// Social ties (0-1): the refugee stock relative to its start, times the damping strength.
pub fn ties_damping(world: &World, params: &Params) -> f64 {
    let r = &params.refugees;
    let ties = if r.initial_stock > 0.0 {
        (world.refugees.stock / r.initial_stock).clamp(0.0, 1.0)
    } else {
        0.0
    };
    1.0 - r.ties_damping * ties
}
