//! Small drawing helpers shared by the mechanisms. Each consumes exactly one 32-bit number
//! from the stream it is given whatever its probability or mean, so a measure that changes a
//! probability or a mean does not shift later draws of the same stream. That is why they
//! invert distributions here rather than use rejection samplers. 32 bits resolve
//! probabilities to 2.3e-10, far finer than any of the model's, at half the generator's
//! work of 64-bit draws.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::sync::LazyLock;

/// 2^-32.
const U32_SCALE: f64 = 1.0 / 4_294_967_296.0;

/// A uniform number in the open interval (0, 1) from one 32-bit draw: the midpoint of one of
/// 2^32 equal slots, so it is never 0 or 1 (logarithms and quantiles of it are finite).
#[inline]
pub fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    uniform_of_draw(rng.next_u32())
}

/// The uniform `(bits + 0.5) / 2^32` of one 32-bit draw `bits`.
#[inline]
pub(crate) fn uniform_of_draw(bits: u32) -> f64 {
    (f64::from(bits) + 0.5) * U32_SCALE
}

/// True with probability `p` (p <= 0 never, p >= 1 always); always one draw.
#[inline]
pub fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    uniform(rng) < p
}

/// Means below this are drawn by inversion of the CDF; larger ones by a normal approximation.
const INVERSION_LIMIT: f64 = 30.0;

/// A Poisson count with mean `mean` from one uniform: exact inversion of the CDF for means
/// below 30 (all of this model's Poisson means in practice), else the nearest whole number of
/// a normal approximation with continuity correction (also from one uniform).
#[inline]
pub fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    let u = uniform(rng);
    match PoissonMethod::for_mean(mean) {
        PoissonMethod::Inversion if u < certainly_zero_below(mean) => 0,
        PoissonMethod::Inversion => invert_poisson_settled(u, mean)
            .unwrap_or_else(|| invert_poisson(u, mean, (-mean).exp())),
        PoissonMethod::Normal => normal_poisson(u, mean),
        PoissonMethod::Zero => 0,
    }
}

/// How far the CDF values summed from [`near_exp_neg`] may lie from those summed from
/// `exp`: the start differs by under 3e-14 of itself and each of at most 2 * 64 sums and
/// products rounds differently by at most an ulp, so 1e-12 is a wide margin.
const SETTLED_MARGIN: f64 = 1e-12;

/// Counts the settled inversion goes up to (its sums stay within the margin; the table of
/// reciprocals covers them); a larger count is left to the exact inversion.
const SETTLED_COUNTS: u32 = 63;

/// The inverted count for `u`, the same as [`invert_poisson`] with `exp(-mean)` but summed
/// from [`near_exp_neg`] and stopping at the count, when `u` lies farther than
/// [`SETTLED_MARGIN`] from the CDF values on either side of the count (so that the exact
/// sums could not place it otherwise); `None` otherwise (about one draw in 10^11, and counts
/// beyond [`SETTLED_COUNTS`]), for the exact inversion to settle. Spares most draws an `exp`
/// and the terms beyond their count.
#[inline]
fn invert_poisson_settled(u: f64, mean: f64) -> Option<u32> {
    let mut terms = PoissonTerms::new(mean, near_exp_neg(mean));
    let mut below = f64::NEG_INFINITY;
    while u > terms.cdf {
        if terms.k >= SETTLED_COUNTS {
            return None;
        }
        below = terms.cdf;
        terms.next();
    }
    (u < terms.cdf - SETTLED_MARGIN && u > below + SETTLED_MARGIN).then_some(terms.k)
}

/// Steps of the table of `exp(-j / 64)`.
const EXP_STEPS_PER_UNIT: f64 = 64.0;

