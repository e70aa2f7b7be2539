//! The results `emotion-edge eval` prints, as plain data that serialises to JSON for model
//! cards and renders as text tables for people.

use std::fmt::Write;

use burn::prelude::*;
use serde::Serialize;
use shared::keypoints::{KEYPOINT_COORDS, KEYPOINT_NAMES};

use super::metrics::{ConfusionMatrix, KeypointErrors};
use super::predict::predict_rows;
use crate::data::{EmotionSample, KeypointSample};
use crate::model::{EmotionNet, KeypointNet};
use crate::train::{FaceInputs, TrainError, argmax};

/// Scores of one emotion class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassReport {
    /// Class name.
    pub name: String,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1 score.
    pub f1: f64,
    /// Samples of the class.
    pub support: u64,
}

/// Emotion metrics on one split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmotionReport {
    /// Samples evaluated.
    pub samples: usize,
    /// Share predicted correctly.
    pub accuracy: f64,
    /// Unweighted mean of the class F1 scores.
    pub macro_f1: f64,
    /// Per-class scores, in output order.
    pub classes: Vec<ClassReport>,
    /// `confusion[truth][predicted]` counts.
    pub confusion: Vec<Vec<u64>>,
}

/// Error of one keypoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointReport {
    /// Keypoint name.
    pub name: String,
    /// RMSE over its labelled x and y values, in pixels.
    pub rmse: f64,
}

/// Keypoint metrics on one split.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeypointReport {
    /// Faces evaluated.
    pub samples: usize,
    /// Labelled coordinates evaluated.
    pub labelled_values: u64,
    /// RMSE over all labelled coordinates, in pixels of the 96x96 frame.
    pub rmse: f64,
    /// Mean distance between predicted and true points, in pixels.
    pub mean_distance: f64,
    /// Per-point RMSE.
    pub points: Vec<PointReport>,
}

/// Classifies `samples` with `model` and scores the predictions.
pub fn evaluate_emotions(
    model: &EmotionNet,
    labels: &[String],
    samples: &[EmotionSample],
    batch_size: usize,
    device: &Device,
) -> Result<EmotionReport, TrainError> {
    let inputs = FaceInputs::from_emotions(samples)?;
    let probabilities = predict_rows(&inputs, batch_size, device, |x| model.probabilities(x))?;
    Ok(score_emotions(labels, samples, &probabilities))
}

/// Scores predicted probabilities (row-major `[samples, labels]`) against `samples`.
pub fn score_emotions(
    labels: &[String],
    samples: &[EmotionSample],
    probabilities: &[f32],
) -> EmotionReport {
    let mut confusion = ConfusionMatrix::new(labels.len());
    for (row, sample) in probabilities.chunks_exact(labels.len()).zip(samples) {
        confusion.record(sample.label, argmax(row));
    }
    let classes = labels
        .iter()
        .enumerate()
        .map(|(class, name)| {
            let scores = confusion.class_scores(class);
            ClassReport {
                name: name.clone(),
                precision: scores.precision,
                recall: scores.recall,
                f1: scores.f1,
                support: scores.support,
            }
        })
        .collect();
    EmotionReport {
        samples: samples.len(),
        accuracy: confusion.accuracy(),
        macro_f1: confusion.macro_f1(),
        classes,
        confusion: confusion.counts,
    }
}

/// Predicts keypoints of `samples` with `model`; returns the scores and the predictions.
pub fn evaluate_keypoints(
    model: &KeypointNet,
    samples: &[KeypointSample],
    batch_size: usize,
    device: &Device,
) -> Result<(KeypointReport, Vec<[f32; KEYPOINT_COORDS]>), TrainError> {
    let inputs = FaceInputs::from_keypoints(samples)?;
    let rows = predict_rows(&inputs, batch_size, device, |x| model.forward(x))?;
    Ok(score_keypoints(samples, &rows))
}

/// Scores predicted keypoints (row-major `[samples, 30]`) against `samples`; returns the
/// scores and the predictions.
pub fn score_keypoints(
    samples: &[KeypointSample],
    rows: &[f32],
) -> (KeypointReport, Vec<[f32; KEYPOINT_COORDS]>) {
    let mut errors = KeypointErrors::default();
    let mut predictions = Vec::with_capacity(samples.len());
    for (row, sample) in rows.chunks_exact(KEYPOINT_COORDS).zip(samples) {
        let mut points = [0.0f32; KEYPOINT_COORDS];
        points.copy_from_slice(row);
        errors.record(&points, &sample.coords, &sample.present);
        predictions.push(points);
    }
    let points = KEYPOINT_NAMES
        .iter()
        .zip(errors.point_rmse())
        .map(|(name, rmse)| PointReport {
            name: name.to_string(),
            rmse,
        })
        .collect();
    let report = KeypointReport {
        samples: samples.len(),
        labelled_values: errors.labelled_values(),
        rmse: errors.rmse(),
        mean_distance: errors.mean_distance(),
        points,
    };
    (report, predictions)
}

impl EmotionReport {
    /// Accuracy, a per-class table and the confusion matrix as text.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{} samples  accuracy {:.4}  macro-F1 {:.4}\n",
            self.samples, self.accuracy, self.macro_f1
        );
        let _ = writeln!(
            text,
            "{:<10} {:>9} {:>9} {:>9} {:>8}",
            "class", "precision", "recall", "F1", "support"
        );
        for class in &self.classes {
            let _ = writeln!(
                text,
                "{:<10} {:>9.4} {:>9.4} {:>9.4} {:>8}",
                class.name, class.precision, class.recall, class.f1, class.support
            );
        }
        let _ = writeln!(text, "\nconfusion (rows: truth, columns: predicted)");
        let _ = write!(text, "{:<10}", "");
        for class in &self.classes {
            let _ = write!(text, " {:>8}", class.name);
        }
        for (class, row) in self.classes.iter().zip(&self.confusion) {
            let _ = write!(text, "\n{:<10}", class.name);
            for count in row {
                let _ = write!(text, " {count:>8}");
            }
        }
        text.push('\n');
        text
    }
}

impl KeypointReport {
    /// Overall and per-point errors as text.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{} faces, {} labelled values  RMSE {:.3} px  mean distance {:.3} px\n",
            self.samples, self.labelled_values, self.rmse, self.mean_distance
        );
        let _ = writeln!(text, "{:<28} {:>9}", "keypoint", "RMSE px");
        for point in &self.points {
            let _ = writeln!(text, "{:<28} {:>9.3}", point.name, point.rmse);
        }
        text
    }
}
