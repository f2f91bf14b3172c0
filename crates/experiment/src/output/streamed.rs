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

use super::tables::{EFFECT_COLUMNS, ScenarioTable, effect_rows, summary_rows, timeseries_rows};
use super::{EFFECTS_CSV, JobFolder, SCENARIOS_CSV, SUMMARY_CSV, TIMESERIES_CSV};
use crate::analysis::robustness::{ArmDigest, arm_effects};
use crate::run::Results;
use crate::spec::Experiment;
use crate::{Error, Result};
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// One table's spools: per family a headerless CSV file, created when its first row comes.
struct Spool {
    name: &'static str,
    /// The header line, taken from the first row written (the same for every row type).
    header: Option<Vec<u8>>,
    writers: Vec<Option<csv::Writer<BufWriter<File>>>>,
    paths: Vec<PathBuf>,
}

impl Spool {
    fn new(name: &'static str, folder: &JobFolder, families: usize) -> Self {
        Spool {
            name,
            header: None,
            writers: (0..families).map(|_| None).collect(),
            paths: (0..families)
                .map(|f| folder.path_of(&format!(".spool-{f:06}-{name}")))
                .collect(),
        }
    }

    /// `family`'s spool writer (opened on first use) and its path.
    fn writer(&mut self, family: usize) -> Result<(&mut csv::Writer<BufWriter<File>>, &Path)> {
        let path = self.paths[family].as_path();
        let writer = match &mut self.writers[family] {
            Some(writer) => writer,
            empty => {
                let file = File::create(path).map_err(Error::io("cannot create", path))?;
                empty.insert(
                    csv::WriterBuilder::new()
                        .has_headers(false)
                        .from_writer(BufWriter::new(file)),
                )
            }
        };
        Ok((writer, path))
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
        let path = folder.add(self.name);
        let file = File::create(&path).map_err(Error::io("cannot create", &path))?;
        let mut out = BufWriter::new(file);
        let header = header.or(self.header.take()).unwrap_or_default();
        out.write_all(&header)
            .map_err(Error::io("cannot write", &path))?;
        for (writer, spool) in self.writers.into_iter().zip(&self.paths) {
            let Some(mut writer) = writer else { continue };
            writer.flush().map_err(Error::io("cannot write", spool))?;
            drop(writer);
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
