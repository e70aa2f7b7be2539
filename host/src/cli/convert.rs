//! `emotion-edge convert`: a model converted for another engine (`--target mcu`: the
//! Cortex-M int8 interpreter's model blob).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::card::sha256_hex;
use crate::mcu::convert_file;

/// The engines a model can be converted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertTarget {
    /// The Cortex-M int8 interpreter (`firmware::mcu`): a checksummed model blob (.eeb).
    Mcu,
}

/// Options of `emotion-edge convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The engine to convert for.
    #[arg(long, value_enum)]
    pub target: ConvertTarget,
    /// The int8 combined model (.onnx, QOperator ops).
    #[arg(long)]
    pub model: PathBuf,
    /// The model blob to write (.eeb).
    #[arg(long)]
    pub out: PathBuf,
}

impl ConvertArgs {
    /// Converts the model, checks the blob with the engine's parser and writes it.
    pub fn run(self) -> anyhow::Result<()> {
        match self.target {
            ConvertTarget::Mcu => self.convert_for_mcu(),
        }
    }

    fn convert_for_mcu(&self) -> anyhow::Result<()> {
        let blob = convert_file(&self.model)?;
        std::fs::write(&self.out, &blob.bytes)
            .with_context(|| format!("cannot write model blob {}", self.out.display()))?;

        let summary = blob.summary;
        tracing::info!(
            model = %self.model.display(),
            out = %self.out.display(),
            tensors = summary.tensors,
            ops = summary.ops,
            flash_bytes = summary.blob_bytes,
            arena_bytes = summary.arena_bytes,
            scratch_bytes = summary.scratch_bytes,
            unshared_tensor_bytes = summary.unshared_tensor_bytes,
            sha256 = %sha256_hex(&blob.bytes),
            "model blob written"
        );
        println!(
            "{}: {} tensors, {} ops, {} bytes of flash, {} bytes of arena RAM",
            self.out.display(),
            summary.tensors,
            summary.ops,
            summary.blob_bytes,
            summary.arena_bytes
        );
        Ok(())
    }
}
