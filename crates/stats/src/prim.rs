//! Scenario discovery by PRIM, the Patient Rule Induction Method (Friedman and Fisher 1999,
//! as the EMA Workbench and Rhodium use it): the box of parameter ranges that holds most of
//! the points of interest ("cases", e.g. the worlds where a measure fails to help) and few
//! of the others.
//!
//! Peeling starts from the box around every point and, step by step, cuts off the slice of
//! `peel_alpha` of the box's points at the low or high end of one parameter, whichever cut
//! leaves the highest share of cases (density), until fewer than `mass_min` of all points
//! would remain. The chosen box is the largest on that trajectory whose density reaches
//! `threshold` (else the densest); pasting then widens it again, a `paste_alpha` slice at a
//! time, while its density does not fall, and drops every limit whose removal does not lower
//! it. Coverage is the share of all cases inside the box. Each remaining limit gets the EMA
//! Workbench's quasi-p-value: the chance of at least the box's cases among its points if the
//! cases were as dense as in the box without that limit (one-sided binomial); a limit with a
//! large p-value is weakly supported. Ties are broken by parameter order, so the result
//! depends only on the points.

use statrs::distribution::{Binomial, DiscreteCDF};

/// PRIM's settings, with the EMA Workbench's defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrimSettings {
    /// Share of the box's points one peel removes (at least one point).
    pub peel_alpha: f64,
    /// Share of the box's points one paste adds (at least one point).
    pub paste_alpha: f64,
    /// Peeling stops before the box holds fewer than this share of all points.
    pub mass_min: f64,
    /// Density the chosen box must reach (the largest box on the trajectory that does).
    pub threshold: f64,
}

impl Default for PrimSettings {
    fn default() -> Self {
        PrimSettings {
            peel_alpha: 0.05,
            paste_alpha: 0.05,
            mass_min: 0.05,
            threshold: 0.8,
        }
    }
}

/// A box found by PRIM.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    /// Per parameter, the inclusive range `(low, high)` of the box.
    pub limits: Vec<(f64, f64)>,
    /// Per parameter, the range of all points, to tell which limits restrict anything.
    pub ranges: Vec<(f64, f64)>,
    /// Points inside the box.
    pub points: usize,
    /// Cases inside the box.
    pub cases: usize,
    /// All points and all cases.
    pub total_points: usize,
    pub total_cases: usize,
    /// Per parameter, the quasi-p-value of its limits (`None` where the box cuts nothing).
    pub p_values: Vec<Option<f64>>,
}

impl PrimBox {
    /// Share of all cases inside the box.
    pub fn coverage(&self) -> f64 {
        self.cases as f64 / self.total_cases as f64
    }

    /// Share of the box's points that are cases.
    pub fn density(&self) -> f64 {
        self.cases as f64 / self.points as f64
    }

    /// Share of all points inside the box.
    pub fn mass(&self) -> f64 {
        self.points as f64 / self.total_points as f64
    }

    /// Per parameter, whether the box cuts the low and the high end of the points' range.
    pub fn restricted(&self, parameter: usize) -> (bool, bool) {
        let (low, high) = self.limits[parameter];
        let (min, max) = self.ranges[parameter];
        (low > min, high < max)
    }
}

/// The PRIM box of the cases among `points` (one row of parameter values per point; every row
/// as long as the first), or `None` when there is no case or no point.
pub fn find_box(points: &[Vec<f64>], cases: &[bool], settings: &PrimSettings) -> Option<PrimBox> {
    let total_cases = cases.iter().filter(|&&c| c).count();
    if points.is_empty() || total_cases == 0 {
        return None;
    }
    let dims = points[0].len();
    let ranges: Vec<(f64, f64)> = (0..dims)
        .map(|j| {
            points
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                    (lo.min(p[j]), hi.max(p[j]))
                })
        })
        .collect();
    let data = Data { points, cases };
    let trajectory = data.peel(ranges.clone(), settings);
    let chosen = trajectory
        .iter()
        .find(|b| b.density() >= settings.threshold)
        .or_else(|| {
            // The densest box, the largest among equally dense ones.
            trajectory.iter().rev().max_by(|a, b| {
                a.density()
                    .total_cmp(&b.density())
                    .then(a.points.cmp(&b.points))
            })
        })?;
    let limits = data.paste(chosen.limits.clone(), settings);
    let limits = data.drop_needless(limits, &ranges);
    let (n, c) = data.count(&limits);
    let p_values = (0..dims)
        .map(|j| {
            (limits[j] != ranges[j]).then(|| {
                let mut without = limits.clone();
                without[j] = ranges[j];
                let (n_without, c_without) = data.count(&without);
                quasi_p_value(n, c, c_without as f64 / n_without as f64)
            })
        })
        .collect();
    Some(PrimBox {
        limits,
        ranges,
        points: n,
        cases: c,
        total_points: points.len(),
        total_cases,
        p_values,
    })
}

