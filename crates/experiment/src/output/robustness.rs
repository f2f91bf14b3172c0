//! robustness.csv and discovery.csv: how each arm a design varies fares across the design's
//! points, and the box of parameter ranges where it fails ([`crate::analysis::robustness`]).
//! Both are written when some design varies an arm other than the effects baseline.

use super::columns::{HEADLINE_METRICS, Num};
use super::csv::write_csv_or_header;
use super::{DISCOVERY_CSV, JobFolder, ROBUSTNESS_CSV};
use crate::Result;
use crate::analysis::robustness::{
    ArmAcrossPoints, ArmDigest, Verdict, across_points, robustness_metrics,
};
use crate::spec::Experiment;
use serde::Serialize;
use stats::PrimSettings;

/// One design, arm and metric of robustness.csv.
#[derive(Serialize)]
struct RobustnessRow<'a> {
    design: &'a str,
    scenario: &'a str,
    label: &'a str,
    metric: &'static str,
    unit: &'static str,
    /// `lower` or `higher`: which way is better.
    better: model::Better,
    points: usize,
    /// Arms compared at each point (the baseline and every arm the design varies).
    arms_compared: usize,
    share_helps: Num,
    share_harms: Num,
    share_no_clear_effect: Num,
    /// Of the points with no clear effect, the share where the baseline at the point has
    /// none of a lower-is-better outcome (nothing to prevent).
    share_nothing_to_prevent: Num,
    effect_median: Num,
    effect_p05: Num,
    effect_p95: Num,
    effect_worst: Num,
    regret_mean: Num,
    regret_max: Num,
    share_ranked_first: Num,
    mean_rank: Num,
}

/// One box limit of discovery.csv.
#[derive(Serialize)]
struct DiscoveryRow<'a> {
    design: &'a str,
    scenario: &'a str,
    label: &'a str,
    metric: &'static str,
    /// `fails_to_help` (no clear effect or harm, among the points with something to
    /// prevent) or `harms` (among all points).
    case: &'static str,
    points: usize,
    cases: usize,
    box_points: usize,
    box_cases: usize,
    /// Share of the cases inside the box.
    coverage: Num,
    /// Share of the box's points that are cases.
    density: Num,
    /// The parameter the limit is on (empty: the box is every point; no range separates
    /// the cases).
    parameter: &'a str,
    /// The box's range on it (empty on a side the box does not cut).
    low: Num,
    high: Num,
    /// The range of the design's points on it.
    range_low: Num,
    range_high: Num,
    /// Quasi-p-value of the limit: small when the box needs it (PRIM, one-sided binomial).
    p_value: Num,
}

/// discovery.csv's columns (the fields of [`DiscoveryRow`]), for a file without a box.
const DISCOVERY_COLUMNS: [&str; 17] = [
    "design",
    "scenario",
    "label",
    "metric",
    "case",
    "points",
    "cases",
    "box_points",
    "box_cases",
    "coverage",
    "density",
    "parameter",
    "low",
    "high",
    "range_low",
    "range_high",
    "p_value",
];

fn robustness_row<'a>(a: &'a ArmAcrossPoints<'a>) -> RobustnessRow<'a> {
    RobustnessRow {
        design: &a.design.section,
        scenario: a.arm,
        label: a.label,
        metric: a.metric.name,
        unit: a.metric.unit,
        better: a.metric.better,
        points: a.points(),
        arms_compared: a.arms_ranked,
        share_helps: Num(a.share(Verdict::Helps)),
        share_harms: Num(a.share(Verdict::Harms)),
        share_no_clear_effect: Num(a.share_no_clear_effect()),
        share_nothing_to_prevent: Num(a.share(Verdict::NothingToPrevent)),
        effect_median: Num(a.effect_quantile(0.5)),
        effect_p05: Num(a.effect_quantile(0.05)),
        effect_p95: Num(a.effect_quantile(0.95)),
        effect_worst: Num(a.worst_effect()),
        regret_mean: Num(a.mean_regret()),
        regret_max: Num(a.max_regret()),
        share_ranked_first: Num(a.share_ranked_first()),
        mean_rank: Num(a.mean_rank()),
    }
}

/// The rows of one arm and metric's boxes: for the points where it fails to help, then for
/// those where it harms.
fn discovery_rows<'a>(
    a: &'a ArmAcrossPoints<'a>,
    settings: &PrimSettings,
) -> Vec<DiscoveryRow<'a>> {
    let mut rows = Vec::new();
    for (harms, case) in [(false, "fails_to_help"), (true, "harms")] {
        let Some(d) = a.discover(harms, settings) else {
            continue;
        };
        let b = &d.found;
        let row = |parameter, low, high, range: (f64, f64), p_value| DiscoveryRow {
            design: &a.design.section,
            scenario: a.arm,
            label: a.label,
            metric: a.metric.name,
            case,
            points: b.total_points,
            cases: b.total_cases,
            box_points: b.points,
            box_cases: b.cases,
            coverage: Num(Some(b.coverage())),
            density: Num(Some(b.density())),
            parameter,
            low: Num(low),
            high: Num(high),
            range_low: Num(Some(range.0)),
            range_high: Num(Some(range.1)),
            p_value: Num(p_value),
        };
        let before = rows.len();
        for (k, key) in d.keys.iter().enumerate() {
            let (cut_low, cut_high) = b.restricted(k);
            if cut_low || cut_high {
                let (low, high) = b.limits[k];
                rows.push(row(
                    key,
                    cut_low.then_some(low),
                    cut_high.then_some(high),
                    b.ranges[k],
                    b.p_values[k],
                ));
            }
        }
        if rows.len() == before {
            rows.push(DiscoveryRow {
                range_low: Num(None),
                range_high: Num(None),
                ..row("", None, None, (0.0, 0.0), None)
            });
        }
    }
    rows
}

/// The metrics of robustness.csv, in its order: the headline metrics with a good direction.
pub(crate) fn metrics() -> Vec<usize> {
    robustness_metrics(HEADLINE_METRICS)
}

/// Writes robustness.csv and discovery.csv into `folder` when a design varies a policy arm,
/// from every arm's digest on [`metrics`].
pub(crate) fn write_robustness(
    folder: &mut JobFolder,
    experiment: &Experiment,
    digests: &[ArmDigest],
) -> Result<()> {
    let metrics = metrics();
    let arms = across_points(experiment, digests, &metrics);
    if arms.is_empty() {
        return Ok(());
    }
    let path = folder.add(ROBUSTNESS_CSV);
    super::csv::write_csv(&path, arms.iter().map(robustness_row))?;
    let settings = PrimSettings::default();
    let path = folder.add(DISCOVERY_CSV);
    let rows = arms.iter().flat_map(|a| discovery_rows(a, &settings));
    write_csv_or_header(&path, rows, &DISCOVERY_COLUMNS)
}
