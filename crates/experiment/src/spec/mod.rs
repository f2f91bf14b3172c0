//! Experiment files: loading, parameter overrides by key path, validation, and the resolved
//! experiment the runner executes.
//!
//! ```toml
//! name = "compare_measures"          # required; letters, digits, _ and -
//! description = "..."                # optional
//! trials = 1000                      # required, >= 1 (or --trials)
//! horizon_days = 365                 # 1..=36500, default 365
//! seed = 20251018                    # required (or --seed); above i64::MAX as a string
//! output_dir = "results"             # default "results"; the run writes <output_dir>/<name>/
//! write_trials = false               # also write trials.csv
//!
//! [baseline]                         # overrides of the model defaults, by key path
//! label = "Status quo"
//! pakistan.doctrine = "proportional"
//!
//! effects_baseline = "baseline"      # arm id effects.csv compares with (default: baseline)
//! pairing = "common"                 # or "independent" (own seeds per arm; Welch intervals)
//!
//! [scenarios.cbm]                    # named arms, in file order, each starting from the baseline
//! label = "Confidence-building measures"
//! measures.confidence_building.enabled = true
//!
//! [sweep]                            # full-factorial grid over parameters (last one fastest)
//! arms = ["cbm"]                     # optional: which named arms are swept (default: all)
//! "measures.confidence_building.intensity" = [0.2, 0.5, 0.8]
//! "pakistan.strike_threshold" = { from = 0.3, to = 0.6, steps = 4 }   # inclusive
//!
//! [latin_hypercube]                  # seeded Latin hypercube (ChaCha8)
//! points = 20
//! seed = 7                           # optional, default derived from the master seed
//! arms = ["baseline"]                # optional
//! "pakistan.anger_decay" = { from = 0.05, to = 0.15 }
//! "afghanistan.crackdown_capacity" = {}                # {} = the plausible range
//!
//! [precision]                        # run in doubling batches until met or max_trials
//! metric = "open_war"
//! half_width = 0.02
//! max_trials = 20000                 # default 20000
//!
//! [morris]                           # Morris screening for `deescalate sensitivity`
//! trajectories = 10
//! levels = 4                         # even
//! trials = 128                       # optional, default: trials
//! ```
//!
//! Design points become arms after the named arm they extend: `cbm.p001`, `cbm.p002`, ...
//! (sweep) and `baseline.h001`, ... (Latin hypercube), labelled
//! `<arm label> · key=value, key=value`. The named arms stay. Every value is checked against
//! the parameter's domain.
//!
//! Each arm is defaults ← baseline ← scenario, merged by key path; every leaf is checked
//! against [`Params::specs`] (`deescalate params` lists them). `--set KEY=VALUE` edits the
//! file's tree before validation: at KEY if its first segment is a top-level setting, else
//! at `baseline.KEY`. The top level is declared in one table (`schema::SETTINGS`) so that
//! design sections can be added later without touching existing files.

mod context;
pub mod design;
mod error;
mod overrides;
mod pairing;
mod precision;
pub mod quantity;
pub(crate) mod registry;
pub(crate) mod schema;
pub(crate) mod settings;
mod shard;
#[cfg(test)]
pub(crate) mod tests;
pub(crate) mod tree;

pub use design::DesignInfo;
pub use design::morris::{DEFAULT_METRICS, Morris};
pub use error::{ConfigError, KeyKind};
pub use overrides::{Overrides, SetOverride};
pub use pairing::Pairing;
pub use precision::{DEFAULT_MAX_TRIALS, Precision};
pub use registry::to_toml;
pub use shard::Shard;
pub use toml;

use design::morris;

use context::{Ctx, Origins};
use model::Params;
use registry::Registry;
use schema::{ArmSpec, ExperimentFile};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use toml::{Table, Value};
use tree::{leaves, lookup, merge};

