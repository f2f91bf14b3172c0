//! The `deescalate` command line: parse, run, print an error chain once.

fn main() {
    std::process::exit(deescalate::cli::main());
}
