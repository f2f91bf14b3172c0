//! The experiment file's vocabulary: every top-level key it may have and what each allows,
//! declared once. The schema parses by it, overrides route `--set` by it, and errors list it.

/// One top-level key of an experiment file.
pub(crate) struct Setting {
    pub key: &'static str,
    /// What is allowed, for messages.
    pub allowed: &'static str,
    /// Whether the value is free text (a bare `--set name=2025` is then kept as text).
    pub text: bool,
}

/// Every top-level key an experiment file may have, in the order they are documented.
pub(crate) const SETTINGS: &[Setting] = &[
    Setting {
        key: "name",
        allowed: NAME_ALLOWED,
        text: true,
    },
    Setting {
        key: "description",
        allowed: "a string",
        text: true,
    },
    Setting {
        key: "trials",
        allowed: "a whole number of at least 1",
        text: false,
    },
    Setting {
        key: "horizon_days",
        allowed: "a whole number from 1 to 36500",
        text: false,
    },
    Setting {
        key: "seed",
        allowed: SEED_ALLOWED,
        text: false,
    },
    Setting {
        key: "output_dir",
        allowed: "a folder path (a non-empty string)",
        text: true,
    },
    Setting {
        key: "write_trials",
        allowed: "true or false",
        text: false,
    },
    Setting {
        key: "baseline",
        allowed: "a table of parameter overrides and an optional label",
        text: false,
    },
    Setting {
        key: "scenarios",
        allowed: "a table of named scenarios, e.g. [scenarios.cbm], each with parameter overrides and an optional label",
        text: false,
    },
    Setting {
        key: "sweep",
        allowed: SWEEP_ALLOWED,
        text: false,
    },
    Setting {
        key: "latin_hypercube",
        allowed: LHS_ALLOWED,
        text: false,
    },
    Setting {
        key: "effects_baseline",
        allowed: "the id of an arm (default: baseline)",
        text: true,
    },
    Setting {
        key: "pairing",
        allowed: PAIRING_ALLOWED,
        text: true,
    },
    Setting {
        key: "precision",
        allowed: PRECISION_ALLOWED,
        text: false,
    },
    Setting {
        key: "morris",
        allowed: MORRIS_ALLOWED,
        text: false,
    },
];

/// What the design and target sections allow, for messages.
pub(crate) const SWEEP_ALLOWED: &str = "a table of parameter key paths, each a list of values or { from, to, steps }, and an optional arms = [arm ids]";
pub(crate) const LHS_ALLOWED: &str = "a table with points = N, optional seed and arms, and parameter key paths each { from, to } or {} (the plausible range)";
pub(crate) const PRECISION_ALLOWED: &str = "a table with metric = \"<metric name>\", half_width = <positive number> and optional max_trials = <whole number>";
pub(crate) const MORRIS_ALLOWED: &str = "a table with trajectories = N, levels = P (even), and optional trials, seed, parameters = [key paths] and metrics = [names]";
pub(crate) const PAIRING_ALLOWED: &str =
    "\"common\" (every arm of trial k on the same seed) or \"independent\" (own seed per arm)";

/// Longest experiment name: its folder names (`<name>-calibration`, `<name>-shard-K-of-N`,
/// the hidden `.<name>.partial-<pid>`) must stay within the 255 bytes a file name may have.
pub(crate) const NAME_MAX: usize = 160;
pub(crate) const NAME_ALLOWED: &str = "a non-empty name of at most 160 letters, digits, _ and -";
pub(crate) const SEED_ALLOWED: &str = "a whole number from 0 to 18446744073709551615 (above 9223372036854775807, write it as a quoted string)";
/// What a design's own seed allows.
pub(crate) const DESIGN_SEED_ALLOWED: &str =
    "a whole number of at least 0 (above 9223372036854775807, as a quoted string)";
pub(crate) const LABEL_ALLOWED: &str = "a string";
pub(crate) const HORIZON_MAX: i64 = 36500;

/// Whether `key` is a top-level experiment setting.
pub(crate) fn is_setting(key: &str) -> bool {
    SETTINGS.iter().any(|s| s.key == key)
}

/// Whether the key path (in the file's tree) holds free text.
pub(crate) fn is_text_setting(path: &[String]) -> bool {
    match path {
        [p, m] if p == "precision" => m == "metric",
        [key] => SETTINGS.iter().any(|s| s.key == key && s.text),
        [arm, label] if arm == "baseline" => label == "label",
        [scenarios, _, label] if scenarios == "scenarios" => label == "label",
        _ => false,
    }
}