/// A fully resolved, validated experiment.
#[derive(Debug, Clone)]
pub struct Experiment {
    /// The file it was read from.
    pub source: PathBuf,
    /// Name, used as the output folder name: letters, digits, `_` and `-`.
    pub name: String,
    pub description: String,
    /// Trials per arm.
    pub trials: u64,
    /// Simulated days per trial.
    pub horizon_days: u32,
    /// Master seed.
    pub seed: u64,
    /// Folder the run folder goes into (default `results`); the run writes `<output_dir>/<name>/`.
    pub output_dir: PathBuf,
    /// Whether to write trials.csv.
    pub write_trials: bool,
    /// The arms: the baseline first, then the named scenarios in file order.
    pub arms: Vec<Arm>,
    /// Index of the arm effects are computed against (`effects_baseline`, default 0).
    pub effects_baseline: usize,
    /// How arms are seeded relative to each other (`pairing`, default common).
    pub pairing: Pairing,
    /// A precision target (`[precision]`), if any.
    pub precision: Option<Precision>,
    /// The designs (`[sweep]`, then `[latin_hypercube]`) with their points and arms.
    pub designs: Vec<DesignInfo>,
    /// A Morris screening of the effects baseline arm (`[morris]`), if any.
    pub morris: Option<Morris>,
    /// For a part of a larger experiment ([`Experiment::part`]): the index each arm has in
    /// the whole, which seeds it. `None`: each arm is seeded by its own index.
    pub seed_indices: Option<Vec<usize>>,
}

/// One policy arm: a named parameter set.
#[derive(Debug, Clone)]
pub struct Arm {
    /// Stable identifier (`baseline` or the scenario's key).
    pub id: String,
    /// Readable label.
    pub label: String,
    pub params: Params,
    /// The parameters this arm sets differently from the defaults, as key path and value.
    pub overrides: Vec<(String, toml::Value)>,
}

impl Experiment {
    /// Each arm's index by its id.
    pub fn arm_index(&self) -> std::collections::HashMap<&str, usize> {
        self.arms
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect()
    }

    /// The arms of `design` (one of [`Experiment::designs`]), by the named arm it was applied
    /// to: `[owner][point]` is the index of arm `<owner>.<tag><point>`, owners in the design's
    /// order (every named arm of the design has an arm at every point).
    pub fn point_arms(&self, design: &DesignInfo) -> Vec<(usize, Vec<usize>)> {
        let index = self.arm_index();
        design
            .arms
            .iter()
            .filter_map(|owner| {
                let named = *index.get(owner.as_str())?;
                let arms = (0..design.points.len())
                    .filter_map(|i| index.get(design.arm_id(owner, i).as_str()).copied())
                    .collect();
                Some((named, arms))
            })
            .collect()
    }

    /// For each arm, the index of the named arm it belongs to: itself, or for a design point
    /// the arm the design was applied to (`mediation` for `mediation.h007`).
    pub fn families(&self) -> Vec<usize> {
        let mut family: Vec<usize> = (0..self.arms.len()).collect();
        for design in &self.designs {
            for (named, arms) in self.point_arms(design) {
                for arm in arms {
                    family[arm] = named;
                }
            }
        }
        family
    }

    /// The index that seeds arm `arm` (its index in the whole experiment).
    pub fn seed_index(&self, arm: usize) -> usize {
        self.seed_indices.as_ref().map_or(arm, |s| s[arm])
    }

    /// The experiment restricted to arms `arms` (indices, ascending) and the effects
    /// baseline, which every part runs for pairing; each arm keeps its seeds, so its statistics
    /// are those it has in the whole. Designs are left out (a part is not analysed over them).
    pub fn part(&self, arms: &[usize]) -> Experiment {
        let mut indices: Vec<usize> = arms.to_vec();
        if let Err(at) = indices.binary_search(&self.effects_baseline) {
            indices.insert(at, self.effects_baseline);
        }
        let effects_baseline = indices
            .binary_search(&self.effects_baseline)
            .unwrap_or_default();
        Experiment {
            arms: indices.iter().map(|&a| self.arms[a].clone()).collect(),
            effects_baseline,
            designs: Vec::new(),
            morris: None,
            seed_indices: Some(indices.iter().map(|&a| self.seed_index(a)).collect()),
            ..self.clone_settings()
        }
    }

