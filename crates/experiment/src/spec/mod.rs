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

pub(crate) mod arms;
mod context;
pub mod design;
mod error;
mod overrides;
mod pairing;
mod precision;
pub mod quantity;
pub(crate) mod registry;
pub mod resolved;
pub(crate) mod schema;
pub(crate) mod settings;
mod shard;
#[cfg(test)]
pub(crate) mod tests;
pub(crate) mod tree;

pub use arms::{ArmRef, Place};
pub use design::DesignInfo;
pub use design::ensemble::EnsembleFile;
pub use design::morris::{DEFAULT_METRICS, Morris};
pub use error::{ConfigError, KeyKind};
pub use overrides::{Overrides, SetOverride};
pub use pairing::Pairing;
pub use precision::{DEFAULT_MAX_TRIALS, Precision};
pub use registry::to_toml;
pub use shard::Shard;
pub use toml;

use design::morris;

pub(crate) use arms::Layout;
use context::{Ctx, Origins};
use model::Params;
use registry::Registry;
use schema::{ArmSpec, ExperimentFile};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
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
    /// The arms it holds: the baseline first, then the named scenarios in file order (or,
    /// for a part, the part's arms). Design points are made when asked
    /// ([`Experiment::arm`]).
    pub(crate) held: Vec<Arm>,
    /// Where each arm comes from: a held arm or a design point.
    pub(crate) layout: Layout,
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
#[derive(Debug, Clone, PartialEq)]
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
    /// Number of arms (named arms and design points).
    pub fn arm_count(&self) -> usize {
        self.layout.len()
    }

    /// Arm `arm`: borrowed if the experiment holds it, made from its named arm and its point
    /// if it is a design point ([`arms`]).
    pub fn arm(&self, arm: usize) -> ArmRef<'_> {
        self.attribute(arm, |a| a, arms::point_arm)
    }

    /// Every arm in order ([`Experiment::arm`]).
    pub fn arms(&self) -> impl ExactSizeIterator<Item = ArmRef<'_>> + '_ {
        (0..self.arm_count()).map(|a| self.arm(a))
    }

    /// One attribute of arm `arm`, without making the arm: `of_held` reads it from a held
    /// arm, `of_point` makes it for a design point from its named arm, design and point.
    fn attribute<'a, T: ToOwned + ?Sized>(
        &'a self,
        arm: usize,
        of_held: impl Fn(&'a Arm) -> &'a T,
        of_point: impl Fn(&Arm, &DesignInfo, usize) -> T::Owned,
    ) -> Cow<'a, T> {
        match self.layout.place(arm) {
            Place::Held(h) => Cow::Borrowed(of_held(&self.held[h])),
            Place::Point {
                owner,
                design,
                point,
            } => Cow::Owned(of_point(&self.held[owner], &self.designs[design], point)),
        }
    }

    /// The id of arm `arm`, without making the arm.
    pub fn arm_id(&self, arm: usize) -> Cow<'_, str> {
        self.attribute(arm, |a| a.id.as_str(), arms::point_id)
    }

    /// The label of arm `arm`, without making the arm.
    pub fn arm_label(&self, arm: usize) -> Cow<'_, str> {
        self.attribute(arm, |a| a.label.as_str(), arms::point_label)
    }

    /// The parameters arm `arm` sets differently from the defaults, without making the arm.
    pub fn arm_overrides(&self, arm: usize) -> Cow<'_, [(String, Value)]> {
        self.attribute(arm, |a| a.overrides.as_slice(), arms::point_overrides)
    }

    /// Arm `arm` if the experiment holds it (a named arm, or an arm of a part), `None` for a
    /// design point.
    pub fn held_arm(&self, arm: usize) -> Option<&Arm> {
        match self.layout.place(arm) {
            Place::Held(h) => Some(&self.held[h]),
            Place::Point { .. } => None,
        }
    }

    /// Where arm `arm` comes from: a held arm or a design point.
    pub fn place(&self, arm: usize) -> Place {
        self.layout.place(arm)
    }

    /// This experiment's settings with exactly `arms` (held, no designs, no screening),
    /// effects measured against the first: calibrate's single arm, a Morris trajectory, a
    /// benchmark.
    pub fn with_arms(&self, arms: Vec<Arm>) -> Experiment {
        Experiment {
            layout: Layout::held(arms.len()),
            held: arms,
            ..self.clone_settings()
        }
    }

    /// The arms of `design` (one of [`Experiment::designs`]), by the named arm it was applied
    /// to: `[owner][point]` is the index of arm `<owner>.<tag><point>`, owners in the design's
    /// order (every named arm of the design has an arm at every point).
    pub fn point_arms(&self, design: &DesignInfo) -> Vec<(usize, Vec<usize>)> {
        let Some(d) = self.designs.iter().position(|x| x == design) else {
            return Vec::new();
        };
        (0..self.held.len())
            .filter_map(|h| {
                let first = self.layout.points_start(h, d)?;
                let named = self.layout.held_index(h)?;
                Some((named, (first..first + design.points.len()).collect()))
            })
            .collect()
    }

    /// For each arm, the index of the named arm it belongs to: itself, or for a design point
    /// the arm the design was applied to (`mediation` for `mediation.h007`).
    pub fn families(&self) -> Vec<usize> {
        let held: Vec<usize> = (0..self.held.len())
            .map(|h| self.layout.held_index(h).unwrap_or_default())
            .collect();
        (0..self.arm_count())
            .map(|a| match self.layout.place(a) {
                Place::Held(_) => a,
                Place::Point { owner, .. } => held[owner],
            })
            .collect()
    }

    /// The index that seeds arm `arm` (its index in the whole experiment).
    pub fn seed_index(&self, arm: usize) -> usize {
        self.seed_indices.as_ref().map_or(arm, |s| s[arm])
    }

    /// The experiment restricted to arms `arms` (indices, ascending) and the effects
    /// baseline, which every part runs for pairing, all made and held; each arm keeps its
    /// seeds, so its statistics are those it has in the whole. Designs are left out (a part is
    /// not analysed over them).
    pub fn part(&self, arms: &[usize]) -> Experiment {
        let mut indices: Vec<usize> = arms.to_vec();
        if let Err(at) = indices.binary_search(&self.effects_baseline) {
            indices.insert(at, self.effects_baseline);
        }
        let effects_baseline = indices
            .binary_search(&self.effects_baseline)
            .unwrap_or_default();
        Experiment {
            effects_baseline,
            seed_indices: Some(indices.iter().map(|&a| self.seed_index(a)).collect()),
            ..self.with_arms(indices.iter().map(|&a| self.arm(a).into_owned()).collect())
        }
    }

    /// The experiment with every arm made and held, in the same order (for what holds every
    /// arm's statistics anyway: a run with a precision target or trials.csv, a shard, the
    /// tables of such a run). Designs are left out, as in a part.
    pub fn all_held(&self) -> Cow<'_, Experiment> {
        if self.held.len() == self.arm_count() {
            return Cow::Borrowed(self);
        }
        Cow::Owned(Experiment {
            held: self.arms().map(Cow::into_owned).collect(),
            layout: Layout::held(self.arm_count()),
            effects_baseline: self.effects_baseline,
            seed_indices: self.seed_indices.clone(),
            ..self.clone_settings()
        })
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
            held: Vec::new(),
            layout: Layout::default(),
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
                parts.push(part);
            }
        }
        let named: Vec<usize> = (0..self.arm_count())
            .filter(|&a| matches!(self.layout.place(a), Place::Held(_)))
            .collect();
        parts.insert(0, named);
        parts.retain(|p| !p.is_empty());
        parts
    }

    /// The arm effects are computed against.
    pub fn effects_baseline_arm(&self) -> ArmRef<'_> {
        self.arm(self.effects_baseline)
    }

    /// For each arm, the arm its effects are measured against: the effects baseline, or, for
    /// an arm at a design point at which the effects baseline was also run, the effects
    /// baseline at that same point (same-point pairing: `joint_monitoring.h017` against
    /// `baseline.h017`, so an effect is not confounded with the point's own shift). The
    /// effects baseline and its own points are measured against the effects baseline.
    pub fn reference_arms(&self) -> Vec<usize> {
        let b = self.effects_baseline;
        let base_id = self.arm_id(b).into_owned();
        let index: std::collections::HashMap<String, usize> = (0..self.arm_count())
            .map(|a| (self.arm_id(a).into_owned(), a))
            .collect();
        (0..self.arm_count())
            .map(|arm| {
                let id = self.arm_id(arm);
                // Design point ids are `<arm id>.<tag><number>`; named ids have no dot.
                let Some((owner, point)) = id.rsplit_once('.') else {
                    return b;
                };
                if owner == base_id {
                    return b;
                }
                index
                    .get(&format!("{base_id}.{point}"))
                    .copied()
                    .unwrap_or(b)
            })
            .collect()
    }

    /// Trials in all: arms × trials per arm.
    pub fn total_trials(&self) -> u64 {
        self.trials.saturating_mul(self.arm_count() as u64)
    }

    /// Simulated trial-days in all.
    pub fn trial_days(&self) -> u64 {
        self.total_trials()
            .saturating_mul(u64::from(self.horizon_days))
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
    /// `--ensemble`, with the ensemble file's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ensemble: Option<EnsembleFile>,
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
            ensemble: overrides.ensemble.clone(),
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
            ensemble: self.ensemble.clone(),
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
    build(file, overrides.ensemble.as_ref(), source, &ctx)
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
fn build(
    file: ExperimentFile,
    ensemble: Option<&EnsembleFile>,
    source: &Path,
    ctx: &Ctx,
) -> Result<Experiment, ConfigError> {
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
    if let Some(e) = ensemble {
        designs.push(design::ensemble::parse_ensemble(e)?);
        sections.push("ensemble");
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
    let designs = design::infos(&named, designs, &sections, ctx)?;
    let mut base = named.remove(0);
    let mut file = file;
    file.scenarios = named;
    registry.check_overrides(&mut base.params, &base.tree_path, ctx)?;
    check_start_days(&base, horizon, ctx)?;
    let mut base_table = registry.defaults.clone();
    merge(&mut base_table, &base.params);
    check_shares(&base_table, &base, &base, ctx)?;

    let mut arms = Vec::with_capacity(1 + file.scenarios.len());
    let mut tables = Vec::with_capacity(1 + file.scenarios.len());
    arms.push(resolve(&base, base_table.clone(), ctx)?);
    tables.push(base_table.clone());
    for scenario in &mut file.scenarios {
        registry.check_overrides(&mut scenario.params, &scenario.tree_path, ctx)?;
        check_start_days(scenario, horizon, ctx)?;
        let mut table = base_table.clone();
        merge(&mut table, &scenario.params);
        check_shares(&table, scenario, &base, ctx)?;
        arms.push(resolve(scenario, table.clone(), ctx)?);
        tables.push(table);
    }
    let specs: Vec<&ArmSpec> = std::iter::once(&base).chain(&file.scenarios).collect();
    check_points(&designs, &arms, &specs, &tables, &base, ctx)?;
    drop(tables);
    let layout = Layout::of_designs(&arms, &designs);

    let mut experiment = Experiment {
        source: source.to_path_buf(),
        name: file.name,
        description: file.description,
        trials: file.trials,
        horizon_days: horizon,
        seed: file.seed,
        output_dir: file.output_dir,
        write_trials: file.write_trials,
        held: arms,
        layout,
        effects_baseline: 0,
        pairing: file.pairing,
        precision,
        designs,
        morris: None,
        seed_indices: None,
    };
    if let Some(id) = &file.effects_baseline {
        let e = &experiment;
        experiment.effects_baseline = (0..e.arm_count())
            .position(|a| e.arm_id(a) == id.as_str())
            .ok_or_else(|| {
                let shown = e.arm_count().min(12);
                let ids: Vec<String> = (0..shown).map(|a| e.arm_id(a).into_owned()).collect();
                let more = if e.arm_count() > 12 { ", …" } else { "" };
                ctx.not_allowed(
                    &["effects_baseline".to_string()],
                    &Value::String(id.clone()),
                    format!("the id of an arm ({}{more})", ids.join(", ")),
                )
            })?;
    }
    if let Some(m) = &mut morris
        && !m.parameters_given
    {
        m.parameters = morris::default_parameters(&experiment.effects_baseline_arm().params);
    }
    experiment.morris = morris;
    Ok(experiment)
}

/// Every design point of every arm it applies to: the militant target shares still sum to 1
/// with the point's values (a design may vary them), and one point per design and arm makes
/// its parameters (so that making any point later cannot fail). Other checks on a point's
/// values were made per value when the design was read.
fn check_points(
    designs: &[DesignInfo],
    arms: &[Arm],
    specs: &[&ArmSpec],
    tables: &[Table],
    base: &ArmSpec,
    ctx: &Ctx,
) -> Result<(), ConfigError> {
    for design in designs {
        let varies_shares = design.keys.iter().any(|k| k.starts_with(SHARE_PREFIX));
        for (h, arm) in arms.iter().enumerate() {
            if !design.arms.contains(&arm.id) || design.points.is_empty() {
                continue;
            }
            arms::point_params(arm, design, 0).map_err(|e| ConfigError::ModelMismatch {
                file: ctx.file(),
                key: ctx.key(std::slice::from_ref(&design.section)),
                message: e.message().trim().to_string(),
            })?;
            if !varies_shares {
                continue;
            }
            for point in 0..design.points.len() {
                // The point as its arm's merged table and as its arm's own settings, which
                // the error names when the shares are the point's.
                let mut table = tables[h].clone();
                let mut spec = specs[h].clone();
                spec.id = design.arm_id(&arm.id, point);
                for (key, value) in design.keys.iter().zip(&design.points[point]) {
                    let _ = tree::set_key(&mut table, key, value.clone());
                    let _ = tree::set_key(&mut spec.params, key, value.clone());
                }
                check_shares(&table, &spec, base, ctx)?;
            }
        }
    }
    Ok(())
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

/// The militant target shares, which must sum to 1.
const SHARE_PREFIX: &str = "militants.target_";

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
    let registry = Registry::get();
    let shares: Vec<(&str, f64)> = registry
        .specs
        .iter()
        .filter(|s| s.key.starts_with(SHARE_PREFIX))
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
