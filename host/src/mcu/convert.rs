//! The whole conversion: an int8 combined ONNX graph to the bytes of a model blob, checked
//! by the engine's own parser before it is returned.

use std::path::Path;

use bumpalo::Bump;
use firmware::mcu::{BlobContents, BlobError, DataType, McuModel, OpNode, TensorInfo, write_blob};
use sha2::{Digest, Sha256};
use tract_onnx::pb::{GraphProto, ModelProto, NodeProto};

use super::constants::Constants;
use super::lower::{LowerContext, Lowered, lower_node};
use super::plan::{TensorLife, plan_arena};
use super::values::{ValueTable, ValueType};
use crate::onnx::{
    EMOTION_NAME, INPUT_NAME, KEYPOINTS_NAME, OnnxError, decode_model, default_opset, graph,
    node_label, runtime_inputs, tensor_type,
};

/// Where the error of a blob that fails its own checks comes from.
const BLOB_ORIGIN: &str = "the converted model blob";

/// A converted model: the blob's bytes and its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McuBlob {
    /// The blob, ready to embed in the firmware.
    pub bytes: Vec<u8>,
    /// Its figures.
    pub summary: BlobSummary,
}

/// The figures of a converted model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct BlobSummary {
    /// Entries of the tensor table.
    pub tensors: usize,
    /// Ops an inference runs.
    pub ops: usize,
    /// Bytes of the blob (what it takes in flash).
    pub blob_bytes: usize,
    /// Bytes of its data section (weights, offsets, multipliers, constants).
    pub data_bytes: usize,
    /// Bytes of RAM the engine's arena takes (tensors and scratch).
    pub arena_bytes: usize,
    /// Bytes of the arena's scratch (int32 accumulators).
    pub scratch_bytes: usize,
    /// Bytes the tensors would take without sharing (what the plan saves from).
    pub unshared_tensor_bytes: usize,
}

/// One lowered node with the tensor it writes and where it came from.
struct PlannedOp<'b> {
    lowered: Lowered<'b>,
    output: u32,
    label: String,
    op_type: String,
}

/// Converts the int8 combined `model`, whose file has SHA-256 `model_sha256`, to a blob.
///
/// Every node must be one the engine runs, with per-tensor activation scales, int8 zero
/// points and symmetric (zero-point 0) weights; errors name the node. The blob is parsed
/// with the engine's own checks before it is returned.
pub fn convert_to_mcu(model: &ModelProto, model_sha256: [u8; 32]) -> Result<McuBlob, OnnxError> {
    let graph = graph(model, "int8 model")?;
    let constants = Constants::new(graph);
    let mut values = ValueTable::default();
    let input = define_input(graph, &mut values)?;
    let bump = Bump::new();

    // Limitation: ops run in the ONNX file's node order. In the combined model the emotion
    // branch's first op reads the model input after the whole keypoint branch, so the
    // 36 KB input stays in the arena all that time; reordering independent branches could
    // lower the peak.
    let mut ops = Vec::with_capacity(graph.node.len());
    for node in &graph.node {
        ops.push(lower_into(
            node,
            &constants,
            &mut values,
            default_opset(model),
            &bump,
        )?);
    }

    let keypoints = output_tensor(&values, KEYPOINTS_NAME)?;
    let emotion = output_tensor(&values, EMOTION_NAME)?;
    let (tensors, unshared_tensor_bytes) = place_tensors(&values, &ops, [keypoints, emotion]);
    let nodes: Vec<OpNode<'_>> = ops.iter().map(op_node).collect();
    let scratch_bytes = nodes
        .iter()
        .map(|node| node.op.scratch_bytes(&tensors[node.output as usize]))
        .max()
        .unwrap_or(0);
    let tensor_bytes = tensors.iter().map(|tensor| tensor.arena_range().end).max();

    let contents = BlobContents {
        model_sha256,
        label_count: values.types()[emotion as usize]
            .shape
            .last()
            .copied()
            .unwrap_or(0) as u32,
        arena_bytes: tensor_bytes.unwrap_or(0) + scratch_bytes,
        scratch_bytes,
        input_tensor: input,
        keypoints_tensor: keypoints,
        emotion_tensor: emotion,
        tensors,
        ops: nodes,
    };
    let bytes = write_blob(&contents);
    let summary = check_blob(&bytes, &ops, unshared_tensor_bytes)?;
    Ok(McuBlob { bytes, summary })
}

