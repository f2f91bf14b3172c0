//! Runner tests: determinism across thread counts (with the model and with a stand-in whose
//! outcomes vary), row order, pairing, and the output folder's life cycle.

use super::*;
use crate::run::{CHUNK_TRIALS, Pairing, Progress, simulate, simulate_with};
use crate::spec::Experiment;
use crate::spec::{Arm, Layout};
use model::TrialSeed;
use model::{DayRecord, Outcomes, Params};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fs;
use std::path::Path;

/// A stand-in model whose outcomes depend on the seed and on one parameter, so that the
/// determinism and pairing tests mean something while the real model is still a stub.
struct FakeModel;

impl Simulator for FakeModel {
    fn simulate(
        &mut self,
        params: &Params,
        horizon_days: u32,
        seed: TrialSeed,
        days: &mut [DayRecord],
    ) -> Outcomes {
        let mut rng = ChaCha8Rng::from_seed(seed);
        let capacity = params.afghanistan.crackdown_capacity;
        let war = rng.random_bool(0.4 * (1.0 - capacity));
        let mut attacks = 0u32;
        for day in days.iter_mut().take(horizon_days as usize) {
            attacks += u32::from(rng.random_bool(0.3 * (1.0 - capacity / 2.0)));
            *day = DayRecord {
                rung: rng.random_range(0..6u8),
                cumulative_attacks: attacks,
                cumulative_fatalities: attacks * 3,
            };
        }
        Outcomes {
            open_war: f64::from(u8::from(war)),
            days_to_open_war: war.then(|| f64::from(rng.random_range(1..=horizon_days))),
            attacks: f64::from(attacks),
            final_trust_pk_in_af: rng.random::<f64>() * capacity,
            trade_lost_usd: (rng.random::<f64>() * 22.0).exp().round(),
            mean_days_between_crises: rng.random_bool(0.5).then(|| rng.random::<f64>() * 40.0),
            ..Default::default()
        }
    }
}

fn arm(id: &str, capacity: f64) -> Arm {
    let mut params = Params::default();
    params.afghanistan.crackdown_capacity = capacity;
    Arm {
        id: id.into(),
        label: format!("Arm \"{id}\", capacity {capacity}"),
        params,
        overrides: vec![],
    }
}

fn experiment(output_dir: &Path, trials: u64) -> Experiment {
    Experiment {
        source: PathBuf::from("experiments/test.toml"),
        name: "determinism".into(),
        description: "test experiment".into(),
        trials,
        horizon_days: 30,
        seed: 42,
        output_dir: output_dir.to_path_buf(),
        write_trials: true,
        held: vec![
            arm("baseline", 0.5),
            arm("crackdown", 0.8),
            arm("same", 0.5),
        ],
        layout: Layout::held(3),
        effects_baseline: 0,
        pairing: Pairing::Common,
        precision: None,
        designs: Vec::new(),
        seed_indices: None,
        morris: None,
    }
}

fn options(threads: usize, out: &Path) -> RunOptions {
    RunOptions {
        threads: Some(threads),
        out: Some(out.to_path_buf()),
        progress: Progress::none(),
        ..RunOptions::default()
    }
}

const COMPARED: [&str; 4] = [
    output::SUMMARY_CSV,
    output::TIMESERIES_CSV,
    output::EFFECTS_CSV,
    output::TRIALS_CSV,
];

/// Runs with 1, 2 and 3 threads and checks the CSV files are byte-identical.
fn assert_files_identical_across_threads(
    run: impl Fn(&Experiment, &RunOptions) -> Result<RunReport>,
) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let exp = experiment(tmp.path(), 2 * CHUNK_TRIALS * 3 + 17);
    let outs: Vec<PathBuf> = (1..=3).map(|t| tmp.path().join(format!("t{t}"))).collect();
    for (threads, out) in (1..=3).zip(&outs) {
        let report = run(&exp, &options(threads, out)).expect("run");
        assert_eq!(report.out_dir, *out);
        assert_eq!(report.threads, threads);
    }
    for file in COMPARED {
        let first = fs::read(outs[0].join(file)).expect("read");
        assert!(!first.is_empty(), "{file} is empty");
        for out in &outs[1..] {
            assert!(
                first == fs::read(out.join(file)).expect("read"),
                "{file} differs between thread counts"
            );
        }
    }
}

