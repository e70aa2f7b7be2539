//! Export of trained Burn networks to float ONNX models with a model card.

mod checkpoint;
mod module;

pub use checkpoint::{ExportedCheckpoint, export_checkpoint};
pub use module::{export_module, finish_float_model};

use crate::onnx::OnnxError;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The Burn exporter could not trace or lower the network.
    #[error("tracing the network to ONNX failed: {0}")]
    Trace(#[from] burn_onnx::export::ExportError),

    /// The traced graph could not be brought to the model contract.
    #[error(transparent)]
    Onnx(#[from] OnnxError),

    /// The checkpoint could not be read.
    #[error("cannot load checkpoint {path}: {message}")]
    Checkpoint {
        /// The path given.
        path: std::path::PathBuf,
        /// The reason.
        message: String,
    },
}