    /// The experiment's settings without its arms, designs and screening.
    fn clone_settings(&self) -> Experiment {
        Experiment {
            source: self.source.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            trials: self.trials,
            horizon_days: self.horizon_days,
            seed: self.seed,
            output_dir: self.output_dir.clone(),
            write_trials: self.write_trials,
            arms: Vec::new(),
            effects_baseline: 0,
            pairing: self.pairing,
            precision: self.precision.clone(),
            designs: Vec::new(),
            morris: None,
            seed_indices: None,
        }
    }

    /// The arms in parts of at most about `arms_per_part` arms that can run one after another:
    /// the named arms first, then each design's points in blocks, all arms at a point in the
    /// same part (so that each is paired with the baseline at its point within the part).
    pub fn parts(&self, arms_per_part: usize) -> Vec<Vec<usize>> {
        let mut in_design = vec![false; self.arms.len()];
        let mut parts = Vec::new();
        for design in &self.designs {
            let owners = self.point_arms(design);
            let per_block = (arms_per_part / owners.len().max(1)).max(1);
            for first in (0..design.points.len()).step_by(per_block) {
                let block = first..(first + per_block).min(design.points.len());
                let mut part: Vec<usize> = owners
                    .iter()
                    .flat_map(|(_, arms)| arms[block.clone()].iter().copied())
                    .collect();
                part.sort_unstable();
                for &a in &part {
                    in_design[a] = true;
                }
                parts.push(part);
            }
        }
        let named: Vec<usize> = (0..self.arms.len()).filter(|&a| !in_design[a]).collect();
        parts.insert(0, named);
        parts.retain(|p| !p.is_empty());
        parts
    }

    /// The arm effects are computed against.
    pub fn effects_baseline_arm(&self) -> &Arm {
        &self.arms[self.effects_baseline]
    }

    /// For each arm, the arm its effects are measured against: the effects baseline, or, for
    /// an arm at a design point at which the effects baseline was also run, the effects
    /// baseline at that same point (same-point pairing: `joint_monitoring.h017` against
    /// `baseline.h017`, so an effect is not confounded with the point's own shift). The
    /// effects baseline and its own points are measured against the effects baseline.
    pub fn reference_arms(&self) -> Vec<usize> {
        let b = self.effects_baseline;
        let base_id = self.arms[b].id.as_str();
        let index = self.arm_index();
        self.arms
            .iter()
            .map(|arm| {
                // Design point ids are `<arm id>.<tag><number>`; named ids have no dot.
                let Some((owner, point)) = arm.id.rsplit_once('.') else {
                    return b;
                };
                if owner == base_id {
                    return b;
                }
                index
                    .get(format!("{base_id}.{point}").as_str())
                    .copied()
                    .unwrap_or(b)
            })
            .collect()
    }

    /// Trials in all: arms × trials per arm.
    pub fn total_trials(&self) -> u64 {
        self.trials.saturating_mul(self.arms.len() as u64)
    }

    /// Simulated trial-days in all.
    pub fn trial_days(&self) -> u64 {
        self.total_trials()
            .saturating_mul(u64::from(self.horizon_days))
    }

    /// The fully resolved experiment as one table (every arm's complete parameters), for the
    /// shard checksum; derived from the typed fields, so that an experiment derived from
    /// another (calibrate's single arm, a Morris trajectory) describes itself.
    pub fn resolved(&self) -> Table {
        self.resolved_with(|arm, t| {
            t.insert("params".into(), Value::Table(params_table(&arm.params)));
        })
    }

    /// [`Experiment::resolved`] as the manifest stores it: the effects baseline's complete
    /// parameters once (`baseline_params`) and, per arm, only the parameters that differ from
    /// them (`params_differing_from_baseline`, by key path), so that a design of many points
    /// does not repeat every parameter per arm.
    pub fn resolved_compact(&self) -> Table {
        let base = params_table(&self.effects_baseline_arm().params);
        let base_leaves = leaves(&base);
        let mut resolved = self.resolved_with(|arm, t| {
            let own = params_table(&arm.params);
            let differing: Table = base_leaves
                .iter()
                .filter_map(|(key, value)| {
                    let mine = lookup(&own, key)?;
                    (mine != value).then(|| (key.clone(), mine.clone()))
                })
                .collect();
            t.insert(
                "params_differing_from_baseline".into(),
                Value::Table(differing),
            );
        });
        resolved.insert("baseline_params".into(), Value::Table(base));
        resolved
    }

