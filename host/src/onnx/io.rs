//! Reading and writing `.onnx` files as prost `ModelProto` values.

use std::path::Path;

use prost::Message;
use tract_onnx::pb::ModelProto;

use super::OnnxError;

/// Reads and decodes an ONNX model, rejecting empty, truncated or graph-less files.
pub fn load_model(path: &Path) -> Result<ModelProto, OnnxError> {
    let bytes = std::fs::read(path).map_err(|source| OnnxError::Read {
        path: path.to_path_buf(),
        source,
    })?;

    let model = decode_model(&bytes, &path.display().to_string())?;

    tracing::info!(
        path = %path.display(),
        bytes = bytes.len(),
        nodes = model.graph.as_ref().map_or(0, |graph| graph.node.len()),
        "ONNX model loaded"
    );
    Ok(model)
}

/// Decodes ONNX bytes; `origin` names them in errors.
pub fn decode_model(bytes: &[u8], origin: &str) -> Result<ModelProto, OnnxError> {
    if bytes.is_empty() {
        return Err(invalid(origin, "the file is empty"));
    }

    let model = ModelProto::decode(bytes).map_err(|source| OnnxError::Decode {
        origin: origin.to_string(),
        source,
    })?;

    check_model_header(&model, origin)?;
    Ok(model)
}

/// Encodes a model to its protobuf bytes.
pub fn encode_model(model: &ModelProto) -> Vec<u8> {
    model.encode_to_vec()
}

/// Writes a model to `path` (through a temporary file, so a failed write leaves no partial
/// model behind) and returns the bytes written.
pub fn save_model(model: &ModelProto, path: &Path) -> Result<Vec<u8>, OnnxError> {
    let bytes = encode_model(model);
    let write_error = |source| OnnxError::Write {
        path: path.to_path_buf(),
        source,
    };

    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, &bytes).map_err(write_error)?;
    std::fs::rename(&partial, path).map_err(write_error)?;

    tracing::info!(path = %path.display(), bytes = bytes.len(), "ONNX model written");
    Ok(bytes)
}

/// Checks the parts every model needs: a graph, an IR version and an operator set.
fn check_model_header(model: &ModelProto, origin: &str) -> Result<(), OnnxError> {
    let Some(graph) = &model.graph else {
        return Err(invalid(origin, "it has no graph"));
    };
    if model.ir_version <= 0 {
        return Err(invalid(origin, "its ir_version is missing"));
    }
    if model.opset_import.is_empty() {
        return Err(invalid(origin, "it imports no operator set"));
    }
    if graph.output.is_empty() {
        return Err(invalid(origin, "its graph has no outputs"));
    }
    Ok(())
}

fn invalid(origin: &str, reason: &str) -> OnnxError {
    OnnxError::Invalid {
        origin: origin.to_string(),
        reason: reason.to_string(),
    }
}
