//! Every model parameter, grouped by actor, mechanism and measure, with unit, range, meaning
//! and the source of its default. Citations: `000`/`001` are the seed texts, `CAL` is
//! CALIBRATION.md, "assumption" marks a value no figure pins down (its plausible range is the
//! one screened by sensitivity analysis).

use super::measures::Measures;
use super::param_spec::{Domain, ParamSpec, ParamValue, Value};
use crate::param_spec::param_section;
use serde::{Deserialize, Serialize};

/// Pakistan's standing retaliation doctrine (001 "teach a lesson"/"respond in kind";
/// 000 "calibrate its responses").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Doctrine {
    /// High threshold, limited strikes (001 "strategic patience").
    StrategicPatience,
    /// Strikes answer major triggers in kind (001 "respond in kind").
    Proportional,
    /// Low threshold, heavy strikes meant to deter (001 "teach a lesson").
    TeachALesson,
}

impl Doctrine {
    pub const NAMES: &'static [&'static str] =
        &["strategic_patience", "proportional", "teach_a_lesson"];
    /// Multiplier on the strike threshold (how much pressure it takes to strike).
    pub fn threshold_factor(self) -> f64 {
        match self {
            Doctrine::StrategicPatience => 1.35,
            Doctrine::Proportional => 1.0,
            Doctrine::TeachALesson => 0.7,
        }
    }
    /// Multiplier on the size of a strike (targets hit, civilian exposure).
    pub fn magnitude_factor(self) -> f64 {
        match self {
            Doctrine::StrategicPatience => 0.6,
            Doctrine::Proportional => 1.0,
            Doctrine::TeachALesson => 1.8,
        }
    }
}

impl ParamValue for Doctrine {
    fn to_value(&self) -> Value {
        Value::Choice(Doctrine::NAMES[*self as usize])
    }
}

param_section! {
    /// Pakistan (state): public anger, pressure to respond, vulnerability, doctrine and trust.
    pub struct Pakistan {
        /// Standing retaliation doctrine: strategic_patience, proportional or teach_a_lesson.
        doctrine: Doctrine = Doctrine::Proportional, Domain::Choice { options: Doctrine::NAMES }, "-", "001 last paragraph; 000 \"calibrate its responses\"";
        /// Initial trust in Kabul (0 none, 1 full).
        initial_trust_in_af: f64 = 0.2, Domain::real(0.0, 1.0).plausible(0.1, 0.4), "index", "assumption: 000 \"breakdown of trust\" (late 2025)";
        /// Initial public anger.
        initial_anger: f64 = 0.3, Domain::real(0.0, 1.0).plausible(0.1, 0.5), "index", "assumption: 001 \"The anger at home is real\"";
        /// Fraction of public anger that fades each day.
        anger_decay: f64 = 0.1, Domain::real(0.0, 1.0).plausible(0.05, 0.2), "1/day", "assumption: outrage half-life about a week";
        /// Most anger one attack can add (reached by mass-casualty attacks; small attacks add little).
        outrage_per_attack: f64 = 0.35, Domain::real(0.0, 1.0).plausible(0.2, 0.5), "index", "assumption; 001 \"public patience decreases\"";
        /// Deaths at which an attack's outrage reaches half its maximum.
        outrage_deaths_scale: f64 = 8.0, Domain::real(0.1, 100.0).plausible(4.0, 16.0), "deaths", "assumption; CAL strikes follow attacks killing 7-16";
        /// Extra outrage factor for attacks in cities and the capital.
        outrage_city_factor: f64 = 2.0, Domain::real(1.0, 10.0).plausible(1.5, 3.0), "x", "000 \"including the capital\"";
        /// Pressure (0-1) at which a pending strike is half its hazard (before doctrine, vulnerability and trust).
        strike_threshold: f64 = 0.66, Domain::real(0.0, 1.0).plausible(0.55, 0.8), "index", "calibrated: CAL 2 strike series in 2024, 3 from Oct 2025 to Feb 2026";
        /// Width of the strike decision: how far from the threshold pressure leaves the decision in doubt (logistic scale).
        strike_width: f64 = 0.08, Domain::real(0.001, 1.0).plausible(0.04, 0.15), "index", "assumption: decisions under uncertainty (000 \"calibrate its responses\"); CAL strikes answered some triggers and not others";
        /// Highest daily chance of striking while a strike is pending (the logistic in pressure around the strike threshold scales it: half at the threshold).
        strike_hazard: f64 = 0.45, Domain::real(0.0, 1.0).plausible(0.3, 0.8), "1/day", "CAL trigger-to-strike delay hours to 3 days";
        /// Days a trigger keeps a strike pending before the moment passes.
        strike_window_days: u32 = 5, Domain::int(1, 60).plausible(3.0, 10.0), "days", "CAL delays of up to 3 days";
        /// Security-force deaths in one attack that make it a strike trigger.
        trigger_security_deaths: u32 = 7, Domain::int(1, 100).plausible(5.0, 12.0), "deaths", "CAL \"attacks that kill many soldiers at once (7-16 killed)\"";
        /// Civilian deaths in a city or capital attack that make it a strike trigger.
        trigger_civilian_deaths: u32 = 10, Domain::int(1, 200).plausible(6.0, 20.0), "deaths", "CAL \"mass-casualty attack in a city\"; Islamabad Nov 2025: 12 killed";
        /// Fraction of pressure released by carrying out a strike.
        strike_relief: f64 = 0.35, Domain::real(0.0, 1.0).plausible(0.2, 0.5), "share", "assumption";
        /// Pressure at which coercive measures (border closure, deportation drive) are half their hazard.
        coercion_threshold: f64 = 0.7, Domain::real(0.0, 1.0).plausible(0.55, 0.8), "index", "calibrated: CAL closure and deportation episodes in 2025";
        /// Width of the coercion decision (logistic scale).
        coercion_width: f64 = 0.08, Domain::real(0.001, 1.0).plausible(0.04, 0.15), "index", "assumption";
        /// Pressure at which open war, once clashes are sustained, is half its hazard.
        war_threshold: f64 = 0.64, Domain::real(0.0, 1.0).plausible(0.55, 0.8), "index", "000 \"open war\" posture";
        /// Width of the open-war decision (logistic scale).
        war_width: f64 = 0.08, Domain::real(0.001, 1.0).plausible(0.04, 0.15), "index", "assumption";
        /// Daily chance of adopting an open-war posture while clashes are sustained and pressure is at the war threshold (the logistic doubles it well above).
        war_hazard: f64 = 0.3, Domain::real(0.0, 1.0).plausible(0.1, 0.6), "1/day", "assumption: CAL weeks of clashes before the Feb 2026 declaration";
        /// Share by which full trust in Kabul raises the strike and coercion thresholds (waiting for Kabul to act).
        trust_restraint: f64 = 0.3, Domain::real(0.0, 1.0).plausible(0.1, 0.5), "share", "000 \"breakdown of trust\"; 001 \"assurance\"";
        /// Economic stress at the start (0-1).
        economic_stress: f64 = 0.6, Domain::real(0.0, 1.0).plausible(0.4, 0.8), "index", "001 \"stressed economy\"";
        /// Political volatility (0-1).
        political_volatility: f64 = 0.5, Domain::real(0.0, 1.0).plausible(0.3, 0.7), "index", "001 \"political volatility\"";
        /// Daily chance of a political shock (a government crisis, unrest) that raises volatility.
        political_shock_hazard: f64 = 0.004, Domain::real(0.0, 1.0).plausible(0.001, 0.01), "1/day", "assumption: 001 \"political volatility\" (about 1.5 shocks a year)";
        /// Volatility a shock adds (capped at 1).
        political_shock_size: f64 = 0.25, Domain::real(0.0, 1.0).plausible(0.1, 0.4), "index", "assumption";
        /// Daily relaxation of volatility back to its baseline after a shock.
        political_shock_decay: f64 = 0.02, Domain::real(0.0, 1.0).plausible(0.01, 0.05), "1/day", "assumption: shocks fade over weeks to months";
        /// Threat on the second front, India (0-1).
        india_threat: f64 = 0.5, Domain::real(0.0, 1.0).plausible(0.2, 0.8), "index", "001 \"Pak-India skirmishes in May 2025\"";
        /// Daily chance that a crisis with India begins.
        india_crisis_hazard: f64 = 0.001, Domain::real(0.0, 1.0).plausible(0.0003, 0.003), "1/day", "001 \"Pak-India skirmishes in May 2025\" (about one crisis in three years)";
        /// Threat on the India front during a crisis.
        india_crisis_threat: f64 = 0.9, Domain::real(0.0, 1.0).plausible(0.7, 1.0), "index", "001 \"Pak-India skirmishes in May 2025\"";
        /// Mean days an India crisis lasts.
        india_crisis_days: f64 = 30.0, Domain::real(1.0, 365.0).plausible(10.0, 90.0), "days", "assumption: days of fighting, weeks of tension (May 2025)";
        /// How much vulnerability (mean of the three above) lowers the strike and coercion thresholds.
        vulnerability_threshold_effect: f64 = 0.3, Domain::real(0.0, 1.0).plausible(0.1, 0.5), "share", "001 \"weak states make insecure decisions\"";
        /// How much vulnerability enlarges strikes.
        vulnerability_magnitude_effect: f64 = 0.5, Domain::real(0.0, 2.0).plausible(0.2, 1.0), "share", "001 \"weak states make insecure decisions\"";
        /// Daily economic stress added per day the main crossings are closed (fully closed border).
        closure_stress: f64 = 0.002, Domain::real(0.0, 0.1).plausible(0.0005, 0.005), "1/day", "000 \"border trade ... jeopardized\"";
        /// Daily relaxation of economic stress back to its starting level.
        stress_recovery: f64 = 0.01, Domain::real(0.0, 1.0).plausible(0.005, 0.03), "1/day", "assumption";
        /// Militants killed per fighter per day by Pakistan's own counter-terrorism operations.
        ct_kill_rate: f64 = 0.0006, Domain::real(0.0, 0.01).plausible(0.0003, 0.001), "1/day", "CAL 2,115 militants killed in 2025 (PICSS)";
        /// Security-force deaths per militant killed in operations.
        ct_security_deaths_per_kill: f64 = 0.05, Domain::real(0.0, 2.0).plausible(0.03, 0.15), "ratio", "calibrated: CAL 664 security deaths in 2025 (PICSS)";
    }
}

