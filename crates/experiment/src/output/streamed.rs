//! The tables of a run whose arms are simulated part by part ([`Experiment::parts`]), written
//! as each part finishes so that no part's statistics outlive it.
//!
//! The files list rows in arm order, where each named arm is followed by its design points,
//! but parts finish in another order (the named arms first, then blocks of points across all
//! named arms). So each table's rows go to one spool file per named arm ("family") in the
//! staging folder, appended in the order they finish, which within a family is arm order;
//! at the end each table is its header followed by its families' spools in order, the same
//! bytes a run holding every arm would write. Robustness keeps one small [`ArmDigest`] per
//! arm.

use super::csv::reopen_at;
use super::tables::{EFFECT_COLUMNS, ScenarioTable, effect_rows, summary_rows, timeseries_rows};
use super::{EFFECTS_CSV, JobFolder, SCENARIOS_CSV, SUMMARY_CSV, TIMESERIES_CSV};
use crate::analysis::robustness::{ArmDigest, arm_effects};
use crate::run::Results;
use crate::spec::Experiment;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use stats::PairedSummary;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// One table's spools: per family a headerless CSV file, created when its first row comes.
/// Only one is open at a time (rows come family by family, as arms are in order), so that
/// thousands of named arms do not exhaust the open-file limit.
struct Spool {
    name: &'static str,
    /// The header line, taken from the first row written (the same for every row type).
    header: Option<Vec<u8>>,
    /// Which families have a spool file.
    exists: Vec<bool>,
    paths: Vec<PathBuf>,
    /// The family whose spool is open for appending, and its writer.
    open: Option<(usize, csv::Writer<BufWriter<File>>)>,
}

impl Spool {
    fn new(name: &'static str, folder: &JobFolder, families: usize) -> Self {
        Spool {
            name,
            header: None,
            exists: vec![false; families],
            paths: (0..families)
                .map(|f| folder.path_of(&format!(".spool-{f:06}-{name}")))
                .collect(),
            open: None,
        }
    }

    /// Writes out and closes the open spool, if any.
    fn close(&mut self) -> Result<()> {
        if let Some((family, mut writer)) = self.open.take() {
            writer
                .flush()
                .map_err(Error::io("cannot write", &self.paths[family]))?;
        }
        Ok(())
    }

    /// `family`'s spool writer (the open one, or opened for appending after closing it) and
    /// its path.
    fn writer(&mut self, family: usize) -> Result<(&mut csv::Writer<BufWriter<File>>, &Path)> {
        if self.open.as_ref().is_none_or(|(f, _)| *f != family) {
            self.close()?;
            let path = &self.paths[family];
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(Error::io("cannot create", path))?;
            self.exists[family] = true;
            let writer = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(BufWriter::new(file));
            self.open = Some((family, writer));
        }
        let (_, writer) = self.open.as_mut().expect("opened above");
        Ok((writer, self.paths[family].as_path()))
    }

    /// Writes out what is buffered; the header and each family's spool length (`None`: no
    /// spool yet).
    fn state(&mut self) -> Result<SpoolState> {
        self.close()?;
        let mut lengths = Vec::with_capacity(self.paths.len());
        for (exists, path) in self.exists.iter().zip(&self.paths) {
            lengths.push(match exists {
                true => Some(
                    std::fs::metadata(path)
                        .map_err(Error::io("cannot inspect", path))?
                        .len(),
                ),
                false => None,
            });
        }
        Ok(SpoolState {
            header: self.header.clone(),
            lengths,
        })
    }

    /// Goes back to `state`: spools cut to their lengths then, spools made since removed.
    fn restore(&mut self, state: &SpoolState) -> Result<()> {
        if state.lengths.len() != self.paths.len() {
            return Err(Error::Unusable(format!(
                "cannot resume: the checkpoint has {} spools of {}, the experiment {}",
                state.lengths.len(),
                self.name,
                self.paths.len()
            )));
        }
        self.close()?;
        self.header = state.header.clone();
        for ((exists, path), length) in self.exists.iter_mut().zip(&self.paths).zip(&state.lengths)
        {
            *exists = length.is_some();
            match *length {
                Some(length) => drop(reopen_at(path, length)?),
                None if path.exists() => {
                    std::fs::remove_file(path).map_err(Error::io("cannot remove", path))?
                }
                None => {}
            }
        }
        Ok(())
    }

