//! Mechanism 3, escalation feeds militancy (000 "Escalation benefits no actor, except
//! extremist groups that thrive in chaos"; 001 "a dangerous vacuum in which militant groups
//! thrive"): cells recruit faster when the ladder is high, Afghan resentment is high and
//! Kabul does little; strong cells split, broken cells dissolve.

use crate::agents::{Cell, SECTOR_COUNT};
use crate::draw::{chance, index};
use crate::params::Params;
use crate::rng::Stream;
use crate::world::{World, draw_planning, inside_pakistan};

/// Chaos factor: 1 in calm, 1 + chaos_effect at open war. Also speeds up attack planning
/// (freedom of action).
pub fn chaos_factor(world: &World, params: &Params) -> f64 {
    1.0 + params.militants.chaos_effect * f64::from(world.ladder.rung) / 5.0
}

/// Daily recruitment: each cell grows by
/// `rate = r0 * (chaos + resentment_effect * R + vacuum_effect * (1 - effort)) * (1 - S / K)`.
pub fn recruit_militants(world: &mut World, params: &Params) {
    let m = &params.militants;
    let total = world.militant_strength();
    let room = (1.0 - total / m.carrying_capacity).max(0.0);
    let drive = chaos_factor(world, params)
        + m.resentment_effect * world.af.total_resentment()
        + m.vacuum_effect * (1.0 - world.af.effort);
    let growth = 1.0 + m.recruitment_rate * drive * room;
    world.cells.scale_strength(growth);
    world.today.cells_to_reshape = world.cells.may_leave(m.dissolve_strength, m.split_strength);
}

/// Cells above the split strength divide (the new cell shares the sanctuary); cells below
/// the dissolve strength disband. The network holds at most `max_cells` cells.
pub fn split_and_dissolve_cells(world: &mut World, params: &Params) {
    if !world.today.cells_to_reshape {
        return;
    }
    let m = &params.militants;
    let cells = &mut world.cells;
    cells.retain_at_least(m.dissolve_strength);
    let existing = cells.len();
    let limit = (m.max_cells as usize).min(cells.capacity());
    for i in 0..existing {
        if cells.strength(i) > m.split_strength && cells.len() < limit {
            let half = cells.strength(i) / 2.0;
            cells.set_strength(i, half);
            let rng = world.streams.get(Stream::Recruitment);
            let planning_left = draw_planning(rng, params, half);
            cells.push(Cell {
                sector: cells.sector(i),
                strength: half,
                planning_left,
            });
        }
    }
    cells.refresh();
}

/// A pressed cell relocates (001 "dismantled, not relocated"): inside Pakistan with the
/// relocation-inside share, else to a sanctuary opposite a random sector; either way it needs
/// the relocation delay before it can attack again. Draws from the stream of the mechanism
/// that pressed it.
pub fn relocate_cell(world: &mut World, params: &Params, i: usize, stream: Stream) {
    let m = &params.militants;
    let rng = world.streams.get(stream);
    let inside = chance(rng, m.relocation_inside_share);
    let sector = index(rng, SECTOR_COUNT) as u8;
    let cells = &mut world.cells;
    cells.set_sector(
        i,
        if inside {
            inside_pakistan(sector)
        } else {
            sector
        },
    );
    cells.delay_planning(i, m.relocation_delay_days);
}