param_section! {
    /// Afghanistan's de facto authorities: crackdown willingness and capacity, fracture fear,
    /// legitimacy, trust in Islamabad, retaliation on border posts.
    pub struct Afghanistan {
        /// Initial trust in Islamabad.
        initial_trust_in_pk: f64 = 0.2, Domain::real(0.0, 1.0).plausible(0.1, 0.4), "index", "assumption: 000 \"breakdown of trust\"";
        /// Initial international legitimacy (0 isolated, 1 recognised).
        initial_legitimacy: f64 = 0.2, Domain::real(0.0, 1.0).plausible(0.1, 0.4), "index", "001 \"internationally isolated\"";
        /// Capacity to act against the TTP (scales every crackdown).
        crackdown_capacity: f64 = 0.5, Domain::real(0.0, 1.0).plausible(0.3, 0.8), "index", "001 \"internally divided\"";
        /// Baseline willingness to act against the TTP.
        crackdown_base: f64 = 0.1, Domain::real(0.0, 1.0).plausible(0.0, 0.25), "index", "001 \"ideological cousins\"; 000 \"rejects these allegations\"";
        /// Extra willingness per unit of lost legitimacy (1 - legitimacy).
        legitimacy_incentive: f64 = 0.2, Domain::real(0.0, 1.0).plausible(0.05, 0.4), "index", "000 \"essential ... for Afghanistan's own international legitimacy\"";
        /// Extra willingness per unit of trust in Islamabad.
        trust_incentive: f64 = 0.3, Domain::real(0.0, 1.0).plausible(0.1, 0.5), "index", "assumption";
        /// Willingness lost per unit of fracture stress (fear of rival factions).
        fracture_fear: f64 = 0.6, Domain::real(0.0, 2.0).plausible(0.3, 1.0), "index", "001 \"fears internal fractures, or the emergence of rival factions\"";
        /// Willingness lost per unit of public resentment of Pakistan.
        resentment_drag: f64 = 0.2, Domain::real(0.0, 1.0).plausible(0.05, 0.4), "index", "assumption; 000 \"Afghan public opinion solidifies against Islamabad\"";
        /// Daily chance that a unit of effort hits a given cell.
        crackdown_hit_rate: f64 = 0.02, Domain::real(0.0, 1.0).plausible(0.01, 0.05), "1/day", "assumption";
        /// Share of hit cells dismantled (the rest relocate) without verification.
        dismantle_share: f64 = 0.25, Domain::real(0.0, 1.0).plausible(0.1, 0.4), "share", "001 \"dismantled, not relocated\"";
        /// Share of a dismantled cell's fighters removed.
        dismantle_losses: f64 = 0.6, Domain::real(0.0, 1.0).plausible(0.4, 0.9), "share", "assumption";
        /// Fracture stress added per day per unit of crackdown effort.
        fracture_gain: f64 = 0.03, Domain::real(0.0, 1.0).plausible(0.01, 0.06), "1/day", "001 \"rival factions\"";
        /// Daily decay of fracture stress.
        fracture_decay: f64 = 0.02, Domain::real(0.0, 1.0).plausible(0.01, 0.05), "1/day", "assumption";
        /// Fracture stress at which a split is half its hazard.
        fracture_threshold: f64 = 0.6, Domain::real(0.0, 1.0).plausible(0.4, 0.8), "index", "assumption";
        /// Width of the split decision (logistic scale): splits stay possible below the threshold.
        fracture_width: f64 = 0.1, Domain::real(0.001, 1.0).plausible(0.05, 0.2), "index", "assumption";
        /// Daily chance of a split when fracture stress is at the threshold (logistic in the stress).
        fracture_hazard: f64 = 0.05, Domain::real(0.0, 1.0).plausible(0.02, 0.1), "1/day", "assumption";
        /// Fighters who leave the movement in a split and join the rival group.
        fracture_defectors: f64 = 300.0, Domain::real(0.0, 10000.0).plausible(100.0, 800.0), "fighters", "001 \"the emergence of rival factions\": splinters join the rival group";
        /// Days a split suspends the crackdown.
        fracture_pause_days: u32 = 60, Domain::int(0, 365).plausible(30.0, 120.0), "days", "assumption";
        /// Daily legitimacy gained per unit of crackdown effort.
        legitimacy_gain: f64 = 0.002, Domain::real(0.0, 0.1).plausible(0.001, 0.005), "1/day", "000 last paragraphs";
        /// Share of legitimacy lost per attack attributed to Afghan soil while Kabul does nothing.
        legitimacy_loss_per_attributed_attack: f64 = 0.0004, Domain::real(0.0, 0.1).plausible(0.0002, 0.001), "index", "000 \"Failure to act risks further isolation\"";
        /// Highest daily chance of an armed response on border posts after a strike (half at the retaliation threshold).
        retaliation_hazard: f64 = 0.5, Domain::real(0.0, 1.0).plausible(0.3, 0.8), "1/day", "CAL strike-to-response delay 0-4 days";
        /// Days after a strike during which Kabul may answer it.
        retaliation_window_days: u32 = 5, Domain::int(0, 60).plausible(3.0, 8.0), "days", "CAL 0-4 days";
        /// Kabul's hostility (resentment with vulnerability, less trust) at which an answer to a strike is as likely as not, given the hazard.
        retaliation_threshold: f64 = 0.4, Domain::real(0.0, 1.0).plausible(0.25, 0.55), "index", "calibrated: CAL Afghan responses followed most strike series (Oct 2025, Feb 2026)";
        /// Width of the answer decision (logistic scale).
        retaliation_width: f64 = 0.1, Domain::real(0.001, 1.0).plausible(0.05, 0.2), "index", "assumption";
        /// Daily chance that Kabul's forces open fire on Pakistani posts unprompted when hostility is at the initiative threshold.
        initiative_hazard: f64 = 0.02, Domain::real(0.0, 1.0).plausible(0.005, 0.05), "1/day", "000 \"Afghan forces reportedly opened fire on multiple Pakistani border posts\"; assumption for the rate";
        /// Hostility at which Kabul's initiative is half its hazard.
        initiative_threshold: f64 = 0.65, Domain::real(0.0, 1.0).plausible(0.5, 0.8), "index", "assumption";
        /// Width of the initiative decision (logistic scale).
        initiative_width: f64 = 0.1, Domain::real(0.001, 1.0).plausible(0.05, 0.2), "index", "assumption";
        /// Hostility added while Pakistan's coercive measures (closures, deportation drives) are in force.
        coercion_grievance: f64 = 0.1, Domain::real(0.0, 1.0).plausible(0.05, 0.2), "index", "000 \"border trade and refugee management\"";
        /// Daily Afghan economic stress added while all crossings' trade is stopped.
        closure_stress: f64 = 0.003, Domain::real(0.0, 0.1).plausible(0.001, 0.006), "1/day", "001 \"economically fragile\"; CAL Torkham trade of ~$3M a day";
        /// Daily relaxation of Afghan economic stress back to its economic fragility.
        stress_recovery: f64 = 0.01, Domain::real(0.0, 1.0).plausible(0.005, 0.03), "1/day", "assumption";
        /// Crackdown willingness gained per unit of economic stress above fragility (coercion that works).
        stress_crackdown_effect: f64 = 0.2, Domain::real(-2.0, 2.0).plausible(0.0, 0.5), "index", "assumption: closures are meant to press Kabul (000 \"border trade\")";
        /// Economic fragility (0-1); with isolation it makes Kabul's responses more insecure.
        economic_fragility: f64 = 0.7, Domain::real(0.0, 1.0).plausible(0.5, 0.9), "index", "001 \"economically fragile\"";
        /// How much Kabul's vulnerability raises its readiness to retaliate.
        vulnerability_effect: f64 = 0.5, Domain::real(0.0, 2.0).plausible(0.2, 1.0), "share", "001 \"weak states make insecure decisions\"";
        /// Chance that Kabul denies an accusation when the facts were not established jointly.
        denial_propensity: f64 = 0.9, Domain::real(0.0, 1.0).plausible(0.7, 1.0), "probability", "000 \"Kabul, however, rejects these allegations\"";
        /// Share of denials forgone at full trust in Islamabad.
        denial_trust_effect: f64 = 0.5, Domain::real(0.0, 1.0).plausible(0.2, 0.8), "share", "000 \"not only a dispute over facts but a breakdown of trust\"";
    }
}