    /// The experiment's settings and arms as one table; `arm_params` adds an arm's parameters.
    fn resolved_with(&self, arm_params: impl Fn(&Arm, &mut Table)) -> Table {
        let mut resolved = Table::new();
        resolved.insert("name".into(), self.name.clone().into());
        resolved.insert("description".into(), self.description.clone().into());
        resolved.insert("source".into(), self.source.display().to_string().into());
        resolved.insert("trials".into(), int_or_string(self.trials));
        resolved.insert("horizon_days".into(), i64::from(self.horizon_days).into());
        resolved.insert("seed".into(), int_or_string(self.seed));
        resolved.insert(
            "output_dir".into(),
            self.output_dir.display().to_string().into(),
        );
        resolved.insert("write_trials".into(), self.write_trials.into());
        resolved.insert(
            "effects_baseline".into(),
            self.effects_baseline_arm().id.clone().into(),
        );
        resolved.insert("pairing".into(), self.pairing.name().into());
        let arms = self
            .arms
            .iter()
            .map(|arm| {
                let mut t = Table::new();
                t.insert("id".into(), arm.id.clone().into());
                t.insert("label".into(), arm.label.clone().into());
                let overrides: Table = arm.overrides.iter().cloned().collect();
                t.insert("overrides".into(), Value::Table(overrides));
                arm_params(arm, &mut t);
                Value::Table(t)
            })
            .collect();
        resolved.insert("arms".into(), Value::Array(arms));
        resolved
    }
}

/// A parameter set as a TOML table of sections.
pub fn params_table(params: &Params) -> Table {
    match Value::try_from(params) {
        Ok(Value::Table(t)) => t,
        // Every field is a number, flag, word or table of them.
        other => unreachable!("parameters always serialise to a table: {other:?}"),
    }
}

/// The top-level keys an experiment file may have.
pub fn settings() -> impl Iterator<Item = &'static str> {
    settings::SETTINGS.iter().map(|s| s.key)
}

/// Reads, overrides and validates an experiment file.
pub fn load(path: &Path, overrides: &Overrides) -> Result<Experiment, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|os_error| ConfigError::Read {
        file: path.to_path_buf(),
        os_error,
    })?;
    parse(&text, path, overrides)
}

/// The experiment file and the command-line changes to it, enough to rebuild the experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperimentSource {
    /// Path of the experiment file as given to `run`.
    pub source: String,
    /// The file's text.
    pub text: String,
    /// `--set` overrides as `KEY=VALUE`, in order.
    pub sets: Vec<String>,
    /// `--trials`.
    pub trials: Option<u64>,
    /// `--seed`.
    pub seed: Option<u64>,
}

impl ExperimentSource {
    /// Reads the experiment file at `path`, to be changed by `overrides`.
    pub fn read(path: &Path, overrides: &Overrides) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|os_error| ConfigError::Read {
            file: path.to_path_buf(),
            os_error,
        })?;
        Ok(ExperimentSource {
            source: path.display().to_string(),
            text,
            sets: overrides
                .sets
                .iter()
                .map(|s| format!("{}={}", s.key, s.raw))
                .collect(),
            trials: overrides.trials,
            seed: overrides.seed,
        })
    }

    /// The experiment it describes, validated as `run` validates a file.
    pub fn experiment(&self) -> Result<Experiment, ConfigError> {
        let source = PathBuf::from(&self.source);
        let sets = self
            .sets
            .iter()
            .map(|arg| {
                arg.parse::<SetOverride>()
                    .map_err(|reason| ConfigError::BadSet {
                        file: source.clone(),
                        arg: arg.clone(),
                        reason,
                    })
            })
            .collect::<Result<_, _>>()?;
        let overrides = Overrides {
            sets,
            trials: self.trials,
            seed: self.seed,
        };
        parse(&self.text, &source, &overrides)
    }
}

