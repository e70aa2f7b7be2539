//! The per-epoch record of a run and its `metrics.jsonl` file.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic::write_atomically;
use super::error::TrainError;
use super::task::Validation;

/// What one epoch did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Learning rate used during the epoch.
    pub lr: f64,
    /// Mean training loss.
    pub train_loss: f64,
    /// Training accuracy (emotion) or RMSE in pixels (keypoints), on augmented batches.
    pub train_metric: f64,
    /// Validation loss.
    pub val_loss: f64,
    /// Validation accuracy (emotion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_accuracy: Option<f64>,
    /// Validation macro-F1 (emotion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_macro_f1: Option<f64>,
    /// Validation RMSE in pixels (keypoints).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub val_rmse: Option<f64>,
    /// Training throughput.
    pub images_per_second: f64,
    /// Wall time of the epoch including validation.
    pub wall_seconds: f64,
}

impl EpochRecord {
    /// Copies the validation results into the record.
    pub fn with_validation(mut self, validation: &Validation) -> Self {
        self.val_loss = validation.loss;
        self.val_accuracy = validation.accuracy;
        self.val_macro_f1 = validation.macro_f1;
        self.val_rmse = validation.rmse;
        self
    }
}

/// Rewrites `path` with one JSON object per epoch, atomically, so a resumed run never
/// duplicates lines.
pub fn write_metrics(path: &Path, history: &[EpochRecord]) -> Result<(), TrainError> {
    write_atomically(path, |file| {
        for record in history {
            let line = serde_json::to_string(record).map_err(std::io::Error::other)?;
            writeln!(file, "{line}")?;
        }
        Ok(())
    })
}