param_section! {
    /// TTP militant network: individual cells with sanctuary, strength, recruitment, planning
    /// and relocation; other militant groups as a background process.
    pub struct Militants {
        /// Cells at the start.
        initial_cells: u32 = 60, Domain::int(1, 400).plausible(40.0, 90.0), "cells", "assumption: with the fighters below";
        /// Mean fighters per cell at the start.
        initial_cell_strength: f64 = 100.0, Domain::real(1.0, 1000.0).plausible(70.0, 140.0), "fighters", "assumption: about 6,000 fighters in all, the order of UN monitoring estimates (000 \"United Nations reporting\")";
        /// Most cells the network can hold (splits stop there).
        max_cells: u32 = 160, Domain::int(1, 2000).plausible(120.0, 250.0), "cells", "assumption: capacity bound";
        /// Mean days between attacks of a cell at reference strength in calm conditions.
        attack_interval_days: f64 = 42.0, Domain::real(1.0, 1000.0).plausible(30.0, 55.0), "days", "CAL ~530 TTP attacks a year (PICSS 1,063 x GTI ~1/2)";
        /// Daily recruits per fighter in calm conditions.
        recruitment_rate: f64 = 0.0008, Domain::real(0.0, 0.01).plausible(0.0004, 0.0012), "1/day", "calibrated: keeps the network near steady under status-quo losses";
        /// Recruitment and freedom of action added per ladder rung (times rung/5).
        chaos_effect: f64 = 1.0, Domain::real(0.0, 5.0).plausible(0.5, 2.0), "share", "000 \"extremist groups that thrive in chaos\"";
        /// Recruitment added per unit of Afghan public resentment.
        resentment_effect: f64 = 0.8, Domain::real(0.0, 5.0).plausible(0.3, 1.5), "share", "000 \"long-term resentment\"";
        /// Recruitment added per unit of missing Afghan crackdown (1 - effort).
        vacuum_effect: f64 = 0.5, Domain::real(0.0, 5.0).plausible(0.2, 1.0), "share", "001 \"dangerous vacuum in which militant groups thrive\"";
        /// Total fighters at which recruitment stops (carrying capacity).
        carrying_capacity: f64 = 15000.0, Domain::real(100.0, 1.0e6).plausible(10000.0, 25000.0), "fighters", "assumption";
        /// A cell splits in two above this strength.
        split_strength: f64 = 220.0, Domain::real(2.0, 10000.0).plausible(150.0, 300.0), "fighters", "assumption";
        /// A cell dissolves below this strength.
        dissolve_strength: f64 = 5.0, Domain::real(0.0, 100.0).plausible(2.0, 10.0), "fighters", "assumption";
        /// Days a relocated cell needs before it can attack again.
        relocation_delay_days: f64 = 20.0, Domain::real(0.0, 365.0).plausible(10.0, 40.0), "days", "001 \"relocated\"";
        /// Share of TTP cells operating inside Pakistan at the start (no border to cross, beyond Kabul's reach and strikes).
        inside_share: f64 = 0.25, Domain::real(0.0, 1.0).plausible(0.1, 0.4), "share", "assumption: 000 \"a series of terrorist attacks inside Pakistan\"; TTP presence in KP districts";
        /// Share of pressed cells (hit by Kabul or by a strike and not dismantled) that relocate inside Pakistan; the rest move to another sanctuary.
        relocation_inside_share: f64 = 0.3, Domain::real(0.0, 1.0).plausible(0.1, 0.5), "share", "001 \"dismantled, not relocated\"";
        /// Daily chance of a TTP spoiler attack while a ceasefire holds.
        spoiler_hazard: f64 = 0.02, Domain::real(0.0, 1.0).plausible(0.005, 0.05), "1/day", "000 \"Escalation benefits no actor, except extremist groups that thrive in chaos\"";
        /// Factor on the spoiler hazard while an agreement with crackdown commitments is in force.
        spoiler_agreement_factor: f64 = 2.0, Domain::real(0.0, 10.0).plausible(1.0, 4.0), "x", "assumption: commitments to dismantle the TTP threaten it most";
        /// Factor on the severity of a spoiler attack (chosen to be noticed).
        spoiler_severity: f64 = 2.0, Domain::real(1.0, 10.0).plausible(1.0, 3.0), "x", "assumption";
        /// Amplitude of the fighting season: attack planning runs `1 + a cos(...)` times its mean speed.
        season_amplitude: f64 = 0.2, Domain::real(0.0, 0.9).plausible(0.0, 0.4), "share", "CAL monthly attacks in 2025 ranged 68-143 around a mean of 89";
        /// Days from day 0 (mid-October) to the peak of the fighting season.
        season_peak_day: f64 = 270.0, Domain::real(0.0, 365.0).plausible(210.0, 300.0), "day", "assumption: spring-summer fighting season, peak around July";
        /// Attacks per day by other militant groups (not TTP, not staged across the border).
        other_group_attacks_per_day: f64 = 1.36, Domain::real(0.0, 20.0).plausible(1.0, 2.0), "attacks/day", "CAL PICSS 1,063 attacks in 2025, about half TTP (GTI), less the rival group's";
        /// Militants of other groups killed per day in operations.
        other_group_ct_deaths_per_day: f64 = 1.2, Domain::real(0.0, 50.0).plausible(0.6, 2.0), "deaths/day", "calibrated: CAL 2,115 militants killed in 2025 (PICSS)";
        /// Chance that a TTP attack is attributed by Pakistan to sanctuaries in Afghanistan.
        ttp_attribution: f64 = 0.9, Domain::real(0.0, 1.0).plausible(0.7, 1.0), "probability", "001 \"many attributed by officials to TTP networks operating from Afghanistan\"";
        /// Chance that an attack by another group is blamed on Afghan soil.
        other_group_attribution: f64 = 0.15, Domain::real(0.0, 1.0).plausible(0.05, 0.3), "probability", "assumption";
        /// Share of TTP attacks aimed at checkpoints.
        target_checkpoint: f64 = 0.45, Domain::real(0.0, 1.0), "share", "001 \"checkpoints, residential areas, and security convoys\"";
        /// Share aimed at security convoys.
        target_convoy: f64 = 0.2, Domain::real(0.0, 1.0), "share", "001 \"security convoys\"";
        /// Share aimed at residential areas.
        target_residential: f64 = 0.25, Domain::real(0.0, 1.0), "share", "001 \"residential areas\"";
        /// Share aimed at cities.
        target_city: f64 = 0.0984, Domain::real(0.0, 1.0), "share", "000 \"series of terrorist attacks inside Pakistan\"; the target shares sum to 1, so they have no plausible range of their own";
        /// Share aimed at the capital.
        target_capital: f64 = 0.0016, Domain::real(0.0, 1.0), "share", "calibrated: CAL 2 major Islamabad attacks in 2025-26 (about 1.7 a year)";
        /// Mean security-force deaths of an attack on a checkpoint (before severity).
        security_deaths_checkpoint: f64 = 0.6, Domain::real(0.0, 100.0).plausible(0.5, 1.2), "deaths", "calibrated: CAL 664 security deaths (PICSS 2025)";
        /// Mean security-force deaths of an attack on a convoy.
        security_deaths_convoy: f64 = 0.75, Domain::real(0.0, 100.0).plausible(0.6, 1.5), "deaths", "calibrated: CAL";
        /// Mean civilian deaths of an attack on a residential area.
        civilian_deaths_residential: f64 = 0.9, Domain::real(0.0, 100.0).plausible(0.5, 1.2), "deaths", "calibrated: CAL 580 civilian deaths (PICSS 2025)";
        /// Mean civilian deaths of an attack in a city.
        civilian_deaths_city: f64 = 1.6, Domain::real(0.0, 100.0).plausible(1.0, 3.0), "deaths", "calibrated: CAL";
        /// Mean civilian deaths of an attack in the capital.
        civilian_deaths_capital: f64 = 15.0, Domain::real(0.0, 500.0).plausible(8.0, 30.0), "deaths", "CAL Islamabad 2025-26: 12 and 31-36 killed";
        /// Mean incidental deaths of the other category (civilians at security targets and vice versa).
        incidental_deaths: f64 = 0.12, Domain::real(0.0, 100.0).plausible(0.05, 0.3), "deaths", "assumption";
        /// Mean attackers killed per attack.
        militant_deaths_per_attack: f64 = 0.35, Domain::real(0.0, 100.0).plausible(0.2, 0.6), "deaths", "CAL PIPS 243 militants killed in 699 attacks";
        /// Spread (sigma of the log) of attack severity; heavier tails make more mass-casualty attacks.
        severity_sigma: f64 = 1.3, Domain::real(0.0, 3.0).plausible(1.0, 1.6), "log", "calibrated: CAL several trigger attacks a year";
    }
}

