//! Quantities read off one trial's metric values: a metric of the registry, or a derived
//! quantity (a sum of metrics) that sensitivity analysis and calibration report as if it were
//! one. Derived quantities are declared here, once, with their definition.

use model::{METRIC_COUNT, METRICS, MetricSpec, outcomes::metric_index};

/// A quantity defined as the sum of several metrics in every trial.
#[derive(Debug, Clone, Copy)]
pub struct DerivedSpec {
    pub name: &'static str,
    pub unit: &'static str,
    pub definition: &'static str,
    /// The metrics summed (all always defined).
    pub parts: &'static [&'static str],
}

/// The derived quantities.
pub const DERIVED: &[DerivedSpec] = &[DerivedSpec {
    name: "fatalities",
    unit: "deaths",
    definition: "All deaths: Pakistani civilians and security forces, Afghan civilians and forces, militants (the sum of the five fatalities_* metrics).",
    parts: &[
        "fatalities_pk_civilian",
        "fatalities_pk_security",
        "fatalities_af_civilian",
        "fatalities_af_security",
        "fatalities_militant",
    ],
}];

/// A metric or a derived quantity, resolved to metric indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    pub name: String,
    pub unit: &'static str,
    /// Resolution of the summed values (the finest of the parts).
    pub resolution_of: usize,
    /// Metric indices summed to give the value (one for a plain metric).
    parts: Vec<usize>,
}

impl Quantity {
    /// The quantity called `name`, if it is a metric defined in every trial or a derived one.
    pub fn by_name(name: &str) -> Option<Self> {
        if let Some(i) = metric_index(name) {
            let m: &MetricSpec = &METRICS[i];
            return m.always_defined.then(|| Quantity {
                name: name.to_string(),
                unit: m.unit,
                resolution_of: i,
                parts: vec![i],
            });
        }
        let d = DERIVED.iter().find(|d| d.name == name)?;
        let parts: Vec<usize> = d
            .parts
            .iter()
            .map(|p| metric_index(p).expect("derived parts are metrics"))
            .collect();
        let finest = *parts
            .iter()
            .min_by(|a, b| METRICS[**a].resolution.total_cmp(&METRICS[**b].resolution))
            .expect("a derived quantity has parts");
        Some(Quantity {
            name: name.to_string(),
            unit: d.unit,
            resolution_of: finest,
            parts,
        })
    }

    /// Resolution its values are accumulated at.
    pub fn resolution(&self) -> f64 {
        METRICS[self.resolution_of].resolution
    }

    /// Its value in one trial (`None` if a part is undefined there).
    pub fn value(&self, values: &[Option<f64>; METRIC_COUNT]) -> Option<f64> {
        self.parts.iter().map(|&i| values[i]).sum()
    }

    /// What may be named, for messages: every always-defined metric and every derived quantity.
    pub fn allowed() -> String {
        let mut names: Vec<&str> = DERIVED.iter().map(|d| d.name).collect();
        names.extend(METRICS.iter().filter(|m| m.always_defined).map(|m| m.name));
        format!(
            "a list of metric names defined in every trial, or derived quantities ({})",
            names.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fatalities_sums_the_five_categories_and_undefined_metrics_are_refused() {
        let q = Quantity::by_name("fatalities").unwrap();
        let mut values = [Some(0.0); METRIC_COUNT];
        for (k, name) in DERIVED[0].parts.iter().enumerate() {
            values[metric_index(name).unwrap()] = Some(k as f64 + 1.0);
        }
        assert_eq!(q.value(&values), Some(15.0));
        assert!(Quantity::by_name("days_to_open_war").is_none());
        assert!(Quantity::by_name("nonsense").is_none());
        assert_eq!(Quantity::by_name("open_war").unwrap().unit, "0/1");
    }
}
