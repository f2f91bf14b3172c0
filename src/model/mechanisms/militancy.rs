//! Mechanism 3, escalation feeds militancy (000 "Escalation benefits no actor, except
//! extremist groups that thrive in chaos"; 001 "a dangerous vacuum in which militant groups
//! thrive"): cells recruit faster when the ladder is high, Afghan resentment is high and
//! Kabul does little; strong cells split, broken cells dissolve.

use crate::model::params::Params;
use crate::model::rng::Stream;
use crate::model::world::{World, draw_planning};

/// Chaos factor: 1 in calm, 1 + chaos_effect at open war. Also speeds up attack planning
/// (freedom of action).
pub fn chaos_factor(world: &World, params: &Params) -> f64 {
    1.0 + params.militants.chaos_effect * f64::from(world.ladder.rung) / 5.0
}

/// Daily recruitment: each cell grows by
/// `rate = r0 * (chaos + resentment_effect * R + vacuum_effect * (1 - effort)) * (1 - S / K)`.
pub fn recruit_militants(world: &mut World, params: &Params) {
    let m = &params.militants;
    // One pass for the total and the extremes. Rounding is monotone, so the strongest cell
    // after growth is the strongest before it times the growth (growth >= 1 > 0): the
    // extremes tell whether any cell will cross the split or dissolve strength.
    let (mut total, mut strongest, mut weakest) = (-0.0, f64::MIN, f64::MAX);
    for cell in &world.cells {
        let s = cell.strength;
        total += s;
        // Plain comparisons (not f64::max, which handles NaN at a cost in the hot loop).
        strongest = if s > strongest { s } else { strongest };
        weakest = if s < weakest { s } else { weakest };
    }
    let room = (1.0 - total / m.carrying_capacity).max(0.0);
    let drive = chaos_factor(world, params)
        + m.resentment_effect * world.af.total_resentment()
        + m.vacuum_effect * (1.0 - world.af.effort);
    let growth = 1.0 + m.recruitment_rate * drive * room;
    for cell in &mut world.cells {
        cell.strength *= growth;
    }
    world.today.cells_to_reshape = growth.is_nan()
        || growth <= 0.0
        || strongest * growth > m.split_strength
        || weakest * growth < m.dissolve_strength;
}

/// Cells above the split strength divide (the new cell shares the sanctuary); cells below
/// the dissolve strength disband.
pub fn split_and_dissolve_cells(world: &mut World, params: &Params) {
    if !world.today.cells_to_reshape {
        return;
    }
    let m = &params.militants;
    world.cells.retain(|c| c.strength >= m.dissolve_strength);
    let existing = world.cells.len();
    for i in 0..existing {
        if world.cells[i].strength > m.split_strength && world.cells.len() < world.cells.capacity()
        {
            let half = world.cells[i].strength / 2.0;
            world.cells[i].strength = half;
            let rng = world.streams.get(Stream::Recruitment);
            let planning_left = draw_planning(rng, params, half);
            let sector = world.cells[i].sector;
            world.cells.push(crate::model::agents::Cell {
                sector,
                strength: half,
                planning_left,
            });
        }
    }
}