param_section! {
    /// The rival militant group the texts' "rival factions" can join (modelled on ISKP): its
    /// own cells, attacks in both countries, fed by factional splits of the Taliban movement.
    pub struct Rival {
        /// Rival cells at the start.
        initial_cells: u32 = 10, Domain::int(0, 200).plausible(5.0, 20.0), "cells", "assumption: a rival of a few thousand fighters, far smaller than the TTP";
        /// Mean fighters per rival cell at the start.
        initial_cell_strength: f64 = 200.0, Domain::real(1.0, 1000.0).plausible(100.0, 300.0), "fighters", "assumption";
        /// Most rival cells.
        max_cells: u32 = 40, Domain::int(1, 500).plausible(20.0, 80.0), "cells", "assumption: capacity bound";
        /// Mean days between attacks of a rival cell at reference strength.
        attack_interval_days: f64 = 70.0, Domain::real(1.0, 1000.0).plausible(40.0, 120.0), "days", "assumption: some 50 rival attacks a year in both countries";
        /// Share of rival attacks carried out in Pakistan (the rest in Afghanistan).
        pakistan_share: f64 = 0.6, Domain::real(0.0, 1.0).plausible(0.4, 0.8), "share", "assumption";
        /// Mean deaths of a rival attack in Afghanistan (before severity).
        afghan_deaths_per_attack: f64 = 3.0, Domain::real(0.0, 100.0).plausible(1.0, 6.0), "deaths", "assumption";
        /// Daily recruits per rival fighter (with room under the carrying capacity).
        recruitment_rate: f64 = 0.0008, Domain::real(0.0, 0.01).plausible(0.0004, 0.0015), "1/day", "assumption: steady under the attrition below";
        /// Daily share of rival fighters killed by Kabul's and Pakistan's operations.
        attrition_rate: f64 = 0.0006, Domain::real(0.0, 0.01).plausible(0.0003, 0.0012), "1/day", "assumption: the Taliban fight the rival without a dilemma";
        /// Rival fighters at which recruitment stops.
        carrying_capacity: f64 = 8000.0, Domain::real(10.0, 1.0e6).plausible(4000.0, 15000.0), "fighters", "assumption";
        /// Fighters per cell that splinters form when they join the rival.
        splinter_cell_strength: f64 = 100.0, Domain::real(1.0, 1000.0).plausible(50.0, 200.0), "fighters", "assumption";
    }
}

