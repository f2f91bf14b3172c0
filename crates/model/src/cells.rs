//! The TTP cells, the model's many agents, and the bookkeeping that keeps the daily step
//! cheap. Two daily rules touch every cell alike: recruitment and Pakistan's operations
//! multiply every cell's fighters by one factor, and planning advances every cell's planning
//! by the same chaos-dependent speed. Instead of visiting each cell every day, the cells keep
//! a common factor (`scale`) and a planning clock (`clock`), so those rules cost the same
//! whatever the number of cells, and a pass over the cells happens only when some cell may
//! split or dissolve or gains defectors. The cells due to attack are found through a queue
//! ordered by due time (a binary heap), so a day costs in proportion to the cells that act.

/// A TTP cell, as a value (for placing it and for tests).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Cell {
    /// Border sector whose Afghan side holds its sanctuary and through which it infiltrates.
    pub sector: u8,
    /// Fighters.
    pub strength: f64,
    /// Planning days left before its next attack (counts down faster in chaos).
    pub planning_left: f64,
}

/// The TTP cells, one column per state variable (cell `i` is entry `i` of each); the columns
/// always have the same length. Cells keep their order as long as they exist (a new cell goes
/// to the end), so "in cell order" is well defined.
#[derive(Debug, Clone)]
pub struct Cells {
    sector: Vec<u8>,
    /// Each cell's fighters divided by `scale`.
    base: Vec<f64>,
    /// The planning clock's reading at which each cell's planning is done.
    due: Vec<f64>,
    /// The common factor of every cell's fighters.
    scale: f64,
    /// Sum of `base`, kept up to date at every change (fighters in all = scale * base_sum).
    base_sum: f64,
    /// At least the largest and at most the smallest `base` (bounds, exact after a pass), so
    /// that whether a cell may split or dissolve is known without a pass.
    base_high: f64,
    base_low: f64,
    /// Planning days elapsed for every cell: the sum of the daily planning speeds.
    clock: f64,
    /// The cells as a binary min-heap of (due, cell): entry 0 is a cell due first, and no
    /// entry is due later than its children (entries `2k + 1` and `2k + 2` of entry `k`).
    /// Each entry keeps a copy of its cell's `due`, so that comparisons read the queue only.
    /// The cells' entries are followed by [`SENTINEL`], so that an entry with a left child
    /// always has a right one to compare with.
    queue: Vec<(f64, u32)>,
    /// The queue places of the cells due today, in place order (the first ones of a buffer
    /// with room for every cell and two more), and those cells in cell order (room kept:
    /// `act_when_due` must not allocate).
    ready_places: Vec<u32>,
    ready_cells: Vec<u32>,
}

/// Beyond these the common factor is folded into the cells (it never gets there in a year of
/// ordinary growth and losses; the bound keeps `base` far from underflow and overflow).
const SCALE_RANGE: std::ops::RangeInclusive<f64> = 1e-100..=1e100;

impl Cells {
    /// No cells, with room for `capacity` without allocating.
    pub fn with_capacity(capacity: usize) -> Self {
        Cells {
            sector: Vec::with_capacity(capacity),
            base: Vec::with_capacity(capacity),
            due: Vec::with_capacity(capacity),
            queue: {
                let mut queue = Vec::with_capacity(capacity + 1);
                queue.push(SENTINEL);
                queue
            },
            ready_places: vec![0; capacity + 2],
            ready_cells: Vec::with_capacity(capacity),
            scale: 1.0,
            base_sum: 0.0,
            base_high: f64::NEG_INFINITY,
            base_low: f64::INFINITY,
            clock: 0.0,
        }
    }

    pub fn len(&self) -> usize {
        self.base.len()
    }

    pub fn is_empty(&self) -> bool {
        self.base.is_empty()
    }

    /// Cells that fit without allocating.
    pub fn capacity(&self) -> usize {
        self.sector
            .capacity()
            .min(self.base.capacity())
            .min(self.due.capacity())
            .min(self.queue.capacity() - 1)
            .min(self.ready_places.len() - 2)
            .min(self.ready_cells.capacity())
    }

    /// Removes every cell and resets the common factor and the planning clock.
    pub fn clear(&mut self) {
        self.sector.clear();
        self.base.clear();
        self.due.clear();
        self.scale = 1.0;
        self.clock = 0.0;
        self.refresh();
        self.requeue();
    }