/// Validates an experiment given as text; `source` names it in messages and the manifest.
pub fn parse(text: &str, source: &Path, overrides: &Overrides) -> Result<Experiment, ConfigError> {
    let mut tree: Table = text
        .parse()
        .map_err(|e: toml::de::Error| syntax_error(text, source, &e))?;
    let mut origins = Origins::default();
    overrides.apply(&mut tree, source, &mut origins)?;
    let ctx = Ctx {
        file: source,
        origins: &origins,
    };
    let file = schema::parse(tree, &ctx)?;
    build(file, source, &ctx)
}

fn syntax_error(text: &str, source: &Path, e: &toml::de::Error) -> ConfigError {
    let start = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
    let before = text.get(..start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    let message = e.message().trim().replace('\n', " ");
    ConfigError::Syntax {
        file: source.to_path_buf(),
        line,
        column,
        message,
    }
}

/// Checks every arm's overrides, merges defaults ← baseline ← scenario, and resolves them.
fn build(file: ExperimentFile, source: &Path, ctx: &Ctx) -> Result<Experiment, ConfigError> {
    let registry = Registry::get();
    let horizon = file.horizon_days;

    let mut designs = Vec::new();
    let mut sections = Vec::new();
    if let Some(v) = &file.sweep {
        designs.push(design::grid::parse_sweep(v, ctx)?);
        sections.push("sweep");
    }
    if let Some(v) = &file.latin_hypercube {
        designs.push(design::hypercube::parse_lhs(v, file.seed, ctx)?);
        sections.push("latin_hypercube");
    }
    for (d, section) in designs.iter().zip(&sections) {
        for (i, key) in d.keys.iter().enumerate() {
            if !(key.starts_with("measures.") && key.ends_with(".start_day")) {
                continue;
            }
            let late = d.points.iter().find_map(|p| match p[i] {
                Value::Integer(day) if day > i64::from(horizon) => Some(day),
                _ => None,
            });
            if let Some(day) = late {
                return Err(ConfigError::PastHorizon {
                    file: ctx.file(),
                    key: ctx.key(&[section.to_string(), key.clone()]),
                    value: day.to_string(),
                    horizon,
                });
            }
        }
    }
    let precision = file
        .precision
        .as_ref()
        .map(|v| precision::parse_precision(v, ctx))
        .transpose()?;
    let mut morris = file
        .morris
        .as_ref()
        .map(|v| morris::parse(v, file.seed, ctx))
        .transpose()?;
    let mut named = vec![file.baseline.clone()];
    named.extend(file.scenarios.iter().cloned());
    let (mut all, designs) = design::expand(named, &designs, &sections, ctx)?;
    let mut base = all.remove(0);
    let mut file = file;
    file.scenarios = all;
    registry.check_overrides(&mut base.params, &base.tree_path, ctx)?;
    check_start_days(&base, horizon, ctx)?;
    let mut base_table = registry.defaults.clone();
    merge(&mut base_table, &base.params);
    check_shares(&base_table, &base, &base, ctx)?;

    let mut arms = Vec::with_capacity(1 + file.scenarios.len());
    arms.push(resolve(&base, base_table.clone(), ctx)?);
    for scenario in &mut file.scenarios {
        registry.check_overrides(&mut scenario.params, &scenario.tree_path, ctx)?;
        check_start_days(scenario, horizon, ctx)?;
        let mut table = base_table.clone();
        merge(&mut table, &scenario.params);
        check_shares(&table, scenario, &base, ctx)?;
        arms.push(resolve(scenario, table, ctx)?);
    }

    let effects_baseline = match &file.effects_baseline {
        None => 0,
        Some(id) => arms.iter().position(|a| &a.id == id).ok_or_else(|| {
            let ids: Vec<&str> = arms.iter().map(|a| a.id.as_str()).take(12).collect();
            let more = if arms.len() > 12 { ", …" } else { "" };
            ctx.not_allowed(
                &["effects_baseline".to_string()],
                &Value::String(id.clone()),
                format!("the id of an arm ({}{more})", ids.join(", ")),
            )
        })?,
    };
    if let Some(m) = &mut morris
        && !m.parameters_given
    {
        m.parameters = morris::default_parameters(&arms[effects_baseline].params);
    }
    Ok(Experiment {
        source: source.to_path_buf(),
        name: file.name,
        description: file.description,
        trials: file.trials,
        horizon_days: horizon,
        seed: file.seed,
        output_dir: file.output_dir,
        write_trials: file.write_trials,
        arms,
        effects_baseline,
        pairing: file.pairing,
        precision,
        designs,
        morris,
        seed_indices: None,
    })
}

fn int_or_string(n: u64) -> Value {
    i64::try_from(n)
        .map(Value::Integer)
        .unwrap_or_else(|_| Value::String(n.to_string()))
}

/// Turns a merged parameter table into an arm, recording what differs from the defaults.
fn resolve(spec: &ArmSpec, table: Table, ctx: &Ctx) -> Result<Arm, ConfigError> {
    let registry = Registry::get();
    let overrides = registry
        .specs
        .iter()
        .filter_map(|s| {
            let v = lookup(&table, &s.key)?;
            (*v != Registry::default_of(s)).then(|| (s.key.clone(), v.clone()))
        })
        .collect();
    // Every leaf was checked against the registry, so this only fails if the registry and the
    // Params types disagree.
    let params: Params = Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| ConfigError::ModelMismatch {
            file: ctx.file(),
            key: ctx.key(&spec.tree_path),
            message: e.message().trim().to_string(),
        })?;
    Ok(Arm {
        id: spec.id.clone(),
        label: spec.label.clone(),
        params,
        overrides,
    })
}

