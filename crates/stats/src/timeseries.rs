//! The day-by-day picture of one arm: how many trials sit on each rung, and mean cumulative
//! attacks and fatalities.

use model::DayRecord;
use serde::{Deserialize, Serialize};
use std::ops::AddAssign;

/// Rungs of the escalation ladder, 0 (calm) to 5 (open war).
pub const RUNG_COUNT: usize = 6;

/// Exact totals over trials for one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct DayAcc {
    /// Trials on each rung at the end of the day.
    rungs: [u64; RUNG_COUNT],
    /// Σ cumulative attacks.
    attacks: u128,
    /// Σ cumulative fatalities.
    fatalities: u128,
}

/// Exact, mergeable accumulator of daily records over trials; memory is one entry per day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeseriesAcc {
    n: u64,
    days: Vec<DayAcc>,
}

/// One day of the timeseries, averaged over trials.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeseriesRow {
    /// Day number, 1 for the first simulated day.
    pub day: u32,
    pub mean_rung: f64,
    /// Share of trials on each rung.
    pub share_rung: [f64; RUNG_COUNT],
    pub mean_cumulative_attacks: f64,
    pub mean_cumulative_fatalities: f64,
}

impl TimeseriesAcc {
    /// Checks that `trials` trials were recorded and every day counts each of them on one
    /// rung. The reason if not.
    pub fn check(&self, trials: u64) -> Result<(), String> {
        if self.n != trials {
            return Err(format!("a timeseries of {} trials for {trials}", self.n));
        }
        match self
            .days
            .iter()
            .position(|d| d.rungs.iter().sum::<u64>() != self.n)
        {
            Some(day) => Err(format!(
                "day {} does not count every trial on one rung",
                day + 1
            )),
            None => Ok(()),
        }
    }

    /// An empty accumulator for runs of `horizon_days` days.
    pub fn new(horizon_days: u32) -> Self {
        TimeseriesAcc {
            n: 0,
            days: vec![DayAcc::default(); horizon_days as usize],
        }
    }

    /// Bytes per day of the horizon.
    pub(crate) fn day_bytes() -> usize {
        size_of::<DayAcc>()
    }

    /// Adds one trial's days (one record per day of the horizon; rungs above 5 count as 5).
    pub fn record(&mut self, days: &[DayRecord]) {
        debug_assert_eq!(days.len(), self.days.len(), "one record per day expected");
        self.n += 1;
        for (acc, day) in self.days.iter_mut().zip(days) {
            acc.rungs[usize::from(day.rung).min(RUNG_COUNT - 1)] += 1;
            acc.attacks += u128::from(day.cumulative_attacks);
            acc.fatalities += u128::from(day.cumulative_fatalities);
        }
    }

    /// Adds everything `other` holds; both must cover the same horizon.
    pub fn merge(&mut self, other: &Self) {
        assert_eq!(
            self.days.len(),
            other.days.len(),
            "merging timeseries of different horizons"
        );
        self.n += other.n;
        for (acc, day) in self.days.iter_mut().zip(&other.days) {
            for (rung, count) in acc.rungs.iter_mut().zip(day.rungs) {
                *rung += count;
            }
            acc.attacks += day.attacks;
            acc.fatalities += day.fatalities;
        }
    }

    /// Number of trials recorded.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Number of days.
    pub fn horizon_days(&self) -> usize {
        self.days.len()
    }

    /// The per-day means (no rows while no trial is recorded).
    pub fn rows(&self) -> impl Iterator<Item = TimeseriesRow> + '_ {
        let n = self.n as f64;
        let days = if self.n == 0 { &[][..] } else { &self.days[..] };
        days.iter()
            .zip(1u32..)
            .map(move |(acc, day)| TimeseriesRow {
                day,
                mean_rung: acc
                    .rungs
                    .iter()
                    .zip(0u32..)
                    .map(|(&c, r)| c as f64 * f64::from(r))
                    .sum::<f64>()
                    / n,
                share_rung: acc.rungs.map(|c| c as f64 / n),
                mean_cumulative_attacks: acc.attacks as f64 / n,
                mean_cumulative_fatalities: acc.fatalities as f64 / n,
            })
    }
}

impl AddAssign<&TimeseriesAcc> for TimeseriesAcc {
    fn add_assign(&mut self, other: &TimeseriesAcc) {
        self.merge(other);
    }
}
