//! What a reader saw: counts per split and class, skipped rows, duplicates, missing values.

use std::collections::BTreeMap;
use std::path::PathBuf;

use shared::keypoints::{KEYPOINT_COORDS, Keypoint};

use super::Split;
use super::error::RowProblem;

/// How many bad rows a report keeps in full; the rest are only counted.
pub const KEPT_PROBLEMS: usize = 10;

/// How the bytes of an input were packaged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum InputKind {
    /// Plain text.
    Plain,
    /// A gzip stream.
    Gzip,
    /// A zip archive; the named entry was read.
    Zip {
        /// The archive entry that was read.
        entry: String,
    },
    /// A folder tree of image files.
    ImageFolder,
}

/// Per-split counts over a list of named classes.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct ClassCounts {
    /// Class names, in index order.
    pub names: Vec<String>,
    /// For each split that has samples, the count of each class (indexed like `names`).
    pub by_split: BTreeMap<Split, Vec<u64>>,
}

impl ClassCounts {
    /// Empty counts over `names`.
    pub fn new(names: impl IntoIterator<Item = impl Into<String>>) -> ClassCounts {
        ClassCounts {
            names: names.into_iter().map(Into::into).collect(),
            by_split: BTreeMap::new(),
        }
    }

    /// Counts one sample of class `class` in `split`.
    pub fn add(&mut self, split: Split, class: usize) {
        let classes = self.names.len();
        let counts = self
            .by_split
            .entry(split)
            .or_insert_with(|| vec![0; classes]);
        counts[class] += 1;
    }

    /// Total count in `split`.
    pub fn split_total(&self, split: Split) -> u64 {
        self.by_split
            .get(&split)
            .map_or(0, |counts| counts.iter().sum())
    }

    /// Total count of class `class` over all splits.
    pub fn class_total(&self, class: usize) -> u64 {
        self.by_split.values().map(|counts| counts[class]).sum()
    }

    /// Total over all splits and classes.
    pub fn total(&self) -> u64 {
        self.by_split.values().flatten().sum()
    }
}

/// The 30 coordinates of one sample.
type KeypointCoords = [f32; KEYPOINT_COORDS];

/// Which of the 30 coordinates of one sample are labelled.
type KeypointMask = [bool; KEYPOINT_COORDS];

/// Range and missing count of one keypoint column.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct CoordinateStats {
    /// Rows that leave the value empty.
    pub missing: u64,
    /// Smallest value present, if any.
    pub min: Option<f32>,
    /// Largest value present, if any.
    pub max: Option<f32>,
    /// Mean of the values present, if any.
    pub mean: Option<f64>,
}

/// Keypoint-specific parts of a [`LoadReport`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KeypointReport {
    /// Per column, in Kaggle column order, over the kept samples.
    pub columns: Vec<CoordinateStats>,
    /// Kept samples with all 30 values present.
    pub complete_rows: u64,
    /// Kept samples in which some `left_*` point lies left of (at a smaller x than) its
    /// `right_*` partner: mirrored or mislabelled faces, since the subject's left is on the
    /// image's right.
    pub left_right_swapped_rows: u64,
}

impl KeypointReport {
    /// Builds the statistics from kept samples' coordinates and presence masks.
    pub fn from_samples<'a>(
        samples: impl IntoIterator<Item = (&'a KeypointCoords, &'a KeypointMask)>,
    ) -> KeypointReport {
        let mut sums = [0.0f64; KEYPOINT_COORDS];
        let mut counts = [0u64; KEYPOINT_COORDS];
        let mut columns = vec![CoordinateStats::default(); KEYPOINT_COORDS];
        let mut complete_rows = 0;
        let mut left_right_swapped_rows = 0;

        for (coords, present) in samples {
            complete_rows += u64::from(present.iter().all(|known| *known));
            left_right_swapped_rows += u64::from(has_swapped_sides(coords, present));
            for (column, stats) in columns.iter_mut().enumerate() {
                if !present[column] {
                    stats.missing += 1;
                    continue;
                }
                let value = coords[column];
                stats.min = Some(stats.min.map_or(value, |min| min.min(value)));
                stats.max = Some(stats.max.map_or(value, |max| max.max(value)));
                sums[column] += f64::from(value);
                counts[column] += 1;
            }
        }

        for (column, stats) in columns.iter_mut().enumerate() {
            stats.mean = (counts[column] > 0).then(|| sums[column] / counts[column] as f64);
        }
        KeypointReport {
            columns,
            complete_rows,
            left_right_swapped_rows,
        }
    }
}

