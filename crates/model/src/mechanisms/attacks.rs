//! Mechanism 1, first half: attacks (000 "a series of terrorist attacks inside Pakistan,
//! including the capital"; 001 "checkpoints, residential areas, and security convoys").
//! Each TTP cell plans; when its planning is done its team infiltrates through its sector
//! (fence, patrols, joint monitoring) and may be interdicted (intelligence); otherwise it
//! strikes a target. Other militant groups attack as a background process.

use super::militancy::chaos_factor;
use crate::agents::{Region, SECTORS};
use crate::cells::Cells;
use crate::derived::Derived;
use crate::draw::{chance, index, poisson, uniform};
use crate::params::Params;
use crate::rng::Stream;
use crate::severity::Severities;
use crate::world::{AttackEvent, Tally, Target, Today, World, draw_planning, location};
use rand_chacha::ChaCha8Rng;

/// Share of other groups' attacks in Balochistan (sectors 5-7); assumption chosen with the
/// cells' KP share to give CAL's KP ~70% / Balochistan ~28% split of fatalities.
const OTHER_GROUPS_BALOCHISTAN_SHARE: f64 = 0.3;

/// Chance that an infiltrating team is stopped at the border:
/// `1 - porosity * (1 - fence_block * fencing * coordination) * (1 - monitoring)`, where the
/// fence works fully only with political coordination (001 "More fences and more patrols do
/// not make up for missing political coordination").
pub fn border_block_chance(world: &World, params: &Params) -> f64 {
    let b = &params.border;
    let lv = &world.levers;
    let fencing = (b.fencing + lv.fencing * params.measures.fencing.fencing_added).min(1.0);
    let coordination = (lv.standing_channel * params.measures.standing_channel.coordination)
        .max(lv.joint_monitoring);
    let coordination_factor =
        b.uncoordinated_fence_share + (1.0 - b.uncoordinated_fence_share) * coordination;
    let through = b.porosity
        * (1.0 - b.fence_block * fencing * coordination_factor)
        * (1.0 - lv.joint_monitoring * params.measures.joint_monitoring.infiltration_block);
    1.0 - through
}

/// Who carries out an attack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attacker {
    Ttp,
    /// The rival group ([`super::rival`]).
    Rival,
    /// Other militant groups (a background process).
    Other,
}

/// Today's fighting-season factor on planning speed ([`crate::derived::season_on`]).
pub fn fighting_season(world: &World, params: &Params) -> f64 {
    world.season_by_day.on(world.day, params)
}

/// Chance that a planned attack is foiled: stopped at the border (cells in sanctuaries
/// only) or else intercepted by intelligence, in one draw.
pub fn foil_chance(world: &World, params: &Params, inside_pakistan: bool) -> f64 {
    let interdiction =
        world.levers.intelligence_sharing * params.measures.intelligence_sharing.interdiction;
    let block = if inside_pakistan {
        0.0
    } else {
        border_block_chance(world, params)
    };
    1.0 - (1.0 - block) * (1.0 - interdiction)
}

/// Cells plan and launch attacks; other groups add theirs.
pub fn launch_attacks(world: &mut World, params: &Params) {
    let speed = chaos_factor(world, params) * world.today.season;
    let foil = [
        foil_chance(world, params, false),
        foil_chance(world, params, true),
    ];
    let (mut scene, cells) = AttackScene::with_cells(world, Stream::Attacks, Group::Ttp);
    // Every cell's planning advances by today's speed; the cells whose planning is done act
    // in cell order, each drawing its next planning time from its strength before the attack.
    cells.advance_planning(speed);
    cells.act_when_due(|sector, strength| {
        let planning = draw_planning(scene.rng, params, strength);
        let (inside, sector) = location(sector);
        if chance(scene.rng, foil[usize::from(inside)]) {
            scene.tally.attacks_foiled += 1;
            (planning, strength)
        } else {
            let killed = scene.carry_out(params, Attacker::Ttp, sector, 1.0);
            (planning, (strength - f64::from(killed)).max(0.0))
        }
    });
    let others = scene.derived.other_group_attacks.sample(scene.rng);
    for _ in 0..others {
        // Other groups are concentrated in Balochistan (CAL: Balochistan ~28% of fatalities).
        // Sectors 5-7 or 0-4, picked without a branch.
        let balochistan = chance(scene.rng, OTHER_GROUPS_BALOCHISTAN_SHARE);
        let (first, count) = if balochistan { (5, 3) } else { (0, 5) };
        let sector = first + index(scene.rng, count);
        scene.carry_out(params, Attacker::Other, sector, 1.0);
    }
}

