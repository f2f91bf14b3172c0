//! The daily step allocates nothing: a counting global allocator watches whole trials
//! (reset and every day) after a first warm-up trial has sized the world's buffers.

use deescalate_experiment::spec::Overrides;
use model::rng::trial_seed;
use model::{DayRecord, Params, Trial};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

/// The system allocator, counting allocations made by the current thread (so that other
/// tests' threads do not disturb the count).
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the thread-local may be gone while a thread shuts down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

/// Every arm of the shipped comparison: the status quo, each measure alone and all of them
/// together (from day 90 for some), so ceasefires, agreements and verification run too.
fn shipped_arms() -> Vec<Params> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/compare_measures.toml");
    let experiment =
        deescalate_experiment::spec::load(&path, &Overrides::default()).expect("shipped");
    experiment.arms().map(|a| a.into_owned().params).collect()
}

/// A network that grows fast and splits often, at war-prone thresholds.
fn escalating() -> Params {
    let mut p = Params::default();
    p.militants.recruitment_rate = 0.01;
    p.militants.split_strength = 120.0;
    p.pakistan.strike_threshold = 0.1;
    p.pakistan.war_threshold = 0.1;
    p
}

#[test]
fn trials_allocate_nothing_after_the_first() {
    const HORIZON: u32 = 365;
    let mut days = vec![DayRecord::default(); HORIZON as usize];
    let mut arms = shipped_arms();
    arms.push(escalating());
    for params in arms {
        let mut trial = Trial::new();
        // The first trial builds the world and its buffers.
        trial.run(&params, HORIZON, trial_seed(1, 0, 0), &mut days);
        let before = allocations();
        let mut attacks = 0.0;
        for k in 1..20 {
            attacks += trial
                .run(&params, HORIZON, trial_seed(1, k, 0), &mut days)
                .attacks;
        }
        let during = allocations() - before;
        assert!(attacks > 0.0, "the trials did something");
        assert_eq!(during, 0, "{during} allocations in 19 trials after warm-up");
    }
    // The counter does count: a vector allocates.
    let before = allocations();
    let v: Vec<u64> = Vec::with_capacity(16);
    assert!(allocations() > before, "the counting allocator counts");
    drop(v);
}
