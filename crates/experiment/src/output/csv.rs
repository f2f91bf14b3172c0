//! CSV files: one way to create and write them, so that every table has a header row, `.`
//! decimals, UTF-8, and errors that name the file.

use crate::{Error, Result};
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// A CSV writer on a new file at `path`.
pub(crate) fn create_csv(path: &Path) -> Result<csv::Writer<BufWriter<File>>> {
    let file = File::create(path).map_err(Error::io("cannot create", path))?;
    Ok(csv::Writer::from_writer(BufWriter::new(file)))
}

/// Opens the file a stopped run left at `path` for appending after its first `bytes` (what
/// its checkpoint counts; anything written after is cut).
pub(crate) fn reopen_at(path: &Path, bytes: u64) -> Result<File> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(Error::io("cannot open", path))?;
    let len = file
        .metadata()
        .map_err(Error::io("cannot inspect", path))?
        .len();
    if len < bytes {
        return Err(Error::Unusable(format!(
            "cannot resume: {} holds {len} bytes, fewer than the {bytes} its checkpoint counts",
            path.display()
        )));
    }
    file.set_len(bytes).map_err(Error::io("cannot cut", path))?;
    std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0))
        .map_err(Error::io("cannot open", path))?;
    Ok(file)
}

/// Writes `rows` (with a header from the row type) to a new CSV file at `path`.
pub(crate) fn write_csv<R: Serialize>(
    path: &Path,
    rows: impl IntoIterator<Item = R>,
) -> Result<()> {
    let file = File::create(path).map_err(Error::io("cannot create", path))?;
    write_rows(BufWriter::new(file), rows).map_err(Error::csv(path))
}

/// [`write_csv`], but a file without rows still gets its header, `columns` (which must be the
/// row type's fields), so that it says what it would hold.
pub(crate) fn write_csv_or_header<R: Serialize>(
    path: &Path,
    rows: impl IntoIterator<Item = R>,
    columns: &[&str],
) -> Result<()> {
    let mut rows = rows.into_iter().peekable();
    if rows.peek().is_some() {
        return write_csv(path, rows);
    }
    let mut writer = create_csv(path)?;
    write_record(&mut writer, path, columns)?;
    writer.flush().map_err(Error::io("cannot write", path))
}

/// Writes `rows` as CSV (a header from the row type, then one record per row) to `out`, and
/// flushes it: the one CSV routine of the files and of the command line's `--csv` listings.
pub fn write_rows<W: Write, R: Serialize>(
    out: W,
    rows: impl IntoIterator<Item = R>,
) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    for row in rows {
        writer.serialize(row)?;
    }
    writer.flush()?;
    Ok(())
}

/// Writes one plain record to `writer` (a file at `path`).
pub(crate) fn write_record<I, T>(
    writer: &mut csv::Writer<BufWriter<File>>,
    path: &Path,
    record: I,
) -> Result<()>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    writer.write_record(record).map_err(Error::csv(path))
}