/// `exp(-j / 64)` for `j` up to 64 times the inversion limit, computed once per process.
static EXP_NEG_STEPS: LazyLock<Vec<f64>> = LazyLock::new(|| {
    (0..=(INVERSION_LIMIT * EXP_STEPS_PER_UNIT) as usize)
        .map(|j| (-(j as f64) / EXP_STEPS_PER_UNIT).exp())
        .collect()
});

/// `exp(-m)` for `0 <= m < INVERSION_LIMIT` within 3e-14 of itself, without a library call:
/// the table's value at the step below `m` times a Taylor polynomial of the rest `r < 1/64`
/// (whose first omitted term, `r^6 / 720`, is below 2.1e-14). `r` is exact: `m` and the
/// step are within a factor of two of each other.
#[inline]
fn near_exp_neg(m: f64) -> f64 {
    let j = (m * EXP_STEPS_PER_UNIT) as usize;
    let r = m - j as f64 / EXP_STEPS_PER_UNIT;
    let rest = 1.0 - r * (1.0 - r * (0.5 - r * (1.0 / 6.0 - r * (1.0 / 24.0 - r * (1.0 / 120.0)))));
    EXP_NEG_STEPS[j] * rest
}

/// How a Poisson count with a given mean is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PoissonMethod {
    /// By inverting the CDF (means below `INVERSION_LIMIT`).
    Inversion,
    /// By the normal approximation.
    Normal,
    /// Mean 0, negative or not a number: always 0.
    Zero,
}

impl PoissonMethod {
    #[inline]
    fn for_mean(mean: f64) -> Self {
        // The usual case first, in one test that NaN fails too.
        if mean > 0.0 && mean < INVERSION_LIMIT {
            PoissonMethod::Inversion
        } else if mean >= INVERSION_LIMIT && mean.is_finite() {
            PoissonMethod::Normal
        } else {
            PoissonMethod::Zero
        }
    }
}

/// A Poisson distribution whose mean is fixed for the whole trial: its first CDF values are
/// summed once, and a guide table says for each of 256 equal slices of the unit interval
/// the first count whose CDF reaches the slice, so that a draw looks up where to start and
/// usually stops there (no `exp`, no loop over counts; Chen and Asau's indexed search).
/// Draws exactly what [`poisson`] draws for the same mean: the table holds the very sums
/// that `invert_poisson` forms.
#[derive(Debug, Clone, Copy)]
pub struct Poisson {
    mean: f64,
    /// Settled once instead of at every draw.
    method: PoissonMethod,
    /// The CDF at `0..TABLED_COUNTS`.
    cdf: [f64; TABLED_COUNTS],
    /// The probability of the last count in `cdf`, to go on summing from.
    last: f64,
    /// For the draws whose top 8 bits are `b`, the number of counts whose CDF is below
    /// `b / 256`: none of those counts can be the draw's.
    guide: [u8; GUIDE_SLICES],
}

/// Slices of the guide table: the top 8 bits of a draw pick one.
const GUIDE_SLICES: usize = 256;

impl Poisson {
    pub fn new(mean: f64) -> Self {
        let method = PoissonMethod::for_mean(mean);
        let mut terms = PoissonTerms::new(mean, (-mean).exp());
        let mut cdf = [terms.cdf; TABLED_COUNTS];
        for value in &mut cdf[1..] {
            terms.next();
            *value = terms.cdf;
        }
        // The CDF never decreases, so one walk up it fills the guide.
        let mut guide = [0; GUIDE_SLICES];
        let mut below = 0;
        for (slice, start) in guide.iter_mut().enumerate() {
            let low = slice as f64 / GUIDE_SLICES as f64;
            while below < TABLED_COUNTS && cdf[below] < low {
                below += 1;
            }
            *start = below as u8;
        }
        Poisson {
            mean,
            method,
            cdf,
            last: terms.p,
            guide,
        }
    }

    /// One count (one draw).
    #[inline]
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> u32 {
        self.count_of_draw(rng.next_u32())
    }

