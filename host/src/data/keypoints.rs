//! The Kaggle "Facial Keypoints Detection" layout: `training.csv` (30 coordinate columns and
//! `Image`, 96x96 faces as 9216 grey values) and `test.csv` (`ImageId,Image`).

use std::io::BufRead;
use std::path::Path;

use shared::keypoints::{KEYPOINT_COLUMNS, KEYPOINT_COORDS};
use shared::{INPUT_LEN, INPUT_SIDE};

use super::duplicates::{ImageGroups, count_constant};
use super::error::{DataError, RowProblem};
use super::fields::{Header, field_text, parse_pixels, split_fields};
use super::options::ReadOptions;
use super::progress::RowProgress;
use super::report::{KeypointReport, LoadReport};
use super::source::{LineReader, with_text};
use super::split::{SplitTarget, pick_groups};
use super::{KeypointSample, SampleOrigin, Split};

/// Column holding the space-separated grey values.
pub const IMAGE_COLUMN: &str = "Image";

/// Column of `test.csv` numbering its images.
pub const IMAGE_ID_COLUMN: &str = "ImageId";

/// Most consecutive rows kept together in one split. Kaggle-style files list a person's
/// frames next to each other, so splitting whole runs of rows keeps most people on one side
/// of the train/validation boundary.
const SPLIT_BLOCK_ROWS: usize = 16;

/// Faces with keypoints and what reading saw.
#[derive(Debug, Clone)]
pub struct KeypointDataset {
    /// The kept samples, in input order.
    pub samples: Vec<KeypointSample>,
    /// Counts, skipped rows, missing values per column.
    pub report: LoadReport,
}

impl KeypointDataset {
    /// The samples of one split.
    pub fn split(&self, split: Split) -> impl Iterator<Item = &KeypointSample> {
        self.samples
            .iter()
            .filter(move |sample| sample.split == split)
    }
}

/// Column positions of a keypoint training header.
struct Columns {
    coords: [usize; KEYPOINT_COORDS],
    image: usize,
    count: usize,
}

/// Reads a Kaggle keypoint `training.csv` (plain, gzip or zip, told apart by content).
///
/// Columns are found by name in any order; an empty coordinate marks that value missing
/// (`present = false`) and the row is kept. Present coordinates must be finite and inside
/// [0, 96). A seeded `options.validation_fraction` of the rows, taken in runs of
/// neighbouring rows, forms the validation split; the rest is training.
pub fn read_keypoints(path: &Path, options: &ReadOptions) -> Result<KeypointDataset, DataError> {
    options.check()?;
    let (mut samples, mut report) = with_text(path, |reader, kind| {
        let mut report = LoadReport::new(path.to_owned(), kind);
        let samples = read_keypoint_rows(reader, path, options, &mut report)?;
        Ok((samples, report))
    })?;
    if samples.is_empty() {
        return Err(DataError::NoSamples {
            path: path.to_owned(),
            rows_read: report.rows_read,
            skipped: report.skipped_count,
            outside: 0,
        });
    }

    assign_keypoint_splits(&mut samples, options);
    let groups = ImageGroups::of(samples.iter().map(|sample| sample.pixels.as_slice()));
    let splits: Vec<Split> = samples.iter().map(|sample| sample.split).collect();
    report.duplicate_groups = groups.duplicate_groups();
    report.duplicate_rows = groups.duplicate_rows();
    report.leakage_rows = groups.leakage_rows(&splits);
    report.constant_images = count_constant(samples.iter().map(|sample| &sample.pixels[..]));
    for split in splits {
        *report.split_counts.entry(split).or_default() += 1;
    }
    report.rows_kept = samples.len() as u64;
    report.keypoints = Some(KeypointReport::from_samples(
        samples
            .iter()
            .map(|sample| (&sample.coords, &sample.present)),
    ));

    report.log_summary();
    Ok(KeypointDataset { samples, report })
}

/// Reads and validates the rows; bad rows are skipped and counted, or fatal when strict.
fn read_keypoint_rows(
    reader: &mut dyn BufRead,
    path: &Path,
    options: &ReadOptions,
    report: &mut LoadReport,
) -> Result<Vec<KeypointSample>, DataError> {
    let mut lines = LineReader::new(reader, path);
    let columns = read_header(&mut lines)?;
    let progress = RowProgress::new(path);
    let mut samples = Vec::new();

    while let Some((line_number, line)) = lines.next_line()? {
        if line.is_empty() {
            continue;
        }
        report.rows_read += 1;
        progress.rows(report.rows_read);

        let fields = split_fields(line);
        match parse_keypoint_row(&fields, &columns, line_number) {
            Ok(sample) => samples.push(sample),
            Err(problem) if options.strict => {
                return Err(DataError::BadRow {
                    path: path.to_owned(),
                    problem,
                });
            }
            Err(problem) => report.skip(problem),
        }

        if options.limit.is_some_and(|limit| samples.len() >= limit) {
            break;
        }
    }

    progress.finish();
    Ok(samples)
}