    /// Adds a cell at the end.
    pub fn push(&mut self, cell: Cell) {
        let base = cell.strength / self.scale;
        let due = self.clock + cell.planning_left;
        let cell_index = self.due.len() as u32;
        self.sector.push(cell.sector);
        self.base.push(base);
        self.due.push(due);
        self.queue.pop();
        self.queue.push((due, cell_index));
        sift_up(&mut self.queue);
        self.queue.push(SENTINEL);
        if self.ready_places.len() < self.due.len() + 2 {
            // Beyond the capacity (the vectors above grew too).
            self.ready_places.resize(self.due.len() + 2, 0);
        }
        self.base_sum += base;
        self.base_high = self.base_high.max(base);
        self.base_low = self.base_low.min(base);
    }

    /// Cell `i` as a value.
    pub fn get(&self, i: usize) -> Cell {
        Cell {
            sector: self.sector[i],
            strength: self.strength(i),
            planning_left: self.due[i] - self.clock,
        }
    }

    pub fn sector(&self, i: usize) -> u8 {
        self.sector[i]
    }

    pub fn set_sector(&mut self, i: usize, sector: u8) {
        self.sector[i] = sector;
    }

    /// Fighters of cell `i`.
    #[inline]
    pub fn strength(&self, i: usize) -> f64 {
        self.base[i] * self.scale
    }

    /// Sets the fighters of cell `i`.
    #[inline]
    pub fn set_strength(&mut self, i: usize, strength: f64) {
        let base = strength / self.scale;
        self.base_sum += base - self.base[i];
        self.base[i] = base;
        self.base_high = self.base_high.max(base);
        self.base_low = self.base_low.min(base);
    }

    /// Total fighters.
    #[inline]
    pub fn total_strength(&self) -> f64 {
        (self.base_sum * self.scale).max(0.0)
    }

    /// Multiplies every cell's fighters by `factor` (>= 0), without visiting the cells.
    pub fn scale_strength(&mut self, factor: f64) {
        self.scale *= factor;
        if !SCALE_RANGE.contains(&self.scale) {
            self.fold_scale();
        }
    }

    /// Adds `fighters` to every cell.
    pub fn add_strength(&mut self, fighters: f64) {
        let added = fighters / self.scale;
        for base in &mut self.base {
            *base += added;
        }
        self.refresh();
    }

    /// Whether some cell may be stronger than `above` or weaker than `below` (never false
    /// when one is; true at worst on a day when none is, which costs a pass).
    #[inline]
    pub fn may_leave(&self, below: f64, above: f64) -> bool {
        self.base_high * self.scale > above || self.base_low * self.scale < below
    }

    /// Keeps the cells of at least `min_strength` fighters, in their order.
    pub fn retain_at_least(&mut self, min_strength: f64) {
        let mut kept = 0;
        for i in 0..self.len() {
            if self.strength(i) >= min_strength {
                self.sector[kept] = self.sector[i];
                self.base[kept] = self.base[i];
                self.due[kept] = self.due[i];
                kept += 1;
            }
        }
        self.sector.truncate(kept);
        self.base.truncate(kept);
        self.due.truncate(kept);
        self.refresh();
        self.requeue();
    }

    /// Advances every cell's planning by `days`.
    #[inline]
    pub fn advance_planning(&mut self, days: f64) {
        self.clock += days;
    }

    /// Puts off cell `i`'s attack by `days`.
    pub fn delay_planning(&mut self, i: usize, days: f64) {
        // Only later, so the cell can only move down the queue. Rare: its place is looked up.
        self.due[i] += days.max(0.0);
        if let Some(at) = self.queue.iter().position(|&(_, cell)| cell as usize == i) {
            self.queue[at].0 = self.due[i];
            sift_down(&mut self.queue, at);
        }
    }

