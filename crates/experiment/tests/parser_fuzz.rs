//! Fuzzing the experiment parser and `--set` (proptest): the shipped configs and the edge
//! cases in `tests/parser_corpus/` are mutated byte by byte and line by line, and random
//! `--set` overrides are built from the registry's keys and a dictionary of TOML values. For
//! every input the parser must return, never panic: either a validated experiment (with at
//! least one arm, unique ids and parameters inside their allowed ranges) or a `ConfigError`
//! whose one-line message names the file.
//!
//! The number of cases is fixed (`CASES` per property; `PROPTEST_CASES` raises it for a
//! longer session), so the run is bounded in CI; a failing case is shrunk and written to
//! `proptest-regressions/` to be kept in the repo with its fix.

use deescalate_experiment::spec::{self, ConfigError, Experiment, Overrides, SetOverride};
use model::Params;
use model::param_spec::Domain;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// Cases per property in an ordinary test run.
const CASES: u32 = 600;

/// Every seed input: the shipped configs, then the corpus of edge cases.
fn corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [root.join("../../configs"), root.join("tests/parser_corpus")] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("corpus file");
            files.push((path, text));
        }
    }
    assert!(
        files.len() >= 10,
        "the corpus has the shipped configs and the edge cases"
    );
    files
}

/// Words, numbers and fragments a mutation inserts: keys of the file and of the registry,
/// TOML punctuation and values at and beyond the edges of what is allowed.
fn dictionary() -> Vec<String> {
    let mut words: Vec<String> = [
        "=",
        "[",
        "]",
        "{",
        "}",
        "\"",
        ".",
        ",",
        "\n",
        "#",
        "-1",
        "0",
        "1",
        "1e308",
        "nan",
        "inf",
        "-0.0",
        "0.5",
        "2.5",
        "true",
        "false",
        "\"text\"",
        "[]",
        "{}",
        "9223372036854775807",
        "18446744073709551616",
        "\"18446744073709551615\"",
        "[sweep]",
        "[latin_hypercube]",
        "[precision]",
        "[morris]",
        "[scenarios.x]",
        "[baseline]",
        "points = 100001",
        "steps = 0",
        "from = 1",
        "to = 0",
        "arms = [\"nope\"]",
        "trials = 0",
        "horizon_days = 36501",
        "seed = -1",
        "name = \"\"",
        "label = 1",
        "é",
        "\u{0}",
    ]
    .map(String::from)
    .to_vec();
    words.extend(spec::settings().map(String::from));
    words.extend(Params::specs().into_iter().take(40).map(|s| s.key));
    words
}

/// One edit of a text.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the byte at a position (as a fraction of the length) with another.
    Byte(f64, u8),
    /// Insert a dictionary word at a position.
    Insert(f64, usize),
    /// Delete a line.
    DeleteLine(f64),
    /// Repeat a line.
    DuplicateLine(f64),
    /// Cut the text short.
    Truncate(f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0f64, any::<u8>()).prop_map(|(at, b)| Mutation::Byte(at, b)),
        (0.0..1.0f64, 0..1000usize).prop_map(|(at, w)| Mutation::Insert(at, w)),
        (0.0..1.0f64).prop_map(Mutation::DeleteLine),
        (0.0..1.0f64).prop_map(Mutation::DuplicateLine),
        (0.0..1.0f64).prop_map(Mutation::Truncate),
    ]
}

