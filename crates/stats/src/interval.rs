//! 95% confidence intervals: Student t, Wilson score (proportions) and Welch (difference of two
//! independent means).

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The 97.5% quantile of the standard normal distribution.
pub const Z_975: f64 = 1.959_963_984_540_054;

/// Degrees of freedom above which the t quantile comes from its Cornish-Fisher expansion:
/// statrs's inverse CDF loses accuracy for large df (1.95985 instead of 1.95997 at 10^6),
/// while the expansion's error there is below 10^-11.
const EXPANSION_DF: f64 = 1000.0;

/// A two-sided interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    /// `centre ± half_width`.
    pub fn around(centre: f64, half_width: f64) -> Self {
        Interval {
            low: centre - half_width,
            high: centre + half_width,
        }
    }
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (`None` unless `df > 0`).
pub fn t_quantile_975(df: f64) -> Option<f64> {
    if df.is_nan() || df <= 0.0 {
        return None;
    }
    if df > EXPANSION_DF {
        return Some(t_quantile_expansion(Z_975, df));
    }
    StudentsT::new(0.0, 1.0, df)
        .ok()
        .map(|t| t.inverse_cdf(0.975))
}

/// Cornish-Fisher expansion of the t quantile in powers of 1/df around the normal quantile
/// `z` (Abramowitz & Stegun 26.7.5, three correction terms).
fn t_quantile_expansion(z: f64, df: f64) -> f64 {
    let (z2, z3) = (z * z, z * z * z);
    let (z5, z7) = (z3 * z2, z3 * z2 * z2);
    let g1 = (z3 + z) / 4.0;
    let g2 = (5.0 * z5 + 16.0 * z3 + 3.0 * z) / 96.0;
    let g3 = (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / 384.0;
    z + g1 / df + g2 / (df * df) + g3 / (df * df * df)
}

/// Student t interval for a mean: `mean ± t(n−1) · sd / √n` (needs `n ≥ 2`).
pub fn t_interval(mean: f64, sd: f64, n: u64) -> Option<Interval> {
    if n < 2 {
        return None;
    }
    let t = t_quantile_975((n - 1) as f64)?;
    Some(Interval::around(mean, t * sd / (n as f64).sqrt()))
}

/// Wilson score interval for a proportion `p` observed in `n` trials. Unlike the Wald
/// interval it stays inside [0, 1] and keeps its coverage near 0 and 1 (e.g. 0 of 20 events).
pub fn wilson_interval(p: f64, n: u64) -> Option<Interval> {
    if n == 0 || !p.is_finite() {
        return None;
    }
    let n = n as f64;
    let z2 = Z_975 * Z_975;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z_975 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).max(0.0).sqrt();
    // At p = 0 the lower bound is exactly 0 and at p = 1 the upper is exactly 1; rounding
    // would leave ~1e-19 above the mean, which breaks error bars drawn from the mean.
    let low = if p <= 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if p >= 1.0 {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Some(Interval { low, high })
}