    /// Appends `rows` to `family`'s spool.
    fn rows<R: Serialize>(
        &mut self,
        family: usize,
        rows: impl IntoIterator<Item = R>,
    ) -> Result<()> {
        for row in rows {
            if self.header.is_none() {
                self.header = Some(header_of(&row).map_err(Error::csv(&self.paths[family]))?);
            }
            let (writer, path) = self.writer(family)?;
            writer.serialize(row).map_err(Error::csv(path))?;
        }
        Ok(())
    }

    /// Appends one plain record to `family`'s spool.
    fn record(&mut self, family: usize, record: &[String]) -> Result<()> {
        let (writer, path) = self.writer(family)?;
        writer.write_record(record).map_err(Error::csv(path))
    }

    /// Writes the table into `folder`: `header` (or the one taken from the rows), then every
    /// family's spool in order; removes the spools.
    fn finish(mut self, folder: &mut JobFolder, header: Option<Vec<u8>>) -> Result<()> {
        self.close()?;
        let path = folder.add(self.name);
        let file = File::create(&path).map_err(Error::io("cannot create", &path))?;
        let mut out = BufWriter::new(file);
        let header = header.or(self.header.take()).unwrap_or_default();
        out.write_all(&header)
            .map_err(Error::io("cannot write", &path))?;
        for (exists, spool) in self.exists.iter().zip(&self.paths) {
            if !exists {
                continue;
            }
            append_file(spool, &mut out, &path)?;
            std::fs::remove_file(spool).map_err(Error::io("cannot remove", spool))?;
        }
        out.flush().map_err(Error::io("cannot write", &path))
    }
}

fn append_file(from: &Path, out: &mut impl Write, to: &Path) -> Result<()> {
    let mut input = File::open(from).map_err(Error::io("cannot read", from))?;
    std::io::copy(&mut input, out).map_err(Error::io("cannot write", to))?;
    Ok(())
}

/// The CSV header line a serialised `row` gets.
fn header_of<R: Serialize>(row: &R) -> Result<Vec<u8>, csv::Error> {
    let mut with = csv::Writer::from_writer(Vec::new());
    with.serialize(row)?;
    let mut without = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    without.serialize(row)?;
    let (with, without) = (
        with.into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))?,
        without
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))?,
    );
    Ok(with[..with.len() - without.len()].to_vec())
}

/// A plain header record as CSV bytes.
fn record_bytes(record: &[impl AsRef<[u8]>]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(record)?;
    writer.into_inner().map_err(|e| e.into_error().into())
}

/// A spool's state at a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpoolState {
    /// The header line taken from the rows, once a row was written.
    pub header: Option<Vec<u8>>,
    /// Each family's spool length in bytes (`None`: none yet).
    pub lengths: Vec<Option<u64>>,
}

/// A streamed run's tables at a checkpoint: what [`StreamedTables`] needs to go on after the
/// parts done so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamState {
    /// Parts finished, in [`Experiment::parts`] order.
    pub parts_done: u64,
    /// summary, timeseries, effects and scenarios, in that order.
    pub spools: Vec<SpoolState>,
    /// Every arm's robustness digest ([`ArmDigest`]), its numbers as their bit patterns so
    /// that they come back exactly.
    pub digests: Vec<(Vec<Option<u64>>, Vec<PairedBits>)>,
}

/// A [`PairedSummary`] with its numbers as bit patterns.
pub type PairedBits = (u64, [Option<u64>; 6]);

fn bits(x: Option<f64>) -> Option<u64> {
    x.map(f64::to_bits)
}

fn unbits(x: Option<u64>) -> Option<f64> {
    x.map(f64::from_bits)
}

fn digest_bits(d: &ArmDigest) -> (Vec<Option<u64>>, Vec<PairedBits>) {
    let effects = d
        .effects
        .iter()
        .map(|e| {
            (
                e.n,
                [
                    bits(e.baseline_mean),
                    bits(e.scenario_mean),
                    bits(e.diff),
                    bits(e.diff_ci95_low),
                    bits(e.diff_ci95_high),
                    bits(e.rel_change),
                ],
            )
        })
        .collect();
    (d.means.iter().map(|m| bits(*m)).collect(), effects)
}

fn digest_of_bits((means, effects): &(Vec<Option<u64>>, Vec<PairedBits>)) -> ArmDigest {
    ArmDigest {
        means: means.iter().map(|m| unbits(*m)).collect(),
        effects: effects
            .iter()
            .map(|(n, [b, s, d, lo, hi, rel])| PairedSummary {
                n: *n,
                baseline_mean: unbits(*b),
                scenario_mean: unbits(*s),
                diff: unbits(*d),
                diff_ci95_low: unbits(*lo),
                diff_ci95_high: unbits(*hi),
                rel_change: unbits(*rel),
            })
            .collect(),
    }
}

