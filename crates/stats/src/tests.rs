//! Tests of the accumulators: exact merging, summaries against naive computations, intervals
//! against hand-computed values, quantile accuracy.

use super::*;
use model::{Better, DayRecord, METRICS, MetricKind, MetricSpec, Outcomes};
use rand::{RngExt, SeedableRng, seq::SliceRandom};
use rand_chacha::ChaCha8Rng;

const REAL: MetricSpec = MetricSpec {
    name: "test_real",
    unit: "x",
    definition: "a real-valued test metric",
    kind: MetricKind::Real,
    resolution: 0.001,
    always_defined: true,
    better: Better::Neither,
};

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// A mix of small integers, negatives, continuous values and large magnitudes.
fn mixed_values(rng: &mut ChaCha8Rng, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| match i % 4 {
            0 => f64::from(rng.random_range(-50i32..50)),
            1 => rng.random::<f64>() * 10.0,
            2 => -(rng.random::<f64>() * 1e7),
            _ => (rng.random::<f64>() * 30.0).exp(),
        })
        .collect()
}

/// Splits `values` into random contiguous parts after shuffling them.
fn random_parts(rng: &mut ChaCha8Rng, values: &[f64]) -> Vec<Vec<f64>> {
    let mut shuffled = values.to_vec();
    shuffled.shuffle(rng);
    let mut parts = Vec::new();
    let mut rest = &shuffled[..];
    while !rest.is_empty() {
        let take = rng.random_range(1..=rest.len().min(97) as u32) as usize;
        parts.push(rest[..take].to_vec());
        rest = &rest[take..];
    }
    parts
}

