//! The parameter registry: one declaration per parameter gives its typed field, default, unit,
//! allowed range, plausible range, meaning and source. `params`, config validation,
//! sweeps, sensitivity analysis and the docs all read this one table, so they cannot drift.

use serde::Serialize;

/// What values a parameter takes, and the sub-range that is plausible for analysis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Domain {
    /// A real number in `[min, max]`; `plausible` is the range screened by sensitivity
    /// analysis (`None`: the value is fixed by data or by definition and is not screened).
    Real {
        min: f64,
        max: f64,
        plausible: Option<(f64, f64)>,
    },
    /// A whole number in `[min, max]`, with an optional plausible range as for `Real`.
    Int {
        min: i64,
        max: i64,
        plausible: Option<(i64, i64)>,
    },
    /// `true` or `false`.
    Flag,
    /// One of a fixed set of words.
    Choice { options: &'static [&'static str] },
}

impl Domain {
    /// A real in `[min, max]` with no plausible range (not screened by sensitivity analysis
    /// until [`Domain::plausible`] gives one).
    pub const fn real(min: f64, max: f64) -> Self {
        Domain::Real {
            min,
            max,
            plausible: None,
        }
    }
    /// A whole number in `[min, max]` with no plausible range.
    pub const fn int(min: i64, max: i64) -> Self {
        Domain::Int {
            min,
            max,
            plausible: None,
        }
    }
    pub const fn flag() -> Self {
        Domain::Flag
    }
    /// The plausible range: where the true value most likely lies given the sources, screened
    /// by sensitivity analysis (`sensitivity`, `[morris]`) and used by Latin hypercube `{}`.
    pub const fn plausible(self, lo: f64, hi: f64) -> Self {
        match self {
            Domain::Real { min, max, .. } => Domain::Real {
                min,
                max,
                plausible: Some((lo, hi)),
            },
            Domain::Int { min, max, .. } => Domain::Int {
                min,
                max,
                plausible: Some((lo as i64, hi as i64)),
            },
            other => other,
        }
    }
    /// Human-readable statement of what is allowed, for `params` and error messages.
    pub fn allowed(&self) -> String {
        match self {
            Domain::Real { min, max, .. } => format!("a number from {min} to {max}"),
            Domain::Int { min, max, .. } => format!("a whole number from {min} to {max}"),
            Domain::Flag => "true or false".to_string(),
            Domain::Choice { options } => format!("one of {}", options.join(", ")),
        }
    }
    /// The plausible range as numbers, if the parameter is numeric and has one.
    pub fn plausible_range(&self) -> Option<(f64, f64)> {
        match *self {
            Domain::Real { plausible, .. } => plausible,
            Domain::Int { plausible, .. } => plausible.map(|(lo, hi)| (lo as f64, hi as f64)),
            _ => None,
        }
    }

    /// Whether values are whole numbers (rounded when a design maps a unit interval onto them).
    pub fn is_int(&self) -> bool {
        matches!(self, Domain::Int { .. })
    }
}

/// A parameter's value as a config file writes it (the registry's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Real(f64),
    Int(i64),
    Flag(bool),
    /// One of a [`Domain::Choice`]'s words.
    Choice(&'static str),
}

impl Value {
    /// The value as a number, if it is one.
    pub fn as_number(&self) -> Option<f64> {
        match *self {
            Value::Real(x) => Some(x),
            Value::Int(i) => Some(i as f64),
            _ => None,
        }
    }
}

/// Everything known about one parameter.
#[derive(Debug, Clone, Serialize)]
pub struct ParamSpec {
    /// Dotted key path in config files, e.g. `pakistan.strike_threshold`.
    pub key: String,
    /// The default as a config file would write it.
    pub default: Value,
    pub domain: Domain,
    pub unit: &'static str,
    pub meaning: String,
    /// Where the default comes from: a calibration figure, a seed passage, or a stated assumption.
    pub source: &'static str,
}

/// Rust types that can be parameters, and how their values are written.
pub trait ParamValue {
    fn to_value(&self) -> Value;
}
impl ParamValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}
impl ParamValue for u32 {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ParamValue for bool {
    fn to_value(&self) -> Value {
        Value::Flag(*self)
    }
}

/// Joins a section's doc lines into one sentence.
pub fn join_doc(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Declares a parameter section: a typed struct (serde, unknown keys rejected, missing keys
/// take their default) and its entries in the registry.
///
/// ```ignore
/// param_section! {
///     /// Section doc.
///     pub struct Pakistan {
///         /// Meaning of the field.
///         anger_decay: f64 = 0.08, Domain::real(0.0, 1.0).plausible(0.04, 0.15), "1/day", "source";
///     }
/// }
/// ```
macro_rules! param_section {
    (
        $(#[doc = $sdoc:literal])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $ty:ty = $default:expr, $domain:expr, $unit:literal, $source:literal;
            )*
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(deny_unknown_fields, default)]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $( $field: $default, )* }
            }
        }

        impl $name {
            /// Appends this section's parameters to the registry under `prefix`, with the
            /// struct's defaults.
            pub fn describe(prefix: &str, out: &mut Vec<$crate::param_spec::ParamSpec>) {
                Self::default().describe_as_default(prefix, out);
            }

            /// Appends this section's parameters to the registry under `prefix`, with this
            /// instance's values as the defaults (sections that appear several times with
            /// their own defaults, such as the mediators).
            pub fn describe_as_default(&self, prefix: &str, out: &mut Vec<$crate::param_spec::ParamSpec>) {
                $(
                    out.push($crate::param_spec::ParamSpec {
                        key: format!("{}.{}", prefix, stringify!($field)),
                        default: $crate::param_spec::ParamValue::to_value(&self.$field),
                        domain: $domain,
                        unit: $unit,
                        meaning: $crate::param_spec::join_doc(&[$($doc),*]),
                        source: $source,
                    });
                )*
            }
        }
    };
}

pub(crate) use param_section;

#[cfg(test)]
mod tests {
    use crate::Params;

    #[test]
    fn plausible_ranges_lie_within_the_allowed_range_and_hold_the_default() {
        for spec in Params::specs() {
            let Some((lo, hi)) = spec.domain.plausible_range() else {
                continue;
            };
            let (min, max) = match spec.domain {
                super::Domain::Real { min, max, .. } => (min, max),
                super::Domain::Int { min, max, .. } => (min as f64, max as f64),
                _ => unreachable!("only numeric domains have a plausible range"),
            };
            assert!(
                min <= lo && lo < hi && hi <= max,
                "{}: plausible {lo}..{hi} not inside {min}..{max}",
                spec.key
            );
            let default = spec.default.as_number().expect("numeric default");
            assert!(
                (lo..=hi).contains(&default),
                "{}: default {default} outside its plausible range {lo}..{hi}",
                spec.key
            );
        }
    }
}