/// Meaningful once the real model lands: `run` is the public entry point with `Trial`.
#[test]
fn files_are_byte_identical_across_thread_counts_with_the_model() {
    assert_files_identical_across_threads(run);
}

#[test]
fn files_are_byte_identical_across_thread_counts_with_varying_outcomes() {
    assert_files_identical_across_threads(|exp, opts| run_with(exp, opts, || FakeModel));
}

#[test]
fn statistics_do_not_depend_on_thread_count() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let exp = experiment(tmp.path(), 1000);
    let stats = |threads| {
        let results =
            simulate_with(&exp, &options(threads, tmp.path()), || FakeModel).expect("simulate");
        serde_json::to_string(&results.arms).expect("json")
    };
    assert_eq!(stats(1), stats(4));
}

#[test]
fn trial_rows_come_in_trial_then_arm_order() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let exp = experiment(tmp.path(), 100 * CHUNK_TRIALS + 5);
    let mut seen = Vec::new();
    let mut sink = |rows: &[TrialRow]| {
        seen.extend(rows.iter().map(|r| (r.trial, r.arm)));
        Ok(())
    };
    let arms = crate::run::simulate_rows_with(
        &exp,
        &options(3, tmp.path()),
        &|| FakeModel,
        Some(&mut sink),
    )
    .expect("run")
    .arms;
    let expected: Vec<(u64, usize)> = (0..exp.trials)
        .flat_map(|t| (0..3).map(move |a| (t, a)))
        .collect();
    assert_eq!(seen, expected);
    assert!(arms.iter().all(|a| a.trials() == exp.trials));
}

#[test]
fn common_pairing_gives_identical_arms_zero_differences() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let exp = experiment(tmp.path(), 300);
    let results = simulate_with(&exp, &options(2, tmp.path()), || FakeModel).expect("simulate");
    let same = results.arms[2].effects();
    assert!(
        same.iter()
            .filter(|e| e.n > 0)
            .all(|e| e.diff == Some(0.0) && e.diff_ci95_low == Some(0.0))
    );
    let attacks = model::outcomes::metric_index("attacks").expect("metric");
    let effect = results.arms[1].effects()[attacks];
    assert!(effect.diff.expect("diff") < 0.0, "{effect:?}");

    let independent = RunOptions {
        pairing: Pairing::Independent,
        ..options(2, tmp.path())
    };
    let results = simulate_with(&exp, &independent, || FakeModel).expect("simulate");
    assert_ne!(results.arms[2].effects()[attacks].diff, Some(0.0));
}

#[test]
fn trial_seeds_follow_the_pairing() {
    assert_eq!(Pairing::Common.seed(7, 3, 0), Pairing::Common.seed(7, 3, 2));
    assert_ne!(
        Pairing::Independent.seed(7, 3, 0),
        Pairing::Independent.seed(7, 3, 1)
    );
    assert_ne!(Pairing::Common.seed(7, 3, 0), Pairing::Common.seed(7, 4, 0));
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn run_writes_every_file_into_the_default_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let exp = experiment(&tmp.path().join("results"), 10);
    let opts = RunOptions {
        out: None,
        ..options(2, tmp.path())
    };
    let report = run_with(&exp, &opts, || FakeModel).expect("run");
    assert_eq!(
        report.out_dir,
        tmp.path().join("results").join("determinism")
    );
    assert_eq!(names(&tmp.path().join("results")), ["determinism"]);
    assert_eq!(
        names(&report.out_dir),
        [
            "effects.csv",
            "manifest.json",
            "scenarios.csv",
            "summary.csv",
            "timeseries.csv",
            "trials.csv"
        ]
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(report.out_dir.join("manifest.json")).expect("read"),
    )
    .expect("json");
    assert_eq!(manifest["trials_per_arm"], 10);
    assert_eq!(manifest["pairing"], "common");
    assert_eq!(manifest["files"].as_array().map(Vec::len), Some(6));
    let summary = fs::read_to_string(report.out_dir.join("summary.csv")).expect("read");
    assert_eq!(summary.lines().count(), 1 + 3 * model::METRIC_COUNT);
    let effects = fs::read_to_string(report.out_dir.join("effects.csv")).expect("read");
    assert_eq!(effects.lines().count(), 1 + 2 * model::METRIC_COUNT);
    let timeseries = fs::read_to_string(report.out_dir.join("timeseries.csv")).expect("read");
    assert_eq!(timeseries.lines().count(), 1 + 3 * 30);
    let trials = fs::read_to_string(report.out_dir.join("trials.csv")).expect("read");
    assert_eq!(trials.lines().count(), 1 + 3 * 10);
}

