//! The TTP as a strategic actor (000 "Escalation benefits no actor, except extremist groups
//! that thrive in chaos"): while a ceasefire or an agreement is in force, the TTP launches
//! spoiler attacks meant to wreck it, more often against an agreement whose commitments
//! threaten its sanctuaries, and heavier than its routine attacks. A spoiler attack is an
//! attack like any other from there on (it can be foiled, it angers, it can be a trigger).

use super::attacks::{Attacker, attack_now, foil_chance};
use crate::draw::{chance, index, uniform};
use crate::params::Params;
use crate::rng::Stream;
use crate::world::{World, location};

/// Daily chance of a spoiler attack: `spoiler_hazard` under a ceasefire, times
/// `spoiler_agreement_factor` under an agreement, else 0. One cell, chosen at random, acts.
pub fn launch_spoiler_attacks(world: &mut World, params: &Params) {
    let m = &params.militants;
    let hazard = if world.accord.agreement {
        m.spoiler_hazard * m.spoiler_agreement_factor
    } else if world.accord.ceasefire_on(world.day) {
        m.spoiler_hazard
    } else {
        0.0
    };
    // One draw a day whatever the accord, so the stream stays aligned across arms.
    let rng = world.streams.get(Stream::Spoilers);
    let u = uniform(rng);
    if u >= hazard || world.cells.is_empty() {
        return;
    }
    let i = index(rng, world.cells.len());
    let (inside, sector) = location(world.cells.sector(i));
    let foil = foil_chance(world, params, inside);
    let foiled = chance(world.streams.get(Stream::Spoilers), foil);
    world.tally.spoiler_attacks += 1;
    if foiled {
        world.tally.attacks_foiled += 1;
        return;
    }
    let killed = attack_now(
        world,
        params,
        Stream::Spoilers,
        Attacker::Ttp,
        sector,
        m.spoiler_severity,
    );
    let strength = world.cells.strength(i);
    world
        .cells
        .set_strength(i, (strength - f64::from(killed)).max(0.0));
}
