//! Output folders: their names, refusing to overwrite, atomic replacement, and the one
//! writer every job (run, shard, merge, calibrate, sensitivity) writes its folder through.

use super::csv::write_csv;
use super::{CHECKPOINT_JSON, MANIFEST_JSON, PARTIAL_FORMAT, PARTIAL_JSON};
use crate::run::Shard;
use crate::spec::Experiment;
use crate::{Error, Result};
use serde::Serialize;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// What a folder holds, which decides its default name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// `<output_dir>/<name>/`.
    Run,
    /// `<output_dir>/<name>-shard-K-of-N/`.
    Shard(Shard),
    /// `<output_dir>/<name>-calibration/`.
    Calibration,
    /// `<output_dir>/<name>-sensitivity/`.
    Sensitivity,
}

/// The folder `job` writes by default.
pub fn default_dir(experiment: &Experiment, job: Job) -> PathBuf {
    let name = &experiment.name;
    experiment.output_dir.join(match job {
        Job::Run => name.clone(),
        Job::Shard(s) => format!("{name}-shard-{}-of-{}", s.index, s.count),
        Job::Calibration => format!("{name}-calibration"),
        Job::Sensitivity => format!("{name}-sensitivity"),
    })
}

/// The folder a job writes: `out` when given, else its default.
pub fn target_dir(experiment: &Experiment, out: Option<&Path>, job: Job) -> PathBuf {
    out.map_or_else(|| default_dir(experiment, job), Path::to_path_buf)
}

/// Whether anything (folder, file or link) exists at `path`.
fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Fails, naming the folder, if `target` exists and `force` is not set, or if `force` is set
/// but the target is not a folder this tool wrote that may be replaced ([`replaceable`]);
/// called before any work, so that a refused job costs nothing and creates nothing.
pub(crate) fn check_target_free(target: &Path, force: bool, inputs: &[PathBuf]) -> Result<()> {
    if !exists(target) {
        return Ok(());
    }
    if !force {
        return Err(Error::TargetExists(target.to_path_buf()));
    }
    replaceable(target, inputs).map_err(|reason| Error::NotReplaceable {
        path: target.to_path_buf(),
        reason,
    })
}

/// Whether `--force` may replace what is at `target`: only a results folder of this tool (it
/// holds a manifest.json or partial.json that this tool writes), and never one that holds the
/// current folder or an input of the job (the experiment file, a part being merged). Else the
/// reason it may not.
fn replaceable(target: &Path, inputs: &[PathBuf]) -> Result<(), String> {
    let meta = fs::symlink_metadata(target).map_err(|e| format!("cannot inspect it: {e}"))?;
    if !meta.is_dir() {
        return Err("it is a file or a link, not a results folder".into());
    }
    let canonical = fs::canonicalize(target).map_err(|e| format!("cannot resolve it: {e}"))?;
    if let Ok(here) = std::env::current_dir().and_then(fs::canonicalize)
        && here.starts_with(&canonical)
    {
        return Err("it holds the current folder".into());
    }
    for input in inputs {
        if let Ok(input) = fs::canonicalize(input)
            && input.starts_with(&canonical)
        {
            return Err(format!(
                "it holds {}, an input of this command",
                input.display()
            ));
        }
    }
    if written_by_this_tool(target) {
        Ok(())
    } else {
        Err("it holds no manifest.json or partial.json written by deescalate".into())
    }
}

/// Whether `dir` holds a manifest (a JSON object with `crate_version` and `files`) or a
/// partial result (`format` = [`PARTIAL_FORMAT`]) as this tool writes them. The files are
/// read as a stream and their other fields skipped, so that checking a large folder before
/// replacing it costs no memory.
fn written_by_this_tool(dir: &Path) -> bool {
    use serde::de::IgnoredAny;
    #[derive(serde::Deserialize)]
    struct Probe {
        crate_version: Option<IgnoredAny>,
        files: Option<IgnoredAny>,
        format: Option<String>,
    }
    let probe = |name: &str| -> Option<Probe> {
        let file = fs::File::open(dir.join(name)).ok()?;
        serde_json::from_reader(std::io::BufReader::new(file)).ok()
    };
    let manifest =
        probe(MANIFEST_JSON).is_some_and(|m| m.crate_version.is_some() && m.files.is_some());
    let partial = probe(PARTIAL_JSON).is_some_and(|p| p.format.as_deref() == Some(PARTIAL_FORMAT));
    manifest || partial
}