    /// Lets every cell whose planning is done act, in cell order: `act(sector, strength)`
    /// returns the cell's next planning days and its fighters afterwards. Costs one
    /// comparison on a day when no cell is due.
    #[inline]
    pub fn act_when_due(&mut self, mut act: impl FnMut(u8, f64) -> (f64, f64)) {
        let clock = self.clock;
        if self.queue[0].0 > clock {
            return;
        }
        // The due cells are a subtree at the top of the queue (a cell is due no later than
        // its children): walk it breadth-first, which notes their places in increasing order.
        // Each child's place is written, and counted only if it is due (no branch on it).
        let cells = self.queue.len() - 1;
        let places = &mut self.ready_places;
        places[0] = 0;
        let (mut count, mut next) = (1, 0);
        while next < count {
            let left = 2 * places[next] as usize + 1;
            next += 1;
            if left < cells {
                for child in [left, left + 1] {
                    places[count] = child as u32;
                    count += usize::from(self.queue[child].0 <= clock);
                }
            }
        }
        self.ready_cells.clear();
        self.ready_cells
            .extend(places[..count].iter().map(|&at| self.queue[at as usize].1));
        sort_few(&mut self.ready_cells);
        for k in 0..self.ready_cells.len() {
            let i = self.ready_cells[k] as usize;
            let (planning, strength) = act(self.sector[i], self.strength(i));
            self.due[i] = clock + planning;
            self.set_strength(i, strength);
        }
        // Only the due cells' entries changed (later), and every entry above one of them is
        // one of them: moving them down deepest first restores the queue, as when building a
        // heap. Moving one down touches only places below it, so the places still to move
        // hold the same cells.
        for &at in self.ready_places[..count].iter().rev() {
            let at = at as usize;
            self.queue[at].0 = self.due[self.queue[at].1 as usize];
            sift_down(&mut self.queue, at);
        }
    }

    /// Folds the common factor into the cells.
    fn fold_scale(&mut self) {
        for base in &mut self.base {
            *base *= self.scale;
        }
        self.scale = 1.0;
        self.refresh();
    }

    /// Recomputes the total and the bounds exactly (after a pass that changed many cells).
    pub fn refresh(&mut self) {
        self.base_sum = self.base.iter().sum();
        self.base_high = -smallest_by(&self.base, |x| -x);
        self.base_low = smallest(&self.base);
    }

    /// Builds the queue afresh (after cells were removed, which renumbers the rest).
    fn requeue(&mut self) {
        self.queue.clear();
        self.queue
            .extend(self.due.iter().zip(0..).map(|(&due, cell)| (due, cell)));
        self.queue.push(SENTINEL);
        for at in (0..self.due.len() / 2).rev() {
            sift_down(&mut self.queue, at);
        }
    }
}

/// Sorts the day's due cells: usually one or two, which take no sorting routine.
fn sort_few(cells: &mut [u32]) {
    match cells {
        [] | [_] => {}
        [a, b] => (*a, *b) = ((*a).min(*b), (*a).max(*b)),
        more => more.sort_unstable(),
    }
}

/// The entry after the cells' in the queue: never due, never a cell.
const SENTINEL: (f64, u32) = (f64::INFINITY, u32::MAX);

/// Moves the last entry of a queue up to where it is due no earlier than its parent.
fn sift_up(queue: &mut [(f64, u32)]) {
    let Some(mut at) = queue.len().checked_sub(1) else {
        return;
    };
    let entry = queue[at];
    while at > 0 {
        let parent = (at - 1) / 2;
        let above = queue[parent];
        if above.0 <= entry.0 {
            break;
        }
        queue[at] = above;
        at = parent;
    }
    queue[at] = entry;
}

/// Moves the queue's entry at `at` down to where it is due no later than its children (the
/// queue ends with [`SENTINEL`]). The earlier child is picked by arithmetic, not a branch:
/// which one it is follows no pattern a processor could predict.
fn sift_down(queue: &mut [(f64, u32)], mut at: usize) {
    let entry = queue[at];
    let cells = queue.len() - 1;
    loop {
        let left = 2 * at + 1;
        if left >= cells {
            break;
        }
        let child = left + usize::from(queue[left + 1].0 < queue[left].0);
        let below = queue[child];
        if below.0 >= entry.0 {
            break;
        }
        queue[at] = below;
        at = child;
    }
    queue[at] = entry;
}

/// The smallest value (infinity if none).
fn smallest(values: &[f64]) -> f64 {
    smallest_by(values, |x| x)
}

/// The smallest `key(value)` (infinity if none), in eight interleaved lanes with a plain
/// comparison (no NaN handling: there are none), so that it compiles to vector minimums
/// rather than one long chain of dependent ones.
#[inline]
fn smallest_by(values: &[f64], key: impl Fn(f64) -> f64) -> f64 {
    let mut lanes = [f64::INFINITY; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, &x) in lanes.iter_mut().zip(chunk) {
            let x = key(x);
            *lane = if x < *lane { x } else { *lane };
        }
    }
    for &x in rest {
        let x = key(x);
        lanes[0] = if x < lanes[0] { x } else { lanes[0] };
    }
    lanes
        .into_iter()
        .fold(f64::INFINITY, |a, b| if b < a { b } else { a })
}