#[test]
fn existing_folder_is_refused_before_running_and_replaced_with_force() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let exp = experiment(tmp.path(), 5);
    let out = tmp.path().join("run");
    run_with(&exp, &options(1, &out), || FakeModel).expect("first run");
    fs::write(out.join("old.txt"), "old").expect("write");
    let err = run_with(&exp, &options(1, &out), || FakeModel).expect_err("must refuse");
    assert!(
        err.is_bad_input(),
        "an existing folder is the user's to resolve"
    );
    let message = format!("{err:#}");
    assert!(
        message.contains("--force") && message.contains(&out.display().to_string()),
        "{message}"
    );
    assert_eq!(
        names(tmp.path()),
        ["run"],
        "a refused run leaves nothing behind"
    );

    let forced = RunOptions {
        force: true,
        ..options(1, &out)
    };
    run_with(&exp, &forced, || FakeModel).expect("forced run");
    assert_eq!(names(tmp.path()), ["run"]);
    assert!(!out.join("old.txt").exists() && out.join("summary.csv").exists());
}

/// `--force` replaces a results folder of this tool, and nothing else: not a plain file, not
/// a folder it did not write, not one that holds the experiment file.
#[test]
fn force_replaces_only_a_results_folder_without_the_inputs() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let forced = |out: &Path| RunOptions {
        force: true,
        ..options(1, out)
    };
    let refuse = |exp: &Experiment, out: &Path, why: &str| {
        let err = run_with(exp, &forced(out), || FakeModel).expect_err(why);
        assert!(err.is_bad_input(), "{why}: {err}");
        assert!(
            matches!(err, crate::Error::NotReplaceable { .. }),
            "{why}: {err}"
        );
    };
    let exp = experiment(tmp.path(), 5);

    let file = tmp.path().join("notes.txt");
    fs::write(&file, "keep me").expect("write");
    refuse(&exp, &file, "a plain file");
    assert_eq!(fs::read_to_string(&file).expect("kept"), "keep me");

    let folder = tmp.path().join("mine");
    fs::create_dir(&folder).expect("mkdir");
    fs::write(folder.join("thesis.tex"), "keep me").expect("write");
    refuse(&exp, &folder, "a folder this tool did not write");
    assert!(folder.join("thesis.tex").exists());

    let results = tmp.path().join("results");
    run_with(&exp, &options(1, &results), || FakeModel).expect("a results folder");
    let mut inside = exp.clone();
    inside.source = results.join("experiment.toml");
    fs::write(&inside.source, "name = \"x\"").expect("write");
    refuse(
        &inside,
        &results,
        "a results folder that holds the experiment file",
    );
    assert!(inside.source.exists());

    let mut from_parent = exp.clone();
    from_parent.source = tmp.path().join("experiment.toml");
    fs::write(&from_parent.source, "name = \"x\"").expect("write");
    run_with(&from_parent, &forced(&results), || FakeModel).expect("the input is elsewhere");
}

#[test]
fn failed_run_leaves_no_partial_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut exp = experiment(tmp.path(), 5);
    exp = exp.with_arms(Vec::new());
    assert!(run_with(&exp, &options(1, &tmp.path().join("run")), || FakeModel).is_err());
    assert!(names(tmp.path()).is_empty());
    // Nor the parent folders it had to create on the way.
    let nested = tmp.path().join("a/b/run");
    assert!(run_with(&exp, &options(1, &nested), || FakeModel).is_err());
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
    // A parent that was there stays.
    fs::create_dir(tmp.path().join("kept")).expect("mkdir");
    let under_kept = tmp.path().join("kept/new/run");
    assert!(run_with(&exp, &options(1, &under_kept), || FakeModel).is_err());
    assert_eq!(names(tmp.path()), ["kept"]);
    assert!(names(&tmp.path().join("kept")).is_empty());
}

