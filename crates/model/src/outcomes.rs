//! The outcomes one trial records: a typed row (`Outcomes`, also a trials.csv row), how it
//! is read off a finished trial ([`Outcomes::of`]), and the metric registry (`METRICS`: name,
//! unit, definition, kind, resolution) that `metrics`, statistics and the docs read. Adding a
//! metric: one line in `metrics!` and its value in `Outcomes::of` (the compiler asks for it).

use crate::world::World;
use serde::Serialize;

/// How a metric is summarised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// 0/1 per trial: the mean is a probability and its interval a Wilson interval.
    Binary,
    /// A whole number per trial (events, days, people).
    Count,
    /// A real number per trial.
    Real,
}

/// Which values of a metric a de-escalation policy wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Fewer is better (deaths, strikes, days at war).
    Lower,
    /// More is better (calm days, days an agreement held, trust).
    Higher,
    /// No direction: a description, not a goal (militants killed, delays, factional splits,
    /// which help and harm at once).
    Neither,
}

impl Better {
    /// `diff` in the good direction: positive when the change is an improvement.
    pub fn gain(self, diff: f64) -> Option<f64> {
        match self {
            Better::Lower => Some(-diff),
            Better::Higher => Some(diff),
            Better::Neither => None,
        }
    }
}

/// Everything known about one outcome metric.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MetricSpec {
    pub name: &'static str,
    pub unit: &'static str,
    pub definition: &'static str,
    pub kind: MetricKind,
    /// Values are accumulated as whole multiples of this (exact, order-independent sums);
    /// it is the precision to which results are reported.
    pub resolution: f64,
    /// False when the metric is defined only for some trials (it then reports its own n).
    pub always_defined: bool,
    /// Which way is better for de-escalation (robustness and regret read it).
    pub better: Better,
}

