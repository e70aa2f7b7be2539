//! What can go wrong while reading training data, each error naming the file and the place.

use std::fmt;
use std::path::PathBuf;

use super::SampleOrigin;

/// A row that failed validation: where it is, which field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowProblem {
    /// The line (CSV) or image file of the bad row.
    pub origin: SampleOrigin,
    /// The column or field at fault, e.g. `pixels` or `left_eye_center_x`.
    pub column: String,
    /// What is wrong, e.g. `2303 values, expected 2304`.
    pub message: String,
}

impl RowProblem {
    /// A problem with field `column` of CSV line `line`.
    pub fn at_line(line: u64, column: &str, message: impl Into<String>) -> RowProblem {
        RowProblem {
            origin: SampleOrigin::Line(line),
            column: column.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, column {}: {}",
            self.origin, self.column, self.message
        )
    }
}

/// Why a data file could not be read.
///
/// Structural errors (unreadable or empty file, bad header, broken archive) are always fatal;
/// a bad row is fatal only in strict mode, otherwise it is skipped and counted.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file or folder could not be opened.
    #[error("{path}: cannot open: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },

    /// Reading (or decompressing) failed part way, e.g. a truncated gzip stream.
    #[error("{path}: read error at line {line}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The line being read when the error happened.
        line: u64,
        /// The underlying error.
        source: std::io::Error,
    },

    /// The file holds no lines at all.
    #[error("{path}: the file is empty")]
    Empty {
        /// The file.
        path: PathBuf,
    },

    /// The zip archive is damaged or uses an unsupported feature.
    #[error("{path}: cannot read zip archive: {source}")]
    Zip {
        /// The archive.
        path: PathBuf,
        /// The zip library's reason.
        source: zip::result::ZipError,
    },

    /// The zip archive holds no `.csv` entry.
    #[error("{path}: the zip archive holds no .csv file (entries: {entries})")]
    ZipWithoutCsv {
        /// The archive.
        path: PathBuf,
        /// The names of the entries it does hold, comma-separated.
        entries: String,
    },

    /// The header line is not the one the format needs.
    #[error("{path}: line {line}, column {column}: {message}")]
    Header {
        /// The file.
        path: PathBuf,
        /// The header's line number (1 unless blank lines precede it).
        line: u64,
        /// The missing, unknown or repeated column.
        column: String,
        /// What is wrong.
        message: String,
    },

    /// A row failed validation while reading in strict mode.
    #[error("{path}: {problem}")]
    BadRow {
        /// The file.
        path: PathBuf,
        /// The row, field and reason.
        problem: RowProblem,
    },

    /// Every row was skipped or left out, so there is nothing to use.
    #[error(
        "{path}: no usable samples ({rows_read} rows read, {skipped} skipped as bad, \
         {outside} outside the label set)"
    )]
    NoSamples {
        /// The file or folder.
        path: PathBuf,
        /// Rows (or image files) read.
        rows_read: u64,
        /// Rows skipped as bad.
        skipped: u64,
        /// Rows whose class the label set leaves out.
        outside: u64,
    },

    /// An image folder tree whose layout is not `<root>/[<split>/]<class>/<image>`.
    #[error("{path}: {message}")]
    Layout {
        /// The folder at fault.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },

    /// The read options are inconsistent.
    #[error("invalid read options: {0}")]
    Options(String),

    /// A sample's pixel buffer does not match its stated size.
    #[error("{origin}: image holds {actual} pixels, a {side}x{side} image needs {expected}")]
    SampleSize {
        /// Where the sample came from.
        origin: SampleOrigin,
        /// The stated side length.
        side: usize,
        /// Pixels expected.
        expected: usize,
        /// Pixels held.
        actual: usize,
    },
}
