//! One metric's distribution: exact moments, extremes and a bounded sparse histogram.

use super::interval::{Interval, t_interval, t_quantile_975, wilson_interval};
use model::{MetricKind, MetricSpec};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::AddAssign;

/// Quantized values with `|q|` below this have a bucket of their own.
const EXACT_LIMIT: u64 = 2048;
/// Log-spaced buckets split each octave into 2^SUB_BITS parts (relative width ≤ 2^-10).
const SUB_BITS: u32 = 10;
/// The octave of `EXACT_LIMIT` (2^11), the first log-spaced one.
const FIRST_OCTAVE: u32 = 11;

/// The most buckets a histogram can hold: every exact value and every log-spaced bucket, of
/// both signs.
const MAX_BUCKETS: u64 = 2 * (EXACT_LIMIT + (64 - FIRST_OCTAVE as u64) * (1 << SUB_BITS));
/// Heap bytes per histogram bucket, B-tree nodes and allocator headers included (a counting
/// allocator measured 17–20 bytes for 10 to 100,000 random or ordered keys).
pub(crate) const BUCKET_BYTES: u64 = 24;

/// Quantizes a value to whole multiples of `resolution` (saturating at the `i64` range).
pub(crate) fn quantize(value: f64, resolution: f64) -> i64 {
    (value / resolution).round() as i64
}

/// The histogram bucket of a quantized value: the value itself when small, otherwise a
/// log-spaced bucket (keys are monotone in the value, negative for negative values).
fn bucket_key(q: i64) -> i32 {
    let a = q.unsigned_abs();
    if a < EXACT_LIMIT {
        return q as i32;
    }
    let octave = 63 - a.leading_zeros();
    let sub = (a >> (octave - SUB_BITS)) & ((1 << SUB_BITS) - 1);
    let key = (EXACT_LIMIT + u64::from(octave - FIRST_OCTAVE) * (1 << SUB_BITS) + sub) as i32;
    if q < 0 { -key } else { key }
}

/// The value a bucket stands for: itself when exact, else the middle of its range (a whole
/// number of units, so that quantiles stay multiples of the resolution; buckets are at least
/// two units wide, so it is within half a bucket, 2^-11 relative, of any value in it).
fn bucket_value(key: i32) -> f64 {
    let k = u64::from(key.unsigned_abs());
    if k < EXACT_LIMIT {
        return f64::from(key);
    }
    let offset = k - EXACT_LIMIT;
    let shift = (offset >> SUB_BITS) as u32 + FIRST_OCTAVE - SUB_BITS;
    let lower = ((1 << SUB_BITS) + (offset & ((1 << SUB_BITS) - 1))) << shift;
    let middle = (lower + (1 << (shift - 1))) as f64;
    if key < 0 { -middle } else { middle }
}

/// Nearest rank of quantile `permille`/1000 among `n` values: `max(1, ⌈p·n⌉)`, in integers
/// so that e.g. the median of 20 values is the 10th whatever the float rounding.
fn nearest_rank(permille: u64, n: u64) -> u64 {
    (u128::from(permille) * u128::from(n)).div_ceil(1000).max(1) as u64
}

/// Sample variance (in quantized units²) from exact integer moments; `None` for `n < 2` or
/// when a sum saturated.
pub(crate) fn exact_variance(n: u64, sum: i128, sum_sq: i128) -> Option<f64> {
    if n < 2 || sum_sq == i128::MAX || sum == i128::MAX || sum == i128::MIN {
        return None;
    }
    let nn = i128::from(n);
    let numerator = nn
        .checked_mul(sum_sq)
        .and_then(|a| sum.checked_mul(sum).and_then(|b| a.checked_sub(b)));
    match numerator {
        Some(num) => Some(num.max(0) as f64 / (n as f64 * (n - 1) as f64)),
        None => shifted_variance(n, sum, sum_sq),
    }
}

