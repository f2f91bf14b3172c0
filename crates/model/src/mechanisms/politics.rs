//! Pakistan's second front and domestic politics (001 "Pak-India skirmishes in May 2025",
//! "political volatility"): crises with India arrive at random and raise the threat on that
//! front while they last; political shocks raise volatility, which fades back to its
//! baseline. Both feed Pakistan's vulnerability ([`super::vulnerability`]). Their timing is
//! drawn as waiting times, so it is the same in every arm that shares a seed.

use crate::draw::exponential;
use crate::params::Params;
use crate::rng::Stream;
use crate::world::World;

/// Draws the first India crisis and the first political shock (at trial start).
pub fn schedule_first_shocks(world: &mut World, params: &Params) {
    let p = &params.pakistan;
    world.pk.next_india_crisis = next_event(world, Stream::IndiaFront, p.india_crisis_hazard);
    world.pk.next_political_shock =
        next_event(world, Stream::PoliticalShocks, p.political_shock_hazard);
}

/// The day of the next event of a daily hazard, from today (exponential waiting time).
fn next_event(world: &mut World, stream: Stream, hazard: f64) -> u32 {
    if hazard <= 0.0 {
        return u32::MAX;
    }
    let wait = exponential(world.streams.get(stream), 1.0 / hazard);
    let day = f64::from(world.day) + wait.ceil().max(1.0);
    day.min(f64::from(u32::MAX)) as u32
}

/// The India front: a crisis that begins today sets the threat to the crisis level for
/// `Exp(india_crisis_days)` days; afterwards it returns to the baseline.
pub fn watch_india_front(world: &mut World, params: &Params) {
    let p = &params.pakistan;
    let day = world.day;
    if day >= world.pk.next_india_crisis {
        let days = exponential(world.streams.get(Stream::IndiaFront), p.india_crisis_days);
        world.pk.india_crisis_until = day.saturating_add(days.ceil().max(1.0) as u32);
        world.tally.india_crises += 1;
        world.pk.next_india_crisis = next_event(world, Stream::IndiaFront, p.india_crisis_hazard);
    }
    world.pk.india_threat = if day < world.pk.india_crisis_until {
        p.india_crisis_threat.max(p.india_threat)
    } else {
        p.india_threat
    };
}

/// Political shocks add `political_shock_size` to volatility (at most 1); volatility relaxes
/// toward its baseline by `political_shock_decay` a day.
pub fn shake_politics(world: &mut World, params: &Params) {
    let p = &params.pakistan;
    let pk = &mut world.pk;
    pk.volatility += p.political_shock_decay * (p.political_volatility - pk.volatility);
    if world.day >= pk.next_political_shock {
        pk.volatility = (pk.volatility + p.political_shock_size).min(1.0);
        world.tally.political_shocks += 1;
        world.pk.next_political_shock =
            next_event(world, Stream::PoliticalShocks, p.political_shock_hazard);
    }
}