/// Staging folders that killed runs left behind are removed when their process is gone, and
/// kept while it runs.
#[test]
fn stale_staging_folders_of_dead_processes_are_cleaned() {
    if !Path::new("/proc/self").exists() {
        return; // Only where the process table can be read.
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let exp = experiment(tmp.path(), 5);
    // pid_max on Linux is at most 2^22, so this process cannot exist; pid 1 always runs.
    let dead = tmp.path().join(".run.partial-4194305");
    let aside = tmp.path().join(".run.old-4194306");
    let alive = tmp.path().join(".run.partial-1");
    let other = tmp.path().join(".other.partial-4194305");
    // A process killed a moment ago stays in /proc as a zombie until it is reaped: its
    // folder is free too. This child exits at once and is not reaped until the end.
    let mut child = std::process::Command::new("true")
        .spawn()
        .expect("true runs");
    let zombie = tmp.path().join(format!(".run.partial-{}", child.id()));
    let stat = format!("/proc/{}/stat", child.id());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !fs::read_to_string(&stat).is_ok_and(|s| s.contains(") Z ")) {
        assert!(
            std::time::Instant::now() < deadline,
            "the child never exited"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    for dir in [&dead, &aside, &alive, &other, &zombie] {
        fs::create_dir(dir).expect("mkdir");
        fs::write(dir.join("summary.csv"), "half").expect("write");
    }
    run_with(&exp, &options(1, &tmp.path().join("run")), || FakeModel).expect("run");
    assert!(
        !dead.exists() && !aside.exists(),
        "a dead process's folders are removed"
    );
    assert!(
        !zombie.exists(),
        "a killed, unreaped process's folder is removed"
    );
    child.wait().expect("reaped");
    assert!(alive.exists(), "a running process's folder is kept");
    assert!(
        other.exists(),
        "another experiment's folder is not ours to judge"
    );
}

/// A run of one arm still writes effects.csv with its header (nothing to compare).
#[test]
fn one_arm_run_writes_the_effects_header() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut one = experiment(tmp.path(), 5);
    one = one.with_arms(vec![one.arm(0).into_owned()]);
    run_with(&one, &options(1, &tmp.path().join("one")), || FakeModel).expect("one arm");
    let (header, rows) = read_csv(&tmp.path().join("one").join(output::EFFECTS_CSV));
    assert!(rows.is_empty());
    let three = experiment(tmp.path(), 5);
    run_with(&three, &options(1, &tmp.path().join("three")), || FakeModel).expect("three");
    let (with_rows, _) = read_csv(&tmp.path().join("three").join(output::EFFECTS_CSV));
    assert_eq!(header, with_rows, "the same columns as a file with rows");
}

// ---- effects against a chosen baseline, pairing, precision ----

/// Reads a CSV file into a header and rows.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("record").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn effects_diff_equals_the_difference_of_summary_means() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut exp = experiment(tmp.path(), 150);
    exp.effects_baseline = 1;
    let report = run_with(&exp, &options(2, &tmp.path().join("out")), || FakeModel).expect("run");
    let (_, summary) = read_csv(&report.out_dir.join(output::SUMMARY_CSV));
    let mean = |arm: &str, metric: &str| -> (u64, f64) {
        let row = summary
            .iter()
            .find(|r| r[0] == arm && r[2] == metric)
            .expect("summary row");
        (row[4].parse().unwrap(), row[5].parse().unwrap_or(f64::NAN))
    };
    let (header, effects) = read_csv(&report.out_dir.join(output::EFFECTS_CSV));
    assert_eq!(
        header,
        [
            "scenario",
            "label",
            "baseline",
            "metric",
            "unit",
            "n",
            "baseline_mean",
            "scenario_mean",
            "diff",
            "diff_ci95_low",
            "diff_ci95_high",
            "rel_change",
            "interval"
        ]
    );
    let mut checked = 0;
    for row in &effects {
        assert_eq!(row[2], "crackdown", "effects are against effects_baseline");
        assert_ne!(row[0], "crackdown");
        assert_eq!(row[12], "paired");
        // Label and unit as summary.csv gives them: no join needed.
        let same = summary.iter().find(|r| r[0] == row[0] && r[2] == row[3]);
        let same = same.expect("summary row");
        assert_eq!((&row[1], &row[4]), (&same[1], &same[3]));
        let (nb, b) = mean(&row[2], &row[3]);
        let (ns, s) = mean(&row[0], &row[3]);
        let n: u64 = row[5].parse().unwrap();
        // Metrics defined in every trial: the paired means are the arms' means.
        if n != 150 || nb != 150 || ns != 150 {
            continue;
        }
        let diff: f64 = row[8].parse().unwrap();
        let tol = 1e-5 * (b.abs() + s.abs() + diff.abs()) + 1e-12;
        assert!(
            (diff - (s - b)).abs() <= tol,
            "{} {}: diff {diff} vs {s} - {b}",
            row[0],
            row[3]
        );
        checked += 1;
    }
    assert!(checked >= 2 * 30, "checked {checked} rows");
}

#[test]
fn paired_interval_is_narrower_than_independent_on_the_shipped_comparison() {
    let overrides = crate::spec::Overrides {
        trials: Some(200),
        ..crate::spec::Overrides::none()
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/compare_measures.toml");
    let exp = crate::spec::load(&path, &overrides).expect("shipped config");
    let opts = |pairing| RunOptions {
        threads: Some(2),
        progress: Progress::none(),
        pairing,
        ..RunOptions::default()
    };
    let common = simulate(&exp, &opts(Pairing::Common)).expect("common");
    let independent = simulate(&exp, &opts(Pairing::Independent)).expect("independent");
    let base = &independent.arms[0];
    let mut ratios = Vec::new();
    let mut per_metric = vec![Vec::new(); model::METRIC_COUNT];
    // The same ratio on the common run's own data (Welch from its marginals): isolates the
    // correlation that pairing exploits from the sampling noise between two runs.
    let mut same_data = vec![Vec::new(); model::METRIC_COUNT];
    for c in common.arms.iter().skip(1) {
        for (m, e) in c.effects().iter().enumerate() {
            let paired = e.diff_ci95_high.zip(e.diff_ci95_low).map(|(h, l)| h - l);
            let welch = stats::welch_interval(&common.arms[0].metrics()[m], &c.metrics()[m])
                .map(|w| w.high - w.low);
            if let (Some(p), Some(w)) = (paired, welch)
                && w > 0.0
            {
                same_data[m].push(p / w);
            }
        }
    }
    for (c, i) in common.arms.iter().zip(&independent.arms).skip(1) {
        for (m, e) in c.effects().iter().enumerate() {
            let paired = e.diff_ci95_high.zip(e.diff_ci95_low).map(|(h, l)| h - l);
            let welch =
                stats::welch_interval(&base.metrics()[m], &i.metrics()[m]).map(|w| w.high - w.low);
            if let (Some(p), Some(w)) = (paired, welch)
                && w > 0.0
            {
                ratios.push(p / w);
                per_metric[m].push(p / w);
            }
        }
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    let narrower = ratios.iter().filter(|&&r| r < 1.0).count();
    eprintln!(
        "paired/independent 95% width ratio over {} arm×metric pairs: median {median:.3}, \
         quartiles {:.3}..{:.3}, narrower in {narrower}",
        ratios.len(),
        ratios[ratios.len() / 4],
        ratios[3 * ratios.len() / 4]
    );
    assert!(ratios.len() > 100, "{} pairs", ratios.len());
    assert!(median < 0.9, "median ratio {median}");
    for ((spec, r), q) in model::METRICS
        .iter()
        .zip(&mut per_metric)
        .zip(&mut same_data)
    {
        r.sort_by(f64::total_cmp);
        q.sort_by(f64::total_cmp);
        if !r.is_empty() {
            eprintln!(
                "  {:<28} median {:.3} (same data {:.3})",
                spec.name,
                r[r.len() / 2],
                q[q.len() / 2]
            );
        }
    }
    assert!(
        narrower * 2 > ratios.len(),
        "narrower in {narrower} of {}",
        ratios.len()
    );
}

#[test]
fn independent_pairing_reports_welch_intervals() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let exp = experiment(tmp.path(), 64);
    let opts = RunOptions {
        pairing: Pairing::Independent,
        ..options(2, &tmp.path().join("out"))
    };
    let report = run_with(&exp, &opts, || FakeModel).expect("run");
    let (_, effects) = read_csv(&report.out_dir.join(output::EFFECTS_CSV));
    assert!(
        effects
            .iter()
            .all(|r| r[12] == "welch" && r[2] == "baseline")
    );
    let manifest: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(report.out_dir.join("manifest.json")).expect("read"),
    )
    .expect("json");
    assert_eq!(manifest["pairing"], "independent");
    assert!(
        manifest["effects_interval"]
            .as_str()
            .unwrap()
            .contains("Welch")
    );
}

fn precision_run(half_width: f64, max_trials: u64) -> (RunReport, serde_json::Value) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let exp = experiment(tmp.path(), 50);
    let opts = RunOptions {
        precision: crate::spec::Precision::new("open_war", half_width, max_trials),
        ..options(2, &tmp.path().join("out"))
    };
    let report = run_with(&exp, &opts, || FakeModel).expect("run");
    let manifest = serde_json::from_str(
        &fs::read_to_string(report.out_dir.join("manifest.json")).expect("read"),
    )
    .expect("json");
    let (_, summary) = read_csv(&report.out_dir.join(output::SUMMARY_CSV));
    let n: Vec<u64> = summary
        .iter()
        .filter(|r| r[2] == "attacks")
        .map(|r| r[4].parse().unwrap())
        .collect();
    assert!(
        n.iter().all(|&k| k == report.trials),
        "every arm gets {}",
        report.trials
    );
    (report, manifest)
}

