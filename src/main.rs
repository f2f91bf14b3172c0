//! The `deescalate` command: parse the arguments, run the subcommand, print an error chain
//! once (`error: ...` then `caused by: ...`) and exit 0 on success, 2 for bad input (an
//! experiment file, an override, shards or usage), 130 for a run stopped by Ctrl-C or SIGTERM,
//! 1 for any other failure.

mod cmd;

use std::io::{self, Write};

fn main() {
    // Ctrl-C or SIGTERM: the runner stops at its next chunk of trials and a run keeps its
    // checkpoint; a second one ends the process at once.
    let _ = ctrlc::set_handler(|| {
        if experiment::run::interrupt::request_stop() {
            std::process::exit(130);
        }
    });
    let code = match cmd::run() {
        Ok(()) => 0,
        Err(err) if is_broken_pipe(&err) => 0,
        Err(err) => {
            let mut stderr = io::stderr().lock();
            let _ = writeln!(stderr, "error: {err}");
            for cause in err.chain().skip(1) {
                let _ = writeln!(stderr, "caused by: {cause}");
            }
            exit_code(&err)
        }
    };
    std::process::exit(code);
}

/// 130 for a run stopped from outside (as a shell reports Ctrl-C), 2 for bad input anywhere
/// in the chain, 1 otherwise.
fn exit_code(err: &anyhow::Error) -> i32 {
    let stopped = err.chain().any(|c| {
        c.downcast_ref::<experiment::Error>()
            .is_some_and(experiment::Error::is_interrupted)
    });
    if stopped {
        return 130;
    }
    let bad_input = err.chain().any(|c| {
        c.downcast_ref::<experiment::spec::ConfigError>()
            .is_some_and(experiment::spec::ConfigError::is_bad_input)
            || c.is::<experiment::run::ShardError>()
            || c.downcast_ref::<experiment::Error>()
                .is_some_and(experiment::Error::is_bad_input)
            || c.downcast_ref::<report::Error>()
                .is_some_and(report::Error::is_bad_input)
    });
    if bad_input { 2 } else { 1 }
}

/// Output piped into `head` that stops reading is not a failure.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use experiment::spec::ConfigError;

    #[test]
    fn config_errors_exit_2_and_other_failures_1() {
        let config = || ConfigError::Missing {
            file: "x.toml".into(),
            key: "seed".into(),
            allowed: "a whole number".into(),
        };
        let direct = anyhow::Error::new(config());
        assert_eq!(exit_code(&direct), 2);
        assert_eq!(exit_code(&direct.context("loading")), 2);
        let typed = experiment::Error::from(config()).context("running");
        assert_eq!(exit_code(&anyhow::Error::new(typed)), 2);
        let internal = experiment::Error::Internal("a broken invariant".into());
        assert_eq!(exit_code(&anyhow::Error::new(internal)), 1);
        let mismatch = ConfigError::ModelMismatch {
            file: "x.toml".into(),
            key: "baseline".into(),
            message: "a field the model lacks".into(),
        };
        assert_eq!(exit_code(&anyhow::Error::new(mismatch)), 1);
        assert_eq!(exit_code(&anyhow::anyhow!("disk full")), 1);
    }
}
