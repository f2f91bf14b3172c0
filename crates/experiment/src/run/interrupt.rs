//! A stop asked for from outside (Ctrl-C, SIGTERM): the command line's signal handler sets it,
//! the runner looks at it between chunks of trials and stops with [`Error::Interrupted`], so
//! that a run leaves its last checkpoint for `run --resume`.

use crate::{Error, Result};
use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

/// Asks every running job to stop at its next chunk of trials; returns whether a stop had
/// been asked for already (a second Ctrl-C).
pub fn request_stop() -> bool {
    STOP.swap(true, Ordering::SeqCst)
}

/// Whether a stop was asked for.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::Relaxed)
}

/// `Err(Error::Interrupted)` once a stop was asked for.
pub(crate) fn check() -> Result<()> {
    match stop_requested() {
        true => Err(Error::Interrupted { checkpoint: None }),
        false => Ok(()),
    }
}