param_section! {
    /// Border sectors: porosity, fencing and patrols, militarisation, local clashes.
    pub struct Border {
        /// Chance that an infiltrating team gets through a sector with no fence or patrols.
        porosity: f64 = 0.95, Domain::real(0.0, 1.0).plausible(0.85, 1.0), "probability", "001 \"still porous enough for militants to slip through\"";
        /// Share of teams stopped by the fence and patrols at full political coordination.
        fence_block: f64 = 0.25, Domain::real(0.0, 1.0).plausible(0.1, 0.4), "share", "001 \"Second, the border\"";
        /// Share of the fence's effect that works without political coordination.
        uncoordinated_fence_share: f64 = 0.3, Domain::real(0.0, 1.0).plausible(0.1, 0.5), "share", "001 \"More fences and more patrols do not make up for missing political coordination\"";
        /// Fencing and patrol level at the start (0-1).
        fencing: f64 = 0.6, Domain::real(0.0, 1.0).plausible(0.4, 0.8), "index", "001 \"more militarized than in the early 2000s\"";
        /// Militarisation of posts (0-1): raises the chance of local clashes.
        militarisation: f64 = 0.6, Domain::real(0.0, 1.0).plausible(0.4, 0.8), "index", "001 \"more militarized\"";
        /// Daily chance of a local clash in one sector from general hostility alone (at full hostility and militarisation).
        clash_hazard: f64 = 0.003, Domain::real(0.0, 1.0).plausible(0.001, 0.006), "1/day", "assumption: a few local clashes a year in calm";
        /// Daily chance of a clash in a sector at full local tension and militarisation (clashes breed clashes).
        tension_clash_hazard: f64 = 0.085, Domain::real(0.0, 1.0).plausible(0.04, 0.15), "1/day", "000 \"opened fire on multiple Pakistani border posts\"; \"sustained conflict\"";
        /// Tension a clash adds to its own sector (neighbours get half).
        clash_tension: f64 = 0.3, Domain::real(0.0, 1.0).plausible(0.15, 0.5), "index", "assumption";
        /// Daily decay of sector tension.
        tension_decay: f64 = 0.05, Domain::real(0.0, 1.0).plausible(0.02, 0.1), "1/day", "assumption";
        /// Mean security deaths per clash on each side.
        clash_deaths: f64 = 3.0, Domain::real(0.0, 100.0).plausible(1.0, 6.0), "deaths", "assumption: Oct 2025 clashes (wire reports)";
        /// Mean civilian deaths per clash on each side.
        clash_civilian_deaths: f64 = 0.5, Domain::real(0.0, 100.0).plausible(0.2, 2.0), "deaths", "CAL UNAMA 70 Afghan civilians Oct-Dec 2025";
        /// Clash days within 14 days that make fighting sustained.
        sustained_clash_days: u32 = 3, Domain::int(1, 14).plausible(2.0, 5.0), "days", "000 \"sustained conflict\"";
        /// Daily chance that open war ends by exhaustion, per 30 days of war.
        war_exhaustion: f64 = 0.02, Domain::real(0.0, 1.0).plausible(0.01, 0.05), "1/day", "CAL open conflict Feb-Apr 2026";
        /// Clashes per day in open war across the frontier.
        war_clashes_per_day: f64 = 1.5, Domain::real(0.0, 20.0).plausible(0.8, 3.0), "clashes/day", "000 \"open war\"";
        /// People displaced per day of open war.
        war_displaced_per_day: f64 = 1500.0, Domain::real(0.0, 1.0e5).plausible(800.0, 3000.0), "people/day", "CAL OCHA ~94,000 displaced Feb-Apr 2026";
        /// Daily trade through Torkham.
        trade_torkham_usd: f64 = 3.0e6, Domain::real(0.0, 1.0e8), "USD/day", "CAL Torkham imports ~$1.6M + exports ~$1.4M a day";
        /// Daily trade through Chaman.
        trade_chaman_usd: f64 = 1.6e6, Domain::real(0.0, 1.0e8), "USD/day", "CAL bilateral trade ~$2.0B a year, less Torkham (assumption for the split)";
        /// Daily trade through each minor crossing (Ghulam Khan, Kharlachi, Angoor Adda).
        trade_minor_usd: f64 = 0.25e6, Domain::real(0.0, 1.0e8), "USD/day", "CAL bilateral trade ~$2.0B a year (assumption for the split)";
        /// Share of a closed crossing's trade that is delayed or rerouted rather than lost.
        trade_diversion: f64 = 0.5, Domain::real(0.0, 1.0).plausible(0.3, 0.7), "share", "calibrated: CAL ~$2-3M lost per closure day";
        /// Highest daily chance of closing the crossings (and of starting a deportation drive); scaled by the coercion logistic.
        closure_hazard: f64 = 0.3, Domain::real(0.0, 1.0).plausible(0.1, 0.6), "1/day", "000 \"border trade ... jeopardized\"";
        /// Highest daily chance of reopening (and of ending a drive); scaled by one minus the coercion logistic.
        reopen_hazard: f64 = 0.08, Domain::real(0.0, 1.0).plausible(0.03, 0.2), "1/day", "assumption: closures of weeks (Torkham 2025)";
    }
}

