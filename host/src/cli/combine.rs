//! `emotion-edge combine`: one model with a shared input from a keypoint and an emotion model.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::card::{HeadCard, read_card_beside};
use crate::onnx::{ModelHead, combine_models, load_model, write_reference_run};

/// Options of `emotion-edge combine`.
#[derive(Debug, Args)]
pub struct CombineArgs {
    /// The keypoint model (.onnx; its card, if any, is read from beside it).
    #[arg(long)]
    pub keypoints: PathBuf,
    /// The emotion model (.onnx; its card, if any, is read from beside it).
    #[arg(long)]
    pub emotion: PathBuf,
    /// ONNX file to write; the model card goes beside it as <name>.json.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write tract's outputs on fixed reference inputs to this JSON file.
    #[arg(long)]
    pub tract_outputs: Option<PathBuf>,
}

impl CombineArgs {
    /// Combines, writes the model and its card.
    pub fn run(self) -> anyhow::Result<()> {
        let keypoints = load_model(&self.keypoints)?;
        let emotion = load_model(&self.emotion)?;
        let combined = combine_models(&keypoints, &emotion)?;

        let heads = vec![
            source_head(&self.keypoints, ModelHead::Keypoints)?,
            source_head(&self.emotion, ModelHead::Emotion)?,
        ];
        // Limitation: a card holds one quantisation record, so the combined card keeps the
        // keypoint network's (calibration data, agreement); the emotion network's record stays
        // in its own card. Both heads' int8 scores are in `heads`.
        let quantization = read_card_beside(&self.keypoints)?.and_then(|card| card.quantization);
        let card = crate::card::publish_model(&combined, &self.out, heads, quantization)?;
        if let Some(path) = &self.tract_outputs {
            write_reference_run(&combined, path)?;
        }

        println!(
            "{}: {} parameters, {} MACs, sha256 {}",
            self.out.display(),
            card.parameters,
            card.macs,
            card.sha256
        );
        Ok(())
    }
}

/// The head entry from the source model's card, or a bare one when it has no card.
fn source_head(model: &Path, head: ModelHead) -> anyhow::Result<HeadCard> {
    let from_card = read_card_beside(model)?.and_then(|card| {
        card.heads
            .into_iter()
            .find(|entry| entry.output == head.output_name())
    });
    Ok(from_card.unwrap_or_else(|| {
        tracing::warn!(model = %model.display(), "no model card beside the source model");
        HeadCard::unrecorded(head)
    }))
}
