//! Calibration inputs: model inputs taken from the training split of a user's data file.

use std::path::Path;

use shared::labels::EmotionLabelSet;

use crate::data::source::first_line;
use crate::data::{
    DataError, ReadOptions, Split, emotion_input, keypoint_input, read_emotions, read_keypoints,
};

/// Which reader a calibration file needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CalibrationSource {
    /// Kaggle facial keypoints `training.csv` (has an `Image` column).
    Keypoints,
    /// FER2013 CSV or an image folder tree.
    Emotions,
}

/// Up to `samples` model inputs from the training split of `path` (a keypoint CSV, a FER2013
/// CSV or an image folder), spread evenly over the split so that calibration sees all of it.
pub fn calibration_inputs(path: &Path, samples: usize) -> Result<Vec<Vec<f32>>, DataError> {
    let options = ReadOptions::default();

    let inputs: Vec<Vec<f32>> = match detect_source(path)? {
        CalibrationSource::Keypoints => {
            let dataset = read_keypoints(path, &options)?;
            let training: Vec<_> = dataset.split(Split::Train).collect();
            spread(&training, samples)
                .into_iter()
                .map(|sample| keypoint_input(sample).map(|input| input.to_vec()))
                .collect::<Result<_, _>>()?
        }
        CalibrationSource::Emotions => {
            let dataset = read_emotions(path, &EmotionLabelSet::DEFAULT, &options)?;
            let training: Vec<_> = dataset.split(Split::Train).collect();
            spread(&training, samples)
                .into_iter()
                .map(|sample| emotion_input(sample).map(|input| input.to_vec()))
                .collect::<Result<_, _>>()?
        }
    };

    tracing::info!(path = %path.display(), inputs = inputs.len(), "calibration inputs read");
    Ok(inputs)
}

fn detect_source(path: &Path) -> Result<CalibrationSource, DataError> {
    if path.is_dir() {
        return Ok(CalibrationSource::Emotions);
    }
    let header = first_line(path)?;
    let is_keypoints = header.split(',').any(|column| column.trim() == "Image");
    Ok(if is_keypoints {
        CalibrationSource::Keypoints
    } else {
        CalibrationSource::Emotions
    })
}

/// `count` items taken at an even stride (all of them when there are fewer).
fn spread<'a, T>(items: &[&'a T], count: usize) -> Vec<&'a T> {
    if items.len() <= count || count == 0 {
        return items.to_vec();
    }
    (0..count)
        .map(|index| items[index * items.len() / count])
        .collect()
}
