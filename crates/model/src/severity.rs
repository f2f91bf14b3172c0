//! Attack severities: log-normal multipliers of mean 1, `s = exp(σ z - σ²/2)` with `z` the
//! standard normal quantile of one 32-bit draw. A severity heads every attack's chain of
//! computations (its deaths, the trigger, outrage), so it comes from a table rather than a
//! quantile and an `exp`: the uniform's range is cut into 4,096 equal bins, and within each
//! bin of the central 98% the severity is interpolated linearly between its values at the
//! bin's edges; in the outer 1% at each end, where it curves too sharply to interpolate, it
//! is computed exactly. The interpolation errs by less than 5e-5 of the severity at the
//! default spread and 2e-4 at the largest allowed (test
//! `tabulated_severities_are_close_monotone_and_mean_one`).
//!
//! A table depends on the spread σ, so each world keeps the tables of the last few spreads
//! it ran (an experiment whose arms differ in σ switches between them trial by trial). When
//! more spreads come than it keeps, a trial computes its bins' edge values as it goes: the
//! very numbers a table would hold, so results never depend on which tables a worker had.

use super::draw::{
    TABLE_BINS as BINS, bin_at, bin_of_draw, standard_normal_quantile, tabulate_bins,
    uniform_of_draw,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::sync::LazyLock;

/// Bins at each end computed exactly (the outer 1%, |z| > 2.32).
const EXACT_BINS: usize = 41;
/// Tables a world keeps (each 64 KiB).
const KEPT_TABLES: usize = 8;

/// The bins whose draws are interpolated.
const INTERPOLATED: std::ops::Range<usize> = EXACT_BINS..BINS - EXACT_BINS;

/// The standard normal quantile at the edges `i / BINS` of the interpolated bins (0 at the
/// others), computed once per process.
static NORMAL_EDGES: LazyLock<Vec<f64>> = LazyLock::new(|| {
    (0..=BINS)
        .map(|i| {
            if (EXACT_BINS..=BINS - EXACT_BINS).contains(&i) {
                standard_normal_quantile(i as f64 / BINS as f64)
            } else {
                0.0
            }
        })
        .collect()
});

/// The severity at normal quantile `z`.
#[inline]
fn at(z: f64, sigma: f64) -> f64 {
    (sigma * z - sigma * sigma / 2.0).exp()
}

/// An interpolated bin's severity at its lower edge and its rise across the bin.
fn bin_values(bin: usize, sigma: f64) -> (f64, f64) {
    let edges = &*NORMAL_EDGES;
    bin_at(bin, |i| at(edges[i], sigma))
}

/// Every bin's values for one spread.
#[derive(Debug, Clone)]
struct Table {
    sigma: f64,
    bins: Vec<(f64, f64)>,
}

impl Table {
    fn new(sigma: f64) -> Self {
        let edges = &*NORMAL_EDGES;
        Table {
            sigma,
            bins: tabulate_bins(INTERPOLATED, |i| at(edges[i], sigma)),
        }
    }
}

/// The severities of the current trial, and the tables kept for the spreads seen.
#[derive(Debug, Clone, Default)]
pub struct Severities {
    sigma: f64,
    /// Index in `tables` of the current spread's table, if there is one.
    current: Option<usize>,
    tables: Vec<Table>,
}

impl Severities {
    /// Prepares severities of spread `sigma` (at the start of a trial): takes its table if
    /// one is kept, else builds it if there is room.
    pub fn select(&mut self, sigma: f64) {
        self.sigma = sigma;
        self.current = self
            .tables
            .iter()
            .position(|t| t.sigma.to_bits() == sigma.to_bits());
        if self.current.is_none() && self.tables.len() < KEPT_TABLES {
            self.tables.push(Table::new(sigma));
            self.current = Some(self.tables.len() - 1);
        }
    }

    /// One severity (one draw).
    #[inline]
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        self.of_draw(rng.next_u32())
    }

    /// The severity of the 32-bit draw `bits`, whose uniform is `(bits + 0.5) / 2^32`.
    #[inline]
    fn of_draw(&self, bits: u32) -> f64 {
        let (bin, within) = bin_of_draw(bits);
        if !INTERPOLATED.contains(&bin) {
            let z = standard_normal_quantile(uniform_of_draw(bits));
            return at(z, self.sigma);
        }
        let (low, rise) = match self.current {
            Some(table) => self.tables[table].bins[bin],
            None => bin_values(bin, self.sigma),
        };
        low + within * rise
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::probe_draws;
    use rand::SeedableRng;

    /// The exact severity of draw `bits`.
    fn exact(bits: u32, sigma: f64) -> f64 {
        at(standard_normal_quantile(uniform_of_draw(bits)), sigma)
    }

    /// Tabulated severities stay within 5e-5 (relative) of exact ones at the default spread
    /// and 2e-4 at the largest allowed, checked at both ends and inside every bin; they equal
    /// the exact ones in the tails, never decrease with the draw, and average 1.
    #[test]
    fn tabulated_severities_are_close_monotone_and_mean_one() {
        for (sigma, bound) in [(1.3, 5e-5), (3.0, 2e-4), (0.5, 5e-5)] {
            let mut severities = Severities::default();
            severities.select(sigma);
            let mut worst: f64 = 0.0;
            let mut previous = 0.0;
            for bits in probe_draws() {
                let s = severities.of_draw(bits);
                if !INTERPOLATED.contains(&bin_of_draw(bits).0) {
                    assert_eq!(s, exact(bits, sigma), "tail bits {bits}");
                }
                worst = worst.max((s / exact(bits, sigma) - 1.0).abs());
                assert!(s >= previous, "sigma {sigma}: decreases at bits {bits}");
                previous = s;
            }
            assert!(
                worst < bound,
                "sigma {sigma}: largest relative error {worst}"
            );
            assert!(worst > 0.0, "the central range is interpolated");
        }
        let mut severities = Severities::default();
        severities.select(1.3);
        let mut rng = ChaCha8Rng::seed_from_u64(8);
        let n = 400_000;
        let mean = (0..n).map(|_| severities.sample(&mut rng)).sum::<f64>() / f64::from(n);
        assert!((mean - 1.0).abs() < 0.03, "mean severity {mean}");
    }

    /// A world that has run more spreads than it keeps tables for draws the same severities
    /// as one that has a table for the spread: results do not depend on a worker's history.
    #[test]
    fn severities_do_not_depend_on_the_tables_kept() {
        let mut crowded = Severities::default();
        for k in 0..KEPT_TABLES {
            crowded.select(2.0 + k as f64 / 10.0);
        }
        crowded.select(1.3);
        assert!(crowded.current.is_none(), "no room left for a table");
        let mut fresh = Severities::default();
        fresh.select(1.3);
        assert!(fresh.current.is_some());
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        for _ in 0..100_000 {
            let bits = rng.next_u32();
            assert_eq!(crowded.of_draw(bits), fresh.of_draw(bits));
        }
        // Coming back to a kept spread takes its table again.
        crowded.select(2.0);
        assert_eq!(crowded.current, Some(0));
    }
}