/// Reads the first line and finds the 30 coordinate columns and `Image` in it.
fn read_header(lines: &mut LineReader<'_>) -> Result<Columns, DataError> {
    let path = lines.path().to_owned();
    let Some((line_number, line)) = lines.next_line()? else {
        return Err(DataError::Empty { path });
    };

    let mut required: Vec<&str> = KEYPOINT_COLUMNS.to_vec();
    required.push(IMAGE_COLUMN);
    let header = Header::parse(&path, line_number, line, &required, &[])?;
    let position = |name| header.position(name).unwrap_or_default();
    Ok(Columns {
        coords: KEYPOINT_COLUMNS.map(position),
        image: position(IMAGE_COLUMN),
        count: header.len(),
    })
}

/// Validates one row's fields.
fn parse_keypoint_row(
    fields: &[&[u8]],
    columns: &Columns,
    line: u64,
) -> Result<KeypointSample, RowProblem> {
    if fields.len() != columns.count {
        let message = format!("{} fields, the header has {}", fields.len(), columns.count);
        return Err(RowProblem::at_line(line, "(row)", message));
    }

    let mut coords = [0.0f32; KEYPOINT_COORDS];
    let mut present = [false; KEYPOINT_COORDS];
    for (index, column) in columns.coords.iter().enumerate() {
        let name = KEYPOINT_COLUMNS[index];
        let value = parse_coordinate(fields[*column])
            .map_err(|message| RowProblem::at_line(line, name, message))?;
        if let Some(value) = value {
            coords[index] = value;
            present[index] = true;
        }
    }

    let mut pixels = Vec::new();
    parse_pixels(fields[columns.image], INPUT_LEN, &mut pixels)
        .map_err(|message| RowProblem::at_line(line, IMAGE_COLUMN, message))?;
    let origin = SampleOrigin::Line(line);
    Ok(KeypointSample {
        pixels,
        coords,
        present,
        split: Split::Train,
        origin,
    })
}

/// A coordinate in the 96x96 frame, or `None` for an empty field.
fn parse_coordinate(field: &[u8]) -> Result<Option<f32>, String> {
    if field.is_empty() {
        return Ok(None);
    }

    let text = field_text(field);
    let value: f32 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if !value.is_finite() {
        return Err(format!("{text:?} is not a finite number"));
    }
    if !(0.0..INPUT_SIDE as f32).contains(&value) {
        return Err(format!("{text} lies outside the 96x96 frame [0, 96)"));
    }
    Ok(Some(value))
}

/// Puts a seeded share of runs of neighbouring rows into the validation split.
fn assign_keypoint_splits(samples: &mut [KeypointSample], options: &ReadOptions) {
    let block_rows = (samples.len() / 50).clamp(1, SPLIT_BLOCK_ROWS);
    let sizes: Vec<usize> = samples
        .chunks(block_rows)
        .map(<[KeypointSample]>::len)
        .collect();
    let target = SplitTarget::share(
        Split::Validation,
        options.validation_fraction,
        samples.len(),
    );
    let chosen = pick_groups(&sizes, |_| true, &[target], options.seed);

    for (block, rows) in samples.chunks_mut(block_rows).enumerate() {
        let split = chosen[block].unwrap_or(Split::Train);
        rows.iter_mut().for_each(|sample| sample.split = split);
    }
}

/// Reads a Kaggle keypoint `test.csv` (`ImageId,Image`, plain, gzip or zip): the images
/// with their ids, in file order. Any bad row is an error.
pub fn read_keypoint_test_images(path: &Path) -> Result<Vec<(u32, Vec<u8>)>, DataError> {
    with_text(path, |reader, _| {
        let mut lines = LineReader::new(reader, path);
        let Some((line_number, line)) = lines.next_line()? else {
            return Err(DataError::Empty {
                path: path.to_owned(),
            });
        };
        let required = [IMAGE_ID_COLUMN, IMAGE_COLUMN];
        let header = Header::parse(path, line_number, line, &required, &[])?;
        let mut images = Vec::new();

        while let Some((line_number, line)) = lines.next_line()? {
            if line.is_empty() {
                continue;
            }
            let fields = split_fields(line);
            let image = parse_test_row(&fields, &header, line_number).map_err(|problem| {
                DataError::BadRow {
                    path: path.to_owned(),
                    problem,
                }
            })?;
            images.push(image);
        }
        Ok(images)
    })
}

/// Validates one `test.csv` row.
fn parse_test_row(
    fields: &[&[u8]],
    header: &Header,
    line: u64,
) -> Result<(u32, Vec<u8>), RowProblem> {
    if fields.len() != header.len() {
        let message = format!("{} fields, the header has {}", fields.len(), header.len());
        return Err(RowProblem::at_line(line, "(row)", message));
    }
    let field = |name| fields[header.position(name).unwrap_or_default()];

    let id_text = field_text(field(IMAGE_ID_COLUMN));
    let id: u32 = id_text.parse().map_err(|_| {
        RowProblem::at_line(
            line,
            IMAGE_ID_COLUMN,
            format!("{id_text:?} is not an image id"),
        )
    })?;
    let mut pixels = Vec::new();
    parse_pixels(field(IMAGE_COLUMN), INPUT_LEN, &mut pixels)
        .map_err(|message| RowProblem::at_line(line, IMAGE_COLUMN, message))?;
    Ok((id, pixels))
}
