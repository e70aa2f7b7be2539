//! The combined ONNX model run by tract, checked against the model contract at load.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};
use shared::INPUT_SIDE;
use shared::keypoints::KEYPOINT_COORDS;
use shared::labels::EMOTION_CLASSES;
use shared::preprocess::ModelInput;
use tract_onnx::prelude::*;
use tract_onnx::tract_hir::infer::Factoid;

use crate::engine::{Engine, Inference};

use super::model_card::{ModelCard, ModelCardError, read_model_card};

/// Name of the model's input.
pub const INPUT_NAME: &str = "input";

/// Name of the keypoint output.
pub const KEYPOINTS_NAME: &str = "keypoints";

/// Name of the emotion output.
pub const EMOTION_NAME: &str = "emotion";

/// The contract's input shape.
const INPUT_SHAPE: [usize; 4] = [1, 1, INPUT_SIDE, INPUT_SIDE];

/// Why a model file was refused. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file cannot be read.
    #[error("cannot read model file {path}: {cause}")]
    Read {
        /// The model file.
        path: PathBuf,
        /// The operating system's reason.
        cause: std::io::Error,
    },
    /// The model card beside the file is unusable.
    #[error(transparent)]
    Card(#[from] ModelCardError),
    /// The file's digest differs from the one its card records.
    #[error(
        "model file {path} has SHA-256 {actual}, but its model card {card} records {recorded}: \
         the file is truncated, corrupt or not the model the card describes"
    )]
    DigestMismatch {
        /// The model file.
        path: PathBuf,
        /// The card.
        card: PathBuf,
        /// The digest the card records.
        recorded: String,
        /// The file's digest.
        actual: String,
    },
    /// The bytes are not a readable ONNX model.
    #[error("model file {path} is not a readable ONNX model (truncated or corrupt?): {reason}")]
    NotOnnx {
        /// The model file.
        path: PathBuf,
        /// tract's reason.
        reason: String,
    },
    /// The model's inputs or outputs differ from the contract.
    #[error("model file {path} breaks the model contract: {problem}")]
    Contract {
        /// The model file.
        path: PathBuf,
        /// What differs.
        problem: String,
    },
    /// tract cannot type, optimise or plan the model.
    #[error("model file {path} cannot be prepared for inference: {reason}")]
    Prepare {
        /// The model file.
        path: PathBuf,
        /// tract's reason.
        reason: String,
    },
}

/// Why one inference failed (short: the text goes into an `$EEERR` line).
#[derive(Debug, thiserror::Error)]
pub enum InferenceError {
    /// tract failed while running the plan.
    #[error("tract: {0}")]
    Run(String),
    /// An output has the wrong number of values.
    #[error("output {name} has {found} values; {expected} expected")]
    OutputSize {
        /// The output's name.
        name: &'static str,
        /// Values expected.
        expected: usize,
        /// Values found.
        found: usize,
    },
}

/// The combined model, optimised and planned once at load.
pub struct TractEngine {
    plan: Arc<TypedRunnableModel>,
    sha256: [u8; 32],
    card: Option<ModelCard>,
    keypoints_output: usize,
    emotion_output: usize,
}

impl TractEngine {
    /// Loads the model at `path`: checks its SHA-256 against the card beside it (when there
    /// is one), parses it, checks the contract (`input` f32 [1, 1, 96, 96], `keypoints`
    /// [1, 30], `emotion` [1, 5]) and optimises it.
    pub fn load(path: &Path) -> Result<TractEngine, ModelError> {
        let bytes = std::fs::read(path).map_err(|cause| ModelError::Read {
            path: path.to_path_buf(),
            cause,
        })?;
        let sha256: [u8; 32] = Sha256::digest(&bytes).into();
        let card = read_model_card(path)?;
        if let Some(card) = &card {
            check_digest(path, card, &sha256)?;
        }

        let model = tract_onnx::onnx()
            .model_for_read(&mut bytes.as_slice())
            .map_err(|error| ModelError::NotOnnx {
                path: path.to_path_buf(),
                reason: chain(&error),
            })?;
        let contract = |problem| ModelError::Contract {
            path: path.to_path_buf(),
            problem,
        };
        let (typed, keypoints_output, emotion_output) = check_contract(model).map_err(contract)?;
        let prepare = |error: TractError| ModelError::Prepare {
            path: path.to_path_buf(),
            reason: chain(&error),
        };
        let plan = typed
            .into_optimized()
            .and_then(|model| model.into_runnable())
            .map_err(prepare)?;

        tracing::info!(
            model = %path.display(),
            sha256 = %hex(&sha256),
            card = card.is_some(),
            "model loaded and optimised"
        );
        Ok(TractEngine {
            plan,
            sha256,
            card,
            keypoints_output,
            emotion_output,
        })
    }

    /// The model card that was checked at load, if the model has one.
    pub fn card(&self) -> Option<&ModelCard> {
        self.card.as_ref()
    }
}

impl Engine for TractEngine {
    type Error = InferenceError;

    fn model_sha256(&self) -> &[u8; 32] {
        &self.sha256
    }

    fn infer(&mut self, input: &ModelInput) -> Result<Inference, InferenceError> {
        let run = |error: TractError| InferenceError::Run(chain(&error));
        let tensor = Tensor::from_shape(&INPUT_SHAPE, input.as_slice()).map_err(run)?;
        let outputs = self.plan.run(tvec!(tensor.into())).map_err(run)?;

        Ok(Inference {
            keypoints: output_values(&outputs, self.keypoints_output, KEYPOINTS_NAME)?,
            probabilities: output_values(&outputs, self.emotion_output, EMOTION_NAME)?,
        })
    }
}

