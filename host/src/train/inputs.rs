//! Model inputs prepared once per run: every face of a split as 96x96 floats in [0, 1].

use burn::prelude::*;
use burn::tensor::TensorData;

use super::error::TrainError;
use crate::data::{EmotionSample, KeypointSample, emotion_input, keypoint_input};
use crate::model::INPUT_SIDE;

/// Values in one model input.
pub const INPUT_LEN: usize = shared::INPUT_LEN;

/// The model inputs of a list of faces, in order, stored contiguously.
#[derive(Debug, Clone, Default)]
pub struct FaceInputs {
    values: Vec<f32>,
}

impl FaceInputs {
    /// Prepares emotion faces (upscaled to 96x96 as on the device).
    pub fn from_emotions(samples: &[EmotionSample]) -> Result<Self, TrainError> {
        let mut values = Vec::with_capacity(samples.len() * INPUT_LEN);
        for sample in samples {
            values.extend_from_slice(&emotion_input(sample)?);
        }
        Ok(Self { values })
    }

    /// Prepares keypoint faces.
    pub fn from_keypoints(samples: &[KeypointSample]) -> Result<Self, TrainError> {
        let mut values = Vec::with_capacity(samples.len() * INPUT_LEN);
        for sample in samples {
            values.extend_from_slice(&keypoint_input(sample)?);
        }
        Ok(Self { values })
    }

    /// Number of faces.
    pub fn len(&self) -> usize {
        self.values.len() / INPUT_LEN
    }

    /// Whether there are no faces.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The input of face `index`.
    pub fn face(&self, index: usize) -> &[f32] {
        &self.values[index * INPUT_LEN..(index + 1) * INPUT_LEN]
    }

    /// The faces `indices` as a `[batch, 1, 96, 96]` tensor, unchanged.
    pub fn batch(&self, indices: &[usize], device: &Device) -> Tensor<4> {
        let mut values = Vec::with_capacity(indices.len() * INPUT_LEN);
        for &index in indices {
            values.extend_from_slice(self.face(index));
        }
        batch_tensor(values, device)
    }
}

/// Turns `batch * 96 * 96` values into a `[batch, 1, 96, 96]` tensor.
pub fn batch_tensor(values: Vec<f32>, device: &Device) -> Tensor<4> {
    let batch = values.len() / INPUT_LEN;
    Tensor::from_data(
        TensorData::new(values, [batch, 1, INPUT_SIDE, INPUT_SIDE]),
        device,
    )
}

/// Reads a `[rows, columns]` tensor back as row-major values.
pub fn read_rows(tensor: Tensor<2>) -> Result<Vec<f32>, TrainError> {
    tensor
        .into_data()
        .try_into_vec::<f32>()
        .map_err(|e| TrainError::Tensor(format!("{e:?}")))
}
