//! Checkpoints: model weights and optimiser state as Burn records (burnpack files), the rest
//! of the run state as JSON, each checkpoint a folder replaced atomically.
//!
//! A run folder holds `checkpoints/last` (every epoch, with optimiser state, for `--resume`)
//! and `checkpoints/best` (the best validation epoch, weights only).

use std::fs;
use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use burn::store::ModuleRecord;
use serde::{Deserialize, Serialize};

use super::atomic::{readable_folder, replace_folder, write_atomically};
use super::early_stop::EarlyStopping;
use super::error::TrainError;
use super::history::EpochRecord;
use super::options::TrainOptions;
use super::plateau::ReduceLrOnPlateau;
use crate::model::NetSpec;

/// Weights file inside a checkpoint folder.
pub const MODEL_FILE: &str = "model.bpk";
/// Optimiser state file inside a checkpoint folder.
pub const OPTIMIZER_FILE: &str = "optimizer.bpk";
/// Run state file inside a checkpoint folder.
pub const STATE_FILE: &str = "state.json";

/// Everything besides tensors that a resumed run needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunState {
    /// Settings of the run.
    pub options: TrainOptions,
    /// The network trained.
    pub net: NetSpec,
    /// The data file trained on, for the record.
    pub data: Option<PathBuf>,
    /// Epochs completed.
    pub epochs_done: usize,
    /// Learning-rate schedule.
    pub plateau: ReduceLrOnPlateau,
    /// Best-epoch tracking.
    pub early_stop: EarlyStopping,
    /// One record per completed epoch.
    pub history: Vec<EpochRecord>,
    /// Whether early stopping ended the run.
    pub stopped_early: bool,
}

/// The `last` checkpoint folder of a run folder.
pub fn last_checkpoint(run: &Path) -> PathBuf {
    run.join("checkpoints").join("last")
}

/// The `best` checkpoint folder of a run folder.
pub fn best_checkpoint(run: &Path) -> PathBuf {
    run.join("checkpoints").join("best")
}

/// Writes a checkpoint folder: weights, optimiser state if given, and run state.
pub fn save_checkpoint<M: Module>(
    folder: &Path,
    model: &M,
    optimizer: Option<&ModuleOptimizer>,
    state: &RunState,
) -> Result<(), TrainError> {
    replace_folder(folder, |temporary| {
        let path = temporary.join(MODEL_FILE);
        model
            .clone()
            .into_record()
            .save(&path)
            .map_err(|e| record_error(&path, e))?;

        if let Some(optimizer) = optimizer {
            let path = temporary.join(OPTIMIZER_FILE);
            optimizer.save(&path).map_err(|e| record_error(&path, e))?;
        }

        let json = serde_json::to_vec_pretty(state).map_err(std::io::Error::other);
        let path = temporary.join(STATE_FILE);
        write_atomically(&path, |file| std::io::Write::write_all(file, &json?))
    })
}

/// Finds the checkpoint folder `path` names: a run folder (its best, else its last
/// checkpoint), a checkpoint folder, or a `model.bpk` inside one.
pub fn resolve_checkpoint(path: &Path) -> Result<PathBuf, TrainError> {
    if path.is_file() {
        return match path.parent() {
            Some(folder) if folder.join(STATE_FILE).is_file() => Ok(folder.to_path_buf()),
            _ => Err(TrainError::MissingCheckpoint(path.to_path_buf())),
        };
    }
    if path.join(STATE_FILE).is_file() {
        return Ok(path.to_path_buf());
    }
    [best_checkpoint(path), last_checkpoint(path)]
        .iter()
        .find_map(|folder| readable_folder(folder))
        .ok_or_else(|| TrainError::MissingCheckpoint(path.to_path_buf()))
}

/// Reads the run state of a checkpoint folder (or of its `.old` twin after a crash).
pub fn load_state(folder: &Path) -> Result<(PathBuf, RunState), TrainError> {
    let folder =
        readable_folder(folder).ok_or_else(|| TrainError::MissingCheckpoint(folder.into()))?;
    let path = folder.join(STATE_FILE);
    let text = fs::read(&path).map_err(|e| TrainError::io(&path, e))?;
    let state =
        serde_json::from_slice(&text).map_err(|source| TrainError::State { path, source })?;
    Ok((folder, state))
}

/// Loads the weights of a checkpoint folder into `model`, which must have the same
/// structure.
pub fn load_weights<M: Module>(folder: &Path, model: M) -> Result<M, TrainError> {
    let path = folder.join(MODEL_FILE);
    let record = ModuleRecord::load(&path).map_err(|e| record_error(&path, e))?;
    model
        .try_load_record(record)
        .map_err(|e| record_error(&path, e))
}

/// Loads the optimiser state of a checkpoint folder into `optimizer`.
pub fn load_optimizer(
    folder: &Path,
    optimizer: ModuleOptimizer,
) -> Result<ModuleOptimizer, TrainError> {
    let path = folder.join(OPTIMIZER_FILE);
    optimizer.load(&path).map_err(|e| record_error(&path, e))
}

fn record_error(path: &Path, error: impl std::fmt::Display) -> TrainError {
    TrainError::Record {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}
