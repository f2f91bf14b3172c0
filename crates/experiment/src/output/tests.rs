//! Formatting tests: numbers print deterministically and readably, dates as RFC 3339.

use super::*;
use crate::text::format_number;
use std::time::{Duration, UNIX_EPOCH};

#[test]
fn numbers_print_with_six_significant_digits_and_no_exponent() {
    let cases = [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (0.1 + 0.2, "0.3"),
        (2.0 / 3.0, "0.666667"),
        (-1234.56789, "-1234.57"),
        (99999.95, "99999.9"),
        (123456.7, "123457"),
        (1.5e12, "1500000000000"),
        (1.234567e-7, "0.000000123457"),
        (f64::NAN, ""),
        (f64::INFINITY, ""),
    ];
    for (x, expected) in cases {
        assert_eq!(format_number(x), expected, "{x}");
    }
}

#[test]
fn times_print_as_rfc3339_utc() {
    assert_eq!(rfc3339_utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
    assert_eq!(
        rfc3339_utc(UNIX_EPOCH + Duration::from_secs(951_782_400)),
        "2000-02-29T00:00:00Z"
    );
    assert_eq!(
        rfc3339_utc(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
        "2023-11-14T22:13:20Z"
    );
}
