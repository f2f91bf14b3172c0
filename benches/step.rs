//! Criterion benchmark of the model alone: one simulated year of one trial (`Trial::run`,
//! 365 daily steps after a reset) for the status quo and for the comparison's arm with every
//! measure on. Throughput is in simulated days. Run with `cargo bench --bench step`; the
//! whole-program figures (threads, efficiency, memory) come from `deescalate bench`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use experiment::spec::{Overrides, load};
use model::rng::trial_seed;
use model::{DayRecord, Params, Trial};
use std::hint::black_box;
use std::path::Path;

const HORIZON: u32 = 365;

/// The arm `id` of a shipped experiment file.
fn arm(file: &str, id: &str) -> Params {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("configs")
        .join(file);
    let experiment = load(&path, &Overrides::default()).expect("shipped config loads");
    let arm = experiment.arms().find(|a| a.id == id);
    arm.expect("arm exists").into_owned().params
}

fn trial_year(c: &mut Criterion) {
    let mut group = c.benchmark_group("trial_year");
    group.throughput(Throughput::Elements(u64::from(HORIZON)));
    for (name, params) in [
        ("status_quo", arm("status_quo.toml", "baseline")),
        ("all_measures", arm("compare_measures.toml", "all_measures")),
    ] {
        let mut trial = Trial::new();
        let mut days = vec![DayRecord::default(); HORIZON as usize];
        let mut k = 0u64;
        group.bench_function(name, |b| {
            b.iter(|| {
                // A new seed each time: the cost averages over trials, as in a run.
                k += 1;
                black_box(trial.run(&params, HORIZON, trial_seed(1, k, 0), &mut days))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, trial_year);
criterion_main!(benches);
