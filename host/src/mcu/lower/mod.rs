//! One ONNX node lowered to one engine op: its parameters, the data it refers to, the
//! tensors it reads and the type of the tensor it writes. One file per family of ops.

mod conv;
mod float;
mod matmul;
mod pool;
mod quant;
mod reshape;
mod window;

use bumpalo::Bump;
use firmware::mcu::{DataType, Op};
use tract_onnx::pb::NodeProto;

use super::constants::{Constants, input_name};
use super::values::{ValueTable, ValueType};
use crate::onnx::{OnnxError, node_error};

/// The ONNX ops the engine runs, as the converter names them in errors.
pub const SUPPORTED_OPS: &str = "QuantizeLinear, DequantizeLinear, QLinearConv, \
    QLinearMatMul, MaxPool, AveragePool, GlobalAveragePool, Relu, Add, Reshape, Flatten, Softmax";

/// A node lowered to an engine op, before its output has a tensor index.
#[derive(Debug, Clone, Copy)]
pub struct Lowered<'b> {
    /// The op with its parameters; its data lives in the converter's bump arena.
    pub op: Op<'b>,
    /// The tensor it reads.
    pub input: u32,
    /// The second tensor it reads (Add of two tensors).
    pub second: Option<u32>,
}

/// What lowering a node needs: the constants, the values defined so far, the graph's
/// opset and where op data is kept until the blob is written.
pub struct LowerContext<'c, 'b> {
    /// The graph's initializers.
    pub constants: &'c Constants<'c>,
    /// The values defined by the nodes before this one.
    pub values: &'c ValueTable,
    /// The default opset the model imports.
    pub opset: i64,
    /// Storage for weights, offsets, multipliers and constants.
    pub data: &'b Bump,
}

impl<'b> LowerContext<'_, 'b> {
    /// The tensor at input `index` of `node`, which must be of `data_type`.
    pub fn tensor_input(
        &self,
        node: &NodeProto,
        index: usize,
        data_type: DataType,
    ) -> Result<(u32, ValueType), OnnxError> {
        let name = input_name(node, index)
            .ok_or_else(|| node_error(node, format!("has no input {index}")))?;
        let (tensor, value) = self.values.read(node, name)?;
        if value.data_type != data_type {
            return Err(node_error(
                node,
                format!(
                    "it reads `{name}` as {:?}; the MCU engine runs this op on {:?} values",
                    value.data_type, data_type
                ),
            ));
        }
        Ok((tensor, value.clone()))
    }

    /// `bytes` kept for as long as the blob is being built.
    pub fn keep(&self, bytes: &[u8]) -> &'b [u8] {
        self.data.alloc_slice_copy(bytes)
    }
}

/// Lowers `node`, returning the op and the type of its output. Errors name the node.
pub fn lower_node<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    check_outputs(node)?;
    let lowered = match node.op_type.as_str() {
        "QuantizeLinear" => quant::quantize_linear(context, node),
        "DequantizeLinear" => quant::dequantize_linear(context, node),
        "QLinearConv" => conv::qlinear_conv(context, node),
        "QLinearMatMul" => matmul::qlinear_matmul(context, node),
        "MaxPool" => pool::max_pool(context, node),
        "AveragePool" => pool::average_pool(context, node),
        "GlobalAveragePool" => pool::global_average_pool(context, node),
        "Relu" => float::relu(context, node),
        "Add" => float::add(context, node),
        "Softmax" => float::softmax(context, node),
        "Reshape" => reshape::reshape(context, node),
        "Flatten" => reshape::flatten(context, node),
        other => Err(node_error(
            node,
            format!("the MCU engine has no {other} op; it runs {SUPPORTED_OPS}"),
        )),
    };
    lowered.map_err(|error| name_the_node(node, error))
}

/// Refuses nodes in another domain and nodes with more than one output in use.
fn check_outputs(node: &NodeProto) -> Result<(), OnnxError> {
    if !node.domain.is_empty() && node.domain != "ai.onnx" {
        return Err(node_error(
            node,
            format!(
                "is in domain `{}`; the MCU engine runs ai.onnx ops only",
                node.domain
            ),
        ));
    }
    if node.output.first().is_none_or(String::is_empty) {
        return Err(node_error(node, "has no output"));
    }
    if node.output.iter().skip(1).any(|output| !output.is_empty()) {
        return Err(node_error(
            node,
            "has a second output in use; the MCU engine's ops write one tensor",
        ));
    }
    Ok(())
}

/// Wraps an error about an initializer in one about `node`, so every error names the node.
fn name_the_node(node: &NodeProto, error: OnnxError) -> OnnxError {
    match error {
        OnnxError::Node { .. } => error,
        other => node_error(node, other.to_string()),
    }
}
