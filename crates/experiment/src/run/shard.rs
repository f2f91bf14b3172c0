//! The identity of an experiment across processes: the checksum that tells whether partial
//! results of shards ([`crate::spec::Shard`]) belong to the same experiment.

use crate::spec::{Experiment, Pairing};
use sha2::{Digest, Sha256};

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