impl Default for Cells {
    fn default() -> Self {
        Cells::with_capacity(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::{index, uniform};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// The common factor and the planning clock are bookkeeping only: a random run of every
    /// operation gives the strengths, totals and due cells (in cell order) of cells updated one
    /// by one, and `may_leave` is never false while some cell is beyond either bound.
    #[test]
    fn lazy_updates_equal_updating_every_cell() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut cells = Cells::with_capacity(200);
        let mut naive: Vec<Cell> = Vec::new();
        for i in 0..40 {
            let cell = Cell {
                sector: (i % 8) as u8,
                strength: 50.0 + 100.0 * uniform(&mut rng),
                planning_left: 40.0 * uniform(&mut rng),
            };
            cells.push(cell);
            naive.push(cell);
        }
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(1.0);
        let (below, above) = (30.0, 170.0);
        for _day in 0..2000 {
            let factor = 0.97 + 0.06 * uniform(&mut rng);
            cells.scale_strength(factor);
            naive.iter_mut().for_each(|c| c.strength *= factor);
            let speed = 0.5 + uniform(&mut rng);
            cells.advance_planning(speed);
            naive.iter_mut().for_each(|c| c.planning_left -= speed);
            let mut acted = Vec::new();
            cells.act_when_due(|sector, strength| {
                acted.push((sector, strength));
                (30.0, strength * 0.9)
            });
            let mut expected = Vec::new();
            for c in naive.iter_mut().filter(|c| c.planning_left <= 0.0) {
                expected.push((c.sector, c.strength));
                c.planning_left = 30.0;
                c.strength *= 0.9;
            }
            assert_eq!(acted.len(), expected.len());
            for (a, e) in acted.iter().zip(&expected) {
                assert!(a.0 == e.0 && close(a.1, e.1), "{a:?} vs {e:?}");
            }
            match index(&mut rng, 4) {
                0 if !naive.is_empty() => {
                    let i = index(&mut rng, naive.len());
                    let strength = naive[i].strength * 0.5;
                    cells.set_strength(i, strength);
                    naive[i].strength = strength;
                    cells.delay_planning(i, 5.0);
                    naive[i].planning_left += 5.0;
                }
                1 => {
                    cells.add_strength(3.0);
                    naive.iter_mut().for_each(|c| c.strength += 3.0);
                }
                2 if naive.len() < 150 => {
                    let cell = Cell {
                        sector: 3,
                        strength: 60.0,
                        planning_left: 10.0,
                    };
                    cells.push(cell);
                    naive.push(cell);
                }
                _ => {}
            }
            let beyond = naive
                .iter()
                .any(|c| c.strength < below || c.strength > above);
            if beyond {
                assert!(cells.may_leave(below, above));
                cells.retain_at_least(below);
                naive.retain(|c| c.strength >= below);
                for (i, cell) in naive.iter_mut().enumerate() {
                    if cells.strength(i) > above {
                        let half = cells.strength(i) / 2.0;
                        cells.set_strength(i, half);
                        cell.strength = half;
                    }
                }
                cells.refresh();
            }
            assert_eq!(cells.len(), naive.len());
            for (i, c) in naive.iter().enumerate() {
                let got = cells.get(i);
                assert!(got.sector == c.sector && close(got.strength, c.strength));
                assert!(close(got.planning_left, c.planning_left));
            }
            let total: f64 = naive.iter().map(|c| c.strength).sum();
            assert!(close(cells.total_strength(), total));
        }
    }

    /// Cells pushed beyond the capacity they were made with act as the others do.
    #[test]
    fn cells_beyond_the_capacity_act_in_cell_order() {
        let mut cells = Cells::with_capacity(2);
        for i in 0..10 {
            cells.push(Cell {
                sector: i,
                strength: 10.0,
                planning_left: f64::from(10 - i),
            });
        }
        cells.advance_planning(10.0);
        let mut acted = Vec::new();
        cells.act_when_due(|sector, strength| {
            acted.push(sector);
            (5.0, strength)
        });
        assert_eq!(acted, (0..10).collect::<Vec<u8>>());
        assert!((cells.get(9).planning_left - 5.0).abs() < 1e-12);
    }

    /// A factor of zero empties every cell and leaves the cells usable.
    #[test]
    fn scaling_to_zero_folds_the_factor() {
        let mut cells = Cells::with_capacity(4);
        cells.push(Cell {
            sector: 0,
            strength: 10.0,
            planning_left: 1.0,
        });
        cells.scale_strength(0.0);
        assert_eq!(cells.total_strength(), 0.0);
        cells.set_strength(0, 5.0);
        assert_eq!(cells.strength(0), 5.0);
        assert_eq!(cells.total_strength(), 5.0);
    }
}
