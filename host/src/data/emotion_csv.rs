//! The FER2013 CSV layout: `emotion,pixels[,Usage]`, 48x48 faces as 2304 grey values.

use std::io::BufRead;
use std::path::Path;

use shared::FER_SIDE;
use shared::labels::{EmotionLabelSet, FerClass};

use super::error::{DataError, RowProblem};
use super::fields::{Header, field_text, parse_pixels, split_fields};
use super::options::ReadOptions;
use super::progress::RowProgress;
use super::report::LoadReport;
use super::{SampleOrigin, Split};

/// Column holding the FER2013 class number.
pub const EMOTION_COLUMN: &str = "emotion";

/// Column holding the space-separated grey values.
pub const PIXELS_COLUMN: &str = "pixels";

/// Column naming the split (`Training`, `PublicTest`, `PrivateTest`).
pub const USAGE_COLUMN: &str = "Usage";

/// A valid row before duplicates, label set and splits are applied.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceEmotion {
    /// Grey pixels, row-major, `side * side` bytes.
    pub pixels: Vec<u8>,
    /// Side length of the square image.
    pub side: usize,
    /// The FER2013 class.
    pub class: FerClass,
    /// The split the input gives, if it gives one.
    pub split: Option<Split>,
    /// Where the row came from.
    pub origin: SampleOrigin,
}

/// Column positions of a FER2013 header.
struct Columns {
    emotion: usize,
    pixels: usize,
    usage: Option<usize>,
    count: usize,
}

/// Reads the FER2013 rows of the text stream `reader` (from `path`), validating each.
///
/// Bad rows are recorded in `report` and skipped, or returned as an error when
/// `options.strict`. Reading stops once `options.limit` rows in `labels` have been kept.
pub fn read_fer_rows(
    reader: &mut dyn BufRead,
    path: &Path,
    labels: &EmotionLabelSet,
    options: &ReadOptions,
    report: &mut LoadReport,
) -> Result<Vec<SourceEmotion>, DataError> {
    let mut lines = super::source::LineReader::new(reader, path);
    let columns = read_header(&mut lines)?;
    let progress = RowProgress::new(path);
    let mut rows = Vec::new();
    let mut in_label_set = 0usize;

    while let Some((line_number, line)) = lines.next_line()? {
        if line.is_empty() {
            continue;
        }
        report.rows_read += 1;
        progress.rows(report.rows_read);

        let fields = split_fields(line);
        match parse_row(&fields, &columns, line_number) {
            Ok(row) => {
                in_label_set += usize::from(labels.index_of(row.class).is_some());
                rows.push(row);
            }
            Err(problem) if options.strict => {
                return Err(DataError::BadRow {
                    path: path.to_owned(),
                    problem,
                });
            }
            Err(problem) => report.skip(problem),
        }

        if options.limit.is_some_and(|limit| in_label_set >= limit) {
            break;
        }
    }

    progress.finish();
    report.splits_from_data = columns.usage.is_some();
    Ok(rows)
}

/// Reads the first line and finds the FER2013 columns in it.
fn read_header(lines: &mut super::source::LineReader<'_>) -> Result<Columns, DataError> {
    let path = lines.path().to_owned();
    let Some((line_number, line)) = lines.next_line()? else {
        return Err(DataError::Empty { path });
    };

    let required = [EMOTION_COLUMN, PIXELS_COLUMN];
    let header = Header::parse(&path, line_number, line, &required, &[USAGE_COLUMN])?;
    let position = |name| header.position(name).unwrap_or_default();
    Ok(Columns {
        emotion: position(EMOTION_COLUMN),
        pixels: position(PIXELS_COLUMN),
        usage: header.position(USAGE_COLUMN),
        count: header.len(),
    })
}

/// Validates one row's fields.
fn parse_row(fields: &[&[u8]], columns: &Columns, line: u64) -> Result<SourceEmotion, RowProblem> {
    if fields.len() != columns.count {
        let message = format!("{} fields, the header has {}", fields.len(), columns.count);
        return Err(RowProblem::at_line(line, "(row)", message));
    }

    let class = parse_class(fields[columns.emotion])
        .map_err(|message| RowProblem::at_line(line, EMOTION_COLUMN, message))?;
    let split = columns
        .usage
        .map(|usage| parse_usage(fields[usage]))
        .transpose()
        .map_err(|message| RowProblem::at_line(line, USAGE_COLUMN, message))?;
    let mut pixels = Vec::new();
    parse_pixels(fields[columns.pixels], FER_SIDE * FER_SIDE, &mut pixels)
        .map_err(|message| RowProblem::at_line(line, PIXELS_COLUMN, message))?;

    Ok(SourceEmotion {
        pixels,
        side: FER_SIDE,
        class,
        split,
        origin: SampleOrigin::Line(line),
    })
}

/// A FER2013 class number 0..=6.
fn parse_class(field: &[u8]) -> Result<FerClass, String> {
    let text = field_text(field);
    let code: u8 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a class number 0..=6"))?;
    FerClass::from_code(code).ok_or_else(|| format!("unknown label {code}, expected 0..=6"))
}

/// A FER2013 `Usage` value.
fn parse_usage(field: &[u8]) -> Result<Split, String> {
    let text = field_text(field);
    split_from_usage(&text).ok_or_else(|| {
        format!("unknown Usage {text:?}, expected Training, PublicTest or PrivateTest")
    })
}

/// The split a FER2013 `Usage` value names (case-insensitive).
pub fn split_from_usage(usage: &str) -> Option<Split> {
    const USAGES: [(&str, Split); 3] = [
        ("Training", Split::Train),
        ("PublicTest", Split::Validation),
        ("PrivateTest", Split::Test),
    ];
    USAGES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(usage))
        .map(|(_, split)| *split)
}
