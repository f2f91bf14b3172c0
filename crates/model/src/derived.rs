//! Quantities that depend only on the parameters, computed once per trial (when the world is
//! reset) instead of every simulated day or every event: the hot loop then does no `exp` of a
//! parameter and no re-summing of fixed shares. Each is computed by the same expression the
//! mechanisms used, so results are unchanged.

use super::draw::Poisson;
use super::params::Params;

/// Per-trial constants of the daily step.
#[derive(Debug, Clone, Copy, Default)]
pub struct Derived {
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

impl Derived {
    pub fn new(params: &Params) -> Self {
        let m = &params.militants;
        Derived {
            other_group_attacks: Poisson::new(m.other_group_attacks_per_day),
            attackers_killed: Poisson::new(m.militant_deaths_per_attack),
            other_group_ct_deaths: Poisson::new(m.other_group_ct_deaths_per_day),
            clash_deaths: Poisson::new(params.border.clash_deaths),
            clash_civilian_deaths: Poisson::new(params.border.clash_civilian_deaths),
            target_share_total: m.target_checkpoint
                + m.target_convoy
                + m.target_residential
                + m.target_city
                + m.target_capital,
            target_edges: [
                m.target_checkpoint,
                m.target_checkpoint + m.target_convoy,
                m.target_checkpoint + m.target_convoy + m.target_residential,
                m.target_checkpoint + m.target_convoy + m.target_residential + m.target_city,
            ],
            target_deaths: [
                (m.security_deaths_checkpoint, m.incidental_deaths),
                (m.security_deaths_convoy, m.incidental_deaths),
                (m.incidental_deaths, m.civilian_deaths_residential),
                (m.incidental_deaths, m.civilian_deaths_city),
                // Security details around the capital's targets (assumption).
                (m.incidental_deaths * 3.0, m.civilian_deaths_capital),
            ],
        }
    }
}
