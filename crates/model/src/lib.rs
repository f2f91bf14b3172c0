//! The crisis model: agents (states, TTP cells, border sectors, mediators, publics, refugees),
//! mechanisms and measures, one simulated day per step.
//!
//! The interface: [`Params`] (every parameter, typed, with its registry [`Params::specs`]),
//! [`Trial::run`] (one trial of a parameter set from a seed, [`rng::trial_seed`]), and
//! [`Outcomes`] with the metric registry [`METRICS`]. The other modules are public so that
//! tests and benchmarks can set up and inspect a world ([`world::World`]); the daily schedule
//! is [`step::step`], one function per rule in [`mechanisms`], measures in [`measures`](mod@measures).

pub mod agents;
pub mod cells;
pub mod decision;
pub mod derived;
pub mod draw;
pub mod measures;
pub mod mechanisms;
pub mod outcomes;
pub mod param_spec;
pub mod params;
pub mod rng;
pub mod severity;
pub mod step;
pub mod world;

pub use outcomes::{Better, DayRecord, METRIC_COUNT, METRICS, MetricKind, MetricSpec, Outcomes};
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
        world.season_by_day.prepare(params, horizon_days);
        for record in days.iter_mut().take(horizon_days as usize) {
            *record = step::step(world, params);
        }
        Outcomes::of(world)
    }

    /// The world after the last run (for tests that look at agents' state).
    pub fn world(&self) -> Option<&World> {
        self.world.as_ref()
    }
}

#[cfg(test)]
mod registry_tests {
    use super::*;

    /// Every leaf of the parameter struct, as dotted keys (through its serde form, which is
    /// also the config file's).
    fn field_keys() -> Vec<String> {
        fn walk(v: &serde_json::Value, prefix: &str, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        let key = if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        };
                        walk(v, &key, out);
                    }
                }
                _ => out.push(prefix.to_string()),
            }
        }
        let mut out = Vec::new();
        walk(
            &serde_json::to_value(Params::default()).expect("parameters serialise"),
            "",
            &mut out,
        );
        out
    }

    #[test]
    fn registry_covers_every_field_of_params_and_nothing_else() {
        let mut fields = field_keys();
        let mut keys: Vec<String> = Params::specs().into_iter().map(|s| s.key).collect();
        fields.sort();
        keys.sort();
        assert_eq!(fields, keys);
    }

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
