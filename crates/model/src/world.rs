//! The world of one trial: every agent's state, today's events, the running tally of
//! outcomes, and the random streams. Built once per worker and reset for each trial, so the
//! daily step allocates nothing.

use super::agents::{
    Accord, Afghanistan, Cell, Cells, MediatorState, Pakistan, RefugeeState, SECTOR_COUNT, SECTORS,
    Sector,
};
use super::derived::{Derived, SeasonByDay};
use super::draw::{chance, uniform};
use super::measures::Levers;
use super::params::Params;
use super::rng::{Stream, Streams, TrialSeed};
use super::severity::Severities;

/// The kind of target an attack hits (001 "checkpoints, residential areas, and security convoys").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Checkpoint,
    Convoy,
    Residential,
    City,
    Capital,
}

impl Target {
    /// Every kind, in the order of the target shares (and of `Target as usize`).
    pub const ALL: [Target; 5] = [
        Target::Checkpoint,
        Target::Convoy,
        Target::Residential,
        Target::City,
        Target::Capital,
    ];
}

/// One attack carried out today, waiting to be attributed.
#[derive(Debug, Clone, Copy)]
pub struct AttackEvent {
    pub by_ttp: bool,
    pub deaths: u32,
    pub trigger: bool,
}

/// Events of the current day, cleared at the start of each day.
#[derive(Debug, Default)]
pub struct Today {
    /// Attacks carried out today (capacity reserved at construction).
    pub attacks: Vec<AttackEvent>,
    /// Outrage from today's attacks before it reaches the public.
    pub outrage: f64,
    /// Outrage from today's clashes (already handled or not by the standing channel).
    pub clash_outrage: f64,
    pub trigger: bool,
    /// Whether a cell may have crossed the split or dissolve strength at recruitment (known
    /// from bounds; saves a pass on the days when none can have).
    pub cells_to_reshape: bool,
    pub clash: bool,
    /// Open war began today (it counts on rung 5 even if a ceasefire ends it the same day).
    pub war_began: bool,
    /// Today's fighting-season factor on planning speed (computed once a day: TTP and rival
    /// cells share it).
    pub season: f64,
}

impl Today {
    /// Records an attack for attribution, within the capacity reserved at construction so
    /// that the daily step never allocates (the reserve holds every cell's attack plus
    /// other groups'; an attack beyond it would still count but go unattributed).
    #[inline]
    pub fn record_attack(&mut self, attack: AttackEvent) {
        if self.attacks.len() < self.attacks.capacity() {
            self.attacks.push(attack);
        }
    }
}

/// How long recent actions keep their rung, and crisis-episode bookkeeping. Each action is
/// remembered until a day drawn when it happens ([`crate::mechanisms::ladder::remember`]).
#[derive(Debug, Clone, Default)]
pub struct LadderState {
    pub rung: u8,
    /// The rung of an official accusation holds before this day.
    pub accusation_until: u32,
    /// The rung of a border clash holds before this day.
    pub clash_until: u32,
    /// The rung of a strike holds before this day.
    pub strike_until: u32,
    /// Bit i set if there was a clash i days ago (i < 32).
    pub clash_days: u32,
    pub in_crisis: bool,
}

impl LadderState {
    /// Clash days within the last `window` days (at most 32).
    pub fn recent_clash_days(&self, window: u32) -> u32 {
        let mask = if window >= 32 {
            u32::MAX
        } else {
            (1u32 << window) - 1
        };
        (self.clash_days & mask).count_ones()
    }
}

