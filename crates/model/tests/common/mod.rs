//! Shared helpers for the mechanism and measure tests: run the same trial seeds (common
//! random numbers) under two parameter sets and compare the paired differences.

#![allow(dead_code)]

use deescalate_model::measures::Levers;
use deescalate_model::rng::trial_seed;
use deescalate_model::world::World;
use deescalate_model::{DayRecord, Outcomes, Params, Trial};
use rayon::prelude::*;

/// Master seed of every test; trial k uses `trial_seed(MASTER, k, 0)` in both arms.
pub const MASTER: u64 = 0x5EED_DE35_CA1A_7E00;

/// One simulated year.
pub const YEAR: u32 = 365;

/// Trials per arm.
pub const N: u64 = 400;

/// Trials per arm for effects that pass through several noisy mechanisms.
pub const N_DOWNSTREAM: u64 = 1200;

/// Runs `base` and its variant (changed by `change`) for a year on the same seeds.
pub fn off_on(base: &Params, change: impl Fn(&mut Params)) -> (Vec<Outcomes>, Vec<Outcomes>) {
    off_on_n(N, base, change)
}

/// As `off_on`, with `n` trials per arm.
pub fn off_on_n(
    n: u64,
    base: &Params,
    change: impl Fn(&mut Params),
) -> (Vec<Outcomes>, Vec<Outcomes>) {
    let mut p = base.clone();
    change(&mut p);
    (run(base, n, YEAR), run(&p, n, YEAR))
}

/// Runs trials 0..n of `params` for `horizon` days and returns each trial's outcomes together
/// with `probe` applied to its final world.
pub fn run_probe<T, F>(params: &Params, n: u64, horizon: u32, probe: F) -> Vec<(Outcomes, T)>
where
    T: Send,
    F: Fn(&World) -> T + Sync,
{
    (0..n)
        .into_par_iter()
        .map_init(
            || (Trial::new(), vec![DayRecord::default(); horizon as usize]),
            |(trial, days), k| {
                let out = trial.run(params, horizon, trial_seed(MASTER, k, 0), days);
                let world = trial.world().expect("the trial has run");
                (out, probe(world))
            },
        )
        .collect()
}

/// Runs trials 0..n of `params` for `horizon` days and returns their outcomes.
pub fn run(params: &Params, n: u64, horizon: u32) -> Vec<Outcomes> {
    run_probe(params, n, horizon, |_| ())
        .into_iter()
        .map(|(o, ())| o)
        .collect()
}

/// Runs trial k of `params` and returns its outcomes and day records.
pub fn run_days(params: &Params, k: u64, horizon: u32) -> (Outcomes, Vec<DayRecord>) {
    let mut days = vec![DayRecord::default(); horizon as usize];
    let out = Trial::new().run(params, horizon, trial_seed(MASTER, k, 0), &mut days);
    (out, days)
}

/// Mean and standard error of paired differences `on - off`.
#[derive(Debug, Clone, Copy)]
pub struct Paired {
    pub mean_off: f64,
    pub mean_on: f64,
    pub mean_diff: f64,
    pub se: f64,
    pub n: usize,
}

impl Paired {
    /// Pairs trial by trial (the same seed in both arms).
    pub fn of(off: &[f64], on: &[f64]) -> Paired {
        assert_eq!(off.len(), on.len(), "paired samples must have equal length");
        let n = off.len();
        assert!(n >= 2, "need at least two pairs");
        let nf = n as f64;
        let diffs: Vec<f64> = on.iter().zip(off).map(|(b, a)| b - a).collect();
        let mean_diff = diffs.iter().sum::<f64>() / nf;
        let var = diffs.iter().map(|d| (d - mean_diff).powi(2)).sum::<f64>() / (nf - 1.0);
        Paired {
            mean_off: off.iter().sum::<f64>() / nf,
            mean_on: on.iter().sum::<f64>() / nf,
            mean_diff,
            se: (var / nf).sqrt(),
            n,
        }
    }

    /// Mean difference in standard errors (infinite when every pair differs by the same
    /// non-zero amount).
    pub fn z(&self) -> f64 {
        if self.se > 0.0 {
            self.mean_diff / self.se
        } else if self.mean_diff == 0.0 {
            0.0
        } else {
            self.mean_diff.signum() * f64::INFINITY
        }
    }
}

/// Minimum size of a difference, in standard errors of the paired difference.
pub const MIN_Z: f64 = 3.0;

/// Which way a lever must move an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// Asserts that switching from `off` to `on` moves `metric` in `direction` by more than
/// `MIN_Z` standard errors of the paired difference; returns the comparison.
pub fn assert_moves(
    what: &str,
    metric: &str,
    off: &[f64],
    on: &[f64],
    direction: Direction,
) -> Paired {
    let p = Paired::of(off, on);
    let z = p.z();
    let ok = match direction {
        Direction::Up => z > MIN_Z,
        Direction::Down => z < -MIN_Z,
    };
    let msg = format!(
        "{what}: {metric} should go {direction:?}: off mean {:.4}, on mean {:.4}, paired diff {:.4} \
         +- {:.4} (se), z = {z:.2}, need |z| > {MIN_Z} the right way, n = {}",
        p.mean_off, p.mean_on, p.mean_diff, p.se, p.n
    );
    eprintln!("{msg}");
    assert!(ok, "{msg}");
    p
}

/// Picks one metric from every trial.
pub fn col(outcomes: &[Outcomes], f: impl Fn(&Outcomes) -> f64) -> Vec<f64> {
    outcomes.iter().map(f).collect()
}

/// Compares one metric between two runs of the same seeds.
pub fn check(
    what: &str,
    metric: &str,
    off: &[Outcomes],
    on: &[Outcomes],
    f: impl Fn(&Outcomes) -> f64,
    direction: Direction,
) -> Paired {
    assert_moves(what, metric, &col(off, &f), &col(on, &f), direction)
}

/// Runs `base` and its variant and returns `probe` of each trial's final world.
pub fn probe_pair(
    base: &Params,
    change: impl Fn(&mut Params),
    probe: impl Fn(&World) -> f64 + Sync,
) -> (Vec<f64>, Vec<f64>) {
    let mut p = base.clone();
    change(&mut p);
    let take = |p: &Params| -> Vec<f64> {
        run_probe(p, N, YEAR, &probe)
            .into_iter()
            .map(|x| x.1)
            .collect()
    };
    (take(base), take(&p))
}

/// A world reset to day 0 of trial 0 under `params`, levers read.
pub fn fresh_world(params: &Params) -> World {
    let mut world = World::new(params);
    world.reset(params, trial_seed(MASTER, 0, 0));
    world.levers = Levers::on_day(&params.measures, 0);
    world
}
