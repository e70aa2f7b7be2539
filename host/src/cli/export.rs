//! `emotion-edge export`: a training checkpoint to a float ONNX model and its model card.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::card::{publish_model, read_eval_metrics};
use crate::export::export_checkpoint;
use crate::onnx::write_reference_run;

/// Options of `emotion-edge export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Checkpoint to export: a run folder, a checkpoint folder or its model.bpk.
    #[arg(long)]
    pub model: PathBuf,
    /// ONNX file to write; the model card goes beside it as <name>.json.
    #[arg(long)]
    pub out: PathBuf,
    /// Evaluation reports of the float model (`emotion-edge eval --json`, one per split) for
    /// the card; repeat for several splits.
    #[arg(long)]
    pub eval: Vec<PathBuf>,
    /// Also write tract's outputs on fixed reference inputs to this JSON file.
    #[arg(long)]
    pub tract_outputs: Option<PathBuf>,
}

impl ExportArgs {
    /// Exports, writes the model and its card.
    pub fn run(self) -> anyhow::Result<()> {
        let mut exported = export_checkpoint(&self.model)
            .with_context(|| format!("exporting {}", self.model.display()))?;
        for eval in &self.eval {
            exported.card.metrics.float.update(read_eval_metrics(eval)?);
        }

        let card = publish_model(&exported.model, &self.out, vec![exported.card], None)?;
        if let Some(path) = &self.tract_outputs {
            write_reference_run(&exported.model, path)?;
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