/// Overflow fallback: the sum of squares about `a = ⌊Σq/n⌋`, `S = Σq² − n·a² − 2·a·r` with
/// `r = Σq − n·a`, is exact and small (no cancellation); the variance is `(S − r²/n)/(n−1)`.
fn shifted_variance(n: u64, sum: i128, sum_sq: i128) -> Option<f64> {
    let nn = i128::from(n);
    let (a, r) = (sum.div_euclid(nn), sum.rem_euclid(nn));
    let s = sum_sq
        .checked_sub(nn.checked_mul(a.checked_mul(a)?)?)?
        .checked_sub(a.checked_mul(r)?.checked_mul(2)?)?;
    let r = r as f64;
    Some(((s as f64 - r * r / n as f64) / (n - 1) as f64).max(0.0))
}

/// Exact, mergeable accumulator of one metric's values (see the module doc for accuracy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricAcc {
    /// Values are counted in whole multiples of this.
    resolution: f64,
    n: u64,
    /// Σq (saturating; cannot saturate below 2^64 values).
    sum: i128,
    /// Σq² (saturating; the standard deviation is then unknown).
    sum_sq: i128,
    /// Smallest q (`i64::MAX` while empty).
    min: i64,
    /// Largest q (`i64::MIN` while empty).
    max: i64,
    /// Count per histogram bucket, only buckets that occur.
    histogram: BTreeMap<i32, u64>,
    /// Values ignored because they were NaN or infinite (a model bug, kept visible).
    non_finite: u64,
}

