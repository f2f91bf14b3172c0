//! The experiment's arms in order: the arms it holds (the named arms, or the arms of a part)
//! and each design's point arms, made when asked from their named arm and their point. A
//! design of many points therefore costs its points' values, not an arm (parameters, label,
//! overrides: about 10 KB) per point; only the parts being simulated are made whole.
//!
//! Order: each held arm, followed by its points in every design that applies to it, designs
//! in file order (`baseline`, `baseline.p001`, …, `baseline.h001`, …, `cbm`, …).

use super::design::DesignInfo;
use super::registry::Registry;
use super::tree::set_key;
use super::{Arm, params_table};
use crate::text::plain;
use model::Params;
use std::borrow::Cow;
use toml::Value;

/// Where the arms of an experiment come from, in arm order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    blocks: Vec<Block>,
    /// The first arm index of each block.
    starts: Vec<usize>,
    len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// One held arm, by its index among the held arms.
    Held(usize),
    /// Every point of design `design` applied to held arm `owner`.
    Points { owner: usize, design: usize },
}

/// An arm's place in the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The held arm of this index (a named arm, or an arm of a part).
    Held(usize),
    /// Point `point` (from 0) of design `design` applied to held arm `owner`.
    Point {
        owner: usize,
        design: usize,
        point: usize,
    },
}

impl Layout {
    /// Every held arm on its own (an experiment without designs, or a part).
    pub fn held(count: usize) -> Self {
        let mut layout = Layout::default();
        for h in 0..count {
            layout.push(Block::Held(h), 1);
        }
        layout
    }

    /// The held arms, each followed by its points in every design of `designs` that
    /// applies to it (by id, [`DesignInfo::arms`]).
    pub fn of_designs(held: &[Arm], designs: &[DesignInfo]) -> Self {
        let applies: Vec<Vec<usize>> = held
            .iter()
            .map(|arm| {
                (0..designs.len())
                    .filter(|&d| designs[d].arms.contains(&arm.id))
                    .collect()
            })
            .collect();
        let sizes: Vec<usize> = designs.iter().map(|d| d.points.len()).collect();
        let mut layout = Layout::default();
        for (h, ds) in applies.iter().enumerate() {
            layout.push(Block::Held(h), 1);
            for &d in ds {
                layout.push(
                    Block::Points {
                        owner: h,
                        design: d,
                    },
                    sizes[d],
                );
            }
        }
        layout
    }

    fn push(&mut self, block: Block, size: usize) {
        if size == 0 {
            return;
        }
        self.blocks.push(block);
        self.starts.push(self.len);
        self.len += size;
    }

    /// Number of arms.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Where arm `arm` comes from.
    pub fn place(&self, arm: usize) -> Place {
        let b = self.starts.partition_point(|&s| s <= arm) - 1;
        match self.blocks[b] {
            Block::Held(h) => Place::Held(h),
            Block::Points { owner, design } => Place::Point {
                owner,
                design,
                point: arm - self.starts[b],
            },
        }
    }

    /// The index of held arm `held`.
    pub fn held_index(&self, held: usize) -> Option<usize> {
        self.blocks
            .iter()
            .position(|b| *b == Block::Held(held))
            .map(|b| self.starts[b])
    }

    /// The index of the first point of design `design` applied to held arm `owner`, if the
    /// design applies to it.
    pub fn points_start(&self, owner: usize, design: usize) -> Option<usize> {
        self.blocks
            .iter()
            .position(|b| *b == Block::Points { owner, design })
            .map(|b| self.starts[b])
    }
}

/// Whether `design`'s value for `key` gives way to what `owner` sets itself: an ensemble
/// member's values do (a member says what the world is like, an arm's setting is the
/// analyst's choice); a sweep or hypercube point sets its values whatever the arm says.
fn yields(design: &DesignInfo, owner: &Arm, key: &str) -> bool {
    design.members.is_some() && owner.overrides.iter().any(|(k, _)| k == key)
}

/// The values point `point` of `design` sets on `owner`, as key path and value (those that
/// do not [`yields`] to the arm).
pub(crate) fn point_values<'d>(
    owner: &Arm,
    design: &'d DesignInfo,
    point: usize,
) -> impl Iterator<Item = (&'d String, &'d Value)> {
    design
        .keys
        .iter()
        .zip(&design.points[point])
        .filter(move |(key, _)| !yields(design, owner, key))
}

/// The id of point `point` of `design` applied to `owner`.
pub(crate) fn point_id(owner: &Arm, design: &DesignInfo, point: usize) -> String {
    design.arm_id(&owner.id, point)
}

/// The label of point `point` of `design` applied to `owner`:
/// `<owner label> · key=value, key=value`, or `<owner label> · member <name>` for a named
/// point.
pub(crate) fn point_label(owner: &Arm, design: &DesignInfo, point: usize) -> String {
    if let Some(members) = &design.members {
        return format!("{} · member {}", owner.label, members.names[point]);
    }
    let parts: Vec<String> = design
        .keys
        .iter()
        .zip(&design.points[point])
        .map(|(key, value)| format!("{key}={}", plain(value)))
        .collect();
    format!("{} · {}", owner.label, parts.join(", "))
}

/// The parameters `owner` sets differently from the defaults with point `point` of `design`
/// applied, in registry order (as [`super::resolve`] records them).
pub(crate) fn point_overrides(
    owner: &Arm,
    design: &DesignInfo,
    point: usize,
) -> Vec<(String, Value)> {
    let registry = Registry::get();
    let values = &design.points[point];
    let mut out: Vec<(usize, String, Value)> = owner
        .overrides
        .iter()
        .filter(|(key, _)| !design.keys.contains(key) || yields(design, owner, key))
        .filter_map(|(key, v)| Some((registry.position(key)?, key.clone(), v.clone())))
        .collect();
    for (key, value) in design.keys.iter().zip(values) {
        if yields(design, owner, key) {
            continue;
        }
        let Some(i) = registry.position(key) else {
            continue;
        };
        if *value != Registry::default_of(&registry.specs[i]) {
            out.push((i, key.clone(), value.clone()));
        }
    }
    out.sort_by_key(|(i, _, _)| *i);
    out.into_iter().map(|(_, k, v)| (k, v)).collect()
}

/// `owner`'s parameters with point `point` of `design` applied. The point's values were
/// checked against their parameters' domains when the design was read, and one point of
/// each design and owner was made then, so this cannot fail unless the registry and the
/// parameter types disagree.
pub(crate) fn point_params(
    owner: &Arm,
    design: &DesignInfo,
    point: usize,
) -> Result<Params, toml::de::Error> {
    let mut table = params_table(&owner.params);
    for (key, value) in point_values(owner, design, point) {
        // Every design key is a registry leaf, so it has its place in the table.
        let _ = set_key(&mut table, key, value.clone());
    }
    Value::Table(table).try_into()
}

/// Point `point` of `design` applied to `owner`, made whole. Its parameters cannot fail to
/// make once the file was read ([`point_params`]: reading it made one point of each design
/// and owner, and every point sets the same keys to values checked against their domains).
pub(crate) fn point_arm(owner: &Arm, design: &DesignInfo, point: usize) -> Arm {
    Arm {
        id: point_id(owner, design, point),
        label: point_label(owner, design, point),
        params: point_params(owner, design, point).unwrap_or_else(|_| owner.params.clone()),
        overrides: point_overrides(owner, design, point),
    }
}

/// A made arm, borrowed when it is held.
pub type ArmRef<'a> = Cow<'a, Arm>;
