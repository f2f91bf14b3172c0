//! Progress as a callback: the runner reports how much work a task has and each piece done;
//! whoever runs it decides how to show that (the command line draws a bar on a terminal).

use std::sync::Arc;

/// Receives progress reports. Called from worker threads.
pub trait ProgressSink: Send + Sync {
    /// A task of `total` units starts (or its total grows, as precision batches do).
    fn set_length(&self, total: u64);
    /// `done` more units are finished.
    fn advance(&self, done: u64);
    /// The task is over.
    fn finish(&self);
    /// A named stage of `total` units starts (a wave of history matching), its count from 0.
    fn begin(&self, label: &str, total: u64) {
        let _ = label;
        self.set_length(total);
    }
}

/// Where progress goes: nowhere by default.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn ProgressSink>>);

impl Progress {
    /// Progress reported to `sink`.
    pub fn to(sink: impl ProgressSink + 'static) -> Self {
        Progress(Some(Arc::new(sink)))
    }

    /// No progress reports.
    pub fn none() -> Self {
        Progress(None)
    }

    /// Whether reports go anywhere.
    pub fn is_shown(&self) -> bool {
        self.0.is_some()
    }

    /// Starts a task of `total` units and returns the handle to report it with.
    pub fn start(&self, total: u64) -> Progress {
        self.set_length(total);
        self.clone()
    }

    pub fn set_length(&self, total: u64) {
        if let Some(sink) = &self.0 {
            sink.set_length(total);
        }
    }

    pub fn advance(&self, done: u64) {
        if let Some(sink) = &self.0 {
            sink.advance(done);
        }
    }

    /// A named stage of `total` units starts, counted from 0.
    pub fn begin(&self, label: &str, total: u64) {
        if let Some(sink) = &self.0 {
            sink.begin(label, total);
        }
    }

    pub fn finish(&self) {
        if let Some(sink) = &self.0 {
            sink.finish();
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_shown() {
            "Progress(shown)"
        } else {
            "Progress(none)"
        })
    }
}
