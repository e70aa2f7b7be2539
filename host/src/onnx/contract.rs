//! The model contract: the names and shapes the device expects of a model.

use shared::keypoints::KEYPOINT_COORDS;
use shared::labels::EMOTION_CLASSES;
use tract_onnx::pb::ModelProto;

use super::OnnxError;
use super::run::TractModel;

/// Name of the single model input.
pub const INPUT_NAME: &str = "input";

/// Shape of the model input: one grey 96x96 image, NCHW.
pub const INPUT_SHAPE: [usize; 4] = [1, 1, 96, 96];

/// Name of the keypoint output (pixels of the 96x96 frame, Kaggle column order).
pub const KEYPOINTS_NAME: &str = "keypoints";

/// Name of the emotion output (probabilities over the label set).
pub const EMOTION_NAME: &str = "emotion";

/// Lowest default-domain operator set the exported models use.
pub const MIN_OPSET: i64 = 13;

/// The output a single-head model produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelHead {
    /// 30 keypoint coordinates.
    Keypoints,
    /// Probabilities over the emotion label set.
    Emotion,
}

impl ModelHead {
    /// The contract's name for this head's output.
    pub fn output_name(self) -> &'static str {
        match self {
            ModelHead::Keypoints => KEYPOINTS_NAME,
            ModelHead::Emotion => EMOTION_NAME,
        }
    }

    /// The contract's shape for this head's output.
    pub fn output_shape(self) -> [usize; 2] {
        match self {
            ModelHead::Keypoints => [1, KEYPOINT_COORDS],
            ModelHead::Emotion => [1, EMOTION_CLASSES],
        }
    }
}

/// Runs the model once on a blank input in tract and checks that it takes `input`
/// [1, 1, 96, 96] and returns exactly the outputs of `heads`, in that order, with their
/// contract shapes.
pub fn check_contract(
    model: &ModelProto,
    origin: &str,
    heads: &[ModelHead],
) -> Result<(), OnnxError> {
    let contract_error = |reason: String| OnnxError::Contract {
        model: origin.to_string(),
        reason,
    };

    let tract = TractModel::new(model)?;
    if tract.input_name() != INPUT_NAME || tract.input_shape() != INPUT_SHAPE {
        return Err(contract_error(format!(
            "input is `{}` {:?}, the contract wants `{INPUT_NAME}` {INPUT_SHAPE:?}",
            tract.input_name(),
            tract.input_shape()
        )));
    }

    let outputs = tract.run(&vec![0.0; INPUT_SHAPE.iter().product()])?;
    let found: Vec<(String, Vec<usize>)> = outputs
        .iter()
        .map(|output| (output.name.clone(), output.shape.clone()))
        .collect();
    let wanted: Vec<(String, Vec<usize>)> = heads
        .iter()
        .map(|head| (head.output_name().to_string(), head.output_shape().to_vec()))
        .collect();
    if found != wanted {
        return Err(contract_error(format!(
            "outputs are {found:?}, the contract wants {wanted:?}"
        )));
    }
    Ok(())
}
