//! Exporting a training checkpoint: rebuild the network from its stored description, load
//! its weights, trace it, and describe it for the model card.

use std::path::Path;

use shared::keypoints::KEYPOINT_COLUMNS;
use tract_onnx::pb::ModelProto;

use super::ExportError;
use super::module::export_module;
use crate::card::{HeadCard, ModelMetrics, TrainingData};
use crate::model::{EmotionNet, KeypointNet, Net, NetSpec};
use crate::onnx::ModelHead;
use crate::train::{RunState, inference_device, load_state, load_weights, resolve_checkpoint};

/// A float model traced from a checkpoint, with what its card says about its output.
#[derive(Debug, Clone)]
pub struct ExportedCheckpoint {
    /// The float ONNX model.
    pub model: ModelProto,
    /// Which output it has.
    pub head: ModelHead,
    /// The card entry for that output (validation metrics from the best training epoch).
    pub card: HeadCard,
}

/// Loads the checkpoint `path` names (a run folder, a checkpoint folder or its weights file)
/// and exports its network.
pub fn export_checkpoint(path: &Path) -> Result<ExportedCheckpoint, ExportError> {
    let checkpoint_error = |message: String| ExportError::Checkpoint {
        path: path.to_path_buf(),
        message,
    };
    let folder = resolve_checkpoint(path).map_err(|error| checkpoint_error(error.to_string()))?;
    let (folder, state) =
        load_state(&folder).map_err(|error| checkpoint_error(error.to_string()))?;

    let device = inference_device();
    let (model, head, labels) = match state.net.init(&device) {
        Net::Emotion(net, labels) => {
            let net = load_weights(&folder, net).map_err(|e| checkpoint_error(e.to_string()))?;
            let model = export_module(&net, ModelHead::Emotion, EmotionNet::forward)?;
            (model, ModelHead::Emotion, labels)
        }
        Net::Keypoints(net) => {
            let net = load_weights(&folder, net).map_err(|e| checkpoint_error(e.to_string()))?;
            let model = export_module(&net, ModelHead::Keypoints, KeypointNet::forward)?;
            let columns = KEYPOINT_COLUMNS
                .iter()
                .map(|column| column.to_string())
                .collect();
            (model, ModelHead::Keypoints, columns)
        }
    };

    let head_name = head.output_name();
    tracing::info!(checkpoint = %folder.display(), head = head_name, "checkpoint exported");
    let card = head_card(&state, head, labels);
    Ok(ExportedCheckpoint { model, head, card })
}

/// The card entry for a trained head, with the best epoch's validation metrics as float
/// validation metrics until an evaluation report replaces them.
fn head_card(state: &RunState, head: ModelHead, labels: Vec<String>) -> HeadCard {
    let mut metrics = ModelMetrics::default();
    let best = state.early_stop.best_epoch;
    if let Some(record) = state
        .history
        .iter()
        .find(|record| Some(record.epoch) == best)
    {
        metrics.float.validation = serde_json::to_value(record).ok();
    }

    HeadCard {
        output: head.output_name().to_string(),
        shape: head.output_shape().to_vec(),
        architecture: Some(state.net.arch().name().to_string()),
        labels,
        training: TrainingData {
            data: state.data.as_ref().map(|data| data.display().to_string()),
            split: split_description(&state.net, state.options.seed),
            epochs: Some(state.epochs_done),
        },
        metrics,
    }
}

fn split_description(net: &NetSpec, seed: u64) -> String {
    match net {
        NetSpec::Emotion { .. } => format!(
            "FER2013 Usage column (Training / PublicTest = validation / PrivateTest = test) \
             when present, otherwise a seeded 80/10/10 split (seed {seed})"
        ),
        NetSpec::Keypoints { .. } => {
            format!("seeded split of training.csv into training and validation (seed {seed})")
        }
    }
}