/// Running counts that become the trial's outcomes.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub open_war_day: Option<u32>,
    pub max_rung: u8,
    pub days_on_rung: [u32; 6],
    pub crisis_episodes: u32,
    pub first_crisis_day: Option<u32>,
    pub last_crisis_day: Option<u32>,
    pub attacks: u32,
    pub attacks_ttp: u32,
    pub attacks_foiled: u32,
    pub attacks_capital: u32,
    pub pk_civilian: u32,
    pub pk_security: u32,
    pub af_civilian: u32,
    pub af_security: u32,
    pub militant: u32,
    pub strikes: u32,
    pub strike_delay_sum: u32,
    pub responses: u32,
    pub response_delay_sum: u32,
    pub clashes: u32,
    pub accusations: u32,
    pub ceasefires: u32,
    pub agreements: u32,
    pub agreements_broken: u32,
    pub agreement_days: u32,
    pub ceasefire_days: u32,
    pub closed_days: u32,
    pub trade_lost_usd: f64,
    pub deported: u64,
    pub displaced: f64,
    pub fractures: u32,
    /// Attacks by the rival group, in Pakistan and in Afghanistan.
    pub rival_attacks: u32,
    /// Deaths in the rival group's attacks (both countries).
    pub rival_fatalities: u32,
    /// TTP attacks launched to spoil a ceasefire or an agreement.
    pub spoiler_attacks: u32,
    /// Border clashes Kabul's forces started unprompted (not answering a strike).
    pub kabul_initiated_clashes: u32,
    /// Crises on the India front that began.
    pub india_crises: u32,
    /// Political shocks in Pakistan.
    pub political_shocks: u32,
    /// Attack deaths (security and civilian) by region: KP, Balochistan, Islamabad.
    pub deaths_by_region: [u32; 3],
}

impl Tally {
    pub fn fatalities(&self) -> u32 {
        self.pk_civilian + self.pk_security + self.af_civilian + self.af_security + self.militant
    }
}

/// The state of one trial.
#[derive(Debug)]
pub struct World {
    pub day: u32,
    pub pk: Pakistan,
    pub af: Afghanistan,
    pub cells: Cells,
    /// The rival group's cells (sector ids as for the TTP; its attacks are in both countries).
    pub rival: Cells,
    pub sectors: [Sector; SECTOR_COUNT],
    pub mediators: [MediatorState; 4],
    pub refugees: RefugeeState,
    pub accord: Accord,
    pub ladder: LadderState,
    pub today: Today,
    pub tally: Tally,
    pub levers: Levers,
    /// The day the levers must next be read again (a measure starts).
    pub levers_until: u32,
    pub streams: Streams,
    /// Constants derived from the parameters (kept while they hold).
    pub derived: Derived,
    /// The fighting season's factor by day (kept while its parameters hold).
    pub season_by_day: SeasonByDay,
    /// Attack severities for this trial's spread (tables kept across trials).
    pub severities: Severities,
}

/// Most attacks one day can hold without allocating: every cell plus other groups' attacks.
const EXTRA_ATTACK_CAPACITY: usize = 64;

impl World {
    /// An empty world with buffers sized for `params`.
    pub fn new(params: &Params) -> Self {
        let max_cells = params.militants.max_cells as usize;
        World {
            day: 0,
            pk: Pakistan::default(),
            af: Afghanistan::default(),
            cells: Cells::with_capacity(max_cells),
            rival: Cells::with_capacity(params.rival.max_cells as usize),
            sectors: [Sector::default(); SECTOR_COUNT],
            mediators: [MediatorState::default(); 4],
            refugees: RefugeeState::default(),
            accord: Accord::default(),
            ladder: LadderState::default(),
            today: Today {
                attacks: Vec::with_capacity(
                    max_cells + params.rival.max_cells as usize + EXTRA_ATTACK_CAPACITY,
                ),
                ..Today::default()
            },
            tally: Tally::default(),
            levers: Levers::default(),
            levers_until: 0,
            streams: Streams::new([0; 32]),
            derived: Derived::new(params),
            season_by_day: SeasonByDay::default(),
            severities: Severities::default(),
        }
    }

    /// Resets every agent to the scenario's initial conditions for a new trial.
    pub fn reset(&mut self, params: &Params, seed: TrialSeed) {
        if self.cells.capacity() < params.militants.max_cells as usize
            || self.rival.capacity() < params.rival.max_cells as usize
        {
            *self = World::new(params);
        }
        self.streams = Streams::new(seed);
        self.levers_until = 0;
        if !self.derived.holds_for(params) {
            self.derived = Derived::new(params);
        }
        self.severities.select(params.militants.severity_sigma);
        self.day = 0;
        let p = &params.pakistan;
        self.pk = Pakistan {
            anger: p.initial_anger,
            pressure: p.initial_anger,
            trust_in_af: p.initial_trust_in_af,
            economic_stress: p.economic_stress,
            volatility: p.political_volatility,
            india_threat: p.india_threat,
            ..Pakistan::default()
        };
        let a = &params.afghanistan;
        self.af = Afghanistan {
            trust_in_pk: a.initial_trust_in_pk,
            legitimacy: a.initial_legitimacy,
            resentment: params.publics.initial_resentment,
            generational_resentment: params.publics.initial_generational_resentment,
            economic_stress: a.economic_fragility,
            ..Afghanistan::default()
        };
        self.sectors = [Sector::default(); SECTOR_COUNT];
        self.mediators = [MediatorState {
            engaged: false,
            own_accord: false,
            credibility: 1.0,
        }; 4];
        self.refugees = RefugeeState {
            stock: params.refugees.initial_stock,
            carry: 0.0,
        };
        self.accord = Accord::default();
        self.ladder = LadderState::default();
        self.today.attacks.clear();
        self.tally = Tally::default();
        self.place_cells(params);
    }

