//! The crisis model: agents (states, TTP cells, border sectors, mediators, publics, refugees),
//! mechanisms and measures, one simulated day per step.

pub mod agents;
pub mod cells;
pub mod derived;
pub mod draw;
pub mod mechanisms;
pub mod outcomes;
pub mod param_spec;
pub mod params;
pub mod rng;
pub mod severity;
pub mod step;
pub mod world;

pub use outcomes::{DayRecord, METRIC_COUNT, METRICS, MetricKind, MetricSpec, Outcomes};
pub use params::Params;
pub use rng::TrialSeed;
use world::World;

/// A reusable trial: owns the world's buffers so that running many trials allocates once.
#[derive(Debug, Default)]
pub struct Trial {
    world: Option<World>,
}

impl Trial {
    pub fn new() -> Self {
        Trial { world: None }
    }

    /// Runs one trial of `horizon_days` days from `seed`, writing one record per day into
    /// `days` (which must hold at least `horizon_days` records), and returns its outcomes.
    pub fn run(
        &mut self,
        params: &Params,
        horizon_days: u32,
        seed: TrialSeed,
        days: &mut [DayRecord],
    ) -> Outcomes {
        let world = self.world.get_or_insert_with(|| World::new(params));
        world.reset(params, seed);
        for record in days.iter_mut().take(horizon_days as usize) {
            *record = step::step(world, params);
        }
        outcomes(world)
    }

    /// The world after the last run (for tests that look at agents' state).
    pub fn world(&self) -> Option<&World> {
        self.world.as_ref()
    }
}

/// Reads a finished trial's outcomes off its tally and final state.
fn outcomes(world: &World) -> Outcomes {
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

#[cfg(test)]
mod registry_tests {
    use super::*;
    #[test]
    fn registry_lists_every_parameter_once() {
        let specs = Params::specs();
        let mut keys: Vec<_> = specs.iter().map(|s| s.key.clone()).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(n, keys.len());
        assert!(n > 150, "{n}");
        assert_eq!(METRICS.len(), METRIC_COUNT);
        assert!(!METRICS[1].always_defined && METRICS[0].always_defined);
    }
}

#[cfg(test)]
mod trial_tests {
    use super::*;

    /// A trial reused across arms (as a worker does) keeps each arm's own cap on cells, also
    /// after an arm with a larger cap sized its buffers.
    #[test]
    fn reused_trial_keeps_each_arms_cell_cap() {
        let mut roomy = Params::default();
        roomy.militants.max_cells = 400;
        roomy.militants.split_strength = 40.0;
        roomy.militants.recruitment_rate = 0.01;
        let mut capped = roomy.clone();
        capped.militants.max_cells = 70;
        let mut days = vec![DayRecord::default(); 365];
        let mut trial = Trial::new();
        let seed = rng::trial_seed(3, 0, 0);
        trial.run(&roomy, 365, seed, &mut days);
        let roomy_cells = trial.world().expect("ran").cells.len();
        assert!(
            roomy_cells > 70,
            "the roomy arm splits past 70 cells: {roomy_cells}"
        );
        trial.run(&capped, 365, seed, &mut days);
        let capped_cells = trial.world().expect("ran").cells.len();
        assert!(capped_cells <= 70, "{capped_cells} cells under a cap of 70");
        // The same as a fresh trial of the capped arm alone.
        let alone = Trial::new().run(&capped, 365, seed, &mut days);
        assert_eq!(trial.run(&capped, 365, seed, &mut days), alone);
    }
}
