//! Telling emotion data from keypoint data by looking at it.

use std::path::Path;

use shared::keypoints::KEYPOINT_COLUMNS;

use super::emotion_csv::PIXELS_COLUMN;
use super::error::DataError;
use super::keypoints::IMAGE_COLUMN;
use super::source::first_line;

/// What a data input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// Faces labelled with emotions (FER2013 CSV or an image folder tree).
    Emotion,
    /// Faces with keypoints (Kaggle keypoint CSV).
    Keypoints,
}

/// Decides the kind of `path`: a folder holds emotion images; a CSV header naming `pixels`
/// is FER2013; one naming `left_eye_center_x` or `Image` is keypoint data.
pub fn detect_kind(path: &Path) -> Result<DataKind, DataError> {
    if path.is_dir() {
        return Ok(DataKind::Emotion);
    }

    let header = first_line(path)?;
    let has_column = |name: &str| {
        let mut columns = header
            .split(',')
            .map(|column| column.trim().trim_matches('"'));
        columns.any(|column| column.eq_ignore_ascii_case(name))
    };
    if has_column(PIXELS_COLUMN) {
        Ok(DataKind::Emotion)
    } else if has_column(KEYPOINT_COLUMNS[0]) || has_column(IMAGE_COLUMN) {
        Ok(DataKind::Keypoints)
    } else {
        Err(DataError::Header {
            path: path.to_owned(),
            line: 1,
            column: "(header)".to_owned(),
            message: format!(
                "neither FER2013 (emotion,pixels,Usage) nor keypoint data \
                 (left_eye_center_x,...,Image): {header:?}"
            ),
        })
    }
}
