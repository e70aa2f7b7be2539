//! Opening an input by its content (plain text, gzip, zip) and reading it line by line.
//!
//! Nothing here holds a whole file in memory: gzip and zip entries are decompressed as they
//! are read, and lines are handed out one at a time from a reused buffer.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::error::DataError;
use super::report::InputKind;

/// Size of the read buffers; large enough that a FER2013 or keypoint row fits in one fill.
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// The first bytes of a gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The first bytes of a zip archive (a local file header).
const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";

/// The UTF-8 byte order mark some editors put at the start of a text file.
const UTF8_BOM: [u8; 3] = [0xef, 0xbb, 0xbf];

/// Opens `path`, detects its packaging from its first bytes, and hands a buffered reader of
/// the decompressed text to `read`.
///
/// A zip archive is read from its first entry whose name ends in `.csv` (case-insensitive).
pub fn with_text<T>(
    path: &Path,
    read: impl FnOnce(&mut dyn BufRead, InputKind) -> Result<T, DataError>,
) -> Result<T, DataError> {
    let file = File::open(path).map_err(|source| open_error(path, source))?;
    let mut reader = BufReader::with_capacity(READ_BUFFER_BYTES, file);
    let magic = peek_magic(path, &mut reader)?;

    if magic.starts_with(&GZIP_MAGIC) {
        let decoder = flate2::bufread::MultiGzDecoder::new(reader);
        let mut text = BufReader::with_capacity(READ_BUFFER_BYTES, decoder);
        read(&mut text, InputKind::Gzip)
    } else if magic.starts_with(&ZIP_MAGIC) {
        with_zip_csv(path, reader, read)
    } else {
        read(&mut reader, InputKind::Plain)
    }
}

/// Up to four bytes from the start of `reader`, without consuming them.
fn peek_magic(path: &Path, reader: &mut BufReader<File>) -> Result<Vec<u8>, DataError> {
    let buffer = reader.fill_buf().map_err(|source| DataError::Read {
        path: path.to_owned(),
        line: 1,
        source,
    })?;
    Ok(buffer.iter().take(ZIP_MAGIC.len()).copied().collect())
}

/// Finds the first `.csv` entry of the zip archive in `reader` and reads it.
fn with_zip_csv<T>(
    path: &Path,
    reader: BufReader<File>,
    read: impl FnOnce(&mut dyn BufRead, InputKind) -> Result<T, DataError>,
) -> Result<T, DataError> {
    let zip_error = |source| DataError::Zip {
        path: path.to_owned(),
        source,
    };
    let mut archive = zip::ZipArchive::new(reader).map_err(zip_error)?;

    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    let csv_index =
        (0..archive.len()).find(|&index| archive.name_for_index(index).is_some_and(is_csv_entry));
    let Some(index) = csv_index else {
        return Err(DataError::ZipWithoutCsv {
            path: path.to_owned(),
            entries: names.join(", "),
        });
    };

    let entry = archive.by_index(index).map_err(zip_error)?;
    let kind = InputKind::Zip {
        entry: entry.name().to_owned(),
    };
    let mut text = BufReader::with_capacity(READ_BUFFER_BYTES, entry);
    read(&mut text, kind)
}

/// Whether a zip entry name is a CSV file (not a folder).
fn is_csv_entry(name: &str) -> bool {
    !name.ends_with('/') && name.to_ascii_lowercase().ends_with(".csv")
}

fn open_error(path: &Path, source: std::io::Error) -> DataError {
    DataError::Open {
        path: path.to_owned(),
        source,
    }
}

/// Hands out the lines of a text stream with their 1-based numbers, without line endings
/// (`\n` or `\r\n`) and without a leading UTF-8 byte order mark.
pub struct LineReader<'a> {
    reader: &'a mut dyn BufRead,
    path: PathBuf,
    line: u64,
    bytes: u64,
    buffer: Vec<u8>,
}

impl<'a> LineReader<'a> {
    /// Reads lines of `reader`, naming `path` in errors.
    pub fn new(reader: &'a mut dyn BufRead, path: &Path) -> LineReader<'a> {
        LineReader {
            reader,
            path: path.to_owned(),
            line: 0,
            bytes: 0,
            buffer: Vec::new(),
        }
    }

    /// The next line and its number, or `None` at the end of the stream.
    ///
    /// A read error (including a truncated compressed stream) names the file and the line
    /// being read.
    pub fn next_line(&mut self) -> Result<Option<(u64, &[u8])>, DataError> {
        self.buffer.clear();
        let read = self
            .reader
            .read_until(b'\n', &mut self.buffer)
            .map_err(|source| DataError::Read {
                path: self.path.clone(),
                line: self.line + 1,
                source,
            })?;
        if read == 0 {
            return Ok(None);
        }

        self.line += 1;
        self.bytes += read as u64;
        let mut text = self.buffer.as_slice();
        if self.line == 1 {
            text = text.strip_prefix(&UTF8_BOM).unwrap_or(text);
        }
        text = text.strip_suffix(b"\n").unwrap_or(text);
        text = text.strip_suffix(b"\r").unwrap_or(text);
        Ok(Some((self.line, text)))
    }

    /// Number of the line last returned (0 before the first).
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Bytes of text read so far, line endings included.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Counts of a plain pass over an input's lines, for measuring reading without parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineScan {
    /// Lines read.
    pub lines: u64,
    /// Bytes of decompressed text read.
    pub bytes: u64,
}

/// Reads every line of `path` (decompressing as needed) without parsing any.
pub fn scan_lines(path: &Path) -> Result<LineScan, DataError> {
    with_text(path, |reader, _| {
        let mut lines = LineReader::new(reader, path);
        while lines.next_line()?.is_some() {}
        Ok(LineScan {
            lines: lines.line(),
            bytes: lines.bytes(),
        })
    })
}

/// Reads the first line of `path` (decompressing as needed), for detecting its format.
pub fn first_line(path: &Path) -> Result<String, DataError> {
    with_text(path, |reader, _| {
        let mut lines = LineReader::new(reader, path);
        match lines.next_line()? {
            Some((_, line)) => Ok(String::from_utf8_lossy(line).into_owned()),
            None => Err(DataError::Empty {
                path: path.to_owned(),
            }),
        }
    })
}