/// The chance of at least `cases` among `points` draws at case rate `rate`.
fn quasi_p_value(points: usize, cases: usize, rate: f64) -> f64 {
    if cases == 0 {
        return 1.0;
    }
    Binomial::new(rate.clamp(0.0, 1.0), points as u64)
        .map(|b| b.sf(cases as u64 - 1))
        .unwrap_or(1.0)
}

/// A box on the peeling trajectory.
struct Step {
    limits: Vec<(f64, f64)>,
    points: usize,
    cases: usize,
}

impl Step {
    fn density(&self) -> f64 {
        self.cases as f64 / self.points as f64
    }
}

/// The low or the high end of one parameter.
#[derive(Clone, Copy)]
enum Side {
    Low,
    High,
}

/// A candidate change of one limit, with the box it would give.
struct Move {
    parameter: usize,
    side: Side,
    limit: f64,
    points: usize,
    cases: usize,
}

struct Data<'a> {
    points: &'a [Vec<f64>],
    cases: &'a [bool],
}

fn inside(point: &[f64], limits: &[(f64, f64)]) -> bool {
    point
        .iter()
        .zip(limits)
        .all(|(x, (low, high))| x >= low && x <= high)
}

/// Sets one end of parameter `j`'s range to `limit`.
fn set_limit(limits: &mut [(f64, f64)], j: usize, side: Side, limit: f64) {
    match side {
        Side::Low => limits[j].0 = limit,
        Side::High => limits[j].1 = limit,
    }
}

impl Data<'_> {
    /// The move that sets one end of parameter `j`'s range to `limit`, with the box it gives.
    fn evaluate(&self, limits: &[(f64, f64)], j: usize, side: Side, limit: f64) -> Move {
        let mut trial = limits.to_vec();
        set_limit(&mut trial, j, side, limit);
        let (points, cases) = self.count(&trial);
        Move {
            parameter: j,
            side,
            limit,
            points,
            cases,
        }
    }

    /// Points and cases inside `limits`.
    fn count(&self, limits: &[(f64, f64)]) -> (usize, usize) {
        self.points
            .iter()
            .zip(self.cases)
            .filter(|(p, _)| inside(p, limits))
            .fold((0, 0), |(n, c), (_, &case)| (n + 1, c + usize::from(case)))
    }

    /// The box after each peel, starting with the box around every point.
    fn peel(&self, mut limits: Vec<(f64, f64)>, settings: &PrimSettings) -> Vec<Step> {
        let min_points = (settings.mass_min * self.points.len() as f64)
            .ceil()
            .max(1.0) as usize;
        let (points, cases) = self.count(&limits);
        let mut trajectory = vec![Step {
            limits: limits.clone(),
            points,
            cases,
        }];
        let mut values = Vec::with_capacity(self.points.len());
        loop {
            let members = trajectory.last().map_or(0, |s| s.points);
            let cut = ((settings.peel_alpha * members as f64).floor() as usize).max(1);
            let mut best: Option<Move> = None;
            for j in 0..limits.len() {
                values.clear();
                values.extend(
                    self.points
                        .iter()
                        .filter(|p| inside(p, &limits))
                        .map(|p| p[j]),
                );
                values.sort_by(f64::total_cmp);
                for side in [Side::Low, Side::High] {
                    let Some(limit) = peel_limit(&values, cut, side) else {
                        continue;
                    };
                    let candidate = self.evaluate(&limits, j, side, limit);
                    if candidate.points < min_points {
                        continue;
                    }
                    if best.as_ref().is_none_or(|b| peels_better(&candidate, b)) {
                        best = Some(candidate);
                    }
                }
            }
            let Some(m) = best else { break };
            set_limit(&mut limits, m.parameter, m.side, m.limit);
            trajectory.push(Step {
                limits: limits.clone(),
                points: m.points,
                cases: m.cases,
            });
        }
        trajectory
    }

    /// Widens `limits` a slice at a time while the box's density does not fall.
    fn paste(&self, mut limits: Vec<(f64, f64)>, settings: &PrimSettings) -> Vec<(f64, f64)> {
        let mut values = Vec::with_capacity(self.points.len());
        loop {
            let (points, cases) = self.count(&limits);
            let density = cases as f64 / points as f64;
            let add = ((settings.paste_alpha * points as f64).floor() as usize).max(1);
            let mut best: Option<Move> = None;
            for j in 0..limits.len() {
                for side in [Side::Low, Side::High] {
                    // Points outside the box only on this side of this parameter.
                    values.clear();
                    values.extend(
                        self.points
                            .iter()
                            .filter(|p| {
                                let beyond = match side {
                                    Side::Low => p[j] < limits[j].0,
                                    Side::High => p[j] > limits[j].1,
                                };
                                beyond
                                    && p.iter().zip(&limits).enumerate().all(
                                        |(k, (x, (low, high)))| k == j || (x >= low && x <= high),
                                    )
                            })
                            .map(|p| p[j]),
                    );
                    if values.is_empty() {
                        continue;
                    }
                    values.sort_by(f64::total_cmp);
                    let nearest = add.min(values.len());
                    let limit = match side {
                        Side::Low => values[values.len() - nearest],
                        Side::High => values[nearest - 1],
                    };
                    let candidate = self.evaluate(&limits, j, side, limit);
                    if self::density(&candidate) < density {
                        continue;
                    }
                    if best.as_ref().is_none_or(|b| pastes_better(&candidate, b)) {
                        best = Some(candidate);
                    }
                }
            }
            let Some(m) = best else { break };
            set_limit(&mut limits, m.parameter, m.side, m.limit);
        }
        limits
    }
}