    /// The count for the uniform `u = (bits + 0.5) / 2^32` of one draw.
    #[inline]
    fn count_of_draw(&self, bits: u32) -> u32 {
        let u = uniform_of_draw(bits);
        match self.method {
            PoissonMethod::Inversion => {}
            PoissonMethod::Zero => return 0,
            PoissonMethod::Normal => return normal_poisson(u, self.mean),
        }
        // Every count below the guide's start has a CDF below the slice's lower end, hence
        // below `u`.
        let mut k = usize::from(self.guide[(bits >> 24) as usize]);
        while k < TABLED_COUNTS && u > self.cdf[k] {
            k += 1;
        }
        if k < TABLED_COUNTS {
            return k as u32;
        }
        PoissonTerms {
            mean: self.mean,
            k: TABLED_COUNTS as u32 - 1,
            p: self.last,
            cdf: self.cdf[TABLED_COUNTS - 1],
        }
        .count_beyond(u)
    }
}

impl Default for Poisson {
    fn default() -> Self {
        Poisson::new(0.0)
    }
}

/// A bound below which a uniform certainly inverts to 0, cheap to compute: the Taylor
/// polynomial `1 - m + m^2/2 - m^3/6` is below `exp(-m)` for every `m >= 0` (the remainder
/// `exp(-t) m^4/24` is positive), and the margin of 1e-12 covers the rounding of this
/// polynomial and of `exp` (about 1e-15 each), so `u` below it is below the computed
/// `exp(-m)` too. Most of this model's means are small, so most draws skip `exp`.
#[inline]
fn certainly_zero_below(mean: f64) -> f64 {
    1.0 - mean * (1.0 - mean * (0.5 - mean * (1.0 / 6.0))) - 1e-12
}

/// `1/k` for the first counts, so that the inversion multiplies instead of dividing (a
/// division's latency would dominate each step of the loop).
const RECIPROCALS: [f64; 64] = {
    let mut table = [0.0; 64];
    let mut k = 1;
    while k < 64 {
        table[k] = 1.0 / k as f64;
        k += 1;
    }
    table
};

/// Counts whose CDF values a fixed-mean [`Poisson`] keeps: a draw among them is settled by
/// comparisons with the table; only a count beyond them takes the loop.
const TABLED_COUNTS: usize = 8;

/// The terms of a Poisson CDF, summed in order: count `k`, its probability `p` and the CDF
/// up to it. Every inversion forms its sums here, so equal means give equal sums.
struct PoissonTerms {
    mean: f64,
    k: u32,
    p: f64,
    cdf: f64,
}

impl PoissonTerms {
    /// The first term, of count 0, from `p0 = exp(-mean)`.
    #[inline]
    fn new(mean: f64, p0: f64) -> Self {
        PoissonTerms {
            mean,
            k: 0,
            p: p0,
            cdf: p0,
        }
    }

    /// Moves to the next count.
    #[inline]
    fn next(&mut self) {
        self.k += 1;
        let reciprocal = match RECIPROCALS.get(self.k as usize) {
            Some(&r) => r,
            None => 1.0 / f64::from(self.k),
        };
        self.p *= self.mean * reciprocal;
        self.cdf += self.p;
    }

    /// The smallest count from this one on whose CDF reaches `u` (at most 1000).
    #[inline]
    fn count_beyond(mut self, u: f64) -> u32 {
        while u > self.cdf && self.k < 1000 {
            self.next();
        }
        self.k
    }
}

/// The smallest `k` whose CDF reaches `u`, summing the probabilities from `p0 = exp(-mean)`:
/// the exact inversion, for the rare draws [`invert_poisson_settled`] leaves (and the
/// reference its tests compare with).
fn invert_poisson(u: f64, mean: f64, p0: f64) -> u32 {
    PoissonTerms::new(mean, p0).count_beyond(u)
}

