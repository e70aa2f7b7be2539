//! Errors of training and checkpoint handling.

use std::path::PathBuf;

use crate::data::DataError;

/// Why a training run or a checkpoint operation failed.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// A model or optimiser record could not be written or read.
    #[error("{path}: {message}")]
    Record {
        /// The record file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A run-state file is not valid JSON of the expected shape.
    #[error("{path}: {source}")]
    State {
        /// The state file.
        path: PathBuf,
        /// The parse error, with line and column.
        source: serde_json::Error,
    },
    /// A checkpoint was asked for where there is none.
    #[error("no checkpoint at {0} (expected a run folder, a checkpoint folder or a model.bpk)")]
    MissingCheckpoint(PathBuf),
    /// A checkpoint belongs to a different task or architecture than asked for.
    #[error("{path}: {message}")]
    Mismatch {
        /// The checkpoint.
        path: PathBuf,
        /// What differs.
        message: String,
    },
    /// A split has no samples to work with.
    #[error("the {0} split is empty")]
    EmptySplit(&'static str),
    /// An option is out of range.
    #[error("invalid option: {0}")]
    Option(String),
    /// A face could not be turned into a model input.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The backend returned tensor data of an unexpected type.
    #[error("tensor read-back failed: {0}")]
    Tensor(String),
}

impl TrainError {
    /// An I/O error about `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TrainError::Io {
            path: path.into(),
            source,
        }
    }
}
