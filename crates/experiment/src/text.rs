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
    let mut out = String::new();
    write_number(x, &mut out);
    out
}

/// Appends [`format_number`]'s text for `x` to `out` (for a reused buffer: no allocation
/// once it is large enough, except on the rare numbers [`six_digits`] leaves to the general
/// rule).
pub(crate) fn write_number(x: f64, out: &mut String) {
    if !x.is_finite() {
        return;
    }
    // Whole numbers (most trial metrics are counts) print as their digits: what the rounding
    // and float formatting below give them, without the formatting's cost (-0 gives "0").
    if x == x.trunc() && x.abs() < WHOLE_LIMIT {
        out.push_str(itoa::Buffer::new().format(x as i64));
        return;
    }
    if !six_digits(x, out) {
        out.push_str(&by_rounding(x));
    }
}

/// The bits of an `f64`'s fraction field.
const FRACTION_BITS: u64 = (1 << 52) - 1;

/// [`by_rounding`] for fractions of magnitude 1e-17 up to 1e5 (None for others), by exact
/// integer arithmetic instead of formatting, parsing and formatting again: `|x| = m 2^e`
/// exactly, so `|x| 10^s = m 10^s 2^e` is rounded to a whole number `n` of six digits (half
/// to even, as the exact decimal formatting rounds) in 128-bit integers, and the digits of
/// `n 10^-s` are the shortest decimal of the rounded number (two decimals of at most 15
/// significant digits are never the same `f64`). Appends them to `out`; false (and nothing
/// appended) where it does not apply.
fn six_digits(x: f64, out: &mut String) -> bool {
    let magnitude = x.abs();
    if !(1e-17..1e5).contains(&magnitude) {
        return false;
    }
    let bits = magnitude.to_bits();
    let (mantissa, shift) = (bits & FRACTION_BITS | 1 << 52, 1075 - (bits >> 52) as u32);
    // The decimal exponent of the leading digit: estimated from the binary exponent and
    // fraction (`log2(1 + f)` taken as `f`, off by under 0.09), then corrected by the count
    // of digits of the rounded number (it is 10^6 only where rounding carried over).
    let fraction = (bits & FRACTION_BITS) as f64 / (1u64 << 52) as f64;
    let log2 = f64::from((bits >> 52) as i32 - 1023) + fraction;
    let mut leading = (log2 * std::f64::consts::LOG10_2).floor() as i32;
    for _ in 0..4 {
        let scale = 5 - leading;
        // |x| >= 1e-17 keeps the scale at most 22 and the shift below 128, so the product
        // (under 2^53 10^22) fits.
        if !(0..=22).contains(&scale) || !(1..128).contains(&shift) {
            return false;
        }
        let scaled = u128::from(mantissa) * 10u128.pow(scale as u32);
        let (whole, rest) = (scaled >> shift, scaled & ((1u128 << shift) - 1));
        let half = 1u128 << (shift - 1);
        let n = whole + u128::from(rest > half || (rest == half && whole & 1 == 1));
        match n {
            ..100_000 => leading -= 1,
            1_000_001.. => leading += 1,
            _ => {
                write_decimal(x < 0.0, n as u64, scale as usize, out);
                return true;
            }
        }
    }
    false
}

/// Appends `n / 10^scale` in plain decimal notation without trailing zeros (`n > 0`).
fn write_decimal(negative: bool, n: u64, scale: usize, out: &mut String) {
    let mut buffer = itoa::Buffer::new();
    let digits = buffer.format(n);
    if negative {
        out.push('-');
    }
    let (whole, leading_zeros, fraction) = match digits.len().checked_sub(scale) {
        Some(0) | None => ("0", scale - digits.len(), digits),
        Some(split) => (&digits[..split], 0, &digits[split..]),
    };
    out.push_str(whole);
    let fraction = fraction.trim_end_matches('0');
    if !fraction.is_empty() {
        out.push('.');
        out.extend(std::iter::repeat_n('0', leading_zeros));
        out.push_str(fraction);
    }
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

    /// The integer route for fractions prints what formatting, parsing and formatting again
    /// print: for numbers spread over every magnitude it takes (by a fixed sequence of
    /// bits), for numbers whose sixth digit is followed by exactly a half (dyadic fractions
    /// such as 12345.25, where the rounding rule shows), for numbers next to those and to
    /// powers of ten (where the leading digit's estimate may be off by one).
    #[test]
    fn fractions_print_as_the_general_rule_prints_them() {
        let mut cases = Vec::new();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..300_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            cases.push(10f64.powf(-18.0 + 24.0 * unit));
        }
        for power in -18..6 {
            let ten = 10f64.powi(power);
            let mut near = ten;
            for _ in 0..20 {
                near = near.next_down();
                cases.extend([near, ten.next_up()]);
            }
            cases.push(ten * 9.999_995);
            cases.push(ten * 9.999_994_999_999);
        }
        for denominator in [2.0, 4.0, 8.0, 16.0, 32.0, 1024.0] {
            for k in 0..20_000 {
                cases.push((f64::from(k) * 7.0 + 1.0) / denominator);
                cases.push(12_345.0 + f64::from(k) / denominator);
            }
        }
        let mut integer_route = 0;
        for x in cases
            .into_iter()
            .filter(|x| x.is_finite() && *x != x.trunc())
        {
            for x in [x, -x] {
                let mut fast = String::new();
                if six_digits(x, &mut fast) {
                    assert_eq!(fast, by_rounding(x), "{x:e}");
                    integer_route += 1;
                } else {
                    assert!(fast.is_empty());
                }
                assert_eq!(format_number(x), by_rounding(x), "{x:e}");
            }
        }
        assert!(integer_route > 500_000, "{integer_route}");
    }
}
