//! Ratio of two means (Σx / Σy over trials) with a delta-method interval, from exact,
//! mergeable integer moments of the quantized per-trial pairs.

use super::interval::{Interval, t_interval};
use super::metric::quantize;
use serde::{Deserialize, Serialize};
use std::ops::AddAssign;

/// Accumulates per-trial pairs `(x, y)` for the ratio of means `mean(x) / mean(y)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatioAcc {
    resolution_x: f64,
    resolution_y: f64,
    n: u64,
    sx: i128,
    sy: i128,
    sxx: i128,
    syy: i128,
    sxy: i128,
}

impl RatioAcc {
    /// An empty accumulator; values are quantized to the given resolutions (> 0).
    pub fn new(resolution_x: f64, resolution_y: f64) -> Self {
        assert!(
            resolution_x > 0.0 && resolution_y > 0.0,
            "resolutions must be positive"
        );
        RatioAcc {
            resolution_x,
            resolution_y,
            n: 0,
            sx: 0,
            sy: 0,
            sxx: 0,
            syy: 0,
            sxy: 0,
        }
    }

    /// Adds one trial's pair; pairs with a NaN or infinite value are skipped.
    pub fn push(&mut self, x: f64, y: f64) {
        if !(x.is_finite() && y.is_finite()) {
            return;
        }
        let qx = i128::from(quantize(x, self.resolution_x));
        let qy = i128::from(quantize(y, self.resolution_y));
        self.n += 1;
        self.sx = self.sx.saturating_add(qx);
        self.sy = self.sy.saturating_add(qy);
        self.sxx = self.sxx.saturating_add(qx.saturating_mul(qx));
        self.syy = self.syy.saturating_add(qy.saturating_mul(qy));
        self.sxy = self.sxy.saturating_add(qx.saturating_mul(qy));
    }

    /// Adds everything `other` holds (exact, order-independent).
    pub fn merge(&mut self, other: &Self) {
        self.n += other.n;
        self.sx = self.sx.saturating_add(other.sx);
        self.sy = self.sy.saturating_add(other.sy);
        self.sxx = self.sxx.saturating_add(other.sxx);
        self.syy = self.syy.saturating_add(other.syy);
        self.sxy = self.sxy.saturating_add(other.sxy);
    }

    pub fn n(&self) -> u64 {
        self.n
    }

    /// `Σx / Σy` in the units of x per unit of y (`None` if Σy is 0).
    pub fn ratio(&self) -> Option<f64> {
        (self.sy != 0)
            .then(|| self.sx as f64 / self.sy as f64 * self.resolution_x / self.resolution_y)
    }

    /// The ratio with its 95% delta-method interval (t with n − 1 degrees of freedom):
    /// Var(R) ≈ (s_xx − 2 R s_xy + R² s_yy) / (n ȳ²), sample (co)variances from exact sums.
    pub fn interval(&self) -> Option<Interval> {
        if self.n < 2 || self.sy == 0 {
            return None;
        }
        let n = self.n as f64;
        // Exact integer numerators n·Σab − Σa·Σb, then one division.
        let cov = |sab: i128, sa: i128, sb: i128| -> Option<f64> {
            let nn = i128::from(self.n);
            let num = nn.checked_mul(sab)?.checked_sub(sa.checked_mul(sb)?)?;
            Some(num as f64 / (n * (n - 1.0)))
        };
        let (cxx, cyy, cxy) = (
            cov(self.sxx, self.sx, self.sx)?,
            cov(self.syy, self.sy, self.sy)?,
            cov(self.sxy, self.sx, self.sy)?,
        );
        let r = self.sx as f64 / self.sy as f64;
        let my = self.sy as f64 / n;
        let var = ((cxx - 2.0 * r * cxy + r * r * cyy) / (n * my * my)).max(0.0);
        let scale = self.resolution_x / self.resolution_y;
        // t_interval takes an sd and divides by √n; pass √(n·var) so that the half-width is
        // t · √var.
        t_interval(r * scale, (var * n).sqrt() * scale, self.n)
    }
}

impl AddAssign<&RatioAcc> for RatioAcc {
    fn add_assign(&mut self, other: &RatioAcc) {
        self.merge(other);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_of_sums_and_a_zero_width_interval_for_proportional_pairs() {
        let mut acc = RatioAcc::new(1.0, 1.0);
        for y in [10.0, 20.0, 30.0, 40.0] {
            acc.push(2.5 * y, y);
        }
        assert_eq!(acc.ratio(), Some(2.5));
        let ci = acc.interval().unwrap();
        assert!((ci.low - 2.5).abs() < 1e-12 && (ci.high - 2.5).abs() < 1e-12);
    }

    #[test]
    fn merging_halves_equals_one_pass_and_noise_widens_the_interval() {
        let pairs = [(3.0, 1.0), (5.0, 2.0), (4.0, 2.0), (9.0, 3.0), (2.0, 1.0)];
        let mut all = RatioAcc::new(1.0, 1.0);
        let (mut a, mut b) = (RatioAcc::new(1.0, 1.0), RatioAcc::new(1.0, 1.0));
        for (i, &(x, y)) in pairs.iter().enumerate() {
            all.push(x, y);
            if i % 2 == 0 {
                a.push(x, y)
            } else {
                b.push(x, y)
            }
        }
        a += &b;
        assert_eq!(a, all);
        assert_eq!(all.ratio(), Some(23.0 / 9.0));
        let ci = all.interval().unwrap();
        assert!(ci.low < 23.0 / 9.0 && ci.high > 23.0 / 9.0);
    }
}
