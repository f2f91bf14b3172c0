//! The fully resolved experiment as JSON, written arm by arm so that a design of many points
//! is never one tree in memory: the manifest's `config` (the effects baseline's parameters
//! once, each arm's differences) and the shard checksum's input (every arm's complete
//! parameters). Keys come sorted at every level (as `serde_json::Value` orders them), so the
//! same experiment always gives the same bytes.

use super::arms::{Place, point_values};
use super::tree::{leaves, lookup, set_key};
use super::{Experiment, Pairing, params_table};
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use toml::{Table, Value};

/// How each arm's parameters are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `params`: every parameter of every arm (the shard checksum).
    Full,
    /// `baseline_params` once and per arm `params_differing_from_baseline` (the manifest).
    Compact,
}

/// The resolved experiment, serialised on demand ([`Experiment::resolved`]).
pub struct Resolved<'a> {
    experiment: &'a Experiment,
    form: Form,
    pairing: Pairing,
    omit: &'a [&'a str],
}

impl Experiment {
    /// The fully resolved experiment, derived from the typed fields (so that an experiment
    /// derived from another, calibrate's single arm or a Morris trajectory, describes itself):
    /// its settings and, per arm, id, label, overrides and parameters in `form`.
    pub fn resolved(&self, form: Form) -> Resolved<'_> {
        Resolved {
            experiment: self,
            form,
            pairing: self.pairing,
            omit: &[],
        }
    }
}

impl<'a> Resolved<'a> {
    /// With `pairing` in place of the file's (the pairing a run uses).
    pub fn with_pairing(self, pairing: Pairing) -> Self {
        Resolved { pairing, ..self }
    }

    /// Without the settings `omit` (by key).
    pub fn without(self, omit: &'a [&'a str]) -> Self {
        Resolved { omit, ..self }
    }

    /// The settings other than the arms, by key.
    fn settings(&self) -> BTreeMap<&'static str, Value> {
        // Converted through `serde_json::Value` when written, which sorts nested keys.
        let e = self.experiment;
        let mut s: BTreeMap<&'static str, Value> = BTreeMap::new();
        s.insert("name", e.name.clone().into());
        s.insert("description", e.description.clone().into());
        s.insert("source", e.source.display().to_string().into());
        s.insert("trials", int_or_string(e.trials));
        s.insert("horizon_days", i64::from(e.horizon_days).into());
        s.insert("seed", int_or_string(e.seed));
        s.insert("output_dir", e.output_dir.display().to_string().into());
        s.insert("write_trials", e.write_trials.into());
        s.insert(
            "effects_baseline",
            e.arm_id(e.effects_baseline).into_owned().into(),
        );
        s.insert("pairing", self.pairing.name().into());
        if self.form == Form::Compact {
            s.insert(
                "baseline_params",
                Value::Table(params_table(&e.effects_baseline_arm().params)),
            );
        }
        s.retain(|k, _| !self.omit.contains(k));
        s
    }
}

impl Serialize for Resolved<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let settings = self.settings();
        let mut map = serializer.serialize_map(Some(settings.len() + 1))?;
        // "arms" sorts before every setting.
        map.serialize_entry("arms", &ArmList(self))?;
        for (key, value) in &settings {
            let json = serde_json::to_value(value).map_err(S::Error::custom)?;
            map.serialize_entry(key, &json)?;
        }
        map.end()
    }
}

/// The arms, one JSON object each, made one at a time.
struct ArmList<'r, 'a>(&'r Resolved<'a>);

impl Serialize for ArmList<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Resolved {
            experiment: e,
            form,
            ..
        } = *self.0;
        let base = params_table(&e.effects_baseline_arm().params);
        let base_leaves = leaves(&base);
        let differing_from_base = |own: &Table| -> Table {
            base_leaves
                .iter()
                .filter_map(|(key, value)| {
                    let mine = lookup(own, key)?;
                    (mine != value).then(|| (key.clone(), mine.clone()))
                })
                .collect()
        };
        // A design point's parameters are its named arm's with the point's values, so each
        // named arm's table (and its differences) is made once for all its points.
        let mut owner: Option<(usize, Table, Table)> = None;
        let mut seq = serializer.serialize_seq(Some(e.arm_count()))?;
        for a in 0..e.arm_count() {
            let mut t = Table::new();
            t.insert("id".into(), e.arm_id(a).into_owned().into());
            t.insert("label".into(), e.arm_label(a).into_owned().into());
            let overrides: Table = e.arm_overrides(a).iter().cloned().collect();
            t.insert("overrides".into(), Value::Table(overrides));
            let (params, differing) = match e.place(a) {
                Place::Held(h) => {
                    let own = params_table(&e.held[h].params);
                    let differing = (form == Form::Compact).then(|| differing_from_base(&own));
                    (own, differing)
                }
                Place::Point {
                    owner: h,
                    design,
                    point,
                } => {
                    if owner.as_ref().is_none_or(|(o, _, _)| *o != h) {
                        let own = params_table(&e.held[h].params);
                        let differing = differing_from_base(&own);
                        owner = Some((h, own, differing));
                    }
                    let (_, own, differing) = owner.as_ref().expect("made above");
                    let design = &e.designs[design];
                    let values = point_values(&e.held[h], design, point);
                    match form {
                        Form::Full => {
                            let mut own = own.clone();
                            for (key, value) in values {
                                set_key(&mut own, key, value.clone())
                                    .map_err(|_| S::Error::custom(format!("{key} is no leaf")))?;
                            }
                            (own, None)
                        }
                        Form::Compact => {
                            let mut differing = differing.clone();
                            for (key, value) in values {
                                if lookup(&base, key) == Some(value) {
                                    differing.remove(key);
                                } else {
                                    differing.insert(key.clone(), value.clone());
                                }
                            }
                            (Table::new(), Some(differing))
                        }
                    }
                }
            };
            match differing {
                Some(differing) => {
                    t.insert(
                        "params_differing_from_baseline".into(),
                        Value::Table(differing),
                    );
                }
                None => {
                    t.insert("params".into(), Value::Table(params));
                }
            }
            let json = serde_json::to_value(&t).map_err(S::Error::custom)?;
            seq.serialize_element(&json)?;
        }
        seq.end()
    }
}

fn int_or_string(n: u64) -> Value {
    i64::try_from(n)
        .map(Value::Integer)
        .unwrap_or_else(|_| Value::String(n.to_string()))
}