/// Output `index` as exactly `N` f32 values.
fn output_values<const N: usize>(
    outputs: &[TValue],
    index: usize,
    name: &'static str,
) -> Result<[f32; N], InferenceError> {
    let values = outputs
        .get(index)
        .ok_or(InferenceError::OutputSize {
            name,
            expected: N,
            found: 0,
        })?
        .try_as_plain_ram()
        .and_then(|view| view.as_slice::<f32>())
        .map_err(|error| InferenceError::Run(chain(&error)))?;
    values.try_into().map_err(|_| InferenceError::OutputSize {
        name,
        expected: N,
        found: values.len(),
    })
}

/// Refuses a file whose digest differs from its card's.
fn check_digest(path: &Path, card: &ModelCard, sha256: &[u8; 32]) -> Result<(), ModelError> {
    let actual = hex(sha256);
    if actual == card.sha256 {
        return Ok(());
    }
    Err(ModelError::DigestMismatch {
        path: path.to_path_buf(),
        card: card.path.clone(),
        recorded: card.sha256.clone(),
        actual,
    })
}

/// Checks the declared input and the outputs against the contract; returns the typed model
/// and the positions of the keypoint and emotion outputs.
fn check_contract(model: InferenceModel) -> Result<(TypedModel, usize, usize), String> {
    check_input(&model)?;
    let (keypoints, emotion) = output_positions(&model)?;

    let typed = with_contract_input(model)
        .and_then(|model| model.into_typed())
        .map_err(|error| {
            format!(
                "its shapes do not follow from input [1, 1, 96, 96]: {}",
                chain(&error)
            )
        })?;
    check_output_shape(&typed, keypoints, KEYPOINTS_NAME, KEYPOINT_COORDS)?;
    check_output_shape(&typed, emotion, EMOTION_NAME, EMOTION_CLASSES)?;
    Ok((typed, keypoints, emotion))
}

/// One input, named `input`, f32, declared [1, 1, 96, 96] (a symbolic batch is accepted).
fn check_input(model: &InferenceModel) -> Result<(), String> {
    let inputs = model.input_outlets().map_err(|error| chain(&error))?;
    let names: Vec<&str> = inputs
        .iter()
        .map(|outlet| model.node(outlet.node).name.as_str())
        .collect();
    if names != [INPUT_NAME] {
        return Err(format!(
            "inputs are {names:?}; the contract has one, `{INPUT_NAME}`"
        ));
    }

    let fact = model.input_fact(0).map_err(|error| chain(&error))?;
    if let Some(datum_type) = fact.datum_type()
        && datum_type != f32::datum_type()
    {
        return Err(format!(
            "input `{INPUT_NAME}` is {datum_type:?}; the contract needs F32"
        ));
    }

    let Some(dims) = fact.shape.concretize() else {
        return Ok(());
    };
    let declared: Vec<Option<i64>> = dims.iter().map(|dim| dim.to_i64().ok()).collect();
    let matches = declared.len() == INPUT_SHAPE.len()
        && declared
            .iter()
            .zip(INPUT_SHAPE)
            .enumerate()
            .all(|(axis, (dim, expected))| dim.map_or(axis == 0, |dim| dim == expected as i64));
    if !matches {
        let shown: Vec<String> = dims.iter().map(|dim| dim.to_string()).collect();
        let shown = shown.join(", ");
        return Err(format!(
            "input `{INPUT_NAME}` has shape [{shown}]; the contract needs {INPUT_SHAPE:?}"
        ));
    }
    Ok(())
}

/// Positions of the `keypoints` and `emotion` outputs among the model's outputs.
fn output_positions(model: &InferenceModel) -> Result<(usize, usize), String> {
    let outlets = model.output_outlets().map_err(|error| chain(&error))?;
    let names: Vec<&str> = outlets
        .iter()
        .map(|&outlet| {
            model
                .outlet_label(outlet)
                .unwrap_or(model.node(outlet.node).name.as_str())
        })
        .collect();
    let position = |wanted: &str| names.iter().position(|name| *name == wanted);

    match (position(KEYPOINTS_NAME), position(EMOTION_NAME)) {
        (Some(keypoints), Some(emotion)) => Ok((keypoints, emotion)),
        _ => Err(format!(
            "outputs are {names:?}; the contract needs `{KEYPOINTS_NAME}` and `{EMOTION_NAME}`"
        )),
    }
}

/// The model with its input fixed to f32 [1, 1, 96, 96].
fn with_contract_input(mut model: InferenceModel) -> TractResult<InferenceModel> {
    let fact = InferenceFact::dt_shape(f32::datum_type(), INPUT_SHAPE);
    model.set_input_fact(0, fact)?;
    Ok(model)
}

/// Output `index` must be f32 [1, `values`].
fn check_output_shape(
    model: &TypedModel,
    index: usize,
    name: &str,
    values: usize,
) -> Result<(), String> {
    let fact = model.output_fact(index).map_err(|error| chain(&error))?;
    let shape = fact.shape.as_concrete();
    if fact.datum_type != f32::datum_type() || shape != Some(&[1, values][..]) {
        return Err(format!(
            "output `{name}` is {:?} {:?}; the contract needs F32 [1, {values}]",
            fact.datum_type, fact.shape
        ));
    }
    Ok(())
}

/// An error with its causes, one line.
fn chain(error: &TractError) -> String {
    format!("{error:#}")
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