    /// Seeds the initial TTP cells across the sanctuaries (a share of them inside Pakistan,
    /// opposite their sector), with strengths spread around the mean and planning clocks at
    /// random points of their cycle; then the rival group's cells, the same way.
    fn place_cells(&mut self, params: &Params) {
        let m = &params.militants;
        self.cells.clear();
        let rng = self.streams.get(Stream::Setup);
        let count = m.initial_cells.min(m.max_cells);
        for _ in 0..count {
            let strength = m.initial_cell_strength * (0.5 + uniform(rng));
            let sector = draw_sector(uniform(rng));
            let inside = chance(rng, m.inside_share);
            let planning_left = uniform(rng) * planning_interval(params, strength);
            self.cells.push(Cell {
                sector: if inside {
                    inside_pakistan(sector)
                } else {
                    sector
                },
                strength,
                planning_left,
            });
        }
        let r = &params.rival;
        self.rival.clear();
        let rng = self.streams.get(Stream::Rival);
        for _ in 0..r.initial_cells.min(r.max_cells) {
            let strength = r.initial_cell_strength * (0.5 + uniform(rng));
            let sector = draw_sector(uniform(rng));
            let planning_left = uniform(rng) * rival_planning_interval(params, strength);
            self.rival.push(Cell {
                sector,
                strength,
                planning_left,
            });
        }
    }

    /// Total TTP fighters.
    pub fn militant_strength(&self) -> f64 {
        self.cells.total_strength()
    }
}

/// The sector whose cumulative cell share first exceeds `u` (uniform on [0, 1)).
fn draw_sector(u: f64) -> u8 {
    let mut acc = 0.0;
    for (i, info) in SECTORS.iter().enumerate() {
        acc += info.cell_share;
        if u < acc {
            return i as u8;
        }
    }
    (SECTOR_COUNT - 1) as u8
}

/// Marks a cell's sector as inside Pakistan (on the Pakistani side of that sector): it
/// crosses no border to attack, and neither Kabul's crackdown nor a strike can reach it.
pub const INSIDE_PAKISTAN: u8 = 0x80;

/// The sector id of a cell inside Pakistan opposite `sector`.
pub fn inside_pakistan(sector: u8) -> u8 {
    sector | INSIDE_PAKISTAN
}

/// Whether a cell's sector id is inside Pakistan, and the border sector it belongs to.
#[inline]
pub fn location(sector: u8) -> (bool, usize) {
    (
        sector & INSIDE_PAKISTAN != 0,
        usize::from(sector & !INSIDE_PAKISTAN),
    )
}

/// Mean planning days between a cell's attacks: shorter for stronger cells, so the network's
/// attack rate grows with its fighters.
pub fn planning_interval(params: &Params, strength: f64) -> f64 {
    let m = &params.militants;
    interval_at_strength(m.attack_interval_days, m.initial_cell_strength, strength)
}

/// Mean planning days between a rival cell's attacks (as for the TTP, with its own interval).
pub fn rival_planning_interval(params: &Params, strength: f64) -> f64 {
    let r = &params.rival;
    interval_at_strength(r.attack_interval_days, r.initial_cell_strength, strength)
}

/// A cell's mean planning interval: `reference_days` at `reference_strength` fighters,
/// shorter in proportion for stronger cells (at least one fighter counted).
fn interval_at_strength(reference_days: f64, reference_strength: f64, strength: f64) -> f64 {
    reference_days * reference_strength / strength.max(1.0)
}

/// Draws a cell's next planning time (exponential around its mean interval).
pub fn draw_planning(rng: &mut rand_chacha::ChaCha8Rng, params: &Params, strength: f64) -> f64 {
    super::draw::exponential(rng, planning_interval(params, strength))
}
