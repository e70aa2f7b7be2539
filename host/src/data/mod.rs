//! Training data: readers for the Kaggle formats, validation, splits and augmentation.
//!
//! Readers turn user files into the sample types below; everything downstream (training,
//! evaluation, inspection) works on these types only.

pub mod augment;
pub mod bench;
pub mod detect;
pub mod duplicates;
pub mod emotion_csv;
pub mod emotions;
pub mod error;
pub mod fields;
pub mod image_folder;
pub mod input;
pub mod keypoints;
pub mod options;
pub mod preview;
pub mod progress;
pub mod report;
pub mod source;
pub mod split;
pub mod summary;

use std::fmt;

use shared::keypoints::KEYPOINT_COORDS;

pub use augment::{AugmentConfig, Augmentation, Augmenter};
pub use detect::{DataKind, detect_kind};
pub use emotions::{EmotionDataset, read_emotions};
pub use error::{DataError, RowProblem};
pub use input::{emotion_input, keypoint_input};
pub use keypoints::{KeypointDataset, read_keypoint_test_images, read_keypoints};
pub use options::ReadOptions;
pub use report::{ClassCounts, CoordinateStats, InputKind, KeypointReport, LoadReport};

/// Which part of a data set a sample belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Split {
    /// Used to fit the weights.
    Train,
    /// Used to choose epochs, learning rates and architectures (FER2013 `PublicTest`).
    Validation,
    /// Held out until the end (FER2013 `PrivateTest`).
    Test,
}

/// One face labelled with an emotion.
#[derive(Debug, Clone, PartialEq)]
pub struct EmotionSample {
    /// Grey pixels, row-major, `side * side` bytes (48x48 for FER2013).
    pub pixels: Vec<u8>,
    /// Side length of the square image.
    pub side: usize,
    /// Index into the label set the data set was read with.
    pub label: usize,
    /// Which split the sample is in.
    pub split: Split,
    /// Line (CSV) or file (image folder) the sample came from, 1-based for lines.
    pub origin: SampleOrigin,
}

/// One 96x96 face with keypoints, any of which may be missing.
#[derive(Debug, Clone, PartialEq)]
pub struct KeypointSample {
    /// Grey pixels, row-major, 96 * 96 bytes.
    pub pixels: Vec<u8>,
    /// Coordinates in Kaggle column order; a missing value holds 0.0.
    pub coords: [f32; KEYPOINT_COORDS],
    /// Which of `coords` are labelled.
    pub present: [bool; KEYPOINT_COORDS],
    /// Which split the sample is in.
    pub split: Split,
    /// Line the sample came from.
    pub origin: SampleOrigin,
}

/// Where a sample was read from, for error messages and reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum SampleOrigin {
    /// A 1-based line of a CSV file.
    Line(u64),
    /// An image file.
    File(std::path::PathBuf),
}

impl fmt::Display for SampleOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SampleOrigin::Line(line) => write!(f, "line {line}"),
            SampleOrigin::File(path) => write!(f, "file {}", path.display()),
        }
    }
}

impl Split {
    /// All splits, in order.
    pub const ALL: [Split; 3] = [Split::Train, Split::Validation, Split::Test];

    /// Lower-case name, as printed in reports.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Validation => "validation",
            Split::Test => "test",
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
