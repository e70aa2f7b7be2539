//! Errors raised while reading, editing or running ONNX graphs.

use std::path::PathBuf;

/// What went wrong with an ONNX model file or graph.
#[derive(Debug, thiserror::Error)]
pub enum OnnxError {
    /// The file could not be read.
    #[error("cannot read ONNX model {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },

    /// The file could not be written.
    #[error("cannot write ONNX model {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },

    /// The bytes are not a protobuf `ModelProto` (truncated or corrupt file).
    #[error("{origin} is not a valid ONNX model (truncated or corrupt): {source}")]
    Decode {
        /// Where the bytes came from (a file path or a description).
        origin: String,
        /// The protobuf decoder's reason.
        source: prost::DecodeError,
    },

    /// The bytes decode but do not describe a usable model.
    #[error("{origin} is not a usable ONNX model: {reason}")]
    Invalid {
        /// Where the model came from.
        origin: String,
        /// What is missing or inconsistent.
        reason: String,
    },

    /// A graph lacks a value, node or initializer that an edit needs.
    #[error("graph has no {kind} named `{name}`")]
    Missing {
        /// `input`, `output`, `initializer`, `node`, ...
        kind: &'static str,
        /// The name that was looked for.
        name: String,
    },

    /// A node's inputs or attributes are not what a transformation supports.
    #[error("node `{node}` ({op_type}): {reason}")]
    Node {
        /// Node name (or its first output when unnamed).
        node: String,
        /// ONNX operator type.
        op_type: String,
        /// What is wrong.
        reason: String,
    },

    /// An initializer has a type, shape or payload that does not fit its use.
    #[error("initializer `{name}`: {reason}")]
    Initializer {
        /// Initializer name.
        name: String,
        /// What is wrong.
        reason: String,
    },

    /// A graph does not follow the model contract (input/output names and shapes).
    #[error("{model}: {reason}")]
    Contract {
        /// Which model (`keypoints`, `emotion`, a path).
        model: String,
        /// What differs from the contract.
        reason: String,
    },

    /// tract could not load or run the graph.
    #[error("tract could not {action}: {reason}")]
    Tract {
        /// `load the model`, `run the model`, ...
        action: &'static str,
        /// tract's error chain.
        reason: String,
    },
}

impl OnnxError {
    /// Wraps a tract error, keeping its whole context chain.
    pub fn tract(action: &'static str, error: impl std::fmt::Display) -> OnnxError {
        OnnxError::Tract {
            action,
            reason: format!("{error:#}"),
        }
    }
}