param_section! {
    /// One mediator: trust from each side, leverage, readiness and style.
    pub struct Mediator {
        /// Whether this mediator takes part at all.
        active: bool = true, Domain::flag(), "-", "000 \"Türkiye and Qatar have reportedly sought to mediate\"; 001 \"Qatar, China, or Saudi Arabia\"";
        /// Islamabad's trust in the mediator.
        trust_pk: f64 = 0.6, Domain::real(0.0, 1.0).plausible(0.3, 0.9), "index", "assumption";
        /// Kabul's trust in the mediator.
        trust_af: f64 = 0.6, Domain::real(0.0, 1.0).plausible(0.3, 0.9), "index", "assumption";
        /// Leverage: daily chance of brokering a ceasefire when fully accepted.
        leverage: f64 = 0.15, Domain::real(0.0, 1.0).plausible(0.01, 0.06), "1/day", "CAL Doha ceasefire about a week after the Oct 2025 clashes (per-mediator defaults 0.02-0.035)";
        /// Lowest rung at which it engages unprompted.
        readiness_rung: u32 = 3, Domain::int(1, 5).plausible(2.0, 5.0), "rung", "001 \"talks cannot begin only after a bombing or a border clash\"";
        /// Style: 0 facilitates, 1 dictates policy (dictating lowers acceptance).
        dictation: f64 = 0.1, Domain::real(0.0, 1.0).plausible(0.0, 0.5), "index", "001 \"Their job should not be to dictate policy\"";
    }
}

param_section! {
    /// Outside actors (US, EU): statements backing Pakistan's self-defence and pressing Kabul.
    pub struct Outside {
        /// Strength of Western backing for Pakistan's self-defence (0-1): lowers the strike threshold.
        backing_for_pakistan: f64 = 0.5, Domain::real(0.0, 1.0).plausible(0.2, 0.8), "index", "000 \"supports Pakistan's right to defend itself\"";
        /// Strength of pressure on Kabul (0-1): raises the legitimacy cost of inaction.
        pressure_on_kabul: f64 = 0.5, Domain::real(0.0, 1.0).plausible(0.2, 0.8), "index", "000 \"Afghan territory must not be used\"";
        /// Share by which full backing lowers the strike threshold.
        backing_threshold_effect: f64 = 0.1, Domain::real(0.0, 1.0).plausible(0.0, 0.2), "share", "assumption";
    }
}

