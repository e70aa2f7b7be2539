//! `emotion-edge quantize`: post-training static int8 quantisation of a float ONNX model.

use std::path::PathBuf;

use clap::Args;

use tract_onnx::pb::ModelProto;

use crate::card::{
    HeadCard, QuantizationRecord, publish_model, read_card_beside, read_eval_metrics,
};
use crate::onnx::{
    EMOTION_NAME, KEYPOINTS_NAME, ModelHead, graph, load_model, write_reference_run,
};
use crate::quantize::{CalibrationMethod, calibration_inputs, compare_models, quantize_model};

/// Options of `emotion-edge quantize`.
#[derive(Debug, Args)]
pub struct QuantizeArgs {
    /// The float model (.onnx; its card, if any, is read from beside it).
    #[arg(long)]
    pub model: PathBuf,
    /// Calibration data: Kaggle keypoint training.csv, FER2013 CSV or image folder (the
    /// training split is used).
    #[arg(long)]
    pub calibration: PathBuf,
    /// Calibration inputs, spread evenly over the training split.
    #[arg(long, default_value_t = 300)]
    pub samples: usize,
    /// How activation ranges are chosen from what calibration saw.
    #[arg(long, value_enum, default_value_t = CalibrationMethod::Minmax)]
    pub method: CalibrationMethod,
    /// ONNX file to write; the model card goes beside it as <name>.json.
    #[arg(long)]
    pub out: PathBuf,
    /// Evaluation reports of the int8 model (`emotion-edge eval --json`, one per split) for
    /// the card; repeat for several splits.
    #[arg(long)]
    pub eval: Vec<PathBuf>,
    /// Also write tract's outputs on fixed reference inputs to this JSON file.
    #[arg(long)]
    pub tract_outputs: Option<PathBuf>,
}

impl QuantizeArgs {
    /// Calibrates, quantises, compares with the float model, writes the model and its card.
    pub fn run(self) -> anyhow::Result<()> {
        let float = load_model(&self.model)?;
        let inputs = calibration_inputs(&self.calibration, self.samples)?;
        let (int8, report) = quantize_model(&float, &inputs, self.method)?;
        let agreement = compare_models(&float, &int8, &inputs)?;
        for output in &agreement.outputs {
            tracing::info!(
                output = %output.name,
                argmax_agreement = output.argmax_agreement,
                mean_abs_diff = output.mean_abs_diff,
                "int8 against float on the calibration inputs"
            );
        }

        let mut heads = match read_card_beside(&self.model)? {
            Some(card) => card.heads,
            None => output_heads(&float)?,
        };
        for eval in &self.eval {
            let metrics = read_eval_metrics(eval)?;
            heads
                .iter_mut()
                .for_each(|head| head.metrics.int8.update(metrics.clone()));
        }
        let record = QuantizationRecord {
            method: format!("{:?}", self.method).to_lowercase(),
            samples: inputs.len(),
            calibration_data: self.calibration.display().to_string(),
            source_model: self.model.display().to_string(),
            agreement: Some(agreement),
        };
        let card = publish_model(&int8, &self.out, heads, Some(record))?;
        if let Some(path) = &self.tract_outputs {
            write_reference_run(&int8, path)?;
        }

        println!(
            "{}: {} ops ({:?}), {} bytes, sha256 {}",
            self.out.display(),
            report.op_counts.values().sum::<usize>(),
            report.op_counts,
            card.file_bytes,
            card.sha256
        );
        Ok(())
    }
}

/// Bare card entries for the contract outputs of a model that has no card.
fn output_heads(model: &ModelProto) -> anyhow::Result<Vec<HeadCard>> {
    let outputs = &graph(model, "float model")?.output;
    let heads = outputs
        .iter()
        .filter_map(|output| match output.name.as_str() {
            EMOTION_NAME => Some(ModelHead::Emotion),
            KEYPOINTS_NAME => Some(ModelHead::Keypoints),
            _ => None,
        })
        .map(HeadCard::unrecorded)
        .collect();
    Ok(heads)
}
