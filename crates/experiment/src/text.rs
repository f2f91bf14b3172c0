//! How numbers and parameter values are printed, in labels, tables and CSV cells: one
//! deterministic format, so that identical statistics give identical bytes.

use toml::Value;

/// Significant digits printed for fractional statistics.
const SIGNIFICANT_DIGITS: usize = 6;

/// Prints a number for CSV: six significant digits (whole numbers from 100000 up are printed
/// in full, rounded to an integer), never in exponent notation, `.` as decimal point, no
/// thousands separators, `-0` as `0`, and the empty string for NaN or infinity.
pub(crate) fn format_number(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let rounded = if x.abs() >= 1e5 {
        x.round()
    } else {
        round_significant(x, SIGNIFICANT_DIGITS)
    };
    if rounded == 0.0 {
        return "0".to_string();
    }
    format!("{rounded}")
}

/// Rounds to `digits` significant digits (via the exact decimal formatting of `f64`).
pub(crate) fn round_significant(x: f64, digits: usize) -> f64 {
    format!("{:.*e}", digits - 1, x).parse().unwrap_or(x)
}

/// A parameter value as written in labels and scenarios.csv: words plain, numbers short.
pub(crate) fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Float(x) => format_number(*x),
        other => other.to_string(),
    }
}

/// Serde helper: a number cell printed by [`format_number`] (for `#[serde(serialize_with)]`).
pub(crate) fn serialize_number<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_number(*x))
}

/// Serde helper: an optional number cell, empty when undefined.
pub(crate) fn serialize_opt_number<S: serde::Serializer>(
    x: &Option<f64>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match x {
        Some(v) if v.is_finite() => s.serialize_str(&format_number(*v)),
        _ => s.serialize_none(),
    }
}

/// Lower-case hexadecimal of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