/// One attack in Pakistan by `attacker` from `sector` with draws from `stream`, outside the
/// daily pass over the cells (spoiler attacks). Returns attackers killed.
pub fn attack_now(
    world: &mut World,
    params: &Params,
    stream: Stream,
    attacker: Attacker,
    sector: usize,
    severity_factor: f64,
) -> u32 {
    AttackScene::with_cells(world, stream, Group::Ttp)
        .0
        .carry_out(params, attacker, sector, severity_factor)
}

/// Draws the target kind from the configured shares: the number of cumulative share edges
/// at or below a uniform point, counted without branches.
fn draw_target(rng: &mut ChaCha8Rng, derived: &Derived) -> Target {
    let u = uniform(rng) * derived.target_share_total;
    let passed = derived
        .target_edges
        .iter()
        .map(|&edge| usize::from(u >= edge))
        .sum::<usize>();
    Target::ALL[passed]
}

/// What an attack touches: the attack stream, the tally and today's events (borrowed apart
/// from the cells, so the cell loop keeps its own borrow).
pub(crate) struct AttackScene<'w> {
    pub rng: &'w mut ChaCha8Rng,
    pub tally: &'w mut Tally,
    pub today: &'w mut Today,
    pub derived: &'w Derived,
    pub severities: &'w Severities,
}

/// Whose cells an attack pass walks over.
#[derive(Clone, Copy)]
pub(crate) enum Group {
    Ttp,
    Rival,
}

impl<'w> AttackScene<'w> {
    /// Splits the world into an attack scene drawing from `stream` and the cells of `group`,
    /// so that a pass can walk the cells while attacks write to the tally.
    pub fn with_cells(world: &'w mut World, stream: Stream, group: Group) -> (Self, &'w mut Cells) {
        let World {
            cells,
            rival,
            streams,
            tally,
            today,
            derived,
            severities,
            ..
        } = world;
        let scene = AttackScene {
            rng: streams.get(stream),
            tally,
            today,
            derived,
            severities,
        };
        let cells = match group {
            Group::Ttp => cells,
            Group::Rival => rival,
        };
        (scene, cells)
    }
    /// One attack: deaths by category (Poisson around target means times a heavy-tailed
    /// severity, times `severity_factor`), outrage, and whether it is a strike trigger.
    /// Returns attackers killed.
    pub fn carry_out(
        &mut self,
        params: &Params,
        attacker: Attacker,
        sector: usize,
        severity_factor: f64,
    ) -> u32 {
        let p = &params.pakistan;
        let by_ttp = attacker == Attacker::Ttp;
        let rng = &mut *self.rng;
        let target = draw_target(rng, self.derived);
        let s = self.severities.sample(rng) * severity_factor;
        let (security_mean, civilian_mean) = self.derived.target_deaths[target as usize];
        let security = poisson(rng, security_mean * s);
        let civilians = poisson(rng, civilian_mean * s);
        let attackers = self.derived.attackers_killed.sample(rng);
        let urban = matches!(target, Target::City | Target::Capital);
        let trigger = security >= p.trigger_security_deaths
            || (urban && civilians >= p.trigger_civilian_deaths);
        let deaths = security + civilians;
        let city_factor = if urban { p.outrage_city_factor } else { 1.0 };
        let outrage = outrage(params, f64::from(deaths) * city_factor);

        let t = &mut *self.tally;
        t.attacks += 1;
        t.attacks_ttp += u32::from(by_ttp);
        let rival = u32::from(attacker == Attacker::Rival);
        t.rival_attacks += rival;
        t.rival_fatalities += rival * (security + civilians);
        t.attacks_capital += u32::from(target == Target::Capital);
        t.pk_security += security;
        t.pk_civilian += civilians;
        t.militant += attackers;
        self.today.outrage += outrage;
        self.today.trigger |= trigger;
        let region = if target == Target::Capital {
            Region::Islamabad
        } else {
            SECTORS[sector].region
        };
        t.deaths_by_region[region as usize] += deaths;
        self.today.record_attack(AttackEvent {
            by_ttp,
            deaths,
            trigger,
        });
        attackers
    }
}

/// Anger one attack adds: `k * x^2 / (1 + x^2)` with `x = weighted deaths / scale`, so the
/// daily drumbeat of small attacks adds little and mass-casualty attacks spike anger.
pub fn outrage(params: &Params, weighted_deaths: f64) -> f64 {
    // In the form `k d^2 / (scale^2 + d^2)`: one division.
    let d2 = weighted_deaths * weighted_deaths;
    let scale = params.pakistan.outrage_deaths_scale;
    params.pakistan.outrage_per_attack * d2 / (scale * scale + d2)
}