/// Applies `mutations` to `text` (bytes, so that invalid UTF-8 is read lossily as a file
/// would fail to be; the parser takes text).
fn mutate(text: &str, mutations: &[Mutation], words: &[String]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let at = |bytes: &Vec<u8>, f: f64| ((bytes.len() as f64) * f) as usize;
    for m in mutations {
        match *m {
            Mutation::Byte(f, b) if !bytes.is_empty() => {
                let i = at(&bytes, f).min(bytes.len() - 1);
                bytes[i] = b;
            }
            Mutation::Insert(f, w) => {
                let i = at(&bytes, f);
                let word = &words[w % words.len()];
                bytes.splice(i..i, word.bytes());
            }
            Mutation::DeleteLine(f) | Mutation::DuplicateLine(f) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut lines: Vec<&str> = text.lines().collect();
                if !lines.is_empty() {
                    let i = ((lines.len() as f64) * f) as usize % lines.len();
                    if matches!(m, Mutation::DeleteLine(_)) {
                        lines.remove(i);
                    } else {
                        lines.insert(i, lines[i]);
                    }
                }
                bytes = lines.join("\n").into_bytes();
            }
            Mutation::Truncate(f) => {
                let i = at(&bytes, f);
                bytes.truncate(i);
            }
            Mutation::Byte(..) => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// What every outcome of the parser must satisfy.
fn check_outcome(result: Result<Experiment, ConfigError>, source: &Path) {
    match result {
        Ok(experiment) => {
            assert!(experiment.arm_count() > 0, "an experiment has arms");
            let mut ids: Vec<String> = experiment.arms().map(|a| a.id.clone()).collect();
            ids.sort_unstable();
            let n = ids.len();
            ids.dedup();
            assert_eq!(n, ids.len(), "arm ids are unique");
            assert!(experiment.trials >= 1 && experiment.horizon_days >= 1);
            for arm in experiment.arms() {
                assert_within_domains(&arm.params, &arm.id);
            }
        }
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.contains(&source.display().to_string()),
                "the message names the file: {message}"
            );
            assert!(!message.contains('\n'), "one paragraph: {message}");
            assert!(e.is_bad_input(), "a parser error is bad input: {message}");
        }
    }
}

/// Every numeric parameter of an accepted arm lies in its allowed range.
fn assert_within_domains(params: &Params, arm: &str) {
    let table = spec::params_table(params);
    for s in Params::specs() {
        let value = s
            .key
            .split('.')
            .try_fold(None::<&spec::toml::Value>, |v, seg| {
                match v {
                    None => table.get(seg),
                    Some(v) => v.get(seg),
                }
                .map(Some)
            })
            .flatten()
            .unwrap_or_else(|| panic!("{arm}: {}", s.key));
        let x = value
            .as_float()
            .or_else(|| value.as_integer().map(|i| i as f64));
        match (s.domain, x) {
            (Domain::Real { min, max, .. }, Some(x)) => {
                assert!((min..=max).contains(&x), "{arm}: {} = {x}", s.key)
            }
            (Domain::Int { min, max, .. }, Some(x)) => {
                assert!(
                    (min as f64..=max as f64).contains(&x),
                    "{arm}: {} = {x}",
                    s.key
                )
            }
            _ => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: CASES,
        ..ProptestConfig::default()
    })]

    /// Mutated experiment files parse or fail cleanly.
    #[test]
    fn mutated_files_parse_or_fail_cleanly(
        file in 0..1000usize,
        mutations in prop::collection::vec(mutation(), 0..6),
    ) {
        let corpus = corpus();
        let words = dictionary();
        let (path, text) = &corpus[file % corpus.len()];
        let text = mutate(text, &mutations, &words);
        let source = PathBuf::from(format!("fuzz/{}", path.file_name().unwrap().to_string_lossy()));
        check_outcome(spec::parse(&text, &source, &Overrides::default()), &source);
    }

    /// Random `--set` overrides on the shipped files parse or fail cleanly; a malformed
    /// argument is refused when it is read.
    #[test]
    fn random_set_overrides_parse_or_fail_cleanly(
        file in 0..1000usize,
        sets in prop::collection::vec((0..2000usize, 0..1000usize, any::<bool>()), 1..4),
    ) {
        let corpus = corpus();
        let words = dictionary();
        let keys: Vec<String> = Params::specs().into_iter().map(|s| s.key).collect();
        let (path, text) = &corpus[file % corpus.len()];
        let mut overrides = Overrides::default();
        for (k, v, nested) in sets {
            let key = if nested && k % 3 == 0 {
                words[k % words.len()].clone()
            } else {
                keys[k % keys.len()].clone()
            };
            let arg = format!("{key}={}", words[v % words.len()]);
            match arg.parse::<SetOverride>() {
                Ok(set) => overrides.sets.push(set),
                Err(reason) => prop_assert!(!reason.is_empty()),
            }
        }
        check_outcome(spec::parse(text, path, &overrides), path);
    }
}
