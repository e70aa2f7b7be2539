//! Metric arithmetic for both tasks, independent of models and tensors.

use serde::Serialize;
use shared::keypoints::{KEYPOINT_COORDS, KEYPOINT_COUNT};

/// Counts of (true class, predicted class) pairs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfusionMatrix {
    /// `counts[truth][predicted]`.
    pub counts: Vec<Vec<u64>>,
}

/// Precision, recall and F1 of one class; 0 where undefined (no predictions or no samples).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassScores {
    /// Of the samples predicted as the class, the share that are.
    pub precision: f64,
    /// Of the samples of the class, the share predicted as it.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Samples of the class.
    pub support: u64,
}

impl ConfusionMatrix {
    /// An empty matrix for `classes` classes.
    pub fn new(classes: usize) -> Self {
        Self {
            counts: vec![vec![0; classes]; classes],
        }
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.counts.len()
    }

    /// Counts one prediction. Indices at or beyond the class count are a caller bug.
    pub fn record(&mut self, truth: usize, predicted: usize) {
        self.counts[truth][predicted] += 1;
    }

    /// All counted samples.
    pub fn total(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }

    /// Share of samples predicted correctly; 0 for an empty matrix.
    pub fn accuracy(&self) -> f64 {
        let correct: u64 = (0..self.classes()).map(|c| self.counts[c][c]).sum();
        ratio(correct, self.total())
    }

    /// Scores of class `class`.
    pub fn class_scores(&self, class: usize) -> ClassScores {
        let hits = self.counts[class][class];
        let predicted: u64 = self.counts.iter().map(|row| row[class]).sum();
        let support: u64 = self.counts[class].iter().sum();
        let precision = ratio(hits, predicted);
        let recall = ratio(hits, support);
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        ClassScores {
            precision,
            recall,
            f1,
            support,
        }
    }

    /// Unweighted mean of the per-class F1 scores.
    pub fn macro_f1(&self) -> f64 {
        let classes = self.classes();
        if classes == 0 {
            return 0.0;
        }
        (0..classes).map(|c| self.class_scores(c).f1).sum::<f64>() / classes as f64
    }
}

/// Squared errors and point distances of keypoint predictions, over labelled values only.
#[derive(Debug, Clone, PartialEq)]
pub struct KeypointErrors {
    squared: [f64; KEYPOINT_COORDS],
    counts: [u64; KEYPOINT_COORDS],
    distances: [f64; KEYPOINT_COUNT],
    point_counts: [u64; KEYPOINT_COUNT],
}

impl Default for KeypointErrors {
    fn default() -> Self {
        Self {
            squared: [0.0; KEYPOINT_COORDS],
            counts: [0; KEYPOINT_COORDS],
            distances: [0.0; KEYPOINT_COUNT],
            point_counts: [0; KEYPOINT_COUNT],
        }
    }
}

impl KeypointErrors {
    /// Adds one face: predicted and true coordinates (x then y per point) and which true
    /// values are labelled.
    pub fn record(
        &mut self,
        predicted: &[f32; KEYPOINT_COORDS],
        truth: &[f32; KEYPOINT_COORDS],
        present: &[bool; KEYPOINT_COORDS],
    ) {
        for i in (0..KEYPOINT_COORDS).filter(|&i| present[i]) {
            let error = f64::from(predicted[i] - truth[i]);
            self.squared[i] += error * error;
            self.counts[i] += 1;
        }

        for point in (0..KEYPOINT_COUNT).filter(|&p| present[2 * p] && present[2 * p + 1]) {
            let dx = f64::from(predicted[2 * point] - truth[2 * point]);
            let dy = f64::from(predicted[2 * point + 1] - truth[2 * point + 1]);
            self.distances[point] += dx.hypot(dy);
            self.point_counts[point] += 1;
        }
    }

    /// Root mean squared error over all labelled coordinates, in pixels.
    pub fn rmse(&self) -> f64 {
        let squared: f64 = self.squared.iter().sum();
        let count: u64 = self.counts.iter().sum();
        if count == 0 {
            0.0
        } else {
            (squared / count as f64).sqrt()
        }
    }

    /// Root mean squared error of each point over its labelled x and y values, in pixels.
    pub fn point_rmse(&self) -> [f64; KEYPOINT_COUNT] {
        std::array::from_fn(|p| {
            let squared = self.squared[2 * p] + self.squared[2 * p + 1];
            let count = self.counts[2 * p] + self.counts[2 * p + 1];
            if count == 0 {
                0.0
            } else {
                (squared / count as f64).sqrt()
            }
        })
    }

    /// Mean Euclidean distance between predicted and true points, in pixels, over points
    /// whose x and y are both labelled.
    pub fn mean_distance(&self) -> f64 {
        let total: f64 = self.distances.iter().sum();
        let count: u64 = self.point_counts.iter().sum();
        if count == 0 {
            0.0
        } else {
            total / count as f64
        }
    }

    /// Labelled coordinates counted.
    pub fn labelled_values(&self) -> u64 {
        self.counts.iter().sum()
    }
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(counts: Vec<Vec<u64>>) -> ConfusionMatrix {
        ConfusionMatrix { counts }
    }

    #[test]
    fn accuracy_and_scores_of_a_small_matrix() {
        // truth 0: 3 right, 1 as class 1; truth 1: 2 right, 2 as class 0.
        let m = matrix(vec![vec![3, 1], vec![2, 2]]);
        assert!((m.accuracy() - 5.0 / 8.0).abs() < 1e-12);
        let zero = m.class_scores(0);
        assert!((zero.precision - 3.0 / 5.0).abs() < 1e-12);
        assert!((zero.recall - 3.0 / 4.0).abs() < 1e-12);
        assert!((zero.f1 - 2.0 / 3.0).abs() < 1e-12);
        let one = m.class_scores(1);
        assert!((one.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((one.recall - 0.5).abs() < 1e-12);
        assert!((m.macro_f1() - (2.0 / 3.0 + 4.0 / 7.0) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn a_class_never_predicted_scores_zero_not_nan() {
        let m = matrix(vec![vec![4, 0], vec![4, 0]]);
        let one = m.class_scores(1);
        assert_eq!((one.precision, one.recall, one.f1), (0.0, 0.0, 0.0));
        assert_eq!(one.support, 4);
        assert!((m.macro_f1() - (2.0 / 3.0) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn record_counts_truth_rows_and_prediction_columns() {
        let mut m = ConfusionMatrix::new(3);
        m.record(2, 0);
        m.record(2, 2);
        assert_eq!(m.counts[2], vec![1, 0, 1]);
        assert_eq!(m.total(), 2);
    }

    #[test]
    fn keypoint_errors_skip_missing_values() {
        let mut errors = KeypointErrors::default();
        let truth = [10.0; KEYPOINT_COORDS];
        let mut predicted = [10.0; KEYPOINT_COORDS];
        predicted[0] = 13.0;
        predicted[1] = 14.0;
        predicted[2] = 1000.0;
        let mut present = [true; KEYPOINT_COORDS];
        present[2] = false;
        errors.record(&predicted, &truth, &present);

        assert_eq!(errors.labelled_values(), 29);
        assert!((errors.rmse() - (25.0f64 / 29.0).sqrt()).abs() < 1e-12);
        let points = errors.point_rmse();
        assert!((points[0] - (25.0f64 / 2.0).sqrt()).abs() < 1e-12);
        assert!((points[1] - 0.0).abs() < 1e-12);
        // Point 1 lacks its x, so only 14 points have a distance: 5 px for point 0.
        assert!((errors.mean_distance() - 5.0 / 14.0).abs() < 1e-12);
    }
}