/// A metric's summary statistics, in the metric's unit (`None` where undefined for this n).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub n: u64,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub ci95_low: Option<f64>,
    pub ci95_high: Option<f64>,
    pub p05: Option<f64>,
    pub p25: Option<f64>,
    pub p50: Option<f64>,
    pub p75: Option<f64>,
    pub p95: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl MetricAcc {
    /// An empty accumulator for values counted in multiples of `resolution` (> 0).
    pub fn new(resolution: f64) -> Self {
        assert!(
            resolution > 0.0,
            "metric resolution must be positive, got {resolution}"
        );
        MetricAcc {
            resolution,
            n: 0,
            sum: 0,
            sum_sq: 0,
            min: i64::MAX,
            max: i64::MIN,
            histogram: BTreeMap::new(),
            non_finite: 0,
        }
    }

    /// The most buckets `spec`'s histogram can have after `trials` values: one per value, at
    /// most two for a 0/1 metric and at most every bucket there is.
    pub(crate) fn max_buckets(spec: &MetricSpec, trials: u64) -> u64 {
        match spec.kind {
            MetricKind::Binary => trials.min(2),
            MetricKind::Count | MetricKind::Real => trials.min(MAX_BUCKETS),
        }
    }

    /// An empty accumulator for `spec`.
    pub fn for_metric(spec: &MetricSpec) -> Self {
        Self::new(spec.resolution)
    }

    /// Adds one value (quantized to the resolution); NaN and infinities are only counted.
    pub fn push(&mut self, value: f64) {
        if !value.is_finite() {
            self.non_finite += 1;
            return;
        }
        let q = quantize(value, self.resolution);
        let wide = i128::from(q);
        self.n += 1;
        self.sum = self.sum.saturating_add(wide);
        self.sum_sq = self.sum_sq.saturating_add(wide * wide);
        self.min = self.min.min(q);
        self.max = self.max.max(q);
        *self.histogram.entry(bucket_key(q)).or_insert(0) += 1;
    }

    /// Checks what any accumulator filled by [`MetricAcc::push`] satisfies, for `trials`
    /// trials (all of which define the metric if `always_defined`): counts agree with the
    /// histogram, the extremes bound the sum, the sum of squares is consistent with the sum.
    /// Catches statistics damaged or edited after they were written; the reason if not.
    pub fn check(&self, trials: u64, always_defined: bool) -> Result<(), String> {
        let n = self.n;
        if n.checked_add(self.non_finite)
            .is_none_or(|all| all > trials)
        {
            return Err(format!(
                "{n} values (and {} not finite) from {trials} trials",
                self.non_finite
            ));
        }
        if always_defined && n + self.non_finite != trials {
            return Err(format!(
                "{n} values of a metric every one of {trials} trials defines"
            ));
        }
        let counted: u128 = self.histogram.values().map(|&c| u128::from(c)).sum();
        if counted != u128::from(n) || self.histogram.values().any(|&c| c == 0) {
            return Err(format!("a histogram of {counted} values for n = {n}"));
        }
        if n == 0 {
            let empty = self.sum == 0
                && self.sum_sq == 0
                && self.min == i64::MAX
                && self.min == -(self.max + 1);
            return if empty {
                Ok(())
            } else {
                Err("sums or extremes without values".into())
            };
        }
        let (lo, hi) = (i128::from(self.min), i128::from(self.max));
        let wide_n = i128::from(n);
        let sum_in_range = self.sum == i128::MAX
            || self.sum == i128::MIN
            || (lo.saturating_mul(wide_n) <= self.sum && self.sum <= hi.saturating_mul(wide_n));
        if self.min > self.max || !sum_in_range {
            return Err(format!(
                "sum {} outside n × [min, max] = {n} × [{}, {}]",
                self.sum, self.min, self.max
            ));
        }
        let (key_lo, key_hi) = (bucket_key(self.min), bucket_key(self.max));
        let keys = self.histogram.keys();
        if keys.clone().any(|&k| k < key_lo || k > key_hi)
            || !self.histogram.contains_key(&key_lo)
            || !self.histogram.contains_key(&key_hi)
        {
            return Err("histogram buckets outside [min, max]".into());
        }
        // n Σq² ≥ (Σq)² (Cauchy–Schwarz); sums too large to multiply exactly are not checked.
        let consistent = match wide_n
            .checked_mul(self.sum_sq)
            .zip(self.sum.checked_mul(self.sum))
        {
            Some((a, b)) => a >= b,
            None => true,
        };
        if self.sum_sq < 0 || !consistent {
            return Err(format!(
                "a sum of squares {} below what the sum {} implies",
                self.sum_sq, self.sum
            ));
        }
        Ok(())
    }

    /// Adds everything `other` holds (exact: the result does not depend on merge order).
    pub fn merge(&mut self, other: &Self) {
        assert_eq!(
            self.resolution, other.resolution,
            "merging accumulators of different resolutions"
        );
        self.n += other.n;
        self.sum = self.sum.saturating_add(other.sum);
        self.sum_sq = self.sum_sq.saturating_add(other.sum_sq);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.non_finite += other.non_finite;
        for (&key, &count) in &other.histogram {
            *self.histogram.entry(key).or_insert(0) += count;
        }
    }

    /// Whether the histogram counts the values and the extremes are in order (always so for
    /// an accumulator built by pushing and merging; checked on ones read from a file).
    pub fn is_consistent(&self) -> bool {
        let counted = self
            .histogram
            .values()
            .try_fold(0u64, |total, &c| total.checked_add(c));
        counted == Some(self.n) && (self.n == 0 || self.min <= self.max)
    }

    /// Number of (finite) values.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Number of NaN or infinite values that were ignored.
    pub fn non_finite(&self) -> u64 {
        self.non_finite
    }

    /// The resolution values are counted in.
    pub fn resolution(&self) -> f64 {
        self.resolution
    }

    /// Mean in the metric's unit.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / self.n as f64 * self.resolution)
    }

    /// Sample variance (n − 1 denominator) in the metric's unit squared.
    pub fn variance(&self) -> Option<f64> {
        exact_variance(self.n, self.sum, self.sum_sq).map(|v| v * self.resolution * self.resolution)
    }

    /// Smallest value.
    pub fn min(&self) -> Option<f64> {
        (self.n > 0).then_some(self.min as f64 * self.resolution)
    }

    /// Largest value.
    pub fn max(&self) -> Option<f64> {
        (self.n > 0).then_some(self.max as f64 * self.resolution)
    }

    /// Nearest-rank quantiles at `permilles` (ascending, in 1/1000), in one histogram pass.
    pub fn quantiles<const K: usize>(&self, permilles: [u64; K]) -> [Option<f64>; K] {
        let mut out = [None; K];
        if self.n == 0 {
            return out;
        }
        let mut buckets = self.histogram.iter();
        let mut seen = 0u64;
        let mut value = 0.0;
        for (slot, &permille) in out.iter_mut().zip(&permilles) {
            let rank = nearest_rank(permille, self.n);
            while seen < rank {
                let Some((&key, &count)) = buckets.next() else {
                    break;
                };
                seen += count;
                value = bucket_value(key);
            }
            *slot = Some(value.clamp(self.min as f64, self.max as f64) * self.resolution);
        }
        out
    }

    /// Summary statistics; `spec.kind` selects the interval (Wilson for Binary, else t).
    pub fn summary(&self, spec: &MetricSpec) -> Summary {
        let mean = self.mean();
        let sd = self.variance().map(f64::sqrt);
        let ci = match spec.kind {
            MetricKind::Binary => mean.and_then(|p| wilson_interval(p, self.n)),
            MetricKind::Count | MetricKind::Real => {
                mean.zip(sd).and_then(|(m, s)| t_interval(m, s, self.n))
            }
        };
        // A metric that cannot be negative (every observed value >= 0, as for all of the
        // model's counts and indices) gets its t interval truncated at 0.
        let ci = ci.map(|c| match self.min() {
            Some(min) if min >= 0.0 => Interval {
                low: c.low.max(0.0),
                high: c.high,
            },
            _ => c,
        });
        let [p05, p25, p50, p75, p95] = self.quantiles([50, 250, 500, 750, 950]);
        Summary {
            n: self.n,
            mean,
            sd,
            ci95_low: ci.map(|c| c.low),
            ci95_high: ci.map(|c| c.high),
            p05,
            p25,
            p50,
            p75,
            p95,
            min: self.min(),
            max: self.max(),
        }
    }
}

