//! Mechanism 2, retaliation and the escalation ladder, Pakistan's side (000 "Islamabad
//! conducted cross-border strikes", "open war posture"; 001 "A state cannot tolerate hostile
//! actors carrying out attacks from across an undefended frontier"). Each decision is a
//! daily chance that rises smoothly (logistically, [`crate::decision`]) with the pressure
//! on the state: coercion (border closures and deportation drives, rung 2); a strike once a
//! trigger attack makes one pending (CAL delays of hours to 3 days); open war once clashes
//! are sustained (rung 5). Doctrine, strategic patience, vulnerability, trust in Kabul,
//! outside backing, trade interdependence, the no-strike assurance, ceasefires and
//! agreements act on the thresholds and hazards.

use super::channel_handling;
use super::ladder::{Action, remember};
use super::militancy::relocate_cell;
use super::resentment::add_resentment;
use super::trust::{Side, lose_trust};
use super::vulnerability::{magnitude_factor, threshold_factor};
use crate::agents::{Crossing, SECTORS};
use crate::decision::{inclination, occurs};
use crate::draw::{chance, index, poisson, uniform};
use crate::params::Params;
use crate::rng::Stream;
use crate::world::{World, location};

/// Raises a threshold toward 1 by strategic patience: `t + (1 - t) * patience * raise`.
fn with_patience(world: &World, raise: f64, threshold: f64) -> f64 {
    threshold + (1.0 - threshold) * world.levers.strategic_patience * raise
}

/// Share of crossings' trade flowing (interdependence restrains strikes when trade is kept open).
fn open_trade_share(world: &World) -> f64 {
    let open = SECTORS
        .iter()
        .zip(&world.sectors)
        .filter(|(i, s)| i.crossing != Crossing::None && !s.closed)
        .count();
    let all = SECTORS
        .iter()
        .filter(|i| i.crossing != Crossing::None)
        .count();
    open as f64 / all as f64
}

/// Factor by which Pakistan's trust in Kabul raises its strike and coercion thresholds: with
/// trust, Islamabad is readier to wait for Kabul to act (000 "breakdown of trust").
fn trust_factor(world: &World, params: &Params) -> f64 {
    1.0 + params.pakistan.trust_restraint * world.pk.trust_in_af
}

/// The pressure at which a pending strike is half its hazard.
pub fn strike_threshold(world: &World, params: &Params) -> f64 {
    let p = &params.pakistan;
    let interdependence = 1.0
        + world.levers.open_crossings
            * params.measures.open_crossings.interdependence
            * open_trade_share(world);
    let t = p.strike_threshold
        * p.doctrine.threshold_factor()
        * threshold_factor(world, params)
        * (1.0 - params.outside.backing_threshold_effect * params.outside.backing_for_pakistan)
        * interdependence
        * trust_factor(world, params);
    let raise = params.measures.strategic_patience.threshold_raise;
    with_patience(world, raise, t.min(1.0))
}

/// The pressure at which coercive measures are half their hazard.
pub fn coercion_threshold(world: &World, params: &Params) -> f64 {
    let t = params.pakistan.coercion_threshold
        * threshold_factor(world, params)
        * trust_factor(world, params);
    let raise = params.measures.strategic_patience.threshold_raise;
    with_patience(world, raise, t.min(1.0))
}

/// The pressure at which open war, once clashes are sustained, is half its hazard.
pub fn war_threshold(world: &World, params: &Params) -> f64 {
    let p = &params.pakistan;
    with_patience(
        world,
        params.measures.strategic_patience.war_threshold_raise,
        (p.war_threshold * p.doctrine.threshold_factor() * threshold_factor(world, params))
            .min(1.0),
    )
}

/// Pakistan's daily decisions, in order: coercion, strike, open war.
pub fn decide_response(world: &mut World, params: &Params) {
    apply_coercion(world, params);
    consider_strike(world, params);
    consider_open_war(world, params);
}

