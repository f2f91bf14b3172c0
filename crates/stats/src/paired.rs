//! Paired effects: one arm against the baseline on the same trial seed.

use super::interval::t_interval;
use super::metric::{exact_variance, quantize};
use serde::{Deserialize, Serialize};
use std::ops::AddAssign;

/// Exact, mergeable accumulator of paired differences `d = scenario − baseline` of one metric
/// (quantized to its resolution), over the trials where both values are defined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedAcc {
    resolution: f64,
    n: u64,
    sum_diff: i128,
    sum_diff_sq: i128,
    sum_baseline: i128,
    sum_scenario: i128,
}

/// A paired effect, in the metric's unit (`None` where undefined for this n).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairedSummary {
    /// Trials where both arms define the metric.
    pub n: u64,
    /// Baseline mean over those trials.
    pub baseline_mean: Option<f64>,
    /// Scenario mean over those trials.
    pub scenario_mean: Option<f64>,
    /// Mean difference, scenario − baseline.
    pub diff: Option<f64>,
    /// Paired t interval of the difference.
    pub diff_ci95_low: Option<f64>,
    pub diff_ci95_high: Option<f64>,
    /// `diff / baseline_mean` (`None` when the baseline mean is 0).
    pub rel_change: Option<f64>,
}

impl PairedAcc {
    /// An empty accumulator for values counted in multiples of `resolution` (> 0).
    pub fn new(resolution: f64) -> Self {
        assert!(
            resolution > 0.0,
            "metric resolution must be positive, got {resolution}"
        );
        PairedAcc {
            resolution,
            n: 0,
            sum_diff: 0,
            sum_diff_sq: 0,
            sum_baseline: 0,
            sum_scenario: 0,
        }
    }

    /// Values are counted in whole multiples of this.
    pub fn resolution(&self) -> f64 {
        self.resolution
    }

    /// Adds one trial's pair of values; pairs with a NaN or infinite value are skipped.
    pub fn push(&mut self, baseline: f64, scenario: f64) {
        if !(baseline.is_finite() && scenario.is_finite()) {
            return;
        }
        let b = i128::from(quantize(baseline, self.resolution));
        let s = i128::from(quantize(scenario, self.resolution));
        let d = s - b;
        self.n += 1;
        self.sum_diff = self.sum_diff.saturating_add(d);
        self.sum_diff_sq = self.sum_diff_sq.saturating_add(d.saturating_mul(d));
        self.sum_baseline = self.sum_baseline.saturating_add(b);
        self.sum_scenario = self.sum_scenario.saturating_add(s);
    }

    /// Checks what any accumulator filled by [`PairedAcc::push`] satisfies for `trials`
    /// trials: the differences add up to the difference of the sums, and their sum of squares
    /// is consistent with their sum. The reason if not.
    pub fn check(&self, trials: u64) -> Result<(), String> {
        if self.n > trials {
            return Err(format!("{} paired values from {trials} trials", self.n));
        }
        let saturated = [
            self.sum_diff,
            self.sum_diff_sq,
            self.sum_baseline,
            self.sum_scenario,
        ]
        .iter()
        .any(|&x| x == i128::MAX || x == i128::MIN);
        if saturated {
            return Ok(());
        }
        if self.sum_scenario.checked_sub(self.sum_baseline) != Some(self.sum_diff) {
            return Err("paired differences that do not add up to the arms' sums".into());
        }
        let n = i128::from(self.n);
        let consistent = match n
            .checked_mul(self.sum_diff_sq)
            .zip(self.sum_diff.checked_mul(self.sum_diff))
        {
            Some((a, b)) => a >= b,
            None => true,
        };
        if self.sum_diff_sq < 0 || !consistent || (self.n == 0 && self.sum_diff_sq != 0) {
            return Err("a sum of squared differences below what their sum implies".into());
        }
        Ok(())
    }

    /// Adds everything `other` holds (exact, order-independent).
    pub fn merge(&mut self, other: &Self) {
        assert_eq!(
            self.resolution, other.resolution,
            "merging accumulators of different resolutions"
        );
        self.n += other.n;
        self.sum_diff = self.sum_diff.saturating_add(other.sum_diff);
        self.sum_diff_sq = self.sum_diff_sq.saturating_add(other.sum_diff_sq);
        self.sum_baseline = self.sum_baseline.saturating_add(other.sum_baseline);
        self.sum_scenario = self.sum_scenario.saturating_add(other.sum_scenario);
    }

    /// Number of paired trials.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Mean of an exact sum of quantized values, in the metric's unit.
    fn mean_of(&self, sum: i128) -> Option<f64> {
        (self.n > 0).then(|| sum as f64 / self.n as f64 * self.resolution)
    }

    /// Standard deviation of the per-trial differences (`None` below two pairs).
    pub fn diff_sd(&self) -> Option<f64> {
        exact_variance(self.n, self.sum_diff, self.sum_diff_sq).map(|v| v.sqrt() * self.resolution)
    }

    /// The paired effect with its paired t interval.
    pub fn summary(&self) -> PairedSummary {
        let baseline_mean = self.mean_of(self.sum_baseline);
        let diff = self.mean_of(self.sum_diff);
        let sd = exact_variance(self.n, self.sum_diff, self.sum_diff_sq)
            .map(|v| v.sqrt() * self.resolution);
        let ci = diff.zip(sd).and_then(|(d, s)| t_interval(d, s, self.n));
        PairedSummary {
            n: self.n,
            baseline_mean,
            scenario_mean: self.mean_of(self.sum_scenario),
            diff,
            diff_ci95_low: ci.map(|c| c.low),
            diff_ci95_high: ci.map(|c| c.high),
            rel_change: diff
                .zip(baseline_mean)
                .and_then(|(d, b)| (b != 0.0).then(|| d / b)),
        }
    }
}

impl AddAssign<&PairedAcc> for PairedAcc {
    fn add_assign(&mut self, other: &PairedAcc) {
        self.merge(other);
    }
}
