//! Mechanism 6, trust and its breakdown (000 "The deadlock reflects not only a dispute over
//! facts but a breakdown of trust"): trust falls with incidents, accusations and broken
//! commitments, and rises with honoured commitments, verified facts and confidence-building
//! measures (000 "Confidence-building measures"), which also damp incident-driven losses.

use crate::params::Params;
use crate::world::World;

/// Which side's trust changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Pakistan's trust in Kabul.
    Pakistan,
    /// Kabul's trust in Islamabad.
    Afghanistan,
    Both,
}

/// An incident-driven loss of a share of the current trust (trust erodes: it is lost in
/// proportion to what there is), damped by confidence-building measures.
pub fn lose_trust(world: &mut World, params: &Params, side: Side, share: f64) {
    let keep = 1.0 - (share * world.levers.trust_loss_factor(&params.measures)).clamp(0.0, 1.0);
    if side != Side::Afghanistan {
        world.pk.trust_in_af *= keep;
    }
    if side != Side::Pakistan {
        world.af.trust_in_pk *= keep;
    }
}

/// A gain (honoured commitments, verified facts, ceasefires).
pub fn gain_trust(world: &mut World, side: Side, amount: f64) {
    shift_trust(world, side, amount);
}

fn shift_trust(world: &mut World, side: Side, delta: f64) {
    if side != Side::Afghanistan {
        world.pk.trust_in_af = (world.pk.trust_in_af + delta).clamp(0.0, 1.0);
    }
    if side != Side::Pakistan {
        world.af.trust_in_pk = (world.af.trust_in_pk + delta).clamp(0.0, 1.0);
    }
}

/// Confidence-building measures: a steady daily trust gain on both sides.
pub fn build_confidence(world: &mut World, params: &Params) {
    let gain = world.levers.confidence_building * params.measures.confidence_building.trust_gain;
    gain_trust(world, Side::Both, gain);
}
