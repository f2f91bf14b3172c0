//! The output folder: where it goes, refusing to overwrite, and atomic replacement.

use crate::scenario::Experiment;
use anyhow::{Context, Result, bail};
use std::fs;
use std::path::{Path, PathBuf};

/// `<output_dir>/<name>/`.
pub fn default_dir(experiment: &Experiment) -> PathBuf {
    experiment.output_dir.join(&experiment.name)
}

/// The folder a run writes: `out` when given, else the default.
pub fn target_dir(experiment: &Experiment, out: Option<&Path>) -> PathBuf {
    out.map_or_else(|| default_dir(experiment), Path::to_path_buf)
}

/// Whether anything (folder, file or link) exists at `path`.
fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Fails, naming the folder, if `target` exists and `force` is not set; call it before
/// running the trials, so that a refused run costs nothing and creates nothing.
pub fn check_target_free(target: &Path, force: bool) -> Result<()> {
    if exists(target) && !force {
        bail!(
            "output folder {} already exists; use --force to replace it or --out to write elsewhere",
            target.display()
        );
    }
    Ok(())
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
/// deleted if the run fails before that.
#[derive(Debug)]
pub struct Staging {
    partial: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates `.<name>.partial-<pid>` next to `target` (creating the parent if needed).
    pub fn create(target: &Path) -> Result<Self> {
        let name = target
            .file_name()
            .with_context(|| {
                format!(
                    "output folder {} has no name to write under",
                    target.display()
                )
            })?
            .to_string_lossy()
            .into_owned();
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create folder {}", parent.display()))?;
        let partial = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if exists(&partial) {
            remove_any(&partial)
                .with_context(|| format!("cannot remove stale folder {}", partial.display()))?;
        }
        fs::create_dir(&partial)
            .with_context(|| format!("cannot create folder {}", partial.display()))?;
        Ok(Staging {
            partial,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// The folder to write the files into.
    pub fn path(&self) -> &Path {
        &self.partial
    }

    /// Moves the finished folder into place; an existing target is replaced only with
    /// `force` (moved aside, then deleted once the new folder is in place).
    pub fn commit(mut self, force: bool) -> Result<()> {
        check_target_free(&self.target, force)?;
        if exists(&self.target) {
            self.replace_target()?;
        } else {
            self.rename_into_place()?;
        }
        self.committed = true;
        Ok(())
    }

    fn rename_into_place(&self) -> Result<()> {
        fs::rename(&self.partial, &self.target).with_context(|| {
            format!(
                "cannot move {} to {}",
                self.partial.display(),
                self.target.display()
            )
        })
    }

    /// Moves the old target aside, the new folder in, then deletes the old one (restoring it
    /// if the new folder cannot be moved in).
    fn replace_target(&self) -> Result<()> {
        let aside = self
            .partial
            .with_extension(format!("old-{}", std::process::id()));
        fs::rename(&self.target, &aside)
            .with_context(|| format!("cannot move the existing {} aside", self.target.display()))?;
        if let Err(e) = self.rename_into_place() {
            let _ = fs::rename(&aside, &self.target);
            return Err(e);
        }
        remove_any(&aside).with_context(|| {
            format!(
                "replaced {}, but cannot delete the old copy {}",
                self.target.display(),
                aside.display()
            )
        })
    }
}

impl Drop for Staging {
    /// A run that did not commit leaves nothing behind.
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.partial);
        }
    }
}