#[test]
fn precision_target_stops_when_met_or_at_the_cap() {
    // Loose: met after the first batch.
    let (report, manifest) = precision_run(0.5, 10_000);
    assert_eq!(report.trials, 50);
    assert_eq!(manifest["trials_per_arm"], 50);
    assert_eq!(manifest["precision"]["met"], true);
    assert_eq!(manifest["precision"]["batches"], 1);
    // Tight but reachable: more batches (50, 100, 200, ...), the final half-width within target.
    let (report, manifest) = precision_run(0.05, 10_000);
    assert!(
        report.trials > 50 && report.trials < 10_000,
        "{}",
        report.trials
    );
    let p = report.precision.expect("outcome");
    assert!(p.met);
    assert!(p.half_width_achieved.unwrap() <= 0.05);
    assert_eq!(manifest["precision"]["met"], true);
    // Too tight for 300 trials (though not for any arm: an event that never happens gets
    // there): stops at max_trials and says so.
    let (report, manifest) = precision_run(0.01, 300);
    assert_eq!(report.trials, 300);
    assert_eq!(manifest["precision"]["met"], false);
    assert_eq!(manifest["trials_per_arm"], 300);
}

#[test]
fn precision_batches_give_the_same_files_as_one_run_of_as_many_trials() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let exp = experiment(tmp.path(), 50);
    let batched = RunOptions {
        precision: crate::spec::Precision::new("open_war", 0.05, 10_000),
        ..options(3, &tmp.path().join("batched"))
    };
    let batched = run_with(&exp, &batched, || FakeModel).expect("batched run");
    assert!(batched.trials > 50);
    let plain_exp = experiment(tmp.path(), batched.trials);
    let plain = run_with(&plain_exp, &options(2, &tmp.path().join("plain")), || {
        FakeModel
    })
    .expect("plain run");
    for file in COMPARED.iter().chain(&[output::SCENARIOS_CSV]) {
        assert_eq!(
            fs::read(batched.out_dir.join(file)).expect("read"),
            fs::read(plain.out_dir.join(file)).expect("read"),
            "{file} differs"
        );
    }
}
