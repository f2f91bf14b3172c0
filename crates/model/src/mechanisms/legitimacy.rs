//! Mechanism 5, Kabul's international legitimacy (000 "dismantling TTP networks is essential
//! ... for Afghanistan's own international legitimacy"; "Failure to act risks further
//! isolation"): attacks attributed to Afghan soil while Kabul does little cost it
//! legitimacy; action against the TTP earns it back.

use crate::params::Params;
use crate::world::World;

/// Mechanism 5: an attack attributed to Afghan soil costs Kabul legitimacy in proportion to
/// how little it is doing, more so under outside pressure (000 "Failure to act risks further
/// isolation"). Nothing if the attack is not `attributed`.
pub fn charge_legitimacy(world: &mut World, params: &Params, attributed: bool) {
    let share = params.afghanistan.legitimacy_loss_per_attributed_attack
        * (1.0 - world.af.effort)
        * (1.0 + params.outside.pressure_on_kabul)
        * f64::from(u8::from(attributed));
    world.af.legitimacy = (world.af.legitimacy * (1.0 - share)).clamp(0.0, 1.0);
}

/// Mechanism 5: action gains legitimacy (000 "dismantling TTP networks is essential ... for
/// Afghanistan's own international legitimacy").
pub fn weigh_legitimacy(world: &mut World, params: &Params) {
    let gain = params.afghanistan.legitimacy_gain * world.af.effort;
    world.af.legitimacy = (world.af.legitimacy + gain).clamp(0.0, 1.0);
}
