//! Mechanism 7, reaction speed, and the publics (001 "Third, public anger is sharper and
//! quicker ... even a small incident can spiral into a diplomatic crisis before officials can
//! respond"). Today's outrage raises Pakistani anger (damped by the social ties that the
//! refugee population embodies, 000 "a stabilizing force"); the state's pressure to respond
//! follows anger at the speed of the information environment. A standing channel handles
//! incidents before they escalate (001 "a standing, continuous channel").

use super::ties::ties_damping;
use crate::draw::chance;
use crate::params::Params;
use crate::rng::Stream;
use crate::world::World;

/// `A += (attack outrage * handled + clash outrage) * (1 - A) * ties`; `A *= 1 - decay`;
/// `P += speed * (A - P)`. A handled day halves the attacks' outrage (clashes are handled one
/// by one where they happen).
pub fn spread_outrage(world: &mut World, params: &Params) {
    let p = &params.pakistan;
    let rng = world.streams.get(Stream::Outrage);
    let handling =
        world.levers.standing_channel * params.measures.standing_channel.incident_handling;
    let handled = chance(rng, handling);
    let mut outrage = world.today.outrage;
    if handled {
        outrage *= 0.5;
    }
    outrage += world.today.clash_outrage;
    let ties = ties_damping(world, params);
    let pk = &mut world.pk;
    pk.anger += outrage.min(1.0) * (1.0 - pk.anger) * ties;
    pk.anger = (pk.anger * (1.0 - p.anger_decay)).clamp(0.0, 1.0);
    pk.pressure += params.publics.social_media_speed * (pk.anger - pk.pressure);
}