/// Removes whatever is at `path` (folder or file).
fn remove_any(path: &Path) -> std::io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// A temporary sibling folder that becomes the output folder on [`Staging::commit`] and is
/// deleted if the run fails before that, with any parent folders it had to create.
#[derive(Debug)]
pub(crate) struct Staging {
    partial: PathBuf,
    target: PathBuf,
    /// The job's inputs, which a forced commit must not replace.
    inputs: Vec<PathBuf>,
    /// The outermost parent folder this staging created (removed again if it fails).
    created_parent: Option<PathBuf>,
    committed: bool,
    /// Left in place if not committed (a stopped run's checkpoint).
    keep: bool,
}

impl Staging {
    /// Creates `.<name>.partial-<pid>` next to `target` (creating the parent if needed).
    pub fn create(target: &Path, inputs: &[PathBuf]) -> Result<Self> {
        Self::create_or_adopt(target, inputs, None)
    }

    /// Takes over the staging folder a stopped run of `target` left (one of a process that
    /// no longer runs, holding a checkpoint; the newest if several), renamed to this process.
    pub fn adopt(target: &Path, inputs: &[PathBuf]) -> Result<Self> {
        let (name, parent) = name_and_parent(target)?;
        let Some(stopped) = stopped_staging(&parent, &name) else {
            return Err(Error::Unusable(format!(
                "no stopped run of {} to resume: {} holds no .{name}.partial-<pid> folder of a \
                 finished process with a {CHECKPOINT_JSON}; run without --resume to start afresh",
                target.display(),
                parent.display()
            )));
        };
        Self::create_or_adopt(target, inputs, Some(stopped))
    }

    fn create_or_adopt(target: &Path, inputs: &[PathBuf], adopt: Option<PathBuf>) -> Result<Self> {
        let (name, parent) = name_and_parent(target)?;
        let created_parent = parent
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !exists(a))
            .last()
            .map(Path::to_path_buf);
        fs::create_dir_all(&parent).map_err(Error::io("cannot create folder", &parent))?;
        let partial = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if let Some(stopped) = &adopt {
            fs::rename(stopped, &partial).map_err(Error::io("cannot take over", stopped))?;
        }
        clean_stale(&parent, &name);
        let staging = Staging {
            partial,
            target: target.to_path_buf(),
            inputs: inputs.to_vec(),
            created_parent,
            committed: false,
            // A stopped run's folder outlives a resume that fails or is refused.
            keep: adopt.is_some(),
        };
        if adopt.is_some() {
            return Ok(staging);
        }
        if exists(&staging.partial) {
            remove_any(&staging.partial)
                .map_err(Error::io("cannot remove stale folder", &staging.partial))?;
        }
        fs::create_dir(&staging.partial)
            .map_err(Error::io("cannot create folder", &staging.partial))?;
        Ok(staging)
    }

    /// Leaves the staging folder in place when this job ends without committing (a stopped
    /// run keeps its checkpoint for `--resume`).
    pub fn keep(&mut self) {
        self.keep = true;
    }
}