impl AddAssign<&MetricAcc> for MetricAcc {
    fn add_assign(&mut self, other: &MetricAcc) {
        self.merge(other);
    }
}

/// Welch interval for `mean(b) − mean(a)` when `a` and `b` are independent samples (e.g. arms
/// run on independent seeds); compare with the paired interval of [`crate::PairedAcc`].
/// Needs at least two values in each sample.
pub fn welch_interval(a: &MetricAcc, b: &MetricAcc) -> Option<Interval> {
    let (na, nb) = (a.n() as f64, b.n() as f64);
    let diff = b.mean()? - a.mean()?;
    let (wa, wb) = (a.variance()? / na, b.variance()? / nb);
    let se2 = wa + wb;
    if se2 == 0.0 {
        return Some(Interval {
            low: diff,
            high: diff,
        });
    }
    let df = se2 * se2 / (wa * wa / (na - 1.0) + wb * wb / (nb - 1.0));
    let t = t_quantile_975(df)?;
    Some(Interval::around(diff, t * se2.sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_monotone_and_cover_their_values() {
        let mut previous = i32::MIN;
        let mut q = -(1i64 << 40);
        while q < 1 << 40 {
            let key = bucket_key(q);
            assert!(key >= previous, "key not monotone at {q}");
            previous = key;
            let rel = (bucket_value(key) - q as f64).abs() / (q as f64).abs().max(1.0);
            assert!(rel <= 1.0 / 2048.0, "bucket of {q} too wide: {rel}");
            q += 1 + q.unsigned_abs() as i64 / 999;
        }
        assert_eq!(bucket_key(2047), 2047);
        assert_eq!(bucket_key(-2047), -2047);
        assert!(bucket_key(i64::MAX) > 0 && bucket_key(i64::MIN) < 0);
    }

    #[test]
    fn nearest_rank_is_exact_in_integers() {
        assert_eq!(nearest_rank(500, 20), 10);
        assert_eq!(nearest_rank(950, 20), 19);
        assert_eq!(nearest_rank(50, 100), 5);
        assert_eq!(nearest_rank(50, 1), 1);
        assert_eq!(nearest_rank(0, 10), 1);
    }

    #[test]
    fn variance_fallback_agrees_with_exact_formula() {
        let (n, sum, sum_sq) = (4u64, 10i128, 30i128); // 1,2,3,4
        let exact = exact_variance(n, sum, sum_sq).unwrap();
        let shifted = shifted_variance(n, sum, sum_sq).unwrap();
        assert!((exact - 5.0 / 3.0).abs() < 1e-12 && (shifted - exact).abs() < 1e-12);
    }
}
