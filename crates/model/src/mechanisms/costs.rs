//! Mechanism 9, the costs of hostility (000 "The hostilities have impacted the regional
//! connectivity projects, border trade and refugee management"; 001 "civilians are the major
//! casualties on both sides ... lost livelihood, lost schooling, lost stability"). Closed
//! crossings lose their trade (less what is diverted through open ones) and raise the
//! economic stress of both countries (Kabul's from its higher fragility, 001 "economically
//! fragile"); open war displaces people.

use crate::agents::{Crossing, SECTORS};
use crate::params::Params;
use crate::world::World;

/// Daily trade through a crossing.
fn crossing_trade(params: &Params, crossing: Crossing) -> f64 {
    let b = &params.border;
    match crossing {
        Crossing::None => 0.0,
        Crossing::Torkham => b.trade_torkham_usd,
        Crossing::Chaman => b.trade_chaman_usd,
        Crossing::Minor => b.trade_minor_usd,
    }
}

/// Trade lost today: each closed crossing's trade, less the share that is only delayed or
/// rerouted. Economic stress rises with the closed share of trade and relaxes back to its
/// starting level.
pub fn count_trade_losses(world: &mut World, params: &Params) {
    let (mut closed, mut all) = (0.0, 0.0);
    for (info, sector) in SECTORS.iter().zip(&world.sectors) {
        let trade = crossing_trade(params, info.crossing);
        all += trade;
        if sector.closed {
            closed += trade;
        }
    }
    let lost = closed * (1.0 - params.border.trade_diversion);
    world.tally.trade_lost_usd += lost;
    let torkham_closed = SECTORS
        .iter()
        .zip(&world.sectors)
        .any(|(i, s)| i.crossing == Crossing::Torkham && s.closed);
    world.tally.closed_days += u32::from(torkham_closed);
    let p = &params.pakistan;
    let closed_share = if all > 0.0 { closed / all } else { 0.0 };
    let stress = world.pk.economic_stress
        + p.closure_stress * closed_share
        + p.stress_recovery * (p.economic_stress - world.pk.economic_stress);
    world.pk.economic_stress = stress.clamp(0.0, 1.0);
    // Kabul's economy is the more fragile and the more dependent on this trade (001
    // "economically fragile"): the same closed share presses it harder.
    let a = &params.afghanistan;
    let af_stress = world.af.economic_stress
        + a.closure_stress * closed_share
        + a.stress_recovery * (a.economic_fragility - world.af.economic_stress);
    world.af.economic_stress = af_stress.clamp(0.0, 1.0);
    if world.pk.open_war || world.today.war_began {
        world.tally.displaced += params.border.war_displaced_per_day;
    }
}
