//! The identity of an experiment across processes: the checksum that tells whether partial
//! results of shards ([`crate::spec::Shard`]) belong to the same experiment.

use crate::spec::resolved::Form;
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
    let resolved = experiment
        .resolved(Form::Full)
        .without(&NOT_IN_CHECKSUM)
        .with_pairing(pairing);
    // Written arm by arm into the hash, keys sorted at every level: the canonical form. A
    // TOML table of strings, numbers, flags and tables always converts.
    let mut hasher = HashWriter(Sha256::new());
    let _ = serde_json::to_writer(&mut hasher, &resolved);
    crate::text::hex(&hasher.0.finalize())
}

/// An `io::Write` that feeds a hash.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
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
