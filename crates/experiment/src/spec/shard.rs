//! Shards: an experiment's trials split into N fixed, contiguous shares that separate
//! processes (or cluster jobs) run.
//!
//! Shard `K/N` (K from 1 to N, as Slurm's `--array=1-N` numbers its tasks) runs trial indices
//! `[⌊(K−1)·T/N⌋, ⌊K·T/N⌋)` of the `T` trials per arm, every arm of each of those trials, so
//! that paired differences against the baseline are formed inside one shard and the shards'
//! exact accumulators add up to those of a single run. The split depends only on `K`, `N` and
//! `T`; shards differ in size by at most one trial, and with `N > T` some are empty.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// Shard `index` of `count` (1-based: `1/4` … `4/4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shard {
    /// 1 to `count`.
    pub index: u64,
    /// Number of shards, at least 1.
    pub count: u64,
}

impl Shard {
    /// Shard `index` of `count`, if `1 <= index <= count`.
    pub fn new(index: u64, count: u64) -> Option<Self> {
        (count >= 1 && (1..=count).contains(&index)).then_some(Shard { index, count })
    }

    /// The trial indices this shard runs out of `trials` per arm.
    pub fn trials(self, trials: u64) -> Range<u64> {
        split_point(self.index - 1, self.count, trials)..split_point(self.index, self.count, trials)
    }

    /// Every shard of a split into `count`, in order.
    pub fn all(count: u64) -> impl Iterator<Item = Shard> {
        (1..=count).map(move |index| Shard { index, count })
    }
}

/// `⌊k·T/N⌋`, in 128-bit so that it never overflows.
fn split_point(k: u64, count: u64, trials: u64) -> u64 {
    (u128::from(k) * u128::from(trials) / u128::from(count)) as u64
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `K/N` with `1 <= K <= N`.
    fn from_str(arg: &str) -> Result<Self, String> {
        let usage = "expected K/N with 1 <= K <= N, e.g. 2/8 for the second of 8 shards";
        let (k, n) = arg
            .split_once('/')
            .ok_or_else(|| format!("`{arg}` is not K/N: {usage}"))?;
        let parse = |s: &str, what: &str| {
            s.trim()
                .parse::<u64>()
                .map_err(|_| format!("{what} `{s}` in `{arg}` is not a whole number: {usage}"))
        };
        let (k, n) = (parse(k, "K")?, parse(n, "N")?);
        if n == 0 {
            return Err(format!(
                "`{arg}`: the number of shards N must be at least 1"
            ));
        }
        Shard::new(k, n).ok_or_else(|| {
            format!("`{arg}`: shards are numbered 1 to {n}, so K must be in 1..={n}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_trial_exactly_once_in_order() {
        for trials in (0..=130).chain([1000, 4097]) {
            for count in 1..=70 {
                let ranges: Vec<Range<u64>> = Shard::all(count).map(|s| s.trials(trials)).collect();
                assert_eq!(ranges.len() as u64, count);
                assert_eq!(ranges[0].start, 0, "T={trials} N={count}");
                assert_eq!(ranges[ranges.len() - 1].end, trials, "T={trials} N={count}");
                for pair in ranges.windows(2) {
                    assert_eq!(
                        pair[0].end, pair[1].start,
                        "contiguous, T={trials} N={count}"
                    );
                }
                let sizes: Vec<u64> = ranges.iter().map(|r| r.end - r.start).collect();
                let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(hi - lo <= 1, "balanced: T={trials} N={count} {sizes:?}");
                assert_eq!(sizes.iter().sum::<u64>(), trials);
                if count > trials {
                    assert_eq!(
                        sizes.iter().filter(|&&s| s == 0).count() as u64,
                        count - trials
                    );
                }
            }
        }
    }

    #[test]
    fn split_does_not_overflow_at_the_largest_trial_counts() {
        let trials = u64::MAX;
        let ranges: Vec<Range<u64>> = Shard::all(7).map(|s| s.trials(trials)).collect();
        assert_eq!(ranges[6].end, u64::MAX);
        assert_eq!(ranges[3].start, (u128::from(u64::MAX) * 3 / 7) as u64);
    }

    #[test]
    fn shard_syntax_is_one_based_k_of_n() {
        assert_eq!("2/8".parse(), Ok(Shard { index: 2, count: 8 }));
        assert_eq!("1/1".parse(), Ok(Shard { index: 1, count: 1 }));
        assert_eq!(Shard { index: 3, count: 4 }.to_string(), "3/4");
        for bad in [
            "0/4", "5/4", "1/0", "0/0", "abc", "1/", "/4", "-1/4", "1.5/4", "2:4", "",
        ] {
            let err = bad.parse::<Shard>().expect_err(bad);
            assert!(err.contains(bad), "error for `{bad}` quotes it: {err}");
        }
        assert!("0/4".parse::<Shard>().unwrap_err().contains("1..=4"));
    }
}
