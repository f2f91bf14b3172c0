//! The de-escalation measures, each declared once in `measures!`: its parameter section
//! (`measures.<name>.*`, with the switches every measure has: enabled, intensity, start day),
//! its field in [`Measures`], its lever (the intensity in force today, in [`Levers`]) and its
//! schedule entry. A measure acts only through the mechanisms that read its lever.
//!
//! Adding a measure: one entry here, and the mechanism that reads `world.levers.<name>`
//! (docs/ARCHITECTURE.md).

use super::param_spec::{Domain, ParamSpec};
use crate::param_spec::param_section;
use serde::{Deserialize, Serialize};

/// Declares every measure: its section struct (the three switches, then its own parameters),
/// the [`Measures`] struct, the registry entries, and the [`Levers`] with their schedule.
macro_rules! measures {
    (
        $(
            $(#[doc = $sdoc:literal])*
            $field:ident : $name:ident {
                source: $msource:literal;
                $($rest:tt)*
            }
        )*
    ) => {
        $(
            param_section! {
                $(#[doc = $sdoc])*
                pub struct $name {
                    /// Whether the measure is in force.
                    enabled: bool = false, Domain::flag(), "-", $msource;
                    /// Strength of the measure (0 nominal, 1 full).
                    intensity: f64 = 0.8, Domain::real(0.0, 1.0).plausible(0.0, 1.0), "index", "assumption: a strong but imperfect implementation";
                    /// Day the measure starts (0 = from the outset).
                    start_day: u32 = 0, Domain::int(0, 36500), "day", "assumption";
                    $($rest)*
                }
            }
        )*

        /// All de-escalation measures. Each acts only through its mechanism.
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct Measures {
            $( $(#[doc = $sdoc])* pub $field: $name, )*
        }

        impl Measures {
            /// Names of the measure sections, in the order of the table in MODEL.md.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];

            /// Appends every measure's parameters to the registry under `prefix`.
            pub fn describe(prefix: &str, out: &mut Vec<ParamSpec>) {
                $( $name::describe(&format!("{prefix}.{}", stringify!($field)), out); )*
            }

            /// Each measure's (enabled, intensity, start day), in declaration order.
            fn schedule(&self) -> [(bool, f64, u32); MEASURE_COUNT] {
                [$( (self.$field.enabled, self.$field.intensity, self.$field.start_day), )*]
            }
        }

        /// Number of de-escalation measures.
        pub const MEASURE_COUNT: usize = Measures::NAMES.len();

        /// The de-escalation measures in force today: each one's intensity, or 0 when it is
        /// off or has not started yet.
        #[derive(Debug, Clone, Copy, Default, PartialEq)]
        pub struct Levers {
            $( pub $field: f64, )*
        }

        impl Levers {
            /// The levers in force on `day`.
            pub fn on_day(m: &Measures, day: u32) -> Self {
                Levers {
                    $( $field: lever(m.$field.enabled, m.$field.intensity, m.$field.start_day, day), )*
                }
            }
        }
    };
}

/// A measure's lever on `day`: its intensity once it is enabled and has started, else 0.
fn lever(enabled: bool, intensity: f64, start_day: u32, day: u32) -> f64 {
    if enabled && day >= start_day {
        intensity
    } else {
        0.0
    }
}

measures! {
    /// Confidence-building measures: trust gain, damping of incident-driven trust loss.
    confidence_building: ConfidenceBuilding {
        source: "000 \"Confidence-building measures\"";
        /// Daily trust gained on each side at full intensity.
        trust_gain: f64 = 0.002, Domain::real(0.0, 0.1).plausible(0.001, 0.005), "1/day", "assumption";
        /// Share of incident-driven trust loss damped at full intensity.
        loss_damping: f64 = 0.5, Domain::real(0.0, 1.0).plausible(0.3, 0.8), "share", "assumption";
    }

    /// Joint border monitoring: infiltration across sectors; shared facts about incidents.
    joint_monitoring: JointMonitoring {
        source: "000 \"joint border monitoring mechanisms\"";
        /// Extra share of infiltrating teams stopped at full intensity.
        infiltration_block: f64 = 0.25, Domain::real(0.0, 1.0).plausible(0.1, 0.4), "share", "assumption";
        /// Chance at full intensity that the facts of an incident are established jointly.
        shared_facts: f64 = 0.7, Domain::real(0.0, 1.0).plausible(0.4, 0.9), "probability", "000 \"Without credible verification mechanisms, accusations and denials will continue\"";
    }

    /// Intelligence sharing: interdiction of attacks, precision of strikes, crackdown efficiency.
    intelligence_sharing: IntelligenceSharing {
        source: "000 \"intelligence-sharing frameworks\"; 001 \"intelligence coordination\"";
        /// Share of planned attacks foiled at full intensity.
        interdiction: f64 = 0.2, Domain::real(0.0, 1.0).plausible(0.1, 0.35), "share", "assumption";
        /// Share of strike civilian risk removed at full intensity.
        strike_precision: f64 = 0.6, Domain::real(0.0, 1.0).plausible(0.3, 0.8), "share", "assumption";
        /// Extra crackdown hit rate at full intensity (multiplier minus one).
        crackdown_efficiency: f64 = 1.0, Domain::real(0.0, 5.0).plausible(0.5, 2.0), "share", "assumption";
    }

    /// Third-party facilitation: mediators engage earlier and harder, in a chosen style.
    mediation: MediationMeasure {
        source: "000 \"third-party facilitation by actors such as Türkiye or Qatar\"; 001 \"International mediation without international interference\"";
        /// Rung from which mediators engage under the measure (1 = at the first accusation).
        engage_rung: u32 = 1, Domain::int(1, 5).plausible(1.0, 3.0), "rung", "001 \"Active political engagement\"";
        /// Extra leverage at full intensity (multiplier minus one).
        leverage_boost: f64 = 1.0, Domain::real(0.0, 5.0).plausible(0.5, 2.0), "share", "assumption";
        /// Style imposed on all mediators: 0 facilitate, 1 dictate.
        dictation: f64 = 0.0, Domain::real(0.0, 1.0).plausible(0.0, 0.5), "index", "001 \"not to dictate policy, but to ensure that commitments are honored\"";
    }

    /// Verifiable security mechanism: sanctuaries dismantled rather than relocated; compliance detected.
    verification: Verification {
        source: "001 \"A verifiable security mechanism ... dismantled, not relocated\"";
        /// Share of hit cells dismantled at full intensity.
        dismantle_share: f64 = 0.8, Domain::real(0.0, 1.0).plausible(0.6, 0.95), "share", "001 \"dismantled, not relocated\"";
        /// Chance at full intensity that compliance or a breach is detected.
        detection: f64 = 0.9, Domain::real(0.0, 1.0).plausible(0.7, 1.0), "probability", "001 \"verifiable\"";
    }

    /// No-unilateral-strike assurance: Pakistani strike decisions; Afghan reciprocity.
    no_strike_assurance: NoStrikeAssurance {
        source: "001 \"Afghanistan needs assurance that Pakistan will not resort to unilateral strikes\"";
        /// Share of strike decisions forgone at full intensity.
        restraint: f64 = 0.8, Domain::real(0.0, 1.0).plausible(0.5, 0.95), "share", "001";
        /// Pressure above which the assurance is broken anyway.
        breaking_pressure: f64 = 0.9, Domain::real(0.0, 1.0).plausible(0.8, 1.0), "index", "assumption";
        /// Share of Kabul's retaliation readiness removed at full intensity (reciprocity).
        reciprocity: f64 = 0.5, Domain::real(0.0, 1.0).plausible(0.3, 0.8), "share", "001";
        /// Extra crackdown willingness from Kabul at full intensity.
        crackdown_reciprocity: f64 = 0.1, Domain::real(0.0, 1.0).plausible(0.05, 0.2), "index", "001";
    }

    /// Standing communication channel: incidents handled before they escalate; regular border meetings.
    standing_channel: StandingChannel {
        source: "001 \"a standing, continuous channel ... and regular border meetings\"";
        /// Chance at full intensity that an incident is handled before it escalates (halves its outrage, stops its spread).
        incident_handling: f64 = 0.5, Domain::real(0.0, 1.0).plausible(0.3, 0.7), "probability", "001 \"before officials can respond\"";
        /// Extra daily decay of sector tension from regular border meetings at full intensity.
        border_meetings: f64 = 0.05, Domain::real(0.0, 1.0).plausible(0.02, 0.1), "1/day", "001 \"regular border meetings\"";
        /// Political coordination the channel provides to border fencing (0-1).
        coordination: f64 = 1.0, Domain::real(0.0, 1.0).plausible(0.5, 1.0), "index", "001 \"political coordination\"";
    }

    /// Strategic patience: higher thresholds and more proportionate responses.
    strategic_patience: StrategicPatience {
        source: "001 \"strategic patience\"; 000 \"calibrate its responses with strategic foresight\"";
        /// Share by which full intensity raises the strike and coercion thresholds (toward 1).
        threshold_raise: f64 = 0.4, Domain::real(0.0, 1.0).plausible(0.2, 0.6), "share", "assumption: patience that still answers the gravest attacks (thresholds move 40% of the way to 1 at full intensity)";
        /// Share by which full intensity raises the open-war threshold (toward 1): patience is about answering attacks, so it restrains the choice of war less than the choice to strike.
        war_threshold_raise: f64 = 0.2, Domain::real(0.0, 1.0).plausible(0.0, 0.4), "share", "assumption: 001 \"thresholds and proportionality of responses\" concerns responses to attacks; once the border is fighting, war is a different decision";
        /// Share by which full intensity shrinks strikes.
        magnitude_cut: f64 = 0.4, Domain::real(0.0, 1.0).plausible(0.2, 0.6), "share", "assumption";
    }

    /// Border fencing and patrols: more fence and patrols, limited without political coordination.
    fencing: Fencing {
        source: "001 \"More fences and more patrols do not make up for missing political coordination\"";
        /// Fencing level added at full intensity (capped at 1).
        fencing_added: f64 = 0.4, Domain::real(0.0, 1.0).plausible(0.2, 0.6), "index", "assumption";
        /// Militarisation added at full intensity (more posts, more friction).
        militarisation_added: f64 = 0.2, Domain::real(0.0, 1.0).plausible(0.0, 0.4), "index", "001 \"more militarized ... yet still porous\"";
    }

    /// Keeping crossings and trade open during crises.
    open_crossings: OpenCrossings {
        source: "000 \"border trade\"";
        /// Share of closure decisions forgone at full intensity (reopening is also faster, by 1 + intensity).
        closure_restraint: f64 = 0.8, Domain::real(0.0, 1.0).plausible(0.5, 0.95), "share", "assumption";
        /// Share by which open trade raises Pakistan's strike threshold (interdependence), at full trade.
        interdependence: f64 = 0.1, Domain::real(0.0, 1.0).plausible(0.0, 0.2), "share", "assumption";
    }

    /// Refugee policy: hosting instead of deportation drives.
    refugee_policy: RefugeePolicy {
        source: "000 \"nearly 4 million Afghan refugees ... refugee management\"";
        /// Share of the deportation pace removed at full intensity (drives are suspended).
        pace_cut: f64 = 0.8, Domain::real(0.0, 1.0).plausible(0.5, 1.0), "share", "assumption";
    }
}

impl Levers {
    /// The first day after `day` on which a measure starts (`u32::MAX` if none does): the
    /// levers stay as they are until then.
    pub fn next_change(measures: &Measures, day: u32) -> u32 {
        measures
            .schedule()
            .iter()
            .filter(|&&(enabled, _, start)| enabled && start > day)
            .map(|&(_, _, start)| start)
            .min()
            .unwrap_or(u32::MAX)
    }

    /// Factor applied to every incident-driven trust loss (confidence-building damps it).
    pub fn trust_loss_factor(&self, measures: &Measures) -> f64 {
        1.0 - self.confidence_building * measures.confidence_building.loss_damping
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Params;

    /// Reading the levers only on the days `next_change` names gives the levers of every day.
    #[test]
    fn levers_change_only_on_the_days_next_change_names() {
        let mut params = Params::default();
        let m = &mut params.measures;
        m.mediation.enabled = true;
        m.mediation.start_day = 30;
        m.fencing.enabled = true;
        m.fencing.start_day = 0;
        m.verification.enabled = true;
        m.verification.start_day = 200;
        m.open_crossings.start_day = 100; // not enabled: never a change
        let (mut cached, mut until) = (Levers::default(), 0);
        let mut reads = 0;
        for day in 0..400 {
            if day >= until {
                cached = Levers::on_day(&params.measures, day);
                until = Levers::next_change(&params.measures, day);
                reads += 1;
            }
            let fresh = Levers::on_day(&params.measures, day);
            assert_eq!(format!("{cached:?}"), format!("{fresh:?}"), "day {day}");
        }
        assert_eq!(reads, 3, "read on days 0, 30 and 200 only");
        assert_eq!(Levers::next_change(&params.measures, 200), u32::MAX);
    }
}
