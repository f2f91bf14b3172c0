//! The documentation against the code: the generated tables in docs/ (parameters, metrics,
//! calibration) must equal what their commands print, and every parameter key path that
//! docs/MODEL.md, README.md or the pages of docs/ names must exist in the registry; every link
//! between the pages points at a file and heading that exist.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What `deescalate ARGS` prints, run from the repository root.
fn printed(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_deescalate"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("binary runs");
    assert!(
        out.status.success(),
        "deescalate {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Asserts that the block between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in docs file
/// `doc` is exactly what `deescalate ARGS` prints.
fn assert_block_is_generated(doc: &str, name: &str, args: &[&str]) {
    let text = fs::read_to_string(root().join(doc)).expect("docs file");
    let (begin, end) = (
        format!("<!-- {name}:begin -->\n"),
        format!("<!-- {name}:end -->"),
    );
    let start = text
        .find(&begin)
        .unwrap_or_else(|| panic!("{doc} has no {begin:?} marker"))
        + begin.len();
    let stop = text[start..]
        .find(&end)
        .unwrap_or_else(|| panic!("{doc} has no {end:?} marker"))
        + start;
    let expected = printed(args);
    assert!(
        text[start..stop] == expected,
        "{doc}'s {name} block is out of date; regenerate it with\n  \
         cargo run --release -- {}\nand put the output between the {name} markers.\n\
         --- command printed ---\n{expected}",
        args.join(" ")
    );
}

#[test]
fn parameter_table_is_the_registry() {
    assert_block_is_generated("docs/REFERENCE.md", "params", &["params", "--markdown"]);
}

#[test]
fn metric_table_is_the_registry() {
    assert_block_is_generated("docs/REFERENCE.md", "metrics", &["metrics", "--markdown"]);
}

#[test]
fn calibration_table_is_what_calibrate_prints() {
    assert_block_is_generated(
        "docs/MODEL.md",
        "calibration",
        &[
            "calibrate",
            "configs/status_quo.toml",
            "--markdown",
            "--no-progress",
        ],
    );
}

/// Every `section.key` in backticks whose section is a parameter section names a parameter or
/// a section of them, so a renamed or removed parameter cannot survive in the prose. File
/// names (`mediators.toml`) and design-point ids (`mediation.p003`) are not key paths.
#[test]
fn every_parameter_key_named_in_the_docs_exists() {
    let csv = printed(&["params", "--csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let keys: BTreeSet<String> = reader
        .records()
        .map(|r| r.expect("params row")[0].to_string())
        .collect();
    let sections: BTreeSet<&str> = keys.iter().map(|k| k.split('.').next().unwrap()).collect();
    assert!(sections.contains("pakistan") && sections.contains("measures"));
    let mut unknown = Vec::new();
    let mut checked = 0;
    let docs = [
        "docs/MODEL.md",
        "README.md",
        "docs/usage.md",
        "docs/outputs.md",
        "docs/large-runs.md",
        "docs/performance.md",
    ];
    for doc in docs {
        let text = fs::read_to_string(root().join(doc)).expect("docs file");
        for token in text.split('`').skip(1).step_by(2) {
            // `key=value` in a --set example names the key before `=`.
            let token = token.split('=').next().unwrap_or("").trim();
            let is_key_path = token.contains('.')
                && token
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
            let (section, last) = (
                token.split('.').next().unwrap_or(""),
                token.rsplit('.').next().unwrap_or(""),
            );
            let file_or_point_id = ["toml", "csv", "md", "rs", "json"].contains(&last)
                || (last.len() == 4 && last[1..].chars().all(|c| c.is_ascii_digit()));
            if !is_key_path || !sections.contains(section) || file_or_point_id {
                continue;
            }
            checked += 1;
            let prefix = format!("{token}.");
            if !keys.contains(token) && !keys.iter().any(|k| k.starts_with(&prefix)) {
                unknown.push(format!("{doc}: `{token}`"));
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} key paths found: is the scan broken?"
    );
    assert!(
        unknown.is_empty(),
        "key paths in the docs that are not parameters (`deescalate params` lists them):\n{}",
        unknown.join("\n")
    );
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn links_between_the_pages_point_at_files_and_headings_that_exist() {
    let pages = [
        "README.md",
        "docs/usage.md",
        "docs/outputs.md",
        "docs/large-runs.md",
        "docs/performance.md",
        "docs/ARCHITECTURE.md",
        "docs/MODEL.md",
        "docs/REFERENCE.md",
    ];
    let mut broken = Vec::new();
    for page in pages {
        let path = root().join(page);
        let text = fs::read_to_string(&path).expect("page");
        for link in text.split("](").skip(1) {
            let target = link.split(')').next().unwrap_or("");
            if target.starts_with("http") || target.is_empty() {
                continue;
            }
            let (file, heading) = target.split_once('#').unwrap_or((target, ""));
            let file = match file {
                "" => path.clone(),
                f => path.parent().unwrap().join(f),
            };
            let Ok(linked) = fs::read_to_string(&file).or_else(|e| {
                // Images and folders exist but are not text pages.
                if file.exists() {
                    Ok(String::new())
                } else {
                    Err(e)
                }
            }) else {
                broken.push(format!("{page}: {target}"));
                continue;
            };
            let found = heading.is_empty()
                || linked
                    .lines()
                    .filter(|l| l.starts_with('#'))
                    .any(|l| anchor(l.trim_start_matches('#')) == heading);
            if !found {
                broken.push(format!("{page}: {target}"));
            }
        }
    }
    assert!(broken.is_empty(), "broken links: {broken:?}");
}
