//! Border sectors and their clashes (000 "Afghan forces reportedly opened fire on multiple
//! Pakistani border posts"; 001 "the border is far more militarized ... yet still porous").
//! Each sector carries tension; local clashes between posts happen with a hazard rising with
//! tension, general hostility and militarisation (fencing adds posts and friction); a clash
//! kills on both sides, raises tension here and next door, angers the Pakistani public and
//! costs trust. In open war, fighting spreads across the frontier daily. Regular border
//! meetings (standing channel) drain tension and handle incidents before they spread.

use super::ladder::{Action, remember};
use super::resentment::add_resentment;
use super::trust::{Side, lose_trust};
use super::{channel_handling, handled_factor};
use crate::agents::{Crossing, SECTOR_COUNT, SECTORS};
use crate::draw::{chance, index, poisson, uniform};
use crate::params::Params;
use crate::rng::Stream;
use crate::world::World;

/// Tension fades, faster with regular border meetings.
pub fn ease_tension(world: &mut World, params: &Params) {
    let decay = params.border.tension_decay
        + world.levers.standing_channel * params.measures.standing_channel.border_meetings;
    for sector in &mut world.sectors {
        sector.tension *= (1.0 - decay).max(0.0);
    }
}

/// General hostility (0-1): mean of distrust on both sides and Afghan resentment.
fn hostility(world: &World) -> f64 {
    ((1.0 - world.pk.trust_in_af) + (1.0 - world.af.trust_in_pk) + world.af.total_resentment())
        / 3.0
}

/// Local clashes (one draw picks whether and where, from the sectors' hazards
/// `militarisation * (clash_hazard * hostility + tension_clash_hazard * tension)`) and, in open
/// war, Poisson(war_clashes_per_day) clashes at random sectors.
pub fn clash_at_posts(world: &mut World, params: &Params) {
    let b = &params.border;
    let lv = world.levers;
    let militarisation =
        (b.militarisation + lv.fencing * params.measures.fencing.militarisation_added).min(1.0);
    let mut ceasefire = 1.0;
    if world.accord.ceasefire_on(world.day) {
        ceasefire -= params.mediation.ceasefire_compliance;
    }
    let calm_hazard = b.clash_hazard * hostility(world);
    let mut hazards = [0.0; SECTOR_COUNT];
    for (h, sector) in hazards.iter_mut().zip(&world.sectors) {
        *h = militarisation * (calm_hazard + b.tension_clash_hazard * sector.tension) * ceasefire;
    }
    let total: f64 = hazards.iter().sum();
    let rng = world.streams.get(Stream::Clashes);
    let mut u = uniform(rng);
    if u < total {
        let mut pick = SECTOR_COUNT - 1;
        for (i, h) in hazards.iter().enumerate() {
            if u < *h {
                pick = i;
                break;
            }
            u -= h;
        }
        fight_clash(world, params, pick, Stream::Clashes);
    }
    if world.pk.open_war {
        let rng = world.streams.get(Stream::Clashes);
        let n = poisson(rng, b.war_clashes_per_day * ceasefire);
        for _ in 0..n {
            let rng = world.streams.get(Stream::Clashes);
            let sector = index(rng, SECTOR_COUNT);
            fight_clash(world, params, sector, Stream::Clashes);
        }
    }
}

/// One clash at `sector`: deaths on both sides, tension, closure of the sector's crossing,
/// Pakistani anger, Afghan resentment from civilian deaths, lost trust. A standing channel may
/// handle it before it spreads (no tension spill, half the anger).
pub fn fight_clash(world: &mut World, params: &Params, sector: usize, stream: Stream) {
    let b = &params.border;
    let l = &params.ladder;
    let handling = channel_handling(world, params);
    let d = &world.derived;
    let rng = world.streams.get(stream);
    let pk_security = d.clash_deaths.sample(rng);
    let af_security = d.clash_deaths.sample(rng);
    let pk_civilian = d.clash_civilian_deaths.sample(rng);
    let af_civilian = d.clash_civilian_deaths.sample(rng);
    let handled = chance(rng, handling);
    let t = &mut world.tally;
    t.clashes += 1;
    t.pk_security += pk_security;
    t.af_security += af_security;
    t.pk_civilian += pk_civilian;
    t.af_civilian += af_civilian;
    world.today.clash = true;
    remember(world, params, Action::Clash);
    let spill = if handled { 0.0 } else { 0.5 };
    world.sectors[sector].tension = (world.sectors[sector].tension + b.clash_tension).min(1.0);
    for next in [sector.wrapping_sub(1), sector + 1] {
        if let Some(s) = world.sectors.get_mut(next) {
            s.tension = (s.tension + b.clash_tension * spill).min(1.0);
        }
    }
    if SECTORS[sector].crossing != Crossing::None {
        world.sectors[sector].closed = true;
    }
    let anger = l.clash_outrage * handled_factor(handled);
    world.today.clash_outrage += anger;
    add_resentment(
        world,
        params,
        params.publics.resentment_per_civilian_death * f64::from(af_civilian),
    );
    lose_trust(world, params, Side::Both, l.clash_trust_loss);
    if world.accord.ceasefire_on(world.day) && !handled {
        super::mediation::break_ceasefire(world, params);
    }
}

/// Closed crossings of sectors whose local closure was not part of a national closure reopen
/// once tension has eased.
pub fn reopen_local_crossings(world: &mut World) {
    if world.pk.crossings_closed || world.pk.open_war {
        return;
    }
    for sector in &mut world.sectors {
        if sector.closed && sector.tension < 0.1 {
            sector.closed = false;
        }
    }
}