fn acc_of(values: &[f64], resolution: f64) -> MetricAcc {
    let mut acc = MetricAcc::new(resolution);
    values.iter().for_each(|&v| acc.push(v));
    acc
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("serializable")
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

#[test]
fn metric_merge_is_byte_identical_for_any_split_and_order() {
    let mut r = rng(1);
    let values = mixed_values(&mut r, 5000);
    let reference = json(&acc_of(&values, 0.001));
    for _ in 0..5 {
        let mut parts: Vec<MetricAcc> = random_parts(&mut r, &values)
            .iter()
            .map(|p| acc_of(p, 0.001))
            .collect();
        parts.shuffle(&mut r);
        let mut total = MetricAcc::new(0.001);
        for part in &parts {
            total += part;
        }
        assert_eq!(json(&total), reference);
    }
}

#[test]
fn accumulators_round_trip_through_json() {
    let mut r = rng(2);
    let mut acc = acc_of(&mixed_values(&mut r, 1000), 1e-6);
    acc.push(9.0e12); // q² ≈ 8e37: needs i128 in JSON
    let text = json(&acc);
    let back: MetricAcc = serde_json::from_str(&text).expect("round trip");
    assert_eq!(back, acc);
    assert_eq!(json(&back), text);

    let mut arm = ArmStats::new(false, 3);
    arm.record_trial(
        &Outcomes {
            attacks: 3.0,
            ..Default::default()
        },
        &Outcomes::default(),
        &[DayRecord::default(); 3],
    );
    let text = json(&arm);
    let back: ArmStats = serde_json::from_str(&text).expect("round trip");
    assert_eq!(back, arm);
}

#[test]
fn arm_stats_merge_is_order_independent() {
    let mut r = rng(3);
    let trials: Vec<(Outcomes, Outcomes, Vec<DayRecord>)> = (0..300)
        .map(|_| {
            let mut o = Outcomes {
                attacks: f64::from(r.random_range(0..40u32)),
                ..Default::default()
            };
            o.final_trust_pk_in_af = r.random::<f64>();
            o.days_to_open_war = r
                .random_bool(0.3)
                .then(|| f64::from(r.random_range(1..365u32)));
            let b = Outcomes {
                attacks: f64::from(r.random_range(0..40u32)),
                ..Default::default()
            };
            let days = (0..10u32)
                .map(|d| DayRecord {
                    rung: r.random_range(0..6u8),
                    cumulative_attacks: d * 2,
                    cumulative_fatalities: d,
                })
                .collect();
            (o, b, days)
        })
        .collect();
    let record = |subset: &[(Outcomes, Outcomes, Vec<DayRecord>)]| {
        let mut arm = ArmStats::new(false, 10);
        subset
            .iter()
            .for_each(|(o, b, d)| arm.record_trial(o, b, d));
        arm
    };
    let reference = json(&record(&trials));
    let mut parts: Vec<ArmStats> = trials.chunks(37).map(record).collect();
    parts.reverse();
    let mut total = ArmStats::new(false, 10);
    parts.iter().for_each(|p| total += p);
    assert_eq!(json(&total), reference);
    assert_eq!(
        total.metrics()[1].n(),
        trials
            .iter()
            .filter(|t| t.0.days_to_open_war.is_some())
            .count() as u64
    );
}

#[test]
fn summary_matches_naive_f64_computation() {
    let mut r = rng(4);
    let values: Vec<f64> = (0..2000)
        .map(|_| ((r.random::<f64>() * 5000.0).round() / 1000.0) - 1.0)
        .collect();
    let s = acc_of(&values, REAL.resolution).summary(&REAL);
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    assert_eq!(s.n, 2000);
    assert!(close(s.mean.unwrap(), mean, 1e-12));
    assert!(close(s.sd.unwrap(), sd, 1e-9));
    let half = t_quantile_975(n - 1.0).unwrap() * sd / n.sqrt();
    assert!(
        close(s.ci95_low.unwrap(), mean - half, 1e-9)
            && close(s.ci95_high.unwrap(), mean + half, 1e-9)
    );
    let lo = values.iter().cloned().fold(f64::INFINITY, f64::min);
    assert!(close(s.min.unwrap(), lo, 1e-12));
}

#[test]
fn t_interval_matches_hand_computation() {
    // 2,4,4,4,5,5,7,9: mean 5, sd √(32/7) = 2.138090, t(0.975; 7) = 2.364624,
    // half width 2.364624 · 2.138090 / √8 = 1.787488.
    let s = acc_of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0], 1.0).summary(&METRICS[2]);
    assert_eq!(s.mean, Some(5.0));
    assert!(close(s.sd.unwrap(), 2.138090, 1e-6));
    assert!(
        close(s.ci95_low.unwrap(), 3.212512, 1e-6),
        "{:?}",
        s.ci95_low
    );
    assert!(
        close(s.ci95_high.unwrap(), 6.787488, 1e-6),
        "{:?}",
        s.ci95_high
    );
    assert!(close(t_quantile_975(7.0).unwrap(), 2.364624, 1e-6));
}

#[test]
fn wilson_interval_matches_known_value() {
    let ci = wilson_interval(0.8, 10).unwrap();
    assert!(
        (ci.low - 0.4902).abs() < 5e-5 && (ci.high - 0.9433).abs() < 5e-5,
        "{ci:?}"
    );
    let mut acc = MetricAcc::for_metric(&METRICS[0]);
    [1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0]
        .iter()
        .for_each(|&v| acc.push(v));
    let s = acc.summary(&METRICS[0]);
    assert_eq!((s.ci95_low, s.ci95_high), (Some(ci.low), Some(ci.high)));
    let none = wilson_interval(0.0, 20).unwrap();
    assert!(
        none.low == 0.0 && none.high > 0.15 && none.high < 0.17,
        "{none:?}"
    );
}

#[test]
fn wilson_bounds_are_exact_at_no_and_all_events() {
    // Rounding once left 2.2e-19 as the lower bound at p = 0 (above the mean).
    for n in 1..=5000 {
        let none = wilson_interval(0.0, n).unwrap();
        let all = wilson_interval(1.0, n).unwrap();
        assert!(none.low == 0.0 && none.high > 0.0, "n={n} {none:?}");
        assert!(all.high == 1.0 && all.low < 1.0, "n={n} {all:?}");
    }
}

