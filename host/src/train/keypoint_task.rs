//! Keypoint regression as a training task.

use burn::prelude::*;
use burn::tensor::TensorData;
use rand::rngs::StdRng;
use shared::keypoints::KEYPOINT_COORDS;

use super::error::TrainError;
use super::inputs::{FaceInputs, INPUT_LEN, batch_tensor, read_rows};
use super::loss::{mask_weights, masked_mse};
use super::options::TaskKind;
use super::plateau::Goal;
use super::task::{MonitoredMetric, StepScore, TrainStep, TrainingTask, Validation};
use crate::data::{Augmenter, KeypointSample};
use crate::eval::{KeypointErrors, predict_rows};
use crate::model::{Arch, KeypointNet, KeypointNetConfig, NetSpec};

/// Targets of one face: coordinates and which of them are labelled.
type Targets = ([f32; KEYPOINT_COORDS], [bool; KEYPOINT_COORDS]);

/// Keypoint faces of the training and validation splits.
pub struct KeypointTask {
    config: KeypointNetConfig,
    arch: Arch,
    train: FaceInputs,
    train_targets: Vec<Targets>,
    validation: FaceInputs,
    validation_targets: Vec<Targets>,
}

impl KeypointTask {
    /// Prepares the inputs of both splits.
    pub fn new(
        arch: Arch,
        train: &[KeypointSample],
        validation: &[KeypointSample],
    ) -> Result<Self, TrainError> {
        if train.is_empty() {
            return Err(TrainError::EmptySplit("training"));
        }
        if validation.is_empty() {
            return Err(TrainError::EmptySplit("validation"));
        }
        Ok(Self {
            config: KeypointNetConfig::for_arch(arch),
            arch,
            train: FaceInputs::from_keypoints(train)?,
            train_targets: train.iter().map(|s| (s.coords, s.present)).collect(),
            validation: FaceInputs::from_keypoints(validation)?,
            validation_targets: validation.iter().map(|s| (s.coords, s.present)).collect(),
        })
    }
}

impl TrainingTask for KeypointTask {
    type Model = KeypointNet;

    fn kind(&self) -> TaskKind {
        TaskKind::Keypoints
    }

    fn monitored(&self) -> MonitoredMetric {
        MonitoredMetric {
            name: "RMSE px",
            train_name: "rmse",
            goal: Goal::Minimise,
        }
    }

    fn monitored_value(&self, validation: &Validation) -> f64 {
        validation.rmse.unwrap_or(f64::INFINITY)
    }

    fn train_metric(&self, score: StepScore) -> f64 {
        if score.count == 0.0 {
            0.0
        } else {
            (score.total / score.count).sqrt()
        }
    }

    fn train_len(&self) -> usize {
        self.train.len()
    }

    fn spec(&self) -> NetSpec {
        NetSpec::Keypoints {
            arch: self.arch,
            config: self.config.clone(),
        }
    }

    fn init_model(&self, device: &Device) -> KeypointNet {
        self.config.init(device)
    }

    fn step(
        &self,
        model: &KeypointNet,
        indices: &[usize],
        augmenter: Option<&Augmenter>,
        rng: &mut StdRng,
        device: &Device,
    ) -> Result<Option<TrainStep>, TrainError> {
        let mut values = Vec::with_capacity(indices.len() * INPUT_LEN);
        let mut coords = Vec::with_capacity(indices.len() * KEYPOINT_COORDS);
        let mut present = Vec::with_capacity(indices.len() * KEYPOINT_COORDS);
        let mut face = [0.0f32; INPUT_LEN];
        for &index in indices {
            face.copy_from_slice(self.train.face(index));
            let (mut xy, mut labelled) = self.train_targets[index];
            if let Some(augmenter) = augmenter {
                augmenter.apply(&mut face, Some((&mut xy, &mut labelled)), rng);
            }
            values.extend_from_slice(&face);
            coords.extend_from_slice(&xy);
            present.extend_from_slice(&labelled);
        }
        let Some(weights) = mask_weights(&present, KEYPOINT_COORDS, device) else {
            return Ok(None);
        };
        let truth = Tensor::from_data(
            TensorData::new(coords.clone(), [indices.len(), KEYPOINT_COORDS]),
            device,
        );

        let predicted = model.forward(batch_tensor(values, device));
        let loss = masked_mse(predicted.clone(), truth, weights);

        let predicted = read_rows(predicted.detach())?;
        let mut score = StepScore::default();
        for ((p, t), &labelled) in predicted.iter().zip(&coords).zip(&present) {
            if labelled {
                score.total += f64::from(p - t).powi(2);
                score.count += 1.0;
            }
        }
        Ok(Some(TrainStep { loss, score }))
    }

    fn validate(
        &self,
        model: &KeypointNet,
        batch_size: usize,
        device: &Device,
    ) -> Result<Validation, TrainError> {
        let predicted = predict_rows(&self.validation, batch_size, device, |x| model.forward(x))?;

        let mut errors = KeypointErrors::default();
        for (row, (truth, present)) in predicted
            .chunks_exact(KEYPOINT_COORDS)
            .zip(&self.validation_targets)
        {
            let mut points = [0.0f32; KEYPOINT_COORDS];
            points.copy_from_slice(row);
            errors.record(&points, truth, present);
        }
        let rmse = errors.rmse();
        Ok(Validation {
            loss: rmse * rmse,
            accuracy: None,
            macro_f1: None,
            rmse: Some(rmse),
        })
    }
}
