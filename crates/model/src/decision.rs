//! Smooth decisions: where the world is uncertain, the chance that an actor takes a step
//! rises smoothly with the pressure that drives it instead of jumping at a threshold. Each
//! decision has a threshold (the level at which the step is as likely as not, given the
//! chance to take it) and a width (how far on either side the decision is still in doubt);
//! a hard threshold is the limit of width 0.

/// The logistic curve `s(x) = 1 / (1 + exp(-(x - threshold) / width))`, rescaled so that
/// no pressure at all moves no one: `(s(level) - s(0)) / (1 - s(0))`, zero at and below
/// level 0. Where the threshold is several widths above zero (as for every decision in the
/// model) the rescaling is invisible: about 1/2 at the threshold, about 0.27 and 0.73 one
/// width either side, 0.05 and 0.95 at three widths.
#[inline]
pub fn inclination(level: f64, threshold: f64, width: f64) -> f64 {
    let width = width.max(1e-9);
    let at_zero = logistic(-threshold / width);
    if at_zero >= 1.0 {
        // A threshold far below zero: any pressure at all decides.
        return if level > 0.0 { 1.0 } else { 0.0 };
    }
    ((logistic((level - threshold) / width) - at_zero) / (1.0 - at_zero)).max(0.0)
}

/// Whether an event whose daily chance is `ceiling * share()` happens on the uniform draw
/// `u`, for a `share` in [0, 1] (an inclination, perhaps times other restraints). `share` is
/// evaluated only when `u < ceiling`: on most days the draw alone settles it, which saves
/// the exponentials of a smooth decision. The answer is the same as `u < ceiling * share()`.
#[inline]
pub fn occurs(u: f64, ceiling: f64, share: impl FnOnce() -> f64) -> bool {
    u < ceiling && u < ceiling * share()
}

/// `1 / (1 + exp(-x))`; exp of a large argument is inf, and 1/(1+inf) is 0: no special case.
#[inline]
fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::{inclination, occurs};

    #[test]
    fn occurs_is_the_draw_below_the_chance() {
        for u in [0.0, 0.01, 0.049, 0.05, 0.2, 0.9] {
            for share in [0.0, 0.3, 1.0] {
                assert_eq!(occurs(u, 0.05, || share), u < 0.05 * share);
            }
        }
        assert!(!occurs(0.5, 0.1, || panic!(
            "share evaluated above the ceiling"
        )));
    }

    #[test]
    fn inclination_is_a_smooth_step_around_the_threshold() {
        assert!((inclination(0.5, 0.5, 0.1) - 0.5).abs() < 0.01);
        let below = inclination(0.4, 0.5, 0.1);
        let above = inclination(0.6, 0.5, 0.1);
        assert!((below + above - 1.0).abs() < 0.01, "nearly symmetric");
        assert!((above - 0.731).abs() < 2e-3);
        assert!(inclination(1e6, 0.5, 0.1) == 1.0);
        // No pressure, no step, however wide the doubt.
        for width in [0.01, 0.1, 0.5, 2.0] {
            assert_eq!(inclination(0.0, 0.5, width), 0.0);
            assert_eq!(inclination(-1.0, 0.5, width), 0.0);
            assert!(inclination(0.01, 0.5, width) > 0.0);
        }
        assert_eq!(inclination(0.2, -1e6, 0.1), 1.0);
        assert_eq!(inclination(0.0, -1e6, 0.1), 0.0);
        // Narrower widths come closer to a hard threshold.
        assert!(inclination(0.55, 0.5, 0.01) > inclination(0.55, 0.5, 0.1));
        let mut last = 0.0;
        for i in 0..=100 {
            let p = inclination(f64::from(i) / 100.0, 0.5, 0.05);
            assert!(p >= last, "monotone");
            last = p;
        }
    }
}