#[test]
fn quantiles_are_exact_on_small_integers() {
    let mut values: Vec<f64> = (1..=100).map(f64::from).collect();
    values.shuffle(&mut rng(5));
    let s = acc_of(&values, 1.0).summary(&METRICS[2]);
    assert_eq!(
        [s.p05, s.p25, s.p50, s.p75, s.p95],
        [Some(5.0), Some(25.0), Some(50.0), Some(75.0), Some(95.0)]
    );
    assert_eq!((s.min, s.max), (Some(1.0), Some(100.0)));
    let negatives = acc_of(&[-3.0, -1.0, -2.0], 1.0).summary(&METRICS[2]);
    assert_eq!(
        (negatives.p50, negatives.min, negatives.max),
        (Some(-2.0), Some(-3.0), Some(-1.0))
    );
}

#[test]
fn quantiles_are_within_stated_relative_error_on_continuous_data() {
    let mut r = rng(6);
    let values: Vec<f64> = (0..20_000)
        .map(|_| {
            (r.random::<f64>() * 20.0 - 5.0).exp() * if r.random_bool(0.2) { -1.0 } else { 1.0 }
        })
        .collect();
    let resolution = 1e-6;
    let acc = acc_of(&values, resolution);
    let mut sorted: Vec<f64> = values
        .iter()
        .map(|v| (v / resolution).round() * resolution)
        .collect();
    sorted.sort_by(f64::total_cmp);
    let got = acc.quantiles([50, 250, 500, 750, 950]);
    for (permille, got) in [50u64, 250, 500, 750, 950].into_iter().zip(got) {
        let rank = (permille * sorted.len() as u64).div_ceil(1000) as usize;
        let exact = sorted[rank - 1];
        let err = (got.unwrap() - exact).abs();
        assert!(
            err <= exact.abs() / 2048.0 + resolution,
            "p{permille}: {got:?} vs {exact}"
        );
    }
}

#[test]
fn empty_and_single_value_summaries_are_partial() {
    let empty = MetricAcc::new(1.0).summary(&METRICS[2]);
    assert_eq!(
        (empty.n, empty.mean, empty.p50, empty.min),
        (0, None, None, None)
    );
    let one = acc_of(&[4.0], 1.0).summary(&METRICS[2]);
    assert_eq!(
        (one.mean, one.sd, one.ci95_low, one.p95),
        (Some(4.0), None, None, Some(4.0))
    );
}

#[test]
fn paired_summary_matches_hand_computation() {
    // d = 1,0,2,1: mean 1, sd √(2/3), t(0.975; 3) = 3.182446, half 3.182446 · 0.816497 / 2.
    let mut acc = PairedAcc::new(1.0);
    for (b, s) in [(1.0, 2.0), (2.0, 2.0), (3.0, 5.0), (4.0, 5.0)] {
        acc.push(b, s);
    }
    let p = acc.summary();
    assert_eq!(
        (p.n, p.baseline_mean, p.scenario_mean, p.diff),
        (4, Some(2.5), Some(3.5), Some(1.0))
    );
    let half = 3.182446 * (2.0f64 / 3.0).sqrt() / 2.0;
    assert!(
        close(p.diff_ci95_low.unwrap(), 1.0 - half, 1e-6)
            && close(p.diff_ci95_high.unwrap(), 1.0 + half, 1e-6)
    );
    assert!(close(p.rel_change.unwrap(), 0.4, 1e-12));
    let mut zero = PairedAcc::new(1.0);
    zero.push(0.0, 1.0);
    assert_eq!(zero.summary().rel_change, None);
}

#[test]
fn welch_interval_matches_hand_computation() {
    // a = 1,2,3,4 (var 5/3), b = 2,4,6,8 (var 20/3): se² = 25/12, df = 4.411765.
    let a = acc_of(&[1.0, 2.0, 3.0, 4.0], 1.0);
    let b = acc_of(&[2.0, 4.0, 6.0, 8.0], 1.0);
    let ci = welch_interval(&a, &b).unwrap();
    let half = t_quantile_975(4.411765).unwrap() * (25.0f64 / 12.0).sqrt();
    assert!(
        close(ci.low, 2.5 - half, 1e-6) && close(ci.high, 2.5 + half, 1e-6),
        "{ci:?}"
    );
    assert!(half > 2.5 * 1.2 && half < 4.5, "{half}");
}