/// The normal approximation for large means.
fn normal_poisson(u: f64, mean: f64) -> u32 {
    let z = standard_normal_quantile(u);
    (mean + z * mean.sqrt()).round().max(0.0) as u32
}

/// An exponential waiting time with the given mean, by inversion (one draw): `mean` times
/// `-ln u`, interpolated linearly between the values at 4,096 equal bins of `u` except in
/// the first 64 (u < 1/64, where `-ln u` curves too sharply), where it is computed exactly.
/// The interpolation errs by less than 3.1e-5 (under 8e-6 of the value; test
/// `exponential_table_is_close_and_monotone`) and spares a logarithm per attack.
#[inline]
pub fn exponential(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    mean * neg_ln_of_draw(rng.next_u32())
}

/// Bins of `-ln u` computed exactly (u < 1/64).
const EXACT_LN_BINS: usize = 64;

/// `-ln u` at the bin edges from `EXACT_LN_BINS` on, computed once per process.
static NEG_LN_BINS: LazyLock<Vec<(f64, f64)>> = LazyLock::new(|| {
    tabulate_bins(EXACT_LN_BINS..TABLE_BINS, |i| {
        -(i as f64 / TABLE_BINS as f64).ln()
    })
});

/// `-ln u` for the uniform `u = (bits + 0.5) / 2^32` of one draw.
#[inline]
fn neg_ln_of_draw(bits: u32) -> f64 {
    let (bin, within) = bin_of_draw(bits);
    if bin < EXACT_LN_BINS {
        return -uniform_of_draw(bits).ln();
    }
    let (low, rise) = NEG_LN_BINS[bin];
    low + within * rise
}

/// Bins of the tables that invert a curved distribution function by linear interpolation
/// (`-ln u` here, severities in `severity.rs`): 2^12, so the top 12 bits of a draw pick the bin.
pub(crate) const TABLE_BINS: usize = 1 << 12;

/// The bin of a 32-bit draw and where its uniform `(bits + 0.5) / 2^32` lies within the bin,
/// in (0, 1).
#[inline]
pub(crate) fn bin_of_draw(bits: u32) -> (usize, f64) {
    let within = (f64::from(bits & 0xF_FFFF) + 0.5) * (1.0 / 1_048_576.0);
    ((bits >> 20) as usize, within)
}

/// A function's value at the lower edge of `bin` (the uniform `bin / TABLE_BINS`) and its rise
/// across the bin, from `edge(i)`, the value at edge `i`.
#[inline]
pub(crate) fn bin_at(bin: usize, edge: impl Fn(usize) -> f64) -> (f64, f64) {
    let low = edge(bin);
    (low, edge(bin + 1) - low)
}

/// [`bin_at`] for every bin in `interpolated`, `(0, 0)` for the others (whose draws are
/// computed exactly).
pub(crate) fn tabulate_bins(
    interpolated: std::ops::Range<usize>,
    edge: impl Fn(usize) -> f64,
) -> Vec<(f64, f64)> {
    (0..TABLE_BINS)
        .map(|bin| {
            if interpolated.contains(&bin) {
                bin_at(bin, &edge)
            } else {
                (0.0, 0.0)
            }
        })
        .collect()
}

/// Draws at both ends and inside every bin, in increasing order: where tests compare a
/// tabulated inversion with the exact one.
#[cfg(test)]
pub(crate) fn probe_draws() -> impl Iterator<Item = u32> {
    (0..TABLE_BINS as u32).flat_map(|bin| {
        [0, 1, 0x3_0000, 0x8_0000, 0xC_0000, 0xF_FFFF].map(|within| (bin << 20) | within)
    })
}

/// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
pub(crate) fn standard_normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// A uniform index below `n` (n > 0) from one 32-bit draw (never a `usize` draw, for
/// portability): the high half of the draw times `n`, without rejection so the draw count is
/// fixed; the bias is below n / 2^32 (under 4e-8 for the model's at most 160 cells).
#[inline]
pub fn index(rng: &mut ChaCha8Rng, n: usize) -> usize {
    let n = n.max(1) as u64;
    ((u64::from(rng.next_u32()) * n) >> 32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The inverted samplers have the right means and consume a fixed count of draws.
    #[test]
    fn samplers_have_their_means_and_fixed_draw_counts() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 200_000;
        for mean in [0.1, 1.5, 8.0, 45.0] {
            let m: f64 = (0..n)
                .map(|_| f64::from(poisson(&mut rng, mean)))
                .sum::<f64>()
                / n as f64;
            assert!(
                (m - mean).abs() < 0.02 * mean.max(1.0),
                "poisson {mean}: {m}"
            );
        }
        let e: f64 = (0..n).map(|_| exponential(&mut rng, 5.0)).sum::<f64>() / n as f64;
        assert!((e - 5.0).abs() < 0.05, "exponential: {e}");
        // Same stream position after the same calls, whatever the means.
        let (mut a, mut b) = (ChaCha8Rng::seed_from_u64(9), ChaCha8Rng::seed_from_u64(9));
        poisson(&mut a, 0.2);
        poisson(&mut b, 25.0);
        exponential(&mut a, 1.0);
        exponential(&mut b, 90.0);
        assert_eq!(a.next_u64(), b.next_u64());
    }

    /// The tabulated `-ln u` stays within 3.1e-5 of the exact one (checked at both ends and
    /// inside every bin), equals it in the exact bins and never increases with the draw.
    #[test]
    fn exponential_table_is_close_and_monotone() {
        let mut worst: f64 = 0.0;
        let mut previous = f64::INFINITY;
        for bits in probe_draws() {
            let exact = -uniform_of_draw(bits).ln();
            let tabulated = neg_ln_of_draw(bits);
            if bin_of_draw(bits).0 < EXACT_LN_BINS {
                assert_eq!(tabulated, exact, "bits {bits}");
            }
            worst = worst.max((tabulated - exact).abs());
            assert!(tabulated <= previous, "increases at bits {bits}");
            previous = tabulated;
        }
        assert!(worst < 3.1e-5, "largest error {worst}");
        assert!(worst > 0.0, "the table is used");
    }

    /// The inversion gives the count of a plain loop over the CDF, written out here, for
    /// every mean and uniform, also for counts past a fixed-mean table's.
    #[test]
    fn inversion_equals_the_plain_loop() {
        let plain = |u: f64, mean: f64| {
            let (mut k, mut p) = (0u32, (-mean).exp());
            let mut cdf = p;
            while u > cdf && k < 1000 {
                k += 1;
                p *= mean * (1.0 / f64::from(k));
                cdf += p;
            }
            k
        };
        let mut rng = ChaCha8Rng::seed_from_u64(21);
        let mut beyond = 0;
        let mut mean = 1e-3;
        while mean < INVERSION_LIMIT {
            for _ in 0..2_000 {
                let u = uniform(&mut rng);
                let k = invert_poisson(u, mean, (-mean).exp());
                assert_eq!(k, plain(u, mean), "mean {mean} u {u}");
                beyond += usize::from(k as usize >= TABLED_COUNTS);
            }
            mean *= 1.3;
        }
        assert!(beyond > 1_000, "counts past a fixed-mean table's: {beyond}");
    }

    /// The shortcut to 0 never changes a count: wherever it applies, the full inversion also
    /// gives 0, including right below exp(-mean); and a fixed-mean `Poisson` draws exactly
    /// what `poisson` draws.
    #[test]
    fn poisson_shortcuts_give_the_same_counts() {
        let mut mean = 1e-9;
        while mean < INVERSION_LIMIT {
            let p0 = (-mean).exp();
            let bound = certainly_zero_below(mean);
            assert!(bound < p0, "mean {mean}: bound {bound} >= p0 {p0}");
            for u in [
                bound,
                bound.next_down(),
                p0.next_down(),
                p0,
                p0.next_up(),
                0.0,
            ] {
                let full = invert_poisson(u, mean, p0);
                if u < bound {
                    assert_eq!(full, 0, "mean {mean} u {u}");
                }
            }
            mean *= 1.07;
        }
        let (mut a, mut b) = (ChaCha8Rng::seed_from_u64(5), ChaCha8Rng::seed_from_u64(5));
        for mean in [0.0, -1.0, f64::NAN, 0.05, 0.35, 1.2, 7.0, 29.0, 31.0, 400.0] {
            let fixed = Poisson::new(mean);
            for _ in 0..20_000 {
                assert_eq!(fixed.sample(&mut a), poisson(&mut b, mean), "mean {mean}");
            }
        }
    }

    /// `near_exp_neg` stays within 3e-14 of `exp` over the inversion's means, and the
    /// settled inversion gives the exact inversion's count wherever it answers: at both
    /// ends of every bin of draws and right at (and one ulp either side of) each CDF value,
    /// where it must leave the count to the exact sums.
    #[test]
    fn settled_inversion_gives_the_exact_count() {
        let mut worst: f64 = 0.0;
        let mut mean = 1e-6;
        let mut settled = 0;
        while mean < INVERSION_LIMIT {
            let exact = (-mean).exp();
            worst = worst.max((near_exp_neg(mean) / exact - 1.0).abs());
            for bits in probe_draws().step_by(97) {
                let u = uniform_of_draw(bits);
                let count = invert_poisson(u, mean, exact);
                match invert_poisson_settled(u, mean) {
                    Some(settled_count) => {
                        assert_eq!(settled_count, count, "mean {mean} u {u}");
                        settled += 1;
                    }
                    // Draws this far from every CDF value settle unless their count is
                    // beyond the settled ones.
                    None => assert!(count > SETTLED_COUNTS, "mean {mean} u {u}"),
                }
            }
            let mut terms = PoissonTerms::new(mean, exact);
            for _ in 0..=SETTLED_COUNTS + 1 {
                for u in [terms.cdf.next_down(), terms.cdf, terms.cdf.next_up()] {
                    if let Some(count) = invert_poisson_settled(u, mean) {
                        assert_eq!(count, invert_poisson(u, mean, exact), "mean {mean} u {u}");
                    }
                }
                terms.next();
            }
            mean *= 1.11;
        }
        assert!(worst < 3e-14, "largest relative error {worst}");
        assert!(settled > 20_000, "settled {settled}");
    }

    /// The guide table of a fixed-mean `Poisson` never starts past a draw's count: at both
    /// ends and inside every slice, and right at each of its CDF values, it gives the count
    /// of the plain inversion, for means whose counts end inside the table and beyond it.
    #[test]
    fn guide_table_gives_the_inverted_count() {
        let mut mean = 1e-3;
        while mean < INVERSION_LIMIT {
            let fixed = Poisson::new(mean);
            let slice_draws = (0..GUIDE_SLICES as u32).flat_map(|slice| {
                [0, 1, 0x80_0000, 0xFF_FFFF].map(|within| (slice << 24) | within)
            });
            // The draws whose uniforms lie nearest either side of each CDF value.
            let edge_draws = fixed.cdf.iter().flat_map(|&c| {
                let bits = (c / U32_SCALE - 0.5).clamp(0.0, f64::from(u32::MAX)) as u32;
                [bits.saturating_sub(1), bits, bits.saturating_add(1)]
            });
            for bits in slice_draws.chain(edge_draws) {
                let u = uniform_of_draw(bits);
                let expected = invert_poisson(u, mean, (-mean).exp());
                assert_eq!(
                    fixed.count_of_draw(bits),
                    expected,
                    "mean {mean} bits {bits}"
                );
            }
            mean *= 1.25;
        }
    }
}