impl Data<'_> {
    /// Removes, one at a time, each limit whose removal does not lower the box's density
    /// (the one that adds the most cases first).
    fn drop_needless(&self, mut limits: Vec<(f64, f64)>, ranges: &[(f64, f64)]) -> Vec<(f64, f64)> {
        loop {
            let (points, cases) = self.count(&limits);
            let density = cases as f64 / points as f64;
            let mut best: Option<Move> = None;
            for j in 0..limits.len() {
                for side in [Side::Low, Side::High] {
                    let full = match side {
                        Side::Low if limits[j].0 > ranges[j].0 => ranges[j].0,
                        Side::High if limits[j].1 < ranges[j].1 => ranges[j].1,
                        _ => continue,
                    };
                    let m = self.evaluate(&limits, j, side, full);
                    if self::density(&m) >= density
                        && best.as_ref().is_none_or(|b| m.cases > b.cases)
                    {
                        best = Some(m);
                    }
                }
            }
            let Some(m) = best else {
                return limits;
            };
            set_limit(&mut limits, m.parameter, m.side, m.limit);
        }
    }
}

/// The new limit that cuts at least `cut` of the sorted `values` off one end (all points
/// tied at that end go together), or `None` when every value is the same.
fn peel_limit(values: &[f64], cut: usize, side: Side) -> Option<f64> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let cut = cut.min(n - 1);
    match side {
        Side::Low => {
            let candidate = values[cut];
            let limit = if candidate > values[0] {
                candidate
            } else {
                *values.iter().find(|&&v| v > values[0])?
            };
            // Points below the limit go; keep the limit on a value (no point cut twice).
            Some(limit)
        }
        Side::High => {
            let candidate = values[n - 1 - cut];
            let limit = if candidate < values[n - 1] {
                candidate
            } else {
                *values.iter().rev().find(|&&v| v < values[n - 1])?
            };
            Some(limit)
        }
    }
}

/// Peeling keeps the densest box, then the larger one (the first in parameter order on ties).
fn peels_better(candidate: &Move, best: &Move) -> bool {
    let (a, b) = (density(candidate), density(best));
    a > b || (a == b && candidate.points > best.points)
}

/// Pasting adds the densest slice, then the one with more cases.
fn pastes_better(candidate: &Move, best: &Move) -> bool {
    let (a, b) = (density(candidate), density(best));
    a > b || (a == b && candidate.cases > best.cases)
}