param_section! {
    /// The two publics: reaction speed of the information environment, Afghan resentment memory.
    pub struct Publics {
        /// Share of the gap between public anger and state pressure closed each day (1 = within hours).
        social_media_speed: f64 = 0.6, Domain::real(0.01, 1.0).plausible(0.3, 0.9), "1/day", "001 \"Within hours, regional tensions turn into nationalist outrage\"";
        /// Afghan resentment added by a strike.
        resentment_per_strike: f64 = 0.08, Domain::real(0.0, 1.0).plausible(0.04, 0.15), "index", "000 \"risk embedding long-term resentment\"";
        /// Resentment added per Afghan civilian killed by Pakistani action.
        resentment_per_civilian_death: f64 = 0.004, Domain::real(0.0, 0.1).plausible(0.002, 0.008), "index", "001 \"alleged strikes that killed civilians\"";
        /// Resentment added per 100,000 refugees deported.
        resentment_per_100k_deported: f64 = 0.02, Domain::real(0.0, 1.0).plausible(0.01, 0.05), "index", "000 \"refugee management\"";
        /// Share of new resentment that enters long memory.
        generational_share: f64 = 0.2, Domain::real(0.0, 1.0).plausible(0.1, 0.4), "share", "000 \"harden attitudes across generations\"";
        /// Daily decay of short-term resentment.
        resentment_decay: f64 = 0.01, Domain::real(0.0, 1.0).plausible(0.005, 0.03), "1/day", "assumption: months";
        /// Daily decay of long-memory resentment.
        generational_decay: f64 = 0.0001, Domain::real(0.0, 0.01).plausible(0.00005, 0.0003), "1/day", "000 \"across generations\" (half-life ~20 years)";
        /// Long-memory resentment at the start.
        initial_generational_resentment: f64 = 0.25, Domain::real(0.0, 1.0).plausible(0.1, 0.4), "index", "000 \"memories of foreign intervention\"";
        /// Short-term resentment at the start.
        initial_resentment: f64 = 0.1, Domain::real(0.0, 1.0).plausible(0.0, 0.3), "index", "assumption";
    }
}

param_section! {
    /// Afghan refugees in Pakistan: stock, deportation pace, social ties as a stabiliser.
    pub struct Refugees {
        /// Afghans in Pakistan at the start.
        initial_stock: f64 = 3.5e6, Domain::real(0.0, 1.0e7).plausible(2.5e6, 4.0e6), "people", "CAL 3.5-4 million (UNHCR 2023: 3.7M); returns since 2023 make the lower end of the plausible range possible by late 2025";
        /// Returns and deportations per day in calm conditions.
        base_deportations_per_day: f64 = 2100.0, Domain::real(0.0, 1.0e5).plausible(1000.0, 2500.0), "people/day", "CAL ~532,000 by early Sep 2025 (IOM, UNHCR)";
        /// Multiplier on the pace during a deportation drive.
        drive_multiplier: f64 = 2.7, Domain::real(1.0, 10.0).plausible(1.5, 4.0), "x", "CAL 145,200 in Aug 2025 alone";
        /// How strongly ties (refugee stock relative to the start) damp outrage and resentment.
        ties_damping: f64 = 0.2, Domain::real(0.0, 1.0).plausible(0.05, 0.4), "share", "000 \"shared history should act as a stabilizing force\"";
    }
}

param_section! {
    /// The escalation ladder: how recent actions set the rung, crisis episodes.
    pub struct Ladder {
        /// Mean days an action keeps the ladder on its rung (each action's hold is drawn: rungs fade rather than end on a fixed day).
        memory_days: u32 = 15, Domain::int(1, 60).plausible(7.0, 21.0), "days", "calibrated: 001 crises \"every few months\" (episodes about 66 days apart)";
        /// Rung at or above which a day counts as a crisis day (episodes are runs of such days).
        crisis_rung: u32 = 2, Domain::int(1, 5), "rung", "001 \"Every few months ... the same crisis\"";
        /// Deaths in an attributed attack that make it the subject of an official accusation (triggers always are).
        accusation_deaths: u32 = 4, Domain::int(0, 100).plausible(2.0, 8.0), "deaths", "assumption: 001 \"a series of deadly attacks ... attributed by officials\"";
        /// Pakistani pressure above which an attributed attack becomes an official accusation.
        accusation_threshold: f64 = 0.35, Domain::real(0.0, 1.0).plausible(0.2, 0.5), "index", "001 \"accusations, and denials\"";
        /// Share of the accused side's trust lost per official accusation.
        accusation_trust_loss: f64 = 0.01, Domain::real(0.0, 1.0).plausible(0.005, 0.03), "index", "000 \"breakdown of trust\"";
        /// Share of the accusing side's trust lost per denial.
        denial_trust_loss: f64 = 0.01, Domain::real(0.0, 1.0).plausible(0.005, 0.03), "index", "000 \"dispute over facts\"";
        /// Share of Kabul's trust lost per strike.
        strike_trust_loss: f64 = 0.08, Domain::real(0.0, 1.0).plausible(0.04, 0.15), "index", "000 \"violation of Afghan sovereignty\"";
        /// Share of trust lost on both sides per border clash.
        clash_trust_loss: f64 = 0.02, Domain::real(0.0, 1.0).plausible(0.01, 0.05), "index", "assumption";
        /// Pakistani anger added by an Afghan attack on border posts.
        clash_outrage: f64 = 0.08, Domain::real(0.0, 1.0).plausible(0.04, 0.15), "index", "000 \"opened fire on multiple Pakistani border posts\"";
        /// Mean militants killed per strike (whole strike, before doctrine).
        strike_militant_deaths: f64 = 15.0, Domain::real(0.0, 500.0).plausible(5.0, 30.0), "deaths", "assumption: Pakistani claims of dismantled infrastructure (000)";
        /// Chance that a strike kills civilians (before intelligence and doctrine).
        strike_civilian_risk: f64 = 0.6, Domain::real(0.0, 1.0).plausible(0.4, 0.8), "probability", "CAL individual strikes reported at 8, 10 and 46 dead";
        /// Mean Afghan civilians killed when a strike does kill civilians.
        strike_civilian_deaths: f64 = 25.0, Domain::real(0.0, 500.0).plausible(8.0, 46.0), "deaths", "calibrated: CAL UNAMA 70 in Oct-Dec 2025; 8, 10, 46 per strike";
    }
}

