//! Shards: splitting an experiment's trials into N fixed, contiguous shares that separate
//! processes (or cluster jobs) run, and the identity that tells whether partial results belong
//! to the same experiment.
//!
//! Shard `K/N` (K from 1 to N, as Slurm's `--array=1-N` numbers its tasks) runs trial indices
//! `[⌊(K−1)·T/N⌋, ⌊K·T/N⌋)` of the `T` trials per arm, every arm of each of those trials, so
//! that paired differences against the baseline are formed inside one shard and the shards'
//! exact accumulators add up to those of a single run. The split depends only on `K`, `N` and
//! `T`; shards differ in size by at most one trial, and with `N > T` some are empty.

use super::Pairing;
use crate::spec::Experiment;
use sha2::{Digest, Sha256};
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::str::FromStr;
use thiserror::Error;

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

/// Bad sharding input or partial results that do not fit together; the command line exits
/// with code 2 for all of them.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ShardError {
    /// A precision target decides how many trials to run from all results so far.
    #[error(
        "--shard cannot be used with a precision target ({source_of_target}): a precision run \
         decides batch by batch how many trials to run from the results of all trials so far, \
         which no single shard sees. Run the sharded experiment with a fixed number of trials \
         (--trials N, without --precision or [precision]), or run it unsharded"
    )]
    Precision { source_of_target: String },

    /// Merge was given nothing to merge.
    #[error("no partial results to merge")]
    NoParts,

    /// A part cannot be read.
    #[error("{}: cannot read the partial result: {reason}", file.display())]
    Unreadable { file: PathBuf, reason: String },

    /// A part is not a partial result of this format, or is damaged.
    #[error("{}: not a valid deescalate partial result: {reason}", file.display())]
    Corrupt { file: PathBuf, reason: String },

    /// A part written in another format version or by another version of the tool.
    #[error("{}: {what}", file.display())]
    Version { file: PathBuf, what: String },

    /// Parts of different experiments.
    #[error(
        "the parts belong to different experiments (the checksum of the resolved experiment \
         differs; a different seed, trial count, horizon, pairing or parameter changes it):\n{groups}"
    )]
    DifferentExperiments { groups: String },

    /// Parts of different splits.
    #[error("the parts come from different splits of the experiment:\n{groups}")]
    DifferentSplits { groups: String },

    /// The same shard given twice.
    #[error("shard {shard} is given more than once: {}", list_files(files))]
    Duplicate { shard: Shard, files: Vec<PathBuf> },

    /// Shards not given.
    #[error(
        "{} of {count} shards missing: {missing} (trials {ranges}); pass every part of the run",
        missing_count
    )]
    Missing {
        count: u64,
        missing_count: usize,
        missing: String,
        ranges: String,
    },

    /// Parts with and without trials.csv.
    #[error(
        "some parts have trials.csv and some do not (with: {}; without: {}); rerun the shards \
         without trials.csv alike",
        list_files(with),
        list_files(without)
    )]
    MixedTrialRows {
        with: Vec<PathBuf>,
        without: Vec<PathBuf>,
    },
}

fn list_files(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Keys of the resolved experiment that do not change any result: where the file was read
/// from, where the output goes, and whether trials.csv is written (checked on its own).
const NOT_IN_CHECKSUM: [&str; 3] = ["source", "output_dir", "write_trials"];

/// SHA-256 (hex) of the canonical resolved experiment: name, description, trials, horizon,
/// seed, effects baseline, every arm's id, label and complete parameters, and the pairing the
/// run uses (which `--independent-seeds` can change). Keys come in a fixed order and numbers are
/// printed exactly, so the same experiment always gives the same checksum.
pub fn checksum(experiment: &Experiment, pairing: Pairing) -> String {
    let mut resolved = experiment.resolved();
    for key in NOT_IN_CHECKSUM {
        resolved.remove(key);
    }
    resolved.insert("pairing".into(), pairing.name().into());
    // Through `serde_json::Value`, whose maps sort their keys: the canonical order. A TOML
    // table of strings, numbers, flags and tables always converts.
    let canonical = serde_json::to_value(&resolved)
        .and_then(|v| serde_json::to_vec(&v))
        .unwrap_or_default();
    crate::text::hex(&Sha256::digest(&canonical))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Overrides, parse};
    use std::path::Path;

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

    const TEXT: &str = r#"
name = "identity"
trials = 20
horizon_days = 30
seed = 3
output_dir = "somewhere"

[baseline]
label = "Status quo"

[scenarios.channel]
label = "Standing channel"
measures.standing_channel.enabled = true
"#;

    fn sum_of(text: &str, source: &str, sets: &[&str], pairing: Pairing) -> String {
        let mut overrides = Overrides::default();
        for s in sets {
            overrides.sets.push(s.parse().unwrap());
        }
        let experiment = parse(text, Path::new(source), &overrides).unwrap();
        checksum(&experiment, pairing)
    }

    #[test]
    fn checksum_covers_what_changes_results_and_nothing_else() {
        let base = sum_of(TEXT, "a.toml", &[], Pairing::Common);
        assert_eq!(base.len(), 64);
        assert_eq!(base, sum_of(TEXT, "a.toml", &[], Pairing::Common));
        let same = [
            sum_of(TEXT, "elsewhere/b.toml", &[], Pairing::Common),
            sum_of(
                &format!("# a comment\n{TEXT}"),
                "a.toml",
                &[],
                Pairing::Common,
            ),
            sum_of(TEXT, "a.toml", &["output_dir=other"], Pairing::Common),
            sum_of(TEXT, "a.toml", &["write_trials=true"], Pairing::Common),
        ];
        for s in same {
            assert_eq!(s, base, "where the file and output are does not matter");
        }
        let different = [
            ("seed", sum_of(TEXT, "a.toml", &["seed=4"], Pairing::Common)),
            (
                "trials",
                sum_of(TEXT, "a.toml", &["trials=21"], Pairing::Common),
            ),
            (
                "horizon",
                sum_of(TEXT, "a.toml", &["horizon_days=31"], Pairing::Common),
            ),
            ("pairing", sum_of(TEXT, "a.toml", &[], Pairing::Independent)),
            (
                "a parameter",
                sum_of(
                    TEXT,
                    "a.toml",
                    &["pakistan.strike_threshold=0.61"],
                    Pairing::Common,
                ),
            ),
            (
                "a label",
                sum_of(
                    TEXT,
                    "a.toml",
                    &["scenarios.channel.label=Other"],
                    Pairing::Common,
                ),
            ),
        ];
        for (what, s) in different {
            assert_ne!(s, base, "{what} changes the checksum");
        }
    }
}
