//! Model cards: the JSON file beside each `.onnx` that says what the model is, what it was
//! trained on, how well it does and what it costs.

mod date;
mod metrics;
mod publish;

pub use date::utc_timestamp;
pub use metrics::{MetricsBySplit, ModelMetrics, read_eval_metrics};
pub use publish::{number_format, publish_model};

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::onnx::{GraphCost, INPUT_NAME, INPUT_SHAPE, ModelHead, OnnxError};
use crate::quantize::Agreement;

/// Why a card could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    /// The file could not be read or written.
    #[error("model card {path}: {source}")]
    Io {
        /// The card or metrics file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },

    /// The file is not the JSON expected.
    #[error("model card {path}: line {line}, column {column}: {message}")]
    Json {
        /// The card or metrics file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// The parser's reason.
        message: String,
    },

    /// The model the card describes could not be written or measured.
    #[error(transparent)]
    Model(#[from] OnnxError),
}

impl CardError {
    fn json(path: &Path, error: &serde_json::Error) -> CardError {
        CardError::Json {
            path: path.to_path_buf(),
            line: error.line(),
            column: error.column(),
            message: error.to_string(),
        }
    }
}

/// How the weights and activations of a model are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberFormat {
    /// 32-bit floats throughout.
    Float32,
    /// int8 QOperator ops with float pre- and post-processing.
    Int8,
}

/// The model input, as the device must prepare it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputContract {
    /// Input name.
    pub name: String,
    /// Shape, NCHW.
    pub shape: Vec<usize>,
    /// Element type.
    pub dtype: String,
    /// What each element holds.
    pub values: String,
}

impl Default for InputContract {
    fn default() -> Self {
        InputContract {
            name: INPUT_NAME.to_string(),
            shape: INPUT_SHAPE.to_vec(),
            dtype: "float32".to_string(),
            values: "grey pixel / 255, 96x96 centre crop (48x48 faces upscaled bilinearly)"
                .to_string(),
        }
    }
}

/// Where a head's training data came from and how it was split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingData {
    /// The data file or folder trained on, when recorded.
    pub data: Option<String>,
    /// How train, validation and test were separated.
    pub split: String,
    /// Epochs trained, when known.
    pub epochs: Option<usize>,
}

/// One output of a model and what produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadCard {
    /// Output name (`keypoints` or `emotion`).
    pub output: String,
    /// Output shape.
    pub shape: Vec<usize>,
    /// Network size (`reference`, `edge`), when known.
    pub architecture: Option<String>,
    /// Names of the output elements: class names in order, or keypoint columns.
    pub labels: Vec<String>,
    /// Training data and split.
    pub training: TrainingData,
    /// Measured quality, float and int8.
    pub metrics: ModelMetrics,
}

impl HeadCard {
    /// The entry for a head whose training is not recorded (a model without a card).
    pub fn unrecorded(head: ModelHead) -> HeadCard {
        HeadCard {
            output: head.output_name().to_string(),
            shape: head.output_shape().to_vec(),
            architecture: None,
            labels: Vec::new(),
            training: TrainingData {
                data: None,
                split: "not recorded (no model card)".to_string(),
                epochs: None,
            },
            metrics: ModelMetrics::default(),
        }
    }
}

/// How an int8 model was calibrated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuantizationRecord {
    /// `minmax` or `percentile`.
    pub method: String,
    /// Calibration inputs used.
    pub samples: usize,
    /// The data file they came from.
    pub calibration_data: String,
    /// The float model that was quantised.
    pub source_model: String,
    /// How closely the int8 outputs follow the float ones on the calibration inputs.
    pub agreement: Option<Agreement>,
}

/// The card written beside a `.onnx` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    /// The model file's name.
    pub file: String,
    /// SHA-256 of the model file, lowercase hex.
    pub sha256: String,
    /// Size of the model file in bytes.
    pub file_bytes: u64,
    /// Weight and activation format.
    pub format: NumberFormat,
    /// Default-domain ONNX operator set.
    pub opset: i64,
    /// Parameters (weights, biases, statistics), counted once each.
    pub parameters: u64,
    /// Multiply-accumulates per inference, from the graph.
    pub macs: u64,
    /// The input contract.
    pub input: InputContract,
    /// The outputs, in graph order.
    pub heads: Vec<HeadCard>,
    /// Calibration details of an int8 model.
    pub quantization: Option<QuantizationRecord>,
    /// When the file was written (UTC, RFC 3339).
    pub created: String,
}

/// Facts about a written model file, for its card.
#[derive(Debug, Clone)]
pub struct ModelFile {
    /// File name.
    pub file: String,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

impl ModelFile {
    /// Describes the bytes just written to `path`.
    pub fn describe(path: &Path, bytes: &[u8]) -> ModelFile {
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        );
        ModelFile {
            file,
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
        }
    }
}

impl ModelCard {
    /// A card for a written model file with its cost and heads.
    pub fn new(
        written: ModelFile,
        format: NumberFormat,
        opset: i64,
        cost: GraphCost,
        heads: Vec<HeadCard>,
    ) -> ModelCard {
        ModelCard {
            file: written.file,
            sha256: written.sha256,
            file_bytes: written.bytes,
            format,
            opset,
            parameters: cost.parameters,
            macs: cost.macs,
            input: InputContract::default(),
            heads,
            quantization: None,
            created: utc_timestamp(),
        }
    }
}

/// The card path for a model path: the same name with `.json`.
pub fn card_path(model: &Path) -> PathBuf {
    model.with_extension("json")
}

/// Writes `card` beside `model` as pretty JSON and returns the card's path.
pub fn write_card(model: &Path, card: &ModelCard) -> Result<PathBuf, CardError> {
    let path = card_path(model);
    let mut text =
        serde_json::to_string_pretty(card).map_err(|error| CardError::json(&path, &error))?;
    text.push('\n');
    std::fs::write(&path, text).map_err(|source| CardError::Io {
        path: path.clone(),
        source,
    })?;

    tracing::info!(path = %path.display(), sha256 = %card.sha256, "model card written");
    Ok(path)
}

/// Reads the card beside `model`, or `None` when there is none.
pub fn read_card_beside(model: &Path) -> Result<Option<ModelCard>, CardError> {
    let path = card_path(model);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read(&path).map_err(|source| CardError::Io {
        path: path.clone(),
        source,
    })?;
    serde_json::from_slice(&text)
        .map(Some)
        .map_err(|error| CardError::json(&path, &error))
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