macro_rules! metrics {
    ( $( $(#[doc = $doc:literal])* $name:ident : $ty:ty, $kind:ident, $res:expr, $unit:literal, $better:ident; )* ) => {
        /// One trial's outcomes; `None` marks a metric undefined for this trial.
        #[derive(Debug, Clone, Default, PartialEq, Serialize)]
        pub struct Outcomes {
            $( $(#[doc = $doc])* pub $name: $ty, )*
        }

        /// The metric registry, in column order.
        pub const METRICS: &[MetricSpec] = &[
            $( MetricSpec {
                name: stringify!($name),
                unit: $unit,
                definition: concat!($($doc),*),
                kind: MetricKind::$kind,
                resolution: $res,
                always_defined: !is_option(stringify!($ty)),
                better: Better::$better,
            }, )*
        ];

        /// Number of metrics in the registry.
        pub const METRIC_COUNT: usize = [$(stringify!($name)),*].len();

        impl Outcomes {
            /// The values in registry order (`None` where undefined).
            pub fn values(&self) -> [Option<f64>; METRIC_COUNT] {
                [ $( Into::<Option<f64>>::into(self.$name), )* ]
            }
        }
    };
}

const fn is_option(ty: &str) -> bool {
    let b = ty.as_bytes();
    b.len() > 6 && b[0] == b'O' && b[1] == b'p' && b[2] == b't'
}

metrics! {
    /// 1 if open war (rung 5) began during the run, else 0.
    open_war: f64, Binary, 1.0, "0/1", Lower;
    /// Day on which open war first began (trials with open war only).
    days_to_open_war: Option<f64>, Count, 1.0, "days", Higher;
    /// Highest rung reached (0 calm ... 5 open war).
    max_rung: f64, Count, 1.0, "rung", Lower;
    /// Days on rung 0, calm.
    days_rung_0: f64, Count, 1.0, "days", Higher;
    /// Days on rung 1, diplomatic crisis (accusations, denials).
    days_rung_1: f64, Count, 1.0, "days", Lower;
    /// Days on rung 2, coercive measures (border closures, deportation drives).
    days_rung_2: f64, Count, 1.0, "days", Lower;
    /// Days on rung 3, border clashes.
    days_rung_3: f64, Count, 1.0, "days", Lower;
    /// Days on rung 4, cross-border strikes.
    days_rung_4: f64, Count, 1.0, "days", Lower;
    /// Days on rung 5, open war (sustained fighting).
    days_rung_5: f64, Count, 1.0, "days", Lower;
    /// Crisis episodes: runs of days at or above the crisis rung (ladder.crisis_rung).
    crisis_episodes: f64, Count, 1.0, "episodes", Lower;
    /// Mean days from the start of one crisis episode to the start of the next (trials with two or more episodes).
    mean_days_between_crises: Option<f64>, Real, 0.001, "days", Higher;
    /// Militant attacks carried out in Pakistan (TTP and other groups).
    attacks: f64, Count, 1.0, "attacks", Lower;
    /// Attacks carried out by TTP cells.
    attacks_ttp: f64, Count, 1.0, "attacks", Lower;
    /// Planned TTP attacks stopped at the border or by intelligence.
    attacks_foiled: f64, Count, 1.0, "attacks", Higher;
    /// Attacks in Islamabad.
    attacks_capital: f64, Count, 1.0, "attacks", Lower;
    /// Pakistani civilians killed (attacks, clashes).
    fatalities_pk_civilian: f64, Count, 1.0, "deaths", Lower;
    /// Pakistani security forces killed (attacks, operations, clashes).
    fatalities_pk_security: f64, Count, 1.0, "deaths", Lower;
    /// Afghan civilians killed by Pakistani strikes and cross-border fire.
    fatalities_af_civilian: f64, Count, 1.0, "deaths", Lower;
    /// Afghan forces killed in border clashes.
    fatalities_af_security: f64, Count, 1.0, "deaths", Lower;
    /// Militants killed (in their attacks, in Pakistani operations and in strikes; fighters removed by Kabul's crackdown are not counted as killed).
    fatalities_militant: f64, Count, 1.0, "deaths", Neither;
    /// Share of attack deaths (security and civilian) in Khyber Pakhtunkhwa (trials with attack deaths).
    attack_deaths_share_kp: Option<f64>, Real, 1e-6, "share", Neither;
    /// Pakistani cross-border strikes.
    cross_border_strikes: f64, Count, 1.0, "strikes", Lower;
    /// Mean days from a trigger attack to the strike that answered it (trials with strikes).
    strike_delay_days: Option<f64>, Real, 0.001, "days", Neither;
    /// Mean days from a strike to Kabul's armed response on border posts (trials with responses).
    response_delay_days: Option<f64>, Real, 0.001, "days", Neither;
    /// Factional splits of the Taliban movement provoked by crackdowns (splinters join the rival group).
    factional_splits: f64, Count, 1.0, "splits", Neither;
    /// Attacks by the rival group (ISKP-like), in Pakistan and in Afghanistan.
    rival_attacks: f64, Count, 1.0, "attacks", Lower;
    /// Deaths in the rival group's attacks, in both countries.
    rival_fatalities: f64, Count, 1.0, "deaths", Lower;
    /// TTP spoiler attacks launched against a ceasefire or an agreement (foiled ones included).
    spoiler_attacks: f64, Count, 1.0, "attacks", Lower;
    /// Border clashes Kabul's forces started unprompted (not answering a strike).
    kabul_initiated_clashes: f64, Count, 1.0, "clashes", Lower;
    /// Armed clashes between border posts (local, retaliatory and in open war).
    border_clashes: f64, Count, 1.0, "clashes", Lower;
    /// Official accusations by Islamabad that an attack came from Afghan soil.
    accusations: f64, Count, 1.0, "accusations", Lower;
    /// Ceasefires brokered by mediators.
    ceasefires: f64, Count, 1.0, "ceasefires", Neither;
    /// Agreements with commitments brokered by mediators.
    agreements: f64, Count, 1.0, "agreements", Higher;
    /// Agreements broken (a detected breach by either side).
    agreements_broken: f64, Count, 1.0, "agreements", Lower;
    /// Days on which an agreement was in force.
    agreement_days_held: f64, Count, 1.0, "days", Higher;
    /// Days on which a ceasefire was in force.
    ceasefire_days_held: f64, Count, 1.0, "days", Higher;
    /// Days on which the main crossing (Torkham) was closed.
    border_closed_days: f64, Count, 1.0, "days", Lower;
    /// Trade lost to closed crossings.
    trade_lost_usd: f64, Count, 1.0, "USD", Lower;
    /// Afghans deported or pushed to return from Pakistan.
    refugees_deported: f64, Count, 1.0, "people", Lower;
    /// People displaced by open war.
    displaced: f64, Count, 1.0, "people", Lower;
    /// Pakistan's trust in Kabul at the end (0-1).
    final_trust_pk_in_af: f64, Real, 1e-6, "index", Higher;
    /// Kabul's trust in Islamabad at the end (0-1).
    final_trust_af_in_pk: f64, Real, 1e-6, "index", Higher;
    /// Afghan public resentment of Pakistan at the end (0-1).
    final_af_resentment: f64, Real, 1e-6, "index", Lower;
    /// Kabul's international legitimacy at the end (0-1).
    final_af_legitimacy: f64, Real, 1e-6, "index", Neither;
    /// TTP fighters at the end.
    final_militant_strength: f64, Real, 0.001, "fighters", Lower;
}

impl Outcomes {
    pub fn of(world: &World) -> Outcomes {
        let t = &world.tally;
        let mean = |sum: u32, n: u32| (n > 0).then(|| f64::from(sum) / f64::from(n));
        let gaps = match (t.first_crisis_day, t.last_crisis_day) {
            (Some(first), Some(last)) if t.crisis_episodes >= 2 => {
                Some(f64::from(last - first) / f64::from(t.crisis_episodes - 1))
            }
            _ => None,
        };
        Outcomes {
            open_war: f64::from(u8::from(t.open_war_day.is_some())),
            days_to_open_war: t.open_war_day.map(f64::from),
            max_rung: f64::from(t.max_rung),
            days_rung_0: f64::from(t.days_on_rung[0]),
            days_rung_1: f64::from(t.days_on_rung[1]),
            days_rung_2: f64::from(t.days_on_rung[2]),
            days_rung_3: f64::from(t.days_on_rung[3]),
            days_rung_4: f64::from(t.days_on_rung[4]),
            days_rung_5: f64::from(t.days_on_rung[5]),
            crisis_episodes: f64::from(t.crisis_episodes),
            mean_days_between_crises: gaps,
            attacks: f64::from(t.attacks),
            attacks_ttp: f64::from(t.attacks_ttp),
            attacks_foiled: f64::from(t.attacks_foiled),
            attacks_capital: f64::from(t.attacks_capital),
            fatalities_pk_civilian: f64::from(t.pk_civilian),
            fatalities_pk_security: f64::from(t.pk_security),
            fatalities_af_civilian: f64::from(t.af_civilian),
            fatalities_af_security: f64::from(t.af_security),
            fatalities_militant: f64::from(t.militant),
            attack_deaths_share_kp: {
                let all: u32 = t.deaths_by_region.iter().sum();
                (all > 0).then(|| f64::from(t.deaths_by_region[0]) / f64::from(all))
            },
            cross_border_strikes: f64::from(t.strikes),
            strike_delay_days: mean(t.strike_delay_sum, t.strikes),
            response_delay_days: mean(t.response_delay_sum, t.responses),
            factional_splits: f64::from(t.fractures),
            rival_attacks: f64::from(t.rival_attacks),
            rival_fatalities: f64::from(t.rival_fatalities),
            spoiler_attacks: f64::from(t.spoiler_attacks),
            kabul_initiated_clashes: f64::from(t.kabul_initiated_clashes),
            border_clashes: f64::from(t.clashes),
            accusations: f64::from(t.accusations),
            ceasefires: f64::from(t.ceasefires),
            agreements: f64::from(t.agreements),
            agreements_broken: f64::from(t.agreements_broken),
            agreement_days_held: f64::from(t.agreement_days),
            ceasefire_days_held: f64::from(t.ceasefire_days),
            border_closed_days: f64::from(t.closed_days),
            trade_lost_usd: t.trade_lost_usd.round(),
            refugees_deported: t.deported as f64,
            displaced: t.displaced.round(),
            final_trust_pk_in_af: world.pk.trust_in_af,
            final_trust_af_in_pk: world.af.trust_in_pk,
            final_af_resentment: world.af.total_resentment(),
            final_af_legitimacy: world.af.legitimacy,
            final_militant_strength: world.militant_strength(),
        }
    }
}

/// One day of one trial, as recorded for timeseries.csv.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayRecord {
    pub rung: u8,
    pub cumulative_attacks: u32,
    pub cumulative_fatalities: u32,
}

/// Index of a metric by name.
pub fn metric_index(name: &str) -> Option<usize> {
    METRICS.iter().position(|m| m.name == name)
}
