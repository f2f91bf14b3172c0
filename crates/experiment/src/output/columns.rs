//! Cells and columns the tables share: the number cell and the headline metrics.

use crate::text::format_number;
use serde::{Serialize, Serializer};

/// A number cell: printed by [`format_number`], empty when undefined.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Num(pub Option<f64>);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.filter(|x| x.is_finite()) {
            Some(x) => serializer.serialize_str(&format_number(x)),
            None => serializer.serialize_none(),
        }
    }
}

/// The headline metrics of scenarios.csv (in column order) and robustness.csv.
pub const HEADLINE_METRICS: &[&str] = &[
    "open_war",
    "days_rung_5",
    "crisis_episodes",
    "attacks",
    "fatalities_pk_civilian",
    "fatalities_pk_security",
    "fatalities_af_civilian",
    "fatalities_militant",
    "cross_border_strikes",
    "border_clashes",
    "agreements",
    "trade_lost_usd",
    "refugees_deported",
    "final_militant_strength",
];
