//! Mechanism 4, the crackdown dilemma (001 "cracking down on their ideological cousins ... is a
//! political minefield", "fears internal fractures, or the emergence of rival factions"):
//! Kabul weighs legitimacy, trust and commitments against fracture fear and public
//! resentment; its effort hits cells, which are dismantled or merely relocated (001
//! "dismantled, not relocated"); effort builds fracture stress that can split the movement.

use crate::agents::SECTOR_COUNT;
use crate::draw::{chance, index};
use crate::params::Params;
use crate::rng::Stream;
use crate::world::World;

/// Kabul's own willingness to act against the TTP today (before capacity and before any
/// commitment): `base + legitimacy_incentive*(1-L)*(1+pressure_on_kabul) + trust_incentive*T
///  + assurance reciprocity - fracture_fear*F - resentment_drag*R`.
pub fn crackdown_willingness(world: &World, params: &Params) -> f64 {
    let a = &params.afghanistan;
    let lv = &world.levers;
    a.crackdown_base
        + a.legitimacy_incentive
            * (1.0 - world.af.legitimacy)
            * (1.0 + params.outside.pressure_on_kabul)
        + a.trust_incentive * world.af.trust_in_pk
        + lv.no_strike_assurance * params.measures.no_strike_assurance.crackdown_reciprocity
        - a.fracture_fear * world.af.fracture_stress
        - a.resentment_drag * world.af.total_resentment()
}

/// Decides today's effort, `clamp(own willingness + commitment) * capacity` (zero while a
/// split suspends the crackdown), and applies it to the cells.
pub fn crack_down(world: &mut World, params: &Params) {
    let a = &params.afghanistan;
    world.af.willingness = crackdown_willingness(world, params);
    let committed = if world.accord.agreement {
        params.mediation.committed_crackdown
    } else {
        0.0
    };
    let paused = world.day < world.af.paused_until;
    world.af.effort = if paused {
        0.0
    } else {
        (world.af.willingness + committed).clamp(0.0, 1.0) * a.crackdown_capacity
    };
    hit_cells(world, params);
    build_fracture_stress(world, params);
}

/// Number of cells hit today is Poisson(effort * hit_rate * efficiency * cells); each hit cell
/// is dismantled with the dismantle share (raised by verification) or else relocated.
fn hit_cells(world: &mut World, params: &Params) {
    let a = &params.afghanistan;
    let lv = world.levers;
    let efficiency =
        1.0 + lv.intelligence_sharing * params.measures.intelligence_sharing.crackdown_efficiency;
    let mean_hits = world.af.effort * a.crackdown_hit_rate * efficiency * world.cells.len() as f64;
    let dismantle = a.dismantle_share
        + (params.measures.verification.dismantle_share - a.dismantle_share).max(0.0)
            * lv.verification;
    let rng = world.streams.get(Stream::Crackdown);
    let hits = crate::draw::poisson(rng, mean_hits);
    for _ in 0..hits {
        if world.cells.is_empty() {
            break;
        }
        let i = index(rng, world.cells.len());
        let dismantled = chance(rng, dismantle);
        let new_sector = index(rng, SECTOR_COUNT) as u8;
        let cells = &mut world.cells;
        if dismantled {
            cells.set_strength(i, cells.strength(i) * (1.0 - a.dismantle_losses));
        } else {
            cells.set_sector(i, new_sector);
            cells.delay_planning(i, params.militants.relocation_delay_days);
        }
    }
}

/// Fracture stress rises with effort and fades; above the threshold a split may happen:
/// defectors join the TTP and the crackdown is suspended.
fn build_fracture_stress(world: &mut World, params: &Params) {
    let a = &params.afghanistan;
    let af = &mut world.af;
    af.fracture_stress = (af.fracture_stress + a.fracture_gain * af.effort
        - a.fracture_decay * af.fracture_stress)
        .clamp(0.0, 1.0);
    let rng = world.streams.get(Stream::Crackdown);
    let split = chance(rng, a.fracture_hazard);
    if split && af.fracture_stress > a.fracture_threshold {
        af.paused_until = world.day + a.fracture_pause_days;
        af.fracture_stress *= 0.5;
        world.tally.fractures += 1;
        let n = world.cells.len();
        if n > 0 {
            let per_cell = a.fracture_defectors / n as f64;
            world.cells.add_strength(per_cell);
        }
    }
}
