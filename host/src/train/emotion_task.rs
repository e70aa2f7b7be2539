//! Emotion classification as a training task.

use burn::prelude::*;
use rand::rngs::StdRng;

use super::error::TrainError;
use super::inputs::{FaceInputs, INPUT_LEN, batch_tensor, read_rows};
use super::loss::{soft_cross_entropy, soft_targets};
use super::options::{ClassWeighting, TaskKind};
use super::plateau::Goal;
use super::task::{MonitoredMetric, StepScore, TrainStep, TrainingTask, Validation};
use crate::data::{Augmenter, EmotionSample};
use crate::eval::{ConfusionMatrix, predict_rows};
use crate::model::{Arch, EmotionNet, EmotionNetConfig, NetSpec};

/// Emotion faces of the training and validation splits, with the loss settings.
pub struct EmotionTask {
    config: EmotionNetConfig,
    arch: Arch,
    labels: Vec<String>,
    train: FaceInputs,
    train_labels: Vec<usize>,
    validation: FaceInputs,
    validation_labels: Vec<usize>,
    class_weights: Vec<f32>,
    label_smoothing: f32,
}

impl EmotionTask {
    /// Prepares the inputs of both splits; `labels` names the classes in output order.
    pub fn new(
        arch: Arch,
        labels: Vec<String>,
        train: &[EmotionSample],
        validation: &[EmotionSample],
        weighting: ClassWeighting,
        label_smoothing: f32,
    ) -> Result<Self, TrainError> {
        if train.is_empty() {
            return Err(TrainError::EmptySplit("training"));
        }
        if validation.is_empty() {
            return Err(TrainError::EmptySplit("validation"));
        }
        let classes = labels.len();
        let train_labels: Vec<usize> = train.iter().map(|s| s.label).collect();
        if let Some(bad) = train_labels
            .iter()
            .chain(validation.iter().map(|s| &s.label))
            .find(|&&l| l >= classes)
        {
            return Err(TrainError::Option(format!(
                "label {bad} outside the {classes} classes"
            )));
        }

        Ok(Self {
            config: EmotionNetConfig::for_arch(arch, classes),
            arch,
            class_weights: class_weights(&train_labels, classes, weighting),
            labels,
            train: FaceInputs::from_emotions(train)?,
            train_labels,
            validation: FaceInputs::from_emotions(validation)?,
            validation_labels: validation.iter().map(|s| s.label).collect(),
            label_smoothing,
        })
    }

    /// The loss weight of each class.
    pub fn class_weights(&self) -> &[f32] {
        &self.class_weights
    }
}

/// Loss weights per class from the training label counts. A class absent from the training
/// split gets weight 1.
pub fn class_weights(labels: &[usize], classes: usize, weighting: ClassWeighting) -> Vec<f32> {
    let mut counts = vec![0usize; classes];
    for &label in labels {
        counts[label] += 1;
    }
    counts
        .iter()
        .map(|&count| {
            let balanced = if count == 0 {
                1.0
            } else {
                labels.len() as f32 / (classes * count) as f32
            };
            match weighting {
                ClassWeighting::None => 1.0,
                ClassWeighting::Balanced => balanced,
                ClassWeighting::Sqrt => balanced.sqrt(),
            }
        })
        .collect()
}

impl TrainingTask for EmotionTask {
    type Model = EmotionNet;

    fn kind(&self) -> TaskKind {
        TaskKind::Emotion
    }

    fn monitored(&self) -> MonitoredMetric {
        MonitoredMetric {
            name: "macro-F1",
            train_name: "acc",
            goal: Goal::Maximise,
        }
    }

    fn monitored_value(&self, validation: &Validation) -> f64 {
        validation.macro_f1.unwrap_or(0.0)
    }

    fn train_metric(&self, score: StepScore) -> f64 {
        if score.count == 0.0 {
            0.0
        } else {
            score.total / score.count
        }
    }

    fn train_len(&self) -> usize {
        self.train.len()
    }

    fn spec(&self) -> NetSpec {
        NetSpec::Emotion {
            arch: self.arch,
            config: self.config.clone(),
            labels: self.labels.clone(),
        }
    }

    fn init_model(&self, device: &Device) -> EmotionNet {
        self.config.init(device)
    }

    fn step(
        &self,
        model: &EmotionNet,
        indices: &[usize],
        augmenter: Option<&Augmenter>,
        rng: &mut StdRng,
        device: &Device,
    ) -> Result<Option<TrainStep>, TrainError> {
        let mut values = Vec::with_capacity(indices.len() * INPUT_LEN);
        let mut face = [0.0f32; INPUT_LEN];
        for &index in indices {
            face.copy_from_slice(self.train.face(index));
            if let Some(augmenter) = augmenter {
                augmenter.apply(&mut face, None, rng);
            }
            values.extend_from_slice(&face);
        }
        let labels: Vec<usize> = indices.iter().map(|&i| self.train_labels[i]).collect();

        let logits = model.forward(batch_tensor(values, device));
        let targets = soft_targets(&labels, &self.class_weights, self.label_smoothing, device);
        let loss = soft_cross_entropy(logits.clone(), targets);

        let scores = read_rows(logits.detach())?;
        let correct = scores
            .chunks_exact(self.labels.len())
            .zip(&labels)
            .filter(|(row, label)| argmax(row) == **label)
            .count();
        let score = StepScore {
            total: correct as f64,
            count: labels.len() as f64,
        };
        Ok(Some(TrainStep { loss, score }))
    }

    fn validate(
        &self,
        model: &EmotionNet,
        batch_size: usize,
        device: &Device,
    ) -> Result<Validation, TrainError> {
        let classes = self.labels.len();
        let probabilities = predict_rows(&self.validation, batch_size, device, |x| {
            model.probabilities(x)
        })?;

        let mut confusion = ConfusionMatrix::new(classes);
        let mut loss = 0.0;
        for (row, &label) in probabilities
            .chunks_exact(classes)
            .zip(&self.validation_labels)
        {
            confusion.record(label, argmax(row));
            loss -= f64::from(row[label].max(1e-7)).ln();
        }
        Ok(Validation {
            loss: loss / self.validation_labels.len() as f64,
            accuracy: Some(confusion.accuracy()),
            macro_f1: Some(confusion.macro_f1()),
            rmse: None,
        })
    }
}

/// Index of the largest value (the first on ties).
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (index, &value) in values.iter().enumerate() {
        if value > values[best] {
            best = index;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_weights_equalise_class_totals() {
        let labels = [0, 0, 0, 1];
        let weights = class_weights(&labels, 2, ClassWeighting::Balanced);
        assert!((weights[0] * 3.0 - weights[1]).abs() < 1e-6);
        let sqrt = class_weights(&labels, 2, ClassWeighting::Sqrt);
        assert!((sqrt[1] - 2.0f32.sqrt()).abs() < 1e-6);
        assert_eq!(
            class_weights(&labels, 2, ClassWeighting::None),
            vec![1.0, 1.0]
        );
    }

    #[test]
    fn argmax_picks_the_first_maximum() {
        assert_eq!(argmax(&[0.1, 0.5, 0.5, 0.2]), 1);
    }
}
