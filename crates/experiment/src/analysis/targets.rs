//! The real-world targets of CALIBRATION.md (and the seed texts) as a typed table: what the
//! calibration compares the status quo with and what the calibration ensemble is fitted to.
//!
//! A target is a quantity the model produces (a metric's mean per simulated year, a ratio of
//! two metrics' means, a sum of metrics, or an input parameter set directly from the figure),
//! its role (fitted, or held out as a check), the real range, the figure as the source states
//! it, and a note on how the two compare. Where a source gives a single figure, the range is
//! that figure ±10% (differences between counts and from year to year); where it gives a range,
//! or a bound follows from it, the range is stated in `note`.

use serde::Serialize;

/// How the simulated side of a target is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Mean of a metric per simulated year (over the trials where it is defined).
    Mean(&'static str),
    /// Ratio of two metrics' means, e.g. TTP attacks / all attacks.
    Ratio(&'static str, &'static str),
    /// Mean of the sum of several metrics per simulated year (e.g. all combat deaths).
    Sum(&'static [&'static str]),
    /// A parameter of the arm, set from the figure (an input, not simulated).
    Input(&'static str),
}

impl Measure {
    /// How it is computed, for the table.
    pub fn describe(&self) -> String {
        match self {
            Measure::Mean(m) => format!("mean {m}"),
            Measure::Ratio(a, b) => format!("mean {a} / mean {b}"),
            Measure::Sum(parts) => format!("mean {}", parts.join(" + ")),
            Measure::Input(key) => format!("input {key}"),
        }
    }
}

/// Whether a target constrains the calibration ensemble or is held out to check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Scored: an ensemble member must come close to it ([`crate::analysis::ensemble`]).
    Fit,
    /// Held out of the fit (CALIBRATION.md's earlier figures): reported, never scored.
    Check,
}

/// Deaths the combat-related totals (PICSS, CRSS) count: Pakistani civilians, security forces
/// and militants.
const COMBAT_DEATHS: &[&str] = &[
    "fatalities_pk_civilian",
    "fatalities_pk_security",
    "fatalities_militant",
];

/// One real-world figure the status quo is compared with.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    pub measure: Measure,
    pub role: Role,
    pub unit: &'static str,
    /// The real range.
    pub low: f64,
    pub high: f64,
    /// The figure as the source states it.
    pub figure: &'static str,
    /// CALIBRATION.md section (or seed text) and the original source it cites.
    pub source: &'static str,
    /// How the simulated quantity compares with the figure, and how the range was set.
    pub note: &'static str,
}

