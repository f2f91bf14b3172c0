//! `deescalate bench`: it runs the shipped status quo on 1 and on 2 threads and prints the
//! table or CSV it documents, writes nothing, and rejects bad input. No timing is asserted
//! (speed depends on the machine); only that the figures are there and consistent.

use std::process::{Command, Output};

fn deescalate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deescalate"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn bench_prints_one_row_per_thread_count_and_peak_memory() {
    let text = stdout(&deescalate(&["bench", "--trials", "64", "--threads", "2"]));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("configs/status_quo.toml"), "{text}");
    assert!(lines[0].contains("64 trials of 365 days"), "{text}");
    let header: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "THREADS",
            "TRIALS",
            "WALL_S",
            "TRIAL_YEARS_PER_S",
            "NS_PER_TRIAL_DAY",
            "EFFICIENCY"
        ]
    );
    let threads: Vec<&str> = lines[2..4]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(threads, ["1", "2"]);
    assert!(lines[2].ends_with("100.0%"), "{text}");
    if cfg!(target_os = "linux") {
        assert!(lines[4].starts_with("peak memory (VmHWM): "), "{text}");
    }
}

#[test]
fn bench_csv_has_consistent_figures() {
    let text = stdout(&deescalate(&[
        "bench",
        "--trials",
        "64",
        "--threads",
        "2",
        "--csv",
    ]));
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "threads",
            "trials",
            "wall_s",
            "trial_years_per_s",
            "ns_per_trial_day",
            "efficiency",
            "peak_memory_mib"
        ]
    );
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2);
    for (record, threads) in records.iter().zip([1.0, 2.0]) {
        let value = |i: usize| record[i].parse::<f64>().unwrap();
        assert_eq!(value(0), threads);
        assert_eq!(value(1), 64.0);
        let (wall, rate, ns) = (value(2), value(3), value(4));
        assert!(wall > 0.0 && rate > 0.0 && ns > 0.0, "{text}");
        // The columns describe the same run: trial-years/s = 64 trials / wall, and
        // ns per trial-day = wall × threads / (64 × 365).
        assert!((rate * wall / 64.0 - 1.0).abs() < 1e-6, "{text}");
        assert!(
            (ns * 64.0 * 365.0 / (wall * threads * 1e9) - 1.0).abs() < 1e-6,
            "{text}"
        );
    }
    let one = records[0][3].parse::<f64>().unwrap();
    let two = records[1][3].parse::<f64>().unwrap();
    let efficiency = records[1][5].parse::<f64>().unwrap();
    assert!((efficiency - two / one / 2.0).abs() < 1e-9, "{text}");
}

#[test]
fn bench_rejects_a_missing_file_and_zero_trials() {
    let missing = deescalate(&["bench", "no/such/file.toml", "--trials", "64"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/file.toml"));
    let zero = deescalate(&["bench", "--trials", "0"]);
    assert_eq!(zero.status.code(), Some(2));
}