param_section! {
    /// Mediation as it happens without any measure: ceasefires and agreements.
    pub struct Mediation {
        /// Days a ceasefire is agreed for.
        ceasefire_days: u32 = 30, Domain::int(1, 365).plausible(14.0, 180.0), "days", "CAL Doha ceasefire Oct 2025 (held 131 days in name; plausible up to 180)";
        /// Share of clash and strike hazards suppressed while a ceasefire holds.
        ceasefire_compliance: f64 = 0.8, Domain::real(0.0, 1.0).plausible(0.6, 0.95), "share", "assumption";
        /// Daily chance, per unit of mediator leverage and acceptance, of turning a ceasefire into an agreement.
        agreement_rate: f64 = 0.3, Domain::real(0.0, 1.0).plausible(0.1, 0.6), "share", "CAL Istanbul rounds: monitoring mechanism agreed, then deadlock";
        /// Afghan crackdown effort committed to under an agreement.
        committed_crackdown: f64 = 0.4, Domain::real(0.0, 1.0).plausible(0.2, 0.6), "index", "000 \"Doha Agreement\" commitments";
        /// Share of strike decisions forgone under an agreement's no-strike commitment.
        agreement_strike_restraint: f64 = 0.7, Domain::real(0.0, 1.0).plausible(0.5, 0.9), "share", "001 \"will not resort to unilateral strikes\"";
        /// Chance that a breach is detected by the mediators without a verification mechanism.
        monitoring_detection: f64 = 0.3, Domain::real(0.0, 1.0).plausible(0.1, 0.5), "probability", "001 \"ensure that commitments are honored\"";
        /// Trust gained per day on each side while commitments are seen to be honoured.
        honoured_trust_gain: f64 = 0.002, Domain::real(0.0, 0.1).plausible(0.001, 0.005), "1/day", "000 \"prior commitments ... fulfilled\"";
        /// Share of trust lost on both sides when an agreement is broken.
        broken_trust_loss: f64 = 0.1, Domain::real(0.0, 1.0).plausible(0.05, 0.2), "index", "000 \"breakdown of trust\"";
        /// Trust gained on both sides by a ceasefire.
        ceasefire_trust_gain: f64 = 0.03, Domain::real(0.0, 1.0).plausible(0.01, 0.05), "index", "assumption";
        /// How much a dictating style cuts acceptance (acceptance x (1 - this x dictation)).
        dictation_penalty: f64 = 0.8, Domain::real(0.0, 1.0).plausible(0.5, 1.0), "share", "001 \"Their job should not be to dictate policy\"";
        /// Share of an engaged mediator's credibility lost when a ceasefire or agreement it oversees is broken.
        credibility_loss: f64 = 0.3, Domain::real(0.0, 1.0).plausible(0.1, 0.5), "share", "CAL Istanbul rounds: deadlock and collapse; Riyadh: no progress";
        /// Daily recovery of a mediator's credibility toward 1.
        credibility_recovery: f64 = 0.005, Domain::real(0.0, 1.0).plausible(0.002, 0.02), "1/day", "assumption: months";
    }
}

/// The four mediators of the texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Mediators {
    pub qatar: Mediator,
    pub turkiye: Mediator,
    pub china: Mediator,
    pub saudi_arabia: Mediator,
}

impl Default for Mediators {
    fn default() -> Self {
        // Defaults are assumptions from the passages and CAL's record of who mediated what.
        Mediators {
            // Hosts the Taliban's political office; mediated Doha (CAL).
            qatar: Mediator {
                trust_pk: 0.6,
                trust_af: 0.75,
                leverage: 0.03,
                readiness_rung: 3,
                dictation: 0.1,
                active: true,
            },
            // Co-mediated Doha and hosted Istanbul (CAL).
            turkiye: Mediator {
                trust_pk: 0.7,
                trust_af: 0.55,
                leverage: 0.025,
                readiness_rung: 3,
                dictation: 0.1,
                active: true,
            },
            // Trilateral dialogue, Urumqi talks in Apr 2026 (CAL); weighty but seen as close to Islamabad.
            china: Mediator {
                trust_pk: 0.8,
                trust_af: 0.45,
                leverage: 0.035,
                readiness_rung: 4,
                dictation: 0.4,
                active: true,
            },
            // Brokered pauses, hosted Riyadh talks (CAL).
            saudi_arabia: Mediator {
                trust_pk: 0.8,
                trust_af: 0.4,
                leverage: 0.02,
                readiness_rung: 4,
                dictation: 0.2,
                active: true,
            },
        }
    }
}

impl Mediators {
    pub const NAMES: [&'static str; 4] = ["qatar", "turkiye", "china", "saudi_arabia"];
    pub fn all(&self) -> [&Mediator; 4] {
        [&self.qatar, &self.turkiye, &self.china, &self.saudi_arabia]
    }
}

/// The complete parameter set of one scenario.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    pub pakistan: Pakistan,
    pub afghanistan: Afghanistan,
    pub militants: Militants,
    pub rival: Rival,
    pub border: Border,
    pub mediators: Mediators,
    pub outside: Outside,
    pub publics: Publics,
    pub refugees: Refugees,
    pub ladder: Ladder,
    pub mediation: Mediation,
    pub measures: Measures,
}

impl Params {
    /// The registry: every parameter with key, default, domain, unit, meaning and source.
    pub fn specs() -> Vec<ParamSpec> {
        let mut out = Vec::with_capacity(256);
        Pakistan::describe("pakistan", &mut out);
        Afghanistan::describe("afghanistan", &mut out);
        Militants::describe("militants", &mut out);
        Rival::describe("rival", &mut out);
        Border::describe("border", &mut out);
        // Each mediator has its own defaults, not the struct's.
        let defaults = Mediators::default();
        for (name, mediator) in Mediators::NAMES.iter().zip(defaults.all()) {
            mediator.describe_as_default(&format!("mediators.{name}"), &mut out);
        }
        Outside::describe("outside", &mut out);
        Publics::describe("publics", &mut out);
        Refugees::describe("refugees", &mut out);
        Ladder::describe("ladder", &mut out);
        Mediation::describe("mediation", &mut out);
        Measures::describe("measures", &mut out);
        out
    }
}
