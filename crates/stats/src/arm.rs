//! Everything accumulated for one arm.

use super::metric::{BUCKET_BYTES, MetricAcc, Summary, welch_interval};
use super::paired::{PairedAcc, PairedSummary};
use super::timeseries::TimeseriesAcc;
use model::{DayRecord, METRICS, Outcomes};
use serde::{Deserialize, Serialize};
use std::ops::AddAssign;

/// One arm's statistics: a distribution per metric (in `METRICS` order), paired effects
/// against the baseline (empty for the baseline itself) and the timeseries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmStats {
    metrics: Vec<MetricAcc>,
    paired: Vec<PairedAcc>,
    timeseries: TimeseriesAcc,
}

impl ArmStats {
    /// Empty statistics for an arm; `is_baseline` arms get no paired effects.
    pub fn new(is_baseline: bool, horizon_days: u32) -> Self {
        ArmStats {
            metrics: METRICS.iter().map(MetricAcc::for_metric).collect(),
            paired: if is_baseline {
                Vec::new()
            } else {
                METRICS
                    .iter()
                    .map(|m| PairedAcc::new(m.resolution))
                    .collect()
            },
            timeseries: TimeseriesAcc::new(horizon_days),
        }
    }

    /// The most histogram buckets `trials` trials can fill in one arm: one per value of each
    /// metric, at most two for a 0/1 metric, at most every bucket there is.
    pub fn max_buckets(trials: u64) -> u64 {
        METRICS
            .iter()
            .map(|spec| MetricAcc::max_buckets(spec, trials))
            .sum()
    }

    /// The bytes one arm's statistics take, with paired effects, for runs of `horizon_days`
    /// days and with `buckets` histogram buckets filled over all its metrics.
    pub fn memory_with(buckets: u64, horizon_days: u32) -> u64 {
        let fixed = size_of::<ArmStats>()
            + METRICS.len() * (size_of::<MetricAcc>() + size_of::<PairedAcc>())
            + TimeseriesAcc::day_bytes() * horizon_days as usize;
        fixed as u64 + buckets * BUCKET_BYTES
    }

    /// Whether this is the baseline arm (no paired effects).
    pub fn is_baseline(&self) -> bool {
        self.paired.is_empty()
    }

    /// Adds one trial of this arm; `baseline` is the baseline arm's outcomes on the same trial
    /// (ignored for the baseline itself). Undefined metrics are skipped, so they report their
    /// own n; a pair counts only where both values are defined.
    pub fn record_trial(&mut self, outcomes: &Outcomes, baseline: &Outcomes, days: &[DayRecord]) {
        let values = outcomes.values();
        for (acc, value) in self.metrics.iter_mut().zip(values) {
            if let Some(v) = value {
                acc.push(v);
            }
        }
        if !self.paired.is_empty() {
            for ((acc, s), b) in self.paired.iter_mut().zip(values).zip(baseline.values()) {
                if let (Some(s), Some(b)) = (s, b) {
                    acc.push(b, s);
                }
            }
        }
        self.timeseries.record(days);
    }

    /// Adds everything `other` holds (exact, order-independent).
    pub fn merge(&mut self, other: &Self) {
        assert_eq!(
            self.paired.len(),
            other.paired.len(),
            "merging a baseline arm with a scenario arm"
        );
        for (acc, o) in self.metrics.iter_mut().zip(&other.metrics) {
            acc.merge(o);
        }
        for (acc, o) in self.paired.iter_mut().zip(&other.paired) {
            acc.merge(o);
        }
        self.timeseries.merge(&other.timeseries);
    }

    /// Whether `other` can be merged into this: the same metrics (resolutions), baseline or
    /// not, and the same horizon, and `other`'s distributions consistent. Statistics read from
    /// a file are checked with this first.
    pub fn can_merge(&self, other: &Self) -> bool {
        let metrics = self.metrics.len() == other.metrics.len()
            && (self.metrics.iter().zip(&other.metrics))
                .all(|(a, b)| a.resolution() == b.resolution() && b.is_consistent());
        let paired = self.paired.len() == other.paired.len()
            && (self.paired.iter().zip(&other.paired))
                .all(|(a, b)| a.resolution() == b.resolution());
        metrics && paired && self.timeseries.horizon_days() == other.timeseries.horizon_days()
    }

    /// The per-metric accumulators, in `METRICS` order.
    pub fn metrics(&self) -> &[MetricAcc] {
        &self.metrics
    }

    /// The paired accumulators against the baseline, in `METRICS` order (empty for the baseline).
    pub fn paired(&self) -> &[PairedAcc] {
        &self.paired
    }

    /// The timeseries.
    pub fn timeseries(&self) -> &TimeseriesAcc {
        &self.timeseries
    }

    /// Trials recorded.
    pub fn trials(&self) -> u64 {
        self.timeseries.n()
    }

    /// Checks the invariants of every accumulator for `trials` trials ([`MetricAcc::check`],
    /// [`PairedAcc::check`], [`TimeseriesAcc::check`]): what a merge verifies before it trusts
    /// statistics read from a file. The metric and the reason if not.
    pub fn check(&self, trials: u64) -> Result<(), String> {
        self.timeseries.check(trials)?;
        for (acc, spec) in self.metrics.iter().zip(METRICS) {
            acc.check(trials, spec.always_defined)
                .map_err(|e| format!("{}: {e}", spec.name))?;
        }
        for (acc, spec) in self.paired.iter().zip(METRICS) {
            acc.check(trials)
                .map_err(|e| format!("{} (paired): {e}", spec.name))?;
        }
        Ok(())
    }

    /// Summaries in `METRICS` order.
    pub fn summaries(&self) -> Vec<Summary> {
        self.metrics
            .iter()
            .zip(METRICS)
            .map(|(acc, spec)| acc.summary(spec))
            .collect()
    }

    /// Paired effects in `METRICS` order (empty for the baseline).
    pub fn effects(&self) -> Vec<PairedSummary> {
        self.paired.iter().map(PairedAcc::summary).collect()
    }

    /// Effects against `baseline` for arms run on independent seeds, in `METRICS` order:
    /// differences of the two arms' means with Welch's interval.
    pub fn independent_effects(&self, baseline: &ArmStats) -> Vec<PairedSummary> {
        baseline
            .metrics
            .iter()
            .zip(&self.metrics)
            .map(|(b, s)| {
                let diff = s.mean().zip(b.mean()).map(|(s, b)| s - b);
                let ci = welch_interval(b, s);
                PairedSummary {
                    n: b.n().min(s.n()),
                    baseline_mean: b.mean(),
                    scenario_mean: s.mean(),
                    diff,
                    diff_ci95_low: ci.map(|c| c.low),
                    diff_ci95_high: ci.map(|c| c.high),
                    rel_change: diff
                        .zip(b.mean())
                        .and_then(|(d, b)| (b != 0.0).then(|| d / b)),
                }
            })
            .collect()
    }
}

impl AddAssign<&ArmStats> for ArmStats {
    fn add_assign(&mut self, other: &ArmStats) {
        self.merge(other);
    }
}
