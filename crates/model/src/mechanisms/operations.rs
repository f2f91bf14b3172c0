//! Pakistan's own counter-terrorism operations (CAL: 2,115 militants and 664 security
//! personnel killed in 2025, PICSS): they kill TTP fighters and other groups' militants at a
//! steady rate, with security losses in proportion.

use crate::draw::poisson;
use crate::params::Params;
use crate::rng::Stream;
use crate::world::World;

/// Pakistan's counter-terrorism operations: Poisson(ct_kill_rate * fighters) TTP fighters
/// killed a day, plus other groups' militants, with security losses in proportion. The
/// operations hit fighters, not cells: each cell loses the same share of its fighters (the
/// expected losses if every fighter were equally likely to be among the killed), which
/// takes no draws and no pass over the cells.
pub fn conduct_operations(world: &mut World, params: &Params) {
    let p = &params.pakistan;
    let fighters = world.militant_strength();
    let World {
        cells,
        streams,
        tally,
        derived,
        ..
    } = world;
    let rng = streams.get(Stream::Operations);
    let ttp_killed = poisson(rng, p.ct_kill_rate * fighters);
    let other_killed = derived.other_group_ct_deaths.sample(rng);
    let killed = ttp_killed + other_killed;
    let security = poisson(rng, p.ct_security_deaths_per_kill * f64::from(killed));
    if ttp_killed > 0 && fighters > 0.0 {
        cells.scale_strength((1.0 - f64::from(ttp_killed) / fighters).max(0.0));
    }
    tally.militant += killed;
    tally.pk_security += security;
}
