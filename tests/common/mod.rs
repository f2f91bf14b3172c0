//! What the command-line tests share: running the binary and reading what it wrote.

#![allow(dead_code)] // each test file uses its own part

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary with `args` in folder `dir`.
pub fn deescalate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deescalate"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("binary runs")
}

/// Runs `args` in `dir` expecting success; returns stdout.
pub fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = deescalate(dir, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `args` in `dir` expecting exit code 2; returns stderr.
pub fn fails_with_2(dir: &Path, args: &[&str]) -> String {
    let out = deescalate(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    stderr
}

/// The header and records of a CSV file.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    (header, reader.records().map(Result::unwrap).collect())
}

/// Asserts that each of `files` is non-empty in folder `a` and the same bytes in `b`.
pub fn assert_same_files(a: &Path, b: &Path, files: &[&str]) {
    for file in files {
        let (x, y) = (
            fs::read(a.join(file)).unwrap(),
            fs::read(b.join(file)).unwrap(),
        );
        assert!(!x.is_empty(), "{file} is empty");
        assert!(
            x == y,
            "{file} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// The tables of a run with design points (no trials.csv).
pub const DESIGN_TABLES: [&str; 6] = [
    "summary.csv",
    "effects.csv",
    "scenarios.csv",
    "timeseries.csv",
    "robustness.csv",
    "discovery.csv",
];