#[test]
fn timeseries_rows_average_over_trials() {
    let mut ts = TimeseriesAcc::new(2);
    ts.record(&[
        DayRecord {
            rung: 0,
            cumulative_attacks: 1,
            cumulative_fatalities: 0,
        },
        DayRecord {
            rung: 2,
            cumulative_attacks: 3,
            cumulative_fatalities: 4,
        },
    ]);
    ts.record(&[
        DayRecord {
            rung: 1,
            cumulative_attacks: 0,
            cumulative_fatalities: 0,
        },
        DayRecord {
            rung: 4,
            cumulative_attacks: 5,
            cumulative_fatalities: 6,
        },
    ]);
    let rows: Vec<_> = ts.rows().collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].day, rows[0].mean_rung, rows[0].share_rung[0]),
        (1, 0.5, 0.5)
    );
    assert_eq!(
        (
            rows[1].mean_rung,
            rows[1].mean_cumulative_attacks,
            rows[1].mean_cumulative_fatalities
        ),
        (3.0, 4.0, 5.0)
    );
    assert_eq!(TimeseriesAcc::new(2).rows().count(), 0);
}

#[test]
fn t_quantiles_are_accurate_for_large_samples() {
    for (df, expected) in [
        (1.0, 12.706205),
        (30.0, 2.042272),
        (1000.0, 1.962339),
        (1001.0, 1.962335),
        (1e4, 1.960201),
        (1e6, 1.959966),
        (1e9, 1.959964),
    ] {
        assert!(
            close(t_quantile_975(df).unwrap(), expected, 1e-6),
            "df {df}: {:?}",
            t_quantile_975(df)
        );
    }
}

/// A non-negative metric's t interval does not reach below 0 (a skewed count in a small run).
#[test]
fn intervals_of_non_negative_metrics_stop_at_zero() {
    let spec = model::METRICS
        .iter()
        .find(|m| m.name == "days_rung_5")
        .unwrap();
    let mut acc = MetricAcc::for_metric(spec);
    for v in [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 40.0] {
        acc.push(v);
    }
    let s = acc.summary(spec);
    assert_eq!(s.ci95_low, Some(0.0));
    assert!(s.ci95_high.unwrap() > 4.0);
}

/// Statistics read back from a file are checked: counts that disagree with the histogram, a
/// sum of squares below what the sum implies, or a sum outside n × [min, max] are refused.
#[test]
fn damaged_accumulators_fail_their_check() {
    let mut arm = ArmStats::new(false, 3);
    for k in 0..20u32 {
        let outcomes = model::Outcomes {
            attacks: f64::from(k % 7),
            final_militant_strength: 100.0 + f64::from(k),
            ..Default::default()
        };
        arm.record_trial(
            &outcomes,
            &model::Outcomes::default(),
            &[model::DayRecord::default(); 3],
        );
    }
    assert_eq!(arm.check(20), Ok(()));
    assert!(
        arm.check(21).is_err(),
        "the trial count is part of the check"
    );
    let text = serde_json::to_string(&arm).expect("serialisable");
    let damaged = |from: &str, to: &str| -> ArmStats {
        assert!(text.contains(from), "{from}");
        serde_json::from_str(&text.replacen(from, to, 1)).expect("still parses")
    };
    // The first metric is open_war (always 0 here): n = 20, Σq = 0, Σq² = 0.
    for (from, to, what) in [
        ("\"n\":20", "\"n\":19", "n disagrees with the histogram"),
        ("\"sum_sq\":0", "\"sum_sq\":-1", "a negative sum of squares"),
        ("\"sum\":0", "\"sum\":5", "a sum outside n × [min, max]"),
    ] {
        let err = damaged(from, to).check(20).expect_err(what);
        assert!(err.starts_with("open_war"), "{what}: {err}");
    }
}