/// The name of `target` and the folder it goes in.
fn name_and_parent(target: &Path) -> Result<(String, PathBuf)> {
    let name = target
        .file_name()
        .ok_or_else(|| {
            Error::Unusable(format!(
                "output folder {} has no name to write under",
                target.display()
            ))
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((name, parent))
}

impl Staging {
    /// The folder to write the files into.
    pub fn path(&self) -> &Path {
        &self.partial
    }

    /// Moves the finished folder into place; an existing target is replaced only with
    /// `force` (moved aside, then deleted once the new folder is in place).
    pub fn commit(mut self, force: bool) -> Result<()> {
        check_target_free(&self.target, force, &self.inputs)?;
        if exists(&self.target) {
            self.replace_target()?;
        } else {
            self.rename_into_place()?;
        }
        self.committed = true;
        Ok(())
    }

    fn rename_into_place(&self) -> Result<()> {
        fs::rename(&self.partial, &self.target).map_err(|source| {
            Error::Io {
                what: "cannot move the finished folder into place at",
                path: self.target.clone(),
                source,
            }
            .context(format!(
                "cannot move {} to {}",
                self.partial.display(),
                self.target.display()
            ))
        })
    }

    /// Moves the old target aside, the new folder in, then deletes the old one (restoring it
    /// if the new folder cannot be moved in).
    fn replace_target(&self) -> Result<()> {
        let aside = self
            .partial
            .with_extension(format!("old-{}", std::process::id()));
        fs::rename(&self.target, &aside)
            .map_err(Error::io("cannot move aside the existing", &self.target))?;
        if let Err(e) = self.rename_into_place() {
            let _ = fs::rename(&aside, &self.target);
            return Err(e);
        }
        remove_any(&aside).map_err(|source| {
            Error::Io {
                what: "cannot delete the old copy",
                path: aside.clone(),
                source,
            }
            .context(format!("replaced {}", self.target.display()))
        })
    }
}

/// The staging folders (`.<name>.partial-<pid>`, and `.<name>.old-<pid>` copies moved aside)
/// that processes which no longer run left next to `<name>`, with their names. Only where it
/// can tell whether a process runs (Linux's /proc); elsewhere none.
fn left_by_dead_processes(parent: &Path, name: &str) -> Vec<(PathBuf, String)> {
    if !Path::new("/proc/self").exists() {
        return Vec::new();
    }
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let prefixes = [format!(".{name}.partial-"), format!(".{name}.old-")];
    entries
        .flatten()
        .filter_map(|entry| {
            let file_name = entry.file_name().to_str()?.to_string();
            let pid = prefixes
                .iter()
                .find_map(|p| file_name.strip_prefix(p.as_str()))
                .and_then(|pid| pid.parse::<u32>().ok())?;
            (pid != std::process::id() && !runs(pid)).then(|| (entry.path(), file_name))
        })
        .collect()
}

/// Whether process `pid` runs (Linux): it is in /proc and neither a zombie nor dead. A process
/// just killed stays in /proc as a zombie until its parent reaps it; its folder is free.
fn runs(pid: u32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // "pid (command) state …": the command may hold ')' itself, so take the last one.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next());
    !matches!(state, Some("Z" | "X" | "x"))
}

/// Removes the staging folders that processes which no longer run left next to `<name>` when
/// they were killed or stopped (a fresh run does not resume them).
fn clean_stale(parent: &Path, name: &str) {
    for (path, _) in left_by_dead_processes(parent, name) {
        let _ = remove_any(&path);
    }
}

/// The newest staging folder of a stopped run of `<name>` that holds a checkpoint.
fn stopped_staging(parent: &Path, name: &str) -> Option<PathBuf> {
    let partial = format!(".{name}.partial-");
    left_by_dead_processes(parent, name)
        .into_iter()
        .filter(|(path, file_name)| {
            file_name.starts_with(&partial) && path.join(CHECKPOINT_JSON).is_file()
        })
        .max_by_key(|(path, file_name)| {
            let modified = fs::metadata(path.join(CHECKPOINT_JSON))
                .and_then(|m| m.modified())
                .ok();
            (modified, file_name.clone())
        })
        .map(|(path, _)| path)
}

impl Drop for Staging {
    /// A run that did not commit leaves nothing behind, not even the parent folders it made.
    fn drop(&mut self) {
        if self.committed || self.keep {
            return;
        }
        let _ = fs::remove_dir_all(&self.partial);
        if let Some(outermost) = &self.created_parent {
            // Innermost first; remove_dir leaves any folder that something else filled.
            for dir in self.partial.ancestors().skip(1) {
                if fs::remove_dir(dir).is_err() || dir == outermost.as_path() {
                    break;
                }
            }
        }
    }
}

/// Writes `value` as JSON to a new file at `path`, with a final newline (pretty, for people,
/// if `pretty`).
pub(crate) fn write_json(path: &Path, value: &impl Serialize, pretty: bool) -> Result<()> {
    let file = fs::File::create(path).map_err(Error::io("cannot create", path))?;
    let mut writer = BufWriter::new(file);
    match pretty {
        true => serde_json::to_writer_pretty(&mut writer, value),
        false => serde_json::to_writer(&mut writer, value),
    }
    .map_err(Error::json(path))?;
    writer
        .write_all(b"\n")
        .and_then(|()| writer.flush())
        .map_err(Error::io("cannot write", path))
}

/// When a job started: the date for the record, the clock for its wall time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Started {
    pub at: SystemTime,
    pub clock: Instant,
}

impl Started {
    pub fn now() -> Self {
        Started {
            at: SystemTime::now(),
            clock: Instant::now(),
        }
    }
}

/// One job's output folder while it is written: files go into a hidden staging sibling, the
/// names are recorded in order, and [`JobFolder::commit`] moves the folder into place.
#[derive(Debug)]
pub(crate) struct JobFolder {
    staging: Staging,
    target: PathBuf,
    force: bool,
    files: Vec<String>,
    started: Started,
}

/// What a committed job folder holds.
#[derive(Debug, Clone)]
pub(crate) struct Finished {
    pub out_dir: PathBuf,
    /// Every file in the folder, in the order written.
    pub files: Vec<String>,
    /// From the job's start to the last file written.
    pub wall_time: Duration,
}

impl JobFolder {
    /// Refuses (before any work, so that a refused job costs nothing) an existing `target`
    /// unless `force` and it is a results folder that holds none of `inputs`, and creates the
    /// staging folder.
    pub fn create(
        target: PathBuf,
        force: bool,
        inputs: &[PathBuf],
        started: Started,
    ) -> Result<Self> {
        check_target_free(&target, force, inputs)?;
        let staging = Staging::create(&target, inputs)?;
        Ok(JobFolder {
            staging,
            target,
            force,
            files: Vec::new(),
            started,
        })
    }

    /// Takes over the staging folder of a stopped run of `target` ([`Staging::adopt`]), after
    /// the same check of `target` as [`JobFolder::create`]; `files` are those it already holds.
    pub fn adopt(
        target: PathBuf,
        force: bool,
        inputs: &[PathBuf],
        started: Started,
        files: &[&str],
    ) -> Result<Self> {
        check_target_free(&target, force, inputs)?;
        let staging = Staging::adopt(&target, inputs)?;
        Ok(JobFolder {
            staging,
            target,
            force,
            files: files.iter().map(|f| f.to_string()).collect(),
            started,
        })
    }

    /// Leaves the staging folder in place if the job stops without committing.
    pub fn keep_if_stopped(&mut self) {
        self.staging.keep();
    }

    /// The staging folder.
    pub fn staging_path(&self) -> &Path {
        self.staging.path()
    }

    /// When the job started.
    pub fn started(&self) -> Started {
        self.started
    }

    /// The path of a new file `name` in the folder, recorded as written.
    pub fn add(&mut self, name: &str) -> PathBuf {
        self.files.push(name.to_string());
        self.staging.path().join(name)
    }

    /// The files recorded so far.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// Writes `rows` (header from the row type) as CSV file `name`.
    pub fn write_csv<R: Serialize>(
        &mut self,
        name: &str,
        rows: impl IntoIterator<Item = R>,
    ) -> Result<()> {
        let path = self.add(name);
        write_csv(&path, rows)
    }

    /// The path of file `name`, already recorded, in the staging folder.
    pub fn path_of(&self, name: &str) -> PathBuf {
        self.staging.path().join(name)
    }

    /// Writes `value` as JSON file `name` (pretty, for people, if `pretty`).
    pub(crate) fn write_json(
        &mut self,
        name: &str,
        value: &impl Serialize,
        pretty: bool,
    ) -> Result<()> {
        let path = self.add(name);
        write_json(&path, value, pretty)
    }

    /// The wall time so far.
    pub fn elapsed(&self) -> Duration {
        self.started.clock.elapsed()
    }

    /// Moves the complete folder into place (replacing an existing one only if forced).
    pub fn commit(self) -> Result<Finished> {
        let wall_time = self.elapsed();
        self.staging.commit(self.force)?;
        Ok(Finished {
            out_dir: self.target,
            files: self.files,
            wall_time,
        })
    }
}
