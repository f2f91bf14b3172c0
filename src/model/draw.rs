//! Small drawing helpers shared by the mechanisms. Each draws exactly one number from the
//! stream it is given whatever the probability, so a measure that changes a probability does
//! not shift later draws of the same stream.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Poisson};

/// True with probability `p` (clamped to [0, 1]); always one draw.
#[inline]
pub fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    let u: f64 = rng.random();
    u < p
}

/// Means below this are drawn by inversion (one uniform); larger ones by rand_distr.
const INVERSION_LIMIT: f64 = 12.0;

/// A Poisson count with mean `mean` (0 for a non-positive mean, still one draw). Small means,
/// the common case here, are drawn by inversion of the CDF from a single uniform.
#[inline]
pub fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    if mean > 0.0 && mean < INVERSION_LIMIT {
        let u: f64 = rng.random();
        let mut p = (-mean).exp();
        let mut cdf = p;
        let mut k = 0u32;
        while u > cdf && k < 200 {
            k += 1;
            p *= mean / f64::from(k);
            cdf += p;
        }
        k
    } else if mean > 0.0 && mean.is_finite() {
        match Poisson::new(mean) {
            Ok(d) => d.sample(rng).min(u32::MAX as f64) as u32,
            Err(_) => 0,
        }
    } else {
        let _: u64 = rng.random();
        0
    }
}

/// A multiplicative severity with mean 1 and log-spread `sigma`.
#[inline]
pub fn severity(rng: &mut ChaCha8Rng, sigma: f64) -> f64 {
    match LogNormal::new(-sigma * sigma / 2.0, sigma) {
        Ok(d) if sigma > 0.0 => d.sample(rng),
        _ => {
            let _: u64 = rng.random();
            1.0
        }
    }
}

/// A uniform index below `n` (n > 0), drawn as u32 (never usize, for portability).
#[inline]
pub fn index(rng: &mut ChaCha8Rng, n: usize) -> usize {
    rng.random_range(0..n.max(1) as u32) as usize
}