fn density(m: &Move) -> f64 {
    m.cases as f64 / m.points as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 20 × 20 grid on the unit square.
    fn grid() -> Vec<Vec<f64>> {
        (0..400)
            .map(|i| vec![f64::from(i % 20) / 19.0, f64::from(i / 20) / 19.0])
            .collect()
    }

    #[test]
    fn finds_the_region_that_holds_the_cases() {
        let points = grid();
        // Cases where the first parameter is above 0.6: the box cuts only its low end, at
        // the largest box that is 80% cases, or exactly at the cases for a threshold of 1.
        let cases: Vec<bool> = points.iter().map(|p| p[0] > 0.6).collect();
        let b = find_box(&points, &cases, &PrimSettings::default()).unwrap();
        assert_eq!(b.restricted(0), (true, false));
        assert_eq!(b.restricted(1), (false, false));
        assert!(
            b.limits[0].0 > 0.5 && b.limits[0].0 <= 0.6,
            "{:?}",
            b.limits
        );
        assert!(b.density() >= 0.8 && b.coverage() == 1.0, "{b:?}");
        let strict = PrimSettings {
            threshold: 1.0,
            ..PrimSettings::default()
        };
        let b = find_box(&points, &cases, &strict).unwrap();
        assert_eq!(b.limits[0], (12.0 / 19.0, 1.0));
        assert_eq!((b.density(), b.coverage()), (1.0, 1.0));
    }

    #[test]
    fn finds_a_corner_in_two_parameters() {
        let points = grid();
        let cases: Vec<bool> = points.iter().map(|p| p[0] < 0.3 && p[1] > 0.5).collect();
        let b = find_box(&points, &cases, &PrimSettings::default()).unwrap();
        assert_eq!(b.restricted(0), (false, true));
        assert_eq!(b.restricted(1), (true, false));
        assert!(b.density() >= 0.8 && b.coverage() > 0.8, "{b:?}");
        // Both limits are strongly supported: without either, the box would be much thinner.
        assert!(
            b.p_values[0].unwrap() < 1e-6 && b.p_values[1].unwrap() < 1e-6,
            "{b:?}"
        );
    }

    #[test]
    fn a_limit_that_does_not_matter_is_dropped() {
        let points = grid();
        // Cases depend on the first parameter only, with noise in the second that a peel
        // could chase: the box keeps no limit on the second.
        let cases: Vec<bool> = points
            .iter()
            .enumerate()
            .map(|(i, p)| p[0] < 0.5 && (i % 11 != 0 || p[1] > 0.5))
            .collect();
        let b = find_box(&points, &cases, &PrimSettings::default()).unwrap();
        assert_eq!(b.restricted(1), (false, false), "{b:?}");
        assert_eq!(b.p_values[1], None);
        assert_eq!(b.restricted(0), (false, true));
    }

    #[test]
    fn noise_among_the_cases_lowers_density_not_the_box() {
        let points = grid();
        // Every seventh point in the region is not a case.
        let cases: Vec<bool> = points
            .iter()
            .enumerate()
            .map(|(i, p)| p[1] < 0.4 && i % 7 != 0)
            .collect();
        let b = find_box(&points, &cases, &PrimSettings::default()).unwrap();
        assert_eq!(b.restricted(0), (false, false));
        assert_eq!(b.restricted(1), (false, true));
        assert!(b.density() > 0.8 && b.density() < 1.0, "{b:?}");
    }

    #[test]
    fn cases_everywhere_give_the_whole_box_and_none_give_no_box() {
        let points = grid();
        let b = find_box(&points, &vec![true; 400], &PrimSettings::default()).unwrap();
        assert_eq!(
            (b.restricted(0), b.restricted(1)),
            ((false, false), (false, false))
        );
        assert_eq!((b.coverage(), b.density(), b.mass()), (1.0, 1.0, 1.0));
        assert!(find_box(&points, &vec![false; 400], &PrimSettings::default()).is_none());
    }

    #[test]
    fn ties_on_a_coarse_grid_peel_whole_levels() {
        // Three levels per parameter, as a sweep gives: cases at the top level of the second.
        let points: Vec<Vec<f64>> = (0..9)
            .map(|i| vec![f64::from(i % 3), f64::from(i / 3)])
            .collect();
        let cases: Vec<bool> = points.iter().map(|p| p[1] == 2.0).collect();
        let b = find_box(&points, &cases, &PrimSettings::default()).unwrap();
        assert_eq!(b.limits[1], (2.0, 2.0));
        assert_eq!((b.points, b.cases, b.total_cases), (3, 3, 3));
    }
}