/// Border closure and deportation drives, each begun with the daily chance
/// `closure_hazard * c` and ended with `reopen_hazard * (1 - c)`, where
/// `c = inclination(pressure, coercion threshold, coercion_width)`. Keeping crossings open
/// forgoes closures and reopens faster; a hosting refugee policy forgoes drives. In open war
/// the crossings stay closed.
fn apply_coercion(world: &mut World, params: &Params) {
    let b = &params.border;
    let lv = world.levers;
    let rng = world.streams.get(Stream::Response);
    let [u_close, u_drive, u_reopen, u_end_drive] = [(); 4].map(|()| uniform(rng));
    // The inclination is computed only if some draw needs it (see `occurs`).
    let c = std::cell::LazyCell::new(|| {
        inclination(
            world.pk.pressure,
            coercion_threshold(world, params),
            params.pakistan.coercion_width,
        )
    });
    let close_ceiling = b.closure_hazard
        * (1.0 - lv.open_crossings * params.measures.open_crossings.closure_restraint);
    let close = occurs(u_close, close_ceiling, || *c);
    let drive_ceiling =
        b.closure_hazard * (1.0 - lv.refugee_policy * params.measures.refugee_policy.pace_cut);
    let drive = occurs(u_drive, drive_ceiling, || *c);
    let reopen_ceiling = b.reopen_hazard * (1.0 + lv.open_crossings);
    let reopen = occurs(u_reopen, reopen_ceiling, || 1.0 - *c);
    let end_drive = occurs(u_end_drive, b.reopen_hazard, || 1.0 - *c);
    let at_war = world.pk.open_war;
    let pk = &mut world.pk;
    if pk.crossings_closed {
        if reopen && !at_war {
            pk.crossings_closed = false;
            for sector in world.sectors.iter_mut() {
                sector.closed = false;
            }
        }
    } else if close || at_war {
        pk.crossings_closed = true;
        for (sector, info) in world.sectors.iter_mut().zip(SECTORS.iter()) {
            sector.closed |= info.crossing != Crossing::None;
        }
    }
    if pk.deportation_drive {
        pk.deportation_drive = !end_drive;
    } else {
        pk.deportation_drive = drive;
    }
}

/// Strike hazard while a strike is pending: `h = strike_hazard * inclination(pressure,
/// strike threshold, strike_width)`, cut by ceasefire compliance, an agreement's no-strike
/// commitment and the no-strike assurance (whose hold weakens, by the same logistic, as
/// pressure nears its breaking point).
fn consider_strike(world: &mut World, params: &Params) {
    let p = &params.pakistan;
    let day = world.day;
    if world.today.trigger && world.pk.strike_pending_since.is_none() {
        world.pk.strike_pending_since = Some(day);
    }
    let Some(since) = world.pk.strike_pending_since else {
        // One decision draw a day whether or not a strike is pending keeps the stream aligned.
        let _ = chance(world.streams.get(Stream::Response), 0.0);
        return;
    };
    if day - since > p.strike_window_days {
        world.pk.strike_pending_since = None;
    }
    let pressure = world.pk.pressure;
    let mut hazard =
        p.strike_hazard * inclination(pressure, strike_threshold(world, params), p.strike_width);
    if world.accord.ceasefire_on(day) {
        hazard *= 1.0 - params.mediation.ceasefire_compliance;
    }
    if world.accord.agreement {
        hazard *= 1.0 - params.mediation.agreement_strike_restraint;
    }
    let assurance = &params.measures.no_strike_assurance;
    let holds = 1.0 - inclination(pressure, assurance.breaking_pressure, p.strike_width);
    hazard *= 1.0 - world.levers.no_strike_assurance * assurance.restraint * holds;
    let rng = world.streams.get(Stream::Response);
    let strikes = chance(rng, hazard);
    if strikes && world.pk.strike_pending_since.is_some() {
        carry_out_strike(world, params, day - since);
    }
}

