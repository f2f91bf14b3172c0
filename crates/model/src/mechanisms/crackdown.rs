//! Mechanism 4, the crackdown dilemma (001 "cracking down on their ideological cousins ... is a
//! political minefield", "fears internal fractures, or the emergence of rival factions"):
//! Kabul weighs legitimacy, trust and commitments against fracture fear and public
//! resentment; its effort hits cells, which are dismantled or merely relocated (001
//! "dismantled, not relocated"; cells inside Pakistan are out of its reach); effort and
//! economic pressure from closed crossings move it, and effort builds fracture stress that
//! can split the movement: splinters join the rival group ([`super::rival`]).

use super::militancy::relocate_cell;
use super::rival::receive_splinters;
use crate::decision::{inclination, occurs};
use crate::draw::{chance, index, uniform};
use crate::params::Params;
use crate::rng::Stream;
use crate::world::{World, location};

/// Kabul's own willingness to act against the TTP today (before capacity and before any
/// commitment): `base + legitimacy_incentive*(1-L)*(1+pressure_on_kabul) + trust_incentive*T
///  + assurance reciprocity - fracture_fear*F - resentment_drag*R
///  + stress_crackdown_effect*(economic stress - economic fragility)`.
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
        + a.stress_crackdown_effect * (world.af.economic_stress - a.economic_fragility)
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
        let rng = world.streams.get(Stream::Crackdown);
        let i = index(rng, world.cells.len());
        let dismantled = chance(rng, dismantle);
        if location(world.cells.sector(i)).0 {
            // Cells inside Pakistan are beyond Kabul's reach: the effort finds nothing.
            continue;
        }
        if dismantled {
            let cells = &mut world.cells;
            cells.set_strength(i, cells.strength(i) * (1.0 - a.dismantle_losses));
        } else {
            relocate_cell(world, params, i, Stream::Crackdown);
        }
    }
}

/// Fracture stress rises with effort and fades; a split happens with the daily chance
/// `fracture_hazard * inclination(stress, fracture_threshold, fracture_width)`: its
/// defectors leave for the rival group, the crackdown is suspended and stress halves.
fn build_fracture_stress(world: &mut World, params: &Params) {
    let a = &params.afghanistan;
    let af = &mut world.af;
    af.fracture_stress = (af.fracture_stress + a.fracture_gain * af.effort
        - a.fracture_decay * af.fracture_stress)
        .clamp(0.0, 1.0);
    let stress = af.fracture_stress;
    let u_split = uniform(world.streams.get(Stream::Crackdown));
    let splits = occurs(u_split, a.fracture_hazard, || {
        inclination(stress, a.fracture_threshold, a.fracture_width)
    });
    if splits {
        let af = &mut world.af;
        af.paused_until = world.day + a.fracture_pause_days;
        af.fracture_stress *= 0.5;
        world.tally.fractures += 1;
        receive_splinters(world, params, a.fracture_defectors);
    }
}
