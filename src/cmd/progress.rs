//! The progress bar on stderr: shown only when wanted and stderr is a terminal.

use experiment::run::{Progress, ProgressSink};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// Progress to a bar on stderr if `wanted` and stderr is a terminal, else nowhere.
pub(crate) fn bar(wanted: bool) -> Progress {
    if !wanted || !std::io::stderr().is_terminal() {
        return Progress::none();
    }
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg}{elapsed_precise} [{bar:40}] {pos}/{len} trials, ETA {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    Progress::to(Bar(bar))
}

/// An indicatif bar as a progress sink.
struct Bar(ProgressBar);

impl ProgressSink for Bar {
    fn set_length(&self, total: u64) {
        self.0.set_length(total);
    }
    fn advance(&self, done: u64) {
        self.0.inc(done);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
    fn begin(&self, label: &str, total: u64) {
        self.0.reset();
        self.0.set_message(format!("{label} "));
        self.0.set_length(total);
    }
}