/// A strike: militants killed in sanctuaries, civilian deaths with a risk cut by intelligence
/// (precision), Afghan resentment and lost trust, relief of pressure, a pending Afghan
/// response, and broken commitments if any were in force.
fn carry_out_strike(world: &mut World, params: &Params, delay: u32) {
    let l = &params.ladder;
    let lv = world.levers;
    let magnitude = params.pakistan.doctrine.magnitude_factor()
        * magnitude_factor(world, params)
        * (1.0 - lv.strategic_patience * params.measures.strategic_patience.magnitude_cut);
    let civilian_risk = (l.strike_civilian_risk * magnitude.sqrt()).min(1.0)
        * (1.0 - lv.intelligence_sharing * params.measures.intelligence_sharing.strike_precision);
    let rng = world.streams.get(Stream::Response);
    let militants = poisson(rng, l.strike_militant_deaths * magnitude);
    let kills_civilians = chance(rng, civilian_risk);
    let civilians =
        poisson(rng, l.strike_civilian_deaths * magnitude).max(1) * u32::from(kills_civilians);
    // Up to three sanctuaries are hit; cells inside Pakistan are out of reach. The hit
    // cells' survivors move (the TTP relocates when pressed).
    let mut left = f64::from(militants);
    for _ in 0..3 {
        if world.cells.is_empty() || left <= 0.0 {
            break;
        }
        let rng = world.streams.get(Stream::Response);
        let i = index(rng, world.cells.len());
        if location(world.cells.sector(i)).0 {
            continue;
        }
        let strength = world.cells.strength(i);
        let taken = left.min(strength);
        world.cells.set_strength(i, strength - taken);
        left -= taken;
        relocate_cell(world, params, i, Stream::Response);
    }
    let t = &mut world.tally;
    t.strikes += 1;
    t.strike_delay_sum += delay;
    t.militant += militants - left as u32;
    t.af_civilian += civilians;
    remember(world, params, Action::Strike);
    world.pk.strike_pending_since = None;
    world.pk.pressure *= 1.0 - params.pakistan.strike_relief;
    world.pk.anger *= 1.0 - params.pakistan.strike_relief;
    add_resentment(
        world,
        params,
        params.publics.resentment_per_strike
            + params.publics.resentment_per_civilian_death * f64::from(civilians),
    );
    lose_trust(world, params, Side::Afghanistan, l.strike_trust_loss);
    if world.af.retaliation_pending_since.is_none() {
        world.af.retaliation_pending_since = Some(world.day);
        // A strike explained through a standing channel is answered less readily.
        let handling = channel_handling(world, params);
        world.af.strike_handled = chance(world.streams.get(Stream::Channel), handling);
    }
    if world.accord.agreement {
        super::mediation::break_agreement(world, params);
    }
    if world.accord.ceasefire_on(world.day) {
        super::mediation::break_ceasefire(world, params);
    }
    if lv.no_strike_assurance > 0.0 {
        // The assurance was broken: a broken commitment on top of the strike itself.
        lose_trust(
            world,
            params,
            Side::Afghanistan,
            params.mediation.broken_trust_loss * lv.no_strike_assurance,
        );
    }
}

/// Open war begins, while clashes are sustained (clash days within 14 days at least the
/// configured number) and no ceasefire holds, with the daily chance `war_hazard *
/// inclination(pressure, war threshold, war_width)`; it ends by a ceasefire or by exhaustion
/// (hazard growing with its length).
fn consider_open_war(world: &mut World, params: &Params) {
    let b = &params.border;
    let p = &params.pakistan;
    let day = world.day;
    let rng = world.streams.get(Stream::Response);
    let exhausted = chance(rng, b.war_exhaustion * f64::from(world.pk.war_days) / 30.0);
    let u_war = uniform(rng);
    if world.pk.open_war {
        world.pk.war_days += 1;
        if exhausted {
            world.pk.open_war = false;
            world.pk.war_days = 0;
        }
        return;
    }
    let sustained = world.ladder.recent_clash_days(14) >= b.sustained_clash_days;
    if !sustained || world.accord.ceasefire_on(day) {
        return;
    }
    let begins = occurs(u_war, p.war_hazard, || {
        inclination(world.pk.pressure, war_threshold(world, params), p.war_width)
    });
    if begins {
        world.pk.open_war = true;
        world.pk.war_days = 0;
        world.today.war_began = true;
        world.tally.open_war_day.get_or_insert(day);
    }
}