/// Every figure of CALIBRATION.md (and the seed texts' "every few months") that the model
/// can produce. Figures it cannot produce are listed in docs/MODEL.md §6.
pub const TARGETS: &[Target] = &[
    Target {
        name: "militant attacks a year",
        measure: Measure::Mean("attacks"),
        role: Role::Fit,
        unit: "attacks",
        low: 957.0,
        high: 1169.0,
        figure: "1,063 in 2025 (2024: ~905)",
        source: "CAL Militant violence: PICSS (broad count)",
        note: "TTP and other groups; 2025 figure ±10%",
    },
    Target {
        name: "TTP share of attacks",
        measure: Measure::Ratio("attacks_ttp", "attacks"),
        role: Role::Fit,
        unit: "share",
        low: 0.45,
        high: 0.55,
        figure: "about one half (482 TTP attacks, 52% of terrorism deaths in 2024)",
        source: "CAL Militant violence: GTI 2025",
        note: "share of attacks; GTI's 52% is a share of deaths; range 0.5 ± 0.05",
    },
    Target {
        name: "Pakistani civilians killed",
        measure: Measure::Mean("fatalities_pk_civilian"),
        role: Role::Fit,
        unit: "deaths",
        low: 522.0,
        high: 638.0,
        figure: "580 in 2025",
        source: "CAL Militant violence: PICSS",
        note: "attacks and clashes, PICSS's broad count (PIPS attacks only: 354); ±10%",
    },
    Target {
        name: "Pakistani security forces killed",
        measure: Measure::Mean("fatalities_pk_security"),
        role: Role::Fit,
        unit: "deaths",
        low: 598.0,
        high: 730.0,
        figure: "664 in 2025",
        source: "CAL Militant violence: PICSS",
        note: "attacks, operations and clashes (PIPS attacks only: 437); ±10%",
    },
    Target {
        name: "militants killed",
        measure: Measure::Mean("fatalities_militant"),
        role: Role::Fit,
        unit: "deaths",
        low: 1904.0,
        high: 2327.0,
        figure: "2,115 in 2025",
        source: "CAL Militant violence: PICSS",
        note: "in attacks, operations and strikes (PIPS attacks only: 243); ±10%",
    },
    Target {
        name: "share of deaths in Khyber Pakhtunkhwa",
        measure: Measure::Mean("attack_deaths_share_kp"),
        role: Role::Fit,
        unit: "share",
        low: 0.68,
        high: 0.71,
        figure: "~68-71% of fatalities",
        source: "CAL Militant violence: CRSS",
        note: "model: Pakistani civilian and security deaths in attacks; CRSS: all fatalities",
    },
    Target {
        name: "attacks in Islamabad a year",
        measure: Measure::Mean("attacks_capital"),
        role: Role::Fit,
        unit: "attacks",
        low: 1.0,
        high: 2.0,
        figure: "2 major ones in 2025-26 (Nov 2025, Feb 2026)",
        source: "CAL Militant violence: Dawn, Geo",
        note: "2 in 14 months is 1.7 a year; range 1-2",
    },
    Target {
        name: "cross-border strikes a year",
        measure: Measure::Mean("cross_border_strikes"),
        role: Role::Fit,
        unit: "strikes",
        low: 2.0,
        high: 3.0,
        figure: "Oct 2025, Nov 2025, Feb 2026 (2024: 2, held out)",
        source: "CAL Strikes and responses: AP, AFP",
        note: "model counts strike decisions; a real series may span one or two days",
    },
    Target {
        name: "trigger-to-strike delay",
        measure: Measure::Mean("strike_delay_days"),
        role: Role::Fit,
        unit: "days",
        low: 0.0,
        high: 3.0,
        figure: "hours to 3 days",
        source: "CAL Strikes and responses: AP, AFP",
        note: "mean over trials with strikes",
    },
    Target {
        name: "strike-to-response delay",
        measure: Measure::Mean("response_delay_days"),
        role: Role::Fit,
        unit: "days",
        low: 0.0,
        high: 4.0,
        figure: "0-4 days",
        source: "CAL Strikes and responses: AP, AFP, Al Jazeera",
        note: "mean over trials with responses",
    },
    Target {
        name: "Afghan civilians killed by Pakistani action",
        measure: Measure::Mean("fatalities_af_civilian"),
        role: Role::Fit,
        unit: "deaths",
        low: 70.0,
        high: 280.0,
        figure: "70 in Oct-Dec 2025 (UNAMA); strikes reported at 8, 10, 46",
        source: "CAL Strikes and responses: UNAMA, AFP",
        note: "strikes and cross-border fire; a year holds that quarter and at most four like it",
    },
    Target {
        name: "trade lost per day of closure",
        measure: Measure::Ratio("trade_lost_usd", "border_closed_days"),
        role: Role::Fit,
        unit: "USD/day",
        low: 2.0e6,
        high: 3.0e6,
        figure: "about $2-3 million",
        source: "CAL Costs of hostility: trade bodies",
        note: "all closed crossings per day Torkham is closed",
    },
    Target {
        name: "Afghans in Pakistan at the start",
        measure: Measure::Input("refugees.initial_stock"),
        role: Role::Fit,
        unit: "people",
        low: 3.5e6,
        high: 4.0e6,
        figure: "3.5-4 million (UNHCR 2023: 3.7M)",
        source: "CAL Costs of hostility: UNHCR, Government of Pakistan",
        note: "an input; returns since 2023 suggest the low end by late 2025",
    },
    Target {
        name: "returns and deportations a year",
        measure: Measure::Mean("refugees_deported"),
        role: Role::Fit,
        unit: "people",
        low: 705_000.0,
        high: 861_000.0,
        figure: "~532,000 by early Sep 2025 (145,200 in Aug)",
        source: "CAL Costs of hostility: IOM, UNHCR",
        note: "the 2025 pace (532,000 in 248 days) is 783,000 a year; ±10%",
    },
    Target {
        name: "people displaced per open war",
        measure: Measure::Ratio("displaced", "open_war"),
        role: Role::Fit,
        unit: "people",
        low: 84_600.0,
        high: 103_400.0,
        figure: "~94,000 (Feb-Apr 2026)",
        source: "CAL Costs of hostility: OCHA",
        note: "displaced per simulated year with open war; ±10%",
    },
    Target {
        name: "days between crisis episodes",
        measure: Measure::Mean("mean_days_between_crises"),
        role: Role::Fit,
        unit: "days",
        low: 60.0,
        high: 180.0,
        figure: "\"Every few months\"",
        source: "seed 001 (not a CAL figure)",
        note: "rung >= ladder.crisis_rung; few months read as 2-6",
    },
    Target {
        name: "border clashes a year",
        measure: Measure::Mean("border_clashes"),
        role: Role::Fit,
        unit: "clashes",
        low: 10.0,
        high: 60.0,
        figure: "clashes from 11 Oct 2025 on several days; the open war of Feb-Apr 2026",
        source: "CAL Interstate sequence: wire reports, UNAMA",
        note: "CAL gives no count; assumption: a few series a year of several post-to-post clashes each, plus those of an open war",
    },
    Target {
        name: "open war in a year",
        measure: Measure::Mean("open_war"),
        role: Role::Fit,
        unit: "probability",
        low: 0.15,
        high: 0.6,
        figure: "one open war (27 Feb 2026) in the 30 months Oct 2023-Apr 2026",
        source: "CAL Interstate sequence: wire reports",
        note: "0.4 a year from one event; the range allows for one event's uncertainty",
    },
    Target {
        name: "days of open war",
        measure: Measure::Ratio("days_rung_5", "open_war"),
        role: Role::Fit,
        unit: "days",
        low: 30.0,
        high: 75.0,
        figure: "from 27 Feb 2026 into the spring (OCHA: Feb-Apr; talks in Urumqi in Apr)",
        source: "CAL Interstate sequence: wire reports, OCHA; CAL Mediation",
        note: "days on rung 5 per simulated year with open war; 30-75 reads Feb-Apr",
    },
    Target {
        name: "days under a ceasefire a year",
        measure: Measure::Mean("ceasefire_days_held"),
        role: Role::Fit,
        unit: "days",
        low: 100.0,
        high: 180.0,
        figure: "Doha ceasefire of 18-19 Oct 2025 held 131 days, until the open war of 27 Feb 2026",
        source: "CAL Interstate sequence: wire reports",
        note: "days with a ceasefire in force; 131 in the year from the Doha talks, plus later pauses (CAL Mediation), less breaches",
    },
    Target {
        name: "militant attacks in 2024 (check)",
        measure: Measure::Mean("attacks"),
        role: Role::Check,
        unit: "attacks",
        low: 817.0,
        high: 999.0,
        figure: "908 in 2024 (PIPS narrow count: 521)",
        source: "CAL Earlier figures: PICSS",
        note: "held out of the fit; 2024 was calmer than late 2025 (1,063), so the late-2025 model should lie above it",
    },
    Target {
        name: "combat-related deaths in 2024 (check)",
        measure: Measure::Sum(COMBAT_DEATHS),
        role: Role::Check,
        unit: "deaths",
        low: 1950.0,
        high: 2546.0,
        figure: "1,950 (PICSS); 2,546 (CRSS)",
        source: "CAL Earlier figures: PICSS, CRSS",
        note: "held out of the fit; the late-2025 model should lie above it",
    },
    Target {
        name: "combat-related deaths in 2025 (check)",
        measure: Measure::Sum(COMBAT_DEATHS),
        role: Role::Check,
        unit: "deaths",
        low: 3048.0,
        high: 3754.0,
        figure: "3,387 (PICSS; AP later 3,413)",
        source: "CAL Earlier figures: PICSS, AP",
        note: "held out as a total; its three parts are fitted one by one; ±10%",
    },
    Target {
        name: "cross-border strike series in 2024 (check)",
        measure: Measure::Mean("cross_border_strikes"),
        role: Role::Check,
        unit: "strikes",
        low: 1.0,
        high: 3.0,
        figure: "2 series in 2024 (March, December)",
        source: "CAL Strikes and responses: AP, AFP",
        note: "held out; a series may be one or two strike decisions",
    },
];

impl Role {
    /// `fit` or `check`, as calibration.csv writes it.
    pub fn word(self) -> &'static str {
        match self {
            Role::Fit => "fit",
            Role::Check => "check",
        }
    }
}
