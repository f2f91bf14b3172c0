//! Exact, mergeable accumulators and their summaries.
//!
//! This module owns every statistic the runner reports: per-metric distributions
//! ([`MetricAcc`] → [`Summary`]), paired effects against the baseline arm ([`PairedAcc`] →
//! [`PairedSummary`]), unpaired (Welch) intervals ([`welch_interval`]), the day-by-day
//! timeseries ([`TimeseriesAcc`]) and their bundle for one arm ([`ArmStats`]); and, over
//! design points, scenario discovery by PRIM ([`find_box`]).
//!
//! # Exactness and determinism
//!
//! A value `v` of a metric is quantized once, to `q = round(v / resolution)` (an `i64`, the
//! metric's [`MetricSpec::resolution`](model::MetricSpec) being the precision results
//! are reported to). Counts, sums and sums of squares are integers (`u64`, `i128`), so merging
//! two accumulators is exactly associative and commutative: the statistics, and the bytes
//! written from them, are identical whatever the thread count, chunking, shard split or merge
//! order. Memory does not grow with the number of trials.
//!
//! # Accuracy
//!
//! - `n`, `mean`, `min`, `max` are exact for the quantized values (the mean is one rounding of
//!   an exact integer ratio to `f64`).
//! - `sd` comes from the exact integer `n·Σq² − (Σq)²` (checked `i128`); only if that
//!   overflows (values beyond ~10^15 units over ~10^9 trials) is a shifted `f64` formula used.
//! - Quantiles are nearest-rank (the smallest value whose cumulative count reaches `⌈p·n⌉`)
//!   over a histogram that is exact for `|q| < 2048` and log-spaced above, with buckets of
//!   relative width ≤ 2^-10; a bucket reports its middle (a whole number of units), clamped
//!   to `[min, max]`, so a quantile is exact for small integer values and within
//!   2^-11 ≈ 0.05% (relative) of the nearest-rank value otherwise, on top of the
//!   quantization to the resolution. Quantiles are always multiples of the resolution.
//! - Intervals: Student t (df = n − 1) for Count and Real metrics, Wilson score for Binary
//!   metrics, paired t for effects, Welch for independent differences; all 95%.
//!
//! Every accumulator is `Serialize + Deserialize` (JSON keeps `i128`/`u128` exact) so that
//! partial results of shards can be stored and merged later.

mod arm;
mod interval;
mod metric;
mod paired;
mod prim;
mod ratio;
mod timeseries;

pub use arm::ArmStats;
pub use interval::{Interval, Z_975, t_interval, t_quantile_975, wilson_interval};
pub use metric::{MetricAcc, Summary, welch_interval};
pub use paired::{PairedAcc, PairedSummary};
pub use prim::{PrimBox, PrimSettings, find_box};
pub use ratio::RatioAcc;
pub use timeseries::{RUNG_COUNT, TimeseriesAcc, TimeseriesRow};

#[cfg(test)]
mod tests;