/// The tables of a streamed run while its parts finish.
pub(crate) struct StreamedTables {
    /// The spool slot of every arm: the rank of its named arm ("family") among the named
    /// arms, in arm order (so that spools exist only for named arms).
    family: Vec<usize>,
    summary: Spool,
    timeseries: Spool,
    effects: Spool,
    scenarios: Spool,
    scenario_table: ScenarioTable,
    digests: Vec<ArmDigest>,
    metrics: Vec<usize>,
}

impl StreamedTables {
    pub fn new(folder: &JobFolder, experiment: &Experiment) -> Result<Self> {
        let named = experiment.families();
        let n = experiment.arm_count();
        let mut slot = vec![0; n];
        let mut families = 0;
        for a in 0..n {
            if named[a] == a {
                slot[a] = families;
                families += 1;
            }
        }
        let family = named.iter().map(|&f| slot[f]).collect();
        Ok(StreamedTables {
            family,
            summary: Spool::new(SUMMARY_CSV, folder, families),
            timeseries: Spool::new(TIMESERIES_CSV, folder, families),
            effects: Spool::new(EFFECTS_CSV, folder, families),
            scenarios: Spool::new(SCENARIOS_CSV, folder, families),
            scenario_table: ScenarioTable::new(experiment)?,
            digests: vec![ArmDigest::default(); n],
            metrics: super::robustness::metrics(),
        })
    }

    /// Adds the rows of part `arms` (indices in the whole, ascending), run as `part` with
    /// `results`; the part's copy of the effects baseline counts only if it is in `arms`.
    pub fn add_part(&mut self, arms: &[usize], part: &Experiment, results: &Results) -> Result<()> {
        let references = part.reference_arms();
        for (local, (arm, stats)) in part.held.iter().zip(&results.arms).enumerate() {
            let whole = part.seed_index(local);
            if arms.binary_search(&whole).is_err() {
                continue;
            }
            let family = self.family[whole];
            self.summary.rows(family, summary_rows(arm, stats))?;
            self.timeseries.rows(family, timeseries_rows(arm, stats))?;
            let effects = arm_effects(part, results, &references, local);
            self.effects.rows(
                family,
                effect_rows(part, results.pairing, &references, local, &effects),
            )?;
            self.scenarios
                .record(family, &self.scenario_table.record(arm, stats))?;
            self.digests[whole] = ArmDigest::of(stats, &effects, &self.metrics);
        }
        Ok(())
    }

    /// The state to write into a checkpoint after `parts_done` parts (buffers written out).
    pub fn state(&mut self, parts_done: u64) -> Result<StreamState> {
        Ok(StreamState {
            parts_done,
            spools: vec![
                self.summary.state()?,
                self.timeseries.state()?,
                self.effects.state()?,
                self.scenarios.state()?,
            ],
            digests: self.digests.iter().map(digest_bits).collect(),
        })
    }

    /// Goes back to a checkpoint's `state` (in a stopped run's adopted staging folder).
    pub fn restore(&mut self, state: &StreamState) -> Result<()> {
        if state.spools.len() != 4 || state.digests.len() != self.digests.len() {
            return Err(Error::Unusable(format!(
                "cannot resume: the checkpoint holds {} tables and {} arms, the experiment 4 and {}",
                state.spools.len(),
                state.digests.len(),
                self.digests.len()
            )));
        }
        self.summary.restore(&state.spools[0])?;
        self.timeseries.restore(&state.spools[1])?;
        self.effects.restore(&state.spools[2])?;
        self.scenarios.restore(&state.spools[3])?;
        self.digests = state.digests.iter().map(digest_of_bits).collect();
        Ok(())
    }

    /// Writes the tables into `folder`, in the order and with the bytes of
    /// [`super::write_tables`].
    pub fn finish(self, folder: &mut JobFolder, experiment: &Experiment) -> Result<()> {
        let scenario_header = record_bytes(&self.scenario_table.header())
            .map_err(Error::csv(&folder.path_of(SCENARIOS_CSV)))?;
        let effects_header =
            record_bytes(&EFFECT_COLUMNS).map_err(Error::csv(&folder.path_of(EFFECTS_CSV)))?;
        self.summary.finish(folder, None)?;
        self.timeseries.finish(folder, None)?;
        self.effects.finish(folder, Some(effects_header))?;
        self.scenarios.finish(folder, Some(scenario_header))?;
        super::robustness::write_robustness(folder, experiment, &self.digests)
    }
}