/// A measure may not start after the last simulated day.
fn check_start_days(arm: &ArmSpec, horizon: u32, ctx: &Ctx) -> Result<(), ConfigError> {
    for (key, v) in leaves(&arm.params) {
        let is_start_day = key.starts_with("measures.") && key.ends_with(".start_day");
        if let (true, Value::Integer(day)) = (is_start_day, v)
            && day > i64::from(horizon)
        {
            let mut path = arm.tree_path.clone();
            path.extend(key.split('.').map(str::to_string));
            return Err(ConfigError::PastHorizon {
                file: ctx.file(),
                key: ctx.key(&path),
                value: day.to_string(),
                horizon,
            });
        }
    }
    Ok(())
}

/// Tolerance on shares that must sum to 1.
const SHARE_TOLERANCE: f64 = 1e-9;

/// The militant target shares (`militants.target_*`) must sum to 1. The error names the arm
/// that set them (the scenario if it set any, else the baseline).
fn check_shares(
    table: &Table,
    arm: &ArmSpec,
    base: &ArmSpec,
    ctx: &Ctx,
) -> Result<(), ConfigError> {
    const PREFIX: &str = "militants.target_";
    let registry = Registry::get();
    let shares: Vec<(&str, f64)> = registry
        .specs
        .iter()
        .filter(|s| s.key.starts_with(PREFIX))
        .map(|s| {
            (
                s.key.as_str(),
                lookup(table, &s.key)
                    .and_then(Value::as_float)
                    .unwrap_or(f64::NAN),
            )
        })
        .collect();
    let sum: f64 = shares.iter().map(|(_, x)| x).sum();
    if (sum - 1.0).abs() <= SHARE_TOLERANCE {
        return Ok(());
    }
    let sets_any = |a: &ArmSpec| shares.iter().any(|(k, _)| lookup(&a.params, k).is_some());
    let owner = if sets_any(arm) || !sets_any(base) {
        arm
    } else {
        base
    };
    let mut path = owner.tree_path.clone();
    path.push("militants".to_string());
    let parts = shares
        .iter()
        .map(|(k, x)| format!("{} = {x}", k.trim_start_matches("militants.")))
        .collect::<Vec<_>>()
        .join(", ");
    Err(ConfigError::SharesSum {
        file: ctx.file(),
        key: format!("{}.target_*", ctx.key(&path)),
        sum,
        parts,
    })
}