/// Reads the int8 ONNX file at `path` and converts it; the blob records the file's SHA-256.
pub fn convert_file(path: &Path) -> Result<McuBlob, OnnxError> {
    let bytes = std::fs::read(path).map_err(|source| OnnxError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let model = decode_model(&bytes, &path.display().to_string())?;
    convert_to_mcu(&model, Sha256::digest(&bytes).into())
}

/// Defines the graph's one run-time input, which must be a fully known f32 tensor.
fn define_input(graph: &GraphProto, values: &mut ValueTable) -> Result<u32, OnnxError> {
    let inputs = runtime_inputs(graph);
    let [input] = inputs[..] else {
        return Err(invalid(format!(
            "it has {} run-time inputs; the device model has one, `{INPUT_NAME}`",
            inputs.len()
        )));
    };
    let dims = tensor_type(input)
        .filter(|(elem_type, _)| {
            *elem_type == tract_onnx::pb::tensor_proto::DataType::Float as i32
        })
        .and_then(|(_, dims)| dims.into_iter().collect::<Option<Vec<i64>>>())
        .filter(|dims| dims.iter().all(|&dim| dim > 0))
        .ok_or_else(|| {
            invalid(format!(
                "its input `{}` is not f32 of a known shape",
                input.name
            ))
        })?;

    let shape = dims.iter().map(|&dim| dim as usize).collect();
    let node = NodeProto {
        name: input.name.clone(),
        op_type: "graph input".to_string(),
        ..NodeProto::default()
    };
    values.define(&node, &input.name, ValueType::new(DataType::F32, shape))
}

/// Lowers `node` and defines its output.
fn lower_into<'b>(
    node: &NodeProto,
    constants: &Constants<'_>,
    values: &mut ValueTable,
    opset: i64,
    bump: &'b Bump,
) -> Result<PlannedOp<'b>, OnnxError> {
    let context = LowerContext {
        constants,
        values,
        opset,
        data: bump,
    };
    let (lowered, output_type) = lower_node(&context, node)?;
    let output = values.define(node, &node.output[0], output_type)?;
    Ok(PlannedOp {
        lowered,
        output,
        label: node_label(node),
        op_type: node.op_type.clone(),
    })
}

/// The tensor of graph output `name`.
fn output_tensor(values: &ValueTable, name: &str) -> Result<u32, OnnxError> {
    values
        .index(name)
        .ok_or_else(|| invalid(format!("no node writes the `{name}` output")))
}

/// The tensor table with arena offsets planned from the tensors' lives, and the bytes the
/// tensors would take without sharing.
fn place_tensors(
    values: &ValueTable,
    ops: &[PlannedOp<'_>],
    outputs: [u32; 2],
) -> (Vec<TensorInfo>, usize) {
    let types = values.types();
    let mut lives: Vec<TensorLife> = types
        .iter()
        .map(|value| TensorLife {
            bytes: TensorInfo::new(value.data_type, &value.shape, 0).arena_bytes(),
            born: 0,
            dies: 0,
        })
        .collect();
    for (index, op) in ops.iter().enumerate() {
        let moment = index + 1;
        lives[op.output as usize].born = moment;
        lives[op.output as usize].dies = lives[op.output as usize].dies.max(moment);
        for read in [Some(op.lowered.input), op.lowered.second]
            .into_iter()
            .flatten()
        {
            lives[read as usize].dies = lives[read as usize].dies.max(moment);
        }
    }
    for output in outputs {
        lives[output as usize].dies = ops.len() + 1;
    }

    let plan = plan_arena(&lives);
    let tensors = types
        .iter()
        .zip(&plan.offsets)
        .map(|(value, &offset)| TensorInfo::new(value.data_type, &value.shape, offset))
        .collect();
    (tensors, plan.unshared_bytes)
}

/// The engine's op record for a lowered node.
fn op_node<'b>(op: &PlannedOp<'b>) -> OpNode<'b> {
    OpNode {
        op: op.lowered.op,
        output: op.output,
        input: op.lowered.input,
        second: op.lowered.second,
    }
}

/// Parses `bytes` with the engine's checks and reads its figures; an error about an op
/// names the ONNX node it came from.
fn check_blob(
    bytes: &[u8],
    ops: &[PlannedOp<'_>],
    unshared_tensor_bytes: usize,
) -> Result<BlobSummary, OnnxError> {
    let model = McuModel::parse(bytes).map_err(|error| blob_error(&error, ops))?;
    Ok(BlobSummary {
        tensors: model.tensor_count(),
        ops: model.op_count(),
        blob_bytes: model.blob_bytes(),
        data_bytes: model.data_bytes(),
        arena_bytes: model.arena_bytes(),
        scratch_bytes: model.scratch_bytes(),
        unshared_tensor_bytes,
    })
}

/// `error` from parsing the converted blob, naming the node of the op it is about.
fn blob_error(error: &BlobError, ops: &[PlannedOp<'_>]) -> OnnxError {
    let op = match *error {
        BlobError::BadOp { op, .. }
        | BlobError::DataSize { op, .. }
        | BlobError::DataOutOfRange { op, .. }
        | BlobError::OverlappingTensors { op, .. }
        | BlobError::StaleRead { op, .. }
        | BlobError::Unwritten { op, .. }
        | BlobError::TensorIndex { op, .. }
        | BlobError::UnknownOp { op, .. } => ops.get(op),
        _ => None,
    };
    match op {
        Some(op) => OnnxError::Node {
            node: op.label.clone(),
            op_type: op.op_type.clone(),
            reason: format!("the engine refuses its lowered op: {error}"),
        },
        None => invalid(format!("{BLOB_ORIGIN} fails the engine's checks: {error}")),
    }
}

/// An error about the model as a whole.
fn invalid(reason: String) -> OnnxError {
    OnnxError::Invalid {
        origin: "int8 model for the MCU engine".to_string(),
        reason,
    }
}
