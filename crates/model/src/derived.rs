//! Quantities that depend only on the parameters, computed once for a parameter set (a world
//! keeps them from trial to trial while the parameters they come from stay the same) instead
//! of every simulated day or every event: the hot loop then does no `exp` of a parameter, no
//! `cos` of the day and no re-summing of fixed shares. Each is computed by the same expression
//! the mechanisms used, so results are unchanged.

use super::draw::Poisson;
use super::params::Params;

/// Constants of the daily step for one parameter set.
#[derive(Debug, Clone, Copy, Default)]
pub struct Derived {
    /// The parameters they were computed from (`Derived::inputs`), bit for bit.
    made_from: [u64; INPUTS],
    /// Other groups' attacks a day.
    pub other_group_attacks: Poisson,
    /// Attackers killed in one attack.
    pub attackers_killed: Poisson,
    /// Other groups' militants killed a day in Pakistan's operations.
    pub other_group_ct_deaths: Poisson,
    /// Security deaths on each side of a border clash.
    pub clash_deaths: Poisson,
    /// Civilian deaths on each side of a border clash.
    pub clash_civilian_deaths: Poisson,
    /// Sum of the five target shares (they need not add up to 1).
    pub target_share_total: f64,
    /// Running sums of the first one to four target shares: a target is the number of them a
    /// uniform point on `[0, total)` reaches.
    pub target_edges: [f64; 4],
    /// Mean (security, civilian) deaths of an attack on each kind of target, before
    /// severity (`Target as usize` order).
    pub target_deaths: [(f64, f64); 5],
}

/// Parameters the constants depend on.
const INPUTS: usize = 16;

impl Derived {
    pub fn new(params: &Params) -> Self {
        let inputs = Self::inputs(params);
        let [
            other_attacks,
            killed_per_attack,
            other_ct_deaths,
            clash_deaths,
            clash_civilian_deaths,
            checkpoint,
            convoy,
            residential,
            city,
            capital,
            security_checkpoint,
            security_convoy,
            incidental,
            civilian_residential,
            civilian_city,
            civilian_capital,
        ] = inputs;
        Derived {
            made_from: inputs.map(f64::to_bits),
            other_group_attacks: Poisson::new(other_attacks),
            attackers_killed: Poisson::new(killed_per_attack),
            other_group_ct_deaths: Poisson::new(other_ct_deaths),
            clash_deaths: Poisson::new(clash_deaths),
            clash_civilian_deaths: Poisson::new(clash_civilian_deaths),
            target_share_total: checkpoint + convoy + residential + city + capital,
            target_edges: [
                checkpoint,
                checkpoint + convoy,
                checkpoint + convoy + residential,
                checkpoint + convoy + residential + city,
            ],
            target_deaths: [
                (security_checkpoint, incidental),
                (security_convoy, incidental),
                (incidental, civilian_residential),
                (incidental, civilian_city),
                // Security details around the capital's targets (assumption).
                (incidental * 3.0, civilian_capital),
            ],
        }
    }

    /// Every parameter the constants are computed from (in the order `new` names them).
    fn inputs(params: &Params) -> [f64; INPUTS] {
        let m = &params.militants;
        [
            m.other_group_attacks_per_day,
            m.militant_deaths_per_attack,
            m.other_group_ct_deaths_per_day,
            params.border.clash_deaths,
            params.border.clash_civilian_deaths,
            m.target_checkpoint,
            m.target_convoy,
            m.target_residential,
            m.target_city,
            m.target_capital,
            m.security_deaths_checkpoint,
            m.security_deaths_convoy,
            m.incidental_deaths,
            m.civilian_deaths_residential,
            m.civilian_deaths_city,
            m.civilian_deaths_capital,
        ]
    }

    /// Whether these constants are those of `params` (so a new trial can keep them).
    pub fn holds_for(&self, params: &Params) -> bool {
        self.made_from == Self::inputs(params).map(f64::to_bits)
    }
}

/// The fighting season's factor ([`season_on`]) for each day of a run, computed once for
/// its parameters: a `cos` a day otherwise.
#[derive(Debug, Clone, Default)]
pub struct SeasonByDay {
    /// The amplitude and peak day the factors are for, as bits.
    made_from: [u64; 2],
    factors: Vec<f64>,
}

impl SeasonByDay {
    fn inputs(params: &Params) -> [u64; 2] {
        let m = &params.militants;
        [m.season_amplitude, m.season_peak_day].map(f64::to_bits)
    }

    /// Makes the factors of `params` ready for days `0..days` (allocating only when the
    /// run is longer than any before).
    pub fn prepare(&mut self, params: &Params, days: u32) {
        let inputs = Self::inputs(params);
        if self.made_from != inputs {
            self.made_from = inputs;
            self.factors.clear();
        }
        for day in self.factors.len() as u32..days {
            self.factors.push(season_on(day, params));
        }
    }

    /// The factor on `day`: from the table if it holds it for `params`, else computed.
    #[inline]
    pub fn on(&self, day: u32, params: &Params) -> f64 {
        match self.factors.get(day as usize) {
            Some(&factor) if self.made_from == Self::inputs(params) => factor,
            _ => season_on(day, params),
        }
    }
}

/// The fighting season (CAL: monthly attacks ranged 68-143 in 2025): planning runs
/// `1 + season_amplitude * cos(2 pi (day - season_peak_day) / 365)` times its mean speed.
pub fn season_on(day: u32, params: &Params) -> f64 {
    let m = &params.militants;
    let phase = (f64::from(day) - m.season_peak_day) * (std::f64::consts::TAU / 365.0);
    1.0 + m.season_amplitude * phase.cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `params` with the number at dotted `key` changed (None if it is not a number).
    fn perturbed(params: &Params, key: &str) -> Option<Params> {
        let mut value = serde_json::to_value(params).expect("parameters serialise");
        let leaf = key
            .split('.')
            .try_fold(&mut value, |v, part| v.get_mut(part))?;
        *leaf = match leaf {
            serde_json::Value::Number(n) if n.is_u64() => (n.as_u64()? + 1).into(),
            serde_json::Value::Number(n) => (n.as_f64()? * 1.37 + 0.1).into(),
            _ => return None,
        };
        serde_json::from_value(value).ok()
    }

    /// A world keeps its constants and season table into a trial only when they are the new
    /// parameters' own: for every parameter changed in turn, either `holds_for` says no or
    /// the kept constants equal fresh ones; and the season table never answers for other
    /// parameters than its own.
    #[test]
    fn kept_constants_are_never_those_of_other_parameters() {
        let base = Params::default();
        let kept = Derived::new(&base);
        let mut season = SeasonByDay::default();
        season.prepare(&base, 400);
        let mut changed = 0;
        for spec in Params::specs() {
            let Some(other) = perturbed(&base, &spec.key) else {
                continue;
            };
            let fresh = Derived::new(&other);
            if kept.holds_for(&other) {
                assert_eq!(format!("{kept:?}"), format!("{fresh:?}"), "{}", spec.key);
            } else {
                changed += 1;
            }
            for day in 0..400 {
                assert_eq!(
                    season.on(day, &other).to_bits(),
                    season_on(day, &other).to_bits(),
                    "{} day {day}",
                    spec.key
                );
            }
        }
        assert_eq!(changed, INPUTS, "each input is a parameter of the registry");
    }
}
