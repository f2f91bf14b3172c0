//! The agents and their state variables: Pakistan, Afghanistan's de facto authorities, TTP
//! cells, border sectors, mediators, and the refugee population. Publics are carried as state
//! of the two countries (Pakistani anger, Afghan resentment) because each state answers to its
//! own public.

/// Pakistan (state and public).
#[derive(Debug, Clone, Default)]
pub struct Pakistan {
    /// Public anger (0-1), raised by attacks and clashes, fading daily.
    pub anger: f64,
    /// Pressure on the state to respond (0-1): anger as it reaches officials.
    pub pressure: f64,
    /// Trust in Kabul (0-1).
    pub trust_in_af: f64,
    /// Economic stress (0-1), raised by closures.
    pub economic_stress: f64,
    /// Political volatility today (0-1): the baseline, raised by shocks that fade.
    pub volatility: f64,
    /// Threat on the India front today (0-1): the baseline, or the crisis level during a crisis.
    pub india_threat: f64,
    /// A crisis with India lasts until this day (exclusive).
    pub india_crisis_until: u32,
    /// Day the next crisis with India begins.
    pub next_india_crisis: u32,
    /// Day of the next political shock.
    pub next_political_shock: u32,
    /// Day of the trigger attack awaiting an answer, if a strike is pending.
    pub strike_pending_since: Option<u32>,
    /// Whether Pakistan has closed the crossings (a coercive measure).
    pub crossings_closed: bool,
    /// Whether a deportation drive is under way (a coercive measure).
    pub deportation_drive: bool,
    /// Whether Pakistan is in an open-war posture (sustained fighting).
    pub open_war: bool,
    /// Days since open war began.
    pub war_days: u32,
}

/// Afghanistan's de facto authorities (and the Afghan public's resentment).
#[derive(Debug, Clone, Default)]
pub struct Afghanistan {
    /// Trust in Islamabad (0-1).
    pub trust_in_pk: f64,
    /// International legitimacy (0-1); isolation is 1 - legitimacy.
    pub legitimacy: f64,
    /// Own willingness to act against the TTP today, before capacity and commitments (may be negative).
    pub willingness: f64,
    /// Crackdown effort today (0-1): willingness times capacity.
    pub effort: f64,
    /// Fracture stress (0-1): fear of rival factions, raised by crackdowns.
    pub fracture_stress: f64,
    /// Crackdown suspended until this day after a factional split.
    pub paused_until: u32,
    /// Afghan public resentment of Pakistan, short memory (months).
    pub resentment: f64,
    /// Afghan public resentment of Pakistan, long memory (generations).
    pub generational_resentment: f64,
    /// Day of the strike awaiting an answer on border posts, if any.
    pub retaliation_pending_since: Option<u32>,
    /// Whether the standing channel handled the strike awaiting an answer (its hazard halves).
    pub strike_handled: bool,
    /// Economic stress (0-1): the economic fragility, raised by closed crossings and lost trade.
    pub economic_stress: f64,
}

impl Afghanistan {
    /// Total resentment (0-1).
    pub fn total_resentment(&self) -> f64 {
        (self.resentment + self.generational_resentment).min(1.0)
    }
}

pub use super::cells::{Cell, Cells};

/// Pakistani region an attack hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    KhyberPakhtunkhwa,
    Balochistan,
    Islamabad,
}

/// A crossing on the frontier and its trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crossing {
    None,
    Torkham,
    Chaman,
    Minor,
}

/// The fixed geography of a border sector.
#[derive(Debug, Clone, Copy)]
pub struct SectorInfo {
    pub name: &'static str,
    /// Afghan province on the other side (the sanctuary).
    pub province: &'static str,
    pub region: Region,
    pub crossing: Crossing,
    /// Share of TTP cells based opposite this sector at the start (sums to 1).
    pub cell_share: f64,
}

/// The eight sectors of the frontier, north to south. Cell shares put about 70% of TTP
/// activity opposite Khyber Pakhtunkhwa (CAL: KP ~68-71% of fatalities).
pub const SECTORS: [SectorInfo; SECTOR_COUNT] = [
    SectorInfo {
        name: "Bajaur-Kunar",
        province: "Kunar",
        region: Region::KhyberPakhtunkhwa,
        crossing: Crossing::None,
        cell_share: 0.14,
    },
    SectorInfo {
        name: "Khyber-Nangarhar",
        province: "Nangarhar",
        region: Region::KhyberPakhtunkhwa,
        crossing: Crossing::Torkham,
        cell_share: 0.16,
    },
    SectorInfo {
        name: "Kurram-Paktia",
        province: "Paktia",
        region: Region::KhyberPakhtunkhwa,
        crossing: Crossing::Minor,
        cell_share: 0.10,
    },
    SectorInfo {
        name: "North Waziristan-Khost",
        province: "Khost",
        region: Region::KhyberPakhtunkhwa,
        crossing: Crossing::Minor,
        cell_share: 0.18,
    },
    SectorInfo {
        name: "South Waziristan-Paktika",
        province: "Paktika",
        region: Region::KhyberPakhtunkhwa,
        crossing: Crossing::Minor,
        cell_share: 0.14,
    },
    SectorInfo {
        name: "Zhob-Paktika",
        province: "Paktika",
        region: Region::Balochistan,
        crossing: Crossing::None,
        cell_share: 0.08,
    },
    SectorInfo {
        name: "Chaman-Kandahar",
        province: "Kandahar",
        region: Region::Balochistan,
        crossing: Crossing::Chaman,
        cell_share: 0.14,
    },
    SectorInfo {
        name: "Chagai-Helmand",
        province: "Helmand",
        region: Region::Balochistan,
        crossing: Crossing::None,
        cell_share: 0.06,
    },
];

pub const SECTOR_COUNT: usize = 8;

/// A border sector's state.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sector {
    /// Local tension between the posts (0-1).
    pub tension: f64,
    /// Whether its crossing (if any) is closed.
    pub closed: bool,
}

/// A mediator's state (its fixed traits are parameters).
#[derive(Debug, Clone, Copy, Default)]
pub struct MediatorState {
    /// Whether it is engaged in the crisis now.
    pub engaged: bool,
    /// Whether it engaged of its own accord (the crisis reached its readiness rung), rather
    /// than being drawn in early by the mediation measure.
    pub own_accord: bool,
    /// Credibility (0-1, 1 at the start): falls when a ceasefire or agreement it oversees is
    /// broken, recovers slowly; it scales acceptance.
    pub credibility: f64,
}

/// The Afghan refugee population in Pakistan.
#[derive(Debug, Clone, Default)]
pub struct RefugeeState {
    /// Afghans in Pakistan.
    pub stock: f64,
    /// Fractional deportations carried to the next day (people are counted whole).
    pub carry: f64,
}

/// What the mediators have brokered.
#[derive(Debug, Clone, Default)]
pub struct Accord {
    /// Last day of the ceasefire in force, if any.
    pub ceasefire_until: Option<u32>,
    /// Whether an agreement with commitments is in force.
    pub agreement: bool,
}

impl Accord {
    pub fn ceasefire_on(&self, day: u32) -> bool {
        self.ceasefire_until.is_some_and(|until| day <= until)
    }
}
