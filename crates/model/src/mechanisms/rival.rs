//! The rival group (001 "fears internal fractures, or the emergence of rival factions"),
//! modelled on ISKP: its own cells, which recruit and are worn down by both states'
//! operations, attack in Pakistan (as other groups' attacks: attributed to Afghan soil only
//! at their rate, and angering the public like any attack) and in Afghanistan, and grow when
//! a factional split sends splinters their way.

use super::attacks::{AttackScene, Attacker, Group, foil_chance};
use crate::agents::{Cell, SECTOR_COUNT};
use crate::draw::{chance, exponential, index, poisson};
use crate::params::Params;
use crate::rng::Stream;
use crate::world::{World, rival_planning_interval};

/// Daily growth: every rival cell's fighters are multiplied by
/// `1 + recruitment_rate * (1 - S / carrying_capacity) - attrition_rate`; cells below the
/// TTP's dissolve strength disband.
pub fn grow_rival(world: &mut World, params: &Params) {
    let r = &params.rival;
    if world.rival.is_empty() {
        return;
    }
    let room = (1.0 - world.rival.total_strength() / r.carrying_capacity).max(0.0);
    world
        .rival
        .scale_strength((1.0 + r.recruitment_rate * room - r.attrition_rate).max(0.0));
    let dissolve = params.militants.dissolve_strength;
    if world.rival.may_leave(dissolve, f64::INFINITY) {
        world.rival.retain_at_least(dissolve);
    }
}

/// Rival cells plan at the fighting season's pace; a cell whose planning is done attacks in
/// Pakistan (share `pakistan_share`; intelligence may foil it, the border does not, since
/// the group operates on both sides) or in Afghanistan (Poisson deaths around
/// `afghan_deaths_per_attack` times a severity).
pub fn launch_rival_attacks(world: &mut World, params: &Params) {
    if world.rival.is_empty() {
        return;
    }
    let r = &params.rival;
    let speed = world.today.season;
    let foil = foil_chance(world, params, true);
    let (mut scene, rival) = AttackScene::with_cells(world, Stream::Rival, Group::Rival);
    rival.advance_planning(speed);
    rival.act_when_due(|sector, strength| {
        let planning = exponential(scene.rng, rival_planning_interval(params, strength));
        if chance(scene.rng, r.pakistan_share) {
            if chance(scene.rng, foil) {
                return (planning, strength);
            }
            let killed = scene.carry_out(params, Attacker::Rival, usize::from(sector), 1.0);
            (planning, (strength - f64::from(killed)).max(0.0))
        } else {
            let severity = scene.severities.sample(scene.rng);
            let deaths = poisson(scene.rng, r.afghan_deaths_per_attack * severity);
            scene.tally.rival_attacks += 1;
            scene.tally.rival_fatalities += deaths;
            (planning, strength)
        }
    });
}

/// Splinters of a factional split join the rival group as new cells of
/// `splinter_cell_strength` fighters (the last one takes the remainder), as many as fit.
pub fn receive_splinters(world: &mut World, params: &Params, fighters: f64) {
    let r = &params.rival;
    let mut left = fighters;
    let limit = (r.max_cells as usize).min(world.rival.capacity());
    while left >= 1.0 && world.rival.len() < limit {
        let strength = left.min(r.splinter_cell_strength.max(1.0));
        left -= strength;
        let rng = world.streams.get(Stream::Rival);
        let sector = index(rng, SECTOR_COUNT) as u8;
        let planning_left = exponential(rng, rival_planning_interval(params, strength));
        world.rival.push(Cell {
            sector,
            strength,
            planning_left,
        });
    }
}