/// Whether some labelled point on the subject's left has a smaller x than its labelled
/// partner on the subject's right.
fn has_swapped_sides(coords: &KeypointCoords, present: &KeypointMask) -> bool {
    let mut left_points = Keypoint::ALL
        .into_iter()
        .filter(|point| point.name().contains("left"));
    left_points.any(|left| {
        let (left_x, right_x) = (left.x_column(), left.mirror().x_column());
        present[left_x] && present[right_x] && coords[left_x] < coords[right_x]
    })
}

/// Everything a reader noticed while reading one input.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LoadReport {
    /// The file or folder read.
    pub path: PathBuf,
    /// How it was packaged.
    pub kind: InputKind,
    /// Data rows (or image files) read, header excluded.
    pub rows_read: u64,
    /// Samples kept in the data set.
    pub rows_kept: u64,
    /// The first [`KEPT_PROBLEMS`] bad rows.
    pub skipped: Vec<RowProblem>,
    /// All bad rows skipped.
    pub skipped_count: u64,
    /// Valid rows whose class the label set leaves out (emotions only).
    pub dropped_outside_label_set: u64,
    /// Groups of two or more pixel-identical images.
    pub duplicate_groups: u64,
    /// Rows whose pixels repeat an earlier row.
    pub duplicate_rows: u64,
    /// Duplicate groups whose copies carry different labels (emotions only).
    pub conflicting_duplicate_groups: u64,
    /// Rows dropped because their duplicate group's labels conflict.
    pub conflicting_duplicates_dropped: u64,
    /// Rows identical to a row of an earlier split (validation or test rows that equal a
    /// training row, test rows that equal a validation row): train/validation/test leakage.
    pub leakage_rows: u64,
    /// Valid images whose pixels all hold one value (blank frames), kept as they are.
    pub constant_images: u64,
    /// Whether the input itself said which split each row is in (`Usage` column or split
    /// folders); otherwise the splits are seeded.
    pub splits_from_data: bool,
    /// Samples moved out of the training split, per split, because the input defines no
    /// rows for that split.
    pub carved_from_train: BTreeMap<Split, u64>,
    /// Kept samples per split.
    pub split_counts: BTreeMap<Split, u64>,
    /// Emotions: valid rows per FER2013 class and the split the input gives, before
    /// duplicates are dropped, the label set applied, or splits carved from training.
    pub source_classes: Option<ClassCounts>,
    /// Emotions: kept samples per label-set class and final split.
    pub label_classes: Option<ClassCounts>,
    /// Keypoints: missing values and ranges per column.
    pub keypoints: Option<KeypointReport>,
}

impl LoadReport {
    /// An empty report for `path`.
    pub fn new(path: PathBuf, kind: InputKind) -> LoadReport {
        LoadReport {
            path,
            kind,
            rows_read: 0,
            rows_kept: 0,
            skipped: Vec::new(),
            skipped_count: 0,
            dropped_outside_label_set: 0,
            duplicate_groups: 0,
            duplicate_rows: 0,
            conflicting_duplicate_groups: 0,
            conflicting_duplicates_dropped: 0,
            leakage_rows: 0,
            constant_images: 0,
            splits_from_data: false,
            carved_from_train: BTreeMap::new(),
            split_counts: BTreeMap::new(),
            source_classes: None,
            label_classes: None,
            keypoints: None,
        }
    }

    /// Records a bad row: kept in full if among the first few, always counted.
    pub fn skip(&mut self, problem: RowProblem) {
        if self.skipped.len() < KEPT_PROBLEMS {
            self.skipped.push(problem);
        }
        self.skipped_count += 1;
    }

    /// Logs one summary line, and one line listing the first bad rows if any were skipped.
    pub fn log_summary(&self) {
        tracing::info!(
            path = %self.path.display(),
            rows_read = self.rows_read,
            rows_kept = self.rows_kept,
            skipped = self.skipped_count,
            duplicate_groups = self.duplicate_groups,
            conflicting_dropped = self.conflicting_duplicates_dropped,
            leakage_rows = self.leakage_rows,
            "data read"
        );

        if self.skipped_count > 0 {
            let first: Vec<String> = self.skipped.iter().map(ToString::to_string).collect();
            tracing::warn!(
                path = %self.path.display(),
                skipped = self.skipped_count,
                "bad rows skipped; first: {}",
                first.join("; ")
            );
        }
    }
}
