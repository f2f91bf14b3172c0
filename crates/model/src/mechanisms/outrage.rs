//! Mechanism 7, reaction speed, and the publics (001 "Third, public anger is sharper and
//! quicker ... even a small incident can spiral into a diplomatic crisis before officials can
//! respond"). Today's outrage (from attacks, and from clashes as the standing channel left
//! it, [`super::clashes`]) raises Pakistani anger, damped by the social ties that the refugee
//! population embodies (000 "a stabilizing force"); the state's pressure to respond follows
//! anger at the speed of the information environment. Terror attacks at home are not
//! bilateral incidents: no channel with Kabul softens their outrage.

use super::ties::ties_damping;
use crate::params::Params;
use crate::world::World;

/// `A += (attack outrage + clash outrage) * (1 - A) * ties`; `A *= 1 - decay`;
/// `P += speed * (A - P)`.
pub fn spread_outrage(world: &mut World, params: &Params) {
    let p = &params.pakistan;
    let outrage = world.today.outrage + world.today.clash_outrage;
    let ties = ties_damping(world, params);
    let pk = &mut world.pk;
    pk.anger += outrage.min(1.0) * (1.0 - pk.anger) * ties;
    pk.anger = (pk.anger * (1.0 - p.anger_decay)).clamp(0.0, 1.0);
    pk.pressure += params.publics.social_media_speed * (pk.anger - pk.pressure);
}
