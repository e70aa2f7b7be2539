//! The inference side of the device: the combined keypoint and emotion model.

use core::fmt;

use shared::keypoints::KEYPOINT_COORDS;
use shared::labels::EMOTION_CLASSES;
use shared::preprocess::ModelInput;

/// What the combined model says about one input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inference {
    /// x then y of the 15 keypoints, in pixels of the 96x96 input, Kaggle column order.
    pub keypoints: [f32; KEYPOINT_COORDS],
    /// Probabilities of the label set's classes, in its order (softmax already applied).
    pub probabilities: [f32; EMOTION_CLASSES],
}

/// Runs the combined model (`input` [1, 1, 96, 96] -> `keypoints` [1, 30], `emotion` [1, 5]).
pub trait Engine {
    /// Why an inference failed. Its text is sent in an `$EEERR` line, cut to the protocol's
    /// length limit.
    type Error: fmt::Display;

    /// SHA-256 of the model file this engine runs; its first 4 bytes identify the model in
    /// `$EEHLO`.
    fn model_sha256(&self) -> &[u8; 32];

    /// Runs the model on one preprocessed input.
    fn infer(&mut self, input: &ModelInput) -> Result<Inference, Self::Error>;
}
