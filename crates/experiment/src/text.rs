//! How numbers and parameter values are printed, in labels, tables and CSV cells: one
//! deterministic format, so that identical statistics give identical bytes.

use toml::Value;

/// Significant digits printed for fractional statistics.
const SIGNIFICANT_DIGITS: usize = 6;

/// Whole numbers below this print by integer formatting (exact: far below 2^63).
const WHOLE_LIMIT: f64 = 1e15;

/// Prints a number for CSV: six significant digits (whole numbers from 100000 up are printed
/// in full, rounded to an integer), never in exponent notation, `.` as decimal point, no
/// thousands separators, `-0` as `0`, and the empty string for NaN or infinity.
pub(crate) fn format_number(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    // Whole numbers (most trial metrics are counts) print as their digits: what the rounding
    // and float formatting below give them, without the formatting's cost (-0 gives "0").
    if x == x.trunc() && x.abs() < WHOLE_LIMIT {
        return (x as i64).to_string();
    }
    by_rounding(x)
}

/// The rule of [`format_number`] for any finite number: rounded, then Rust's shortest exact
/// decimal.
fn by_rounding(x: f64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_print_as_the_general_rule_prints_them() {
        let mut cases = vec![0.0, -0.0, 1.0, -1.0, 99_999.0, 100_000.0, 123_456_789.0];
        cases.extend([WHOLE_LIMIT - 1.0, -(WHOLE_LIMIT - 1.0), 2f64.powi(49) + 1.0]);
        // Every count up to 200,000 and a spread of larger ones.
        cases.extend((0..200_000).map(f64::from));
        cases.extend((0..2_000).map(|i| (1.37f64).powi(i % 110).round() * f64::from(i % 7 + 1)));
        for x in cases.into_iter().filter(|x| x.abs() < WHOLE_LIMIT) {
            assert_eq!(format_number(x), by_rounding(x), "{x}");
            assert_eq!(format_number(-x), by_rounding(-x), "{}", -x);
        }
        // Fractions keep the general rule.
        for x in [0.5, 1.234_567_8, 1e-7, 99_999.5, 123_456.5] {
            assert_eq!(format_number(x), by_rounding(x), "{x}");
        }
    }
}
