//! The f32 ops between a DequantizeLinear and the next QuantizeLinear: Relu, Add, Softmax.

use firmware::mcu::ops::{Add, Relu, Softmax, f32_bytes};
use firmware::mcu::{DataType, Op};
use tract_onnx::pb::NodeProto;

use super::quant::single;
use super::{LowerContext, Lowered};
use crate::mcu::constants::input_name;
use crate::mcu::values::ValueType;
use crate::onnx::{OnnxError, float_values, int_or, node_error};

/// `max(x, 0)` on f32 values.
pub fn relu<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let (input, value) = context.tensor_input(node, 0, DataType::F32)?;
    Ok((single(Op::Relu(Relu), input), value))
}

/// The sum of two f32 tensors of one shape, or of an f32 tensor and a constant of the same
/// elements (a bias of shape `[1, N]` or `[N]` on `[1, N]`), in either order.
pub fn add<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let names = [input_name(node, 0), input_name(node, 1)];
    let [Some(first), Some(second)] = names else {
        return Err(node_error(node, "does not have two inputs"));
    };
    let values = context.values;
    let (tensor_index, constant_name) = match (values.contains(first), values.contains(second)) {
        (true, true) => return add_tensors(context, node),
        (true, false) => (0, second),
        (false, true) => (1, first),
        (false, false) => {
            return Err(node_error(
                node,
                "adds two constants; fold them before converting",
            ));
        }
    };

    let (input, value) = context.tensor_input(node, tensor_index, DataType::F32)?;
    let constant = context.constants.get(constant_name).ok_or_else(|| {
        node_error(
            node,
            format!("it reads `{constant_name}`, which is neither a value nor a constant"),
        )
    })?;
    let dims: Vec<usize> = constant
        .dims
        .iter()
        .map(|&dim| dim.max(0) as usize)
        .collect();
    if without_leading_ones(&dims) != without_leading_ones(&value.shape)
        || dims.len() > value.shape.len()
    {
        return Err(node_error(
            node,
            format!(
                "adds a constant of shape {dims:?} to a value of shape {:?}; the MCU engine \
                 adds constants of the value's shape only",
                value.shape
            ),
        ));
    }

    let bytes = f32_bytes(&float_values(constant)?);
    let op = Op::Add(Add {
        constant: context.keep(&bytes),
    });
    Ok((single(op, input), value))
}

/// The sum of two f32 tensors, which must have the same shape.
fn add_tensors<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let (input, value) = context.tensor_input(node, 0, DataType::F32)?;
    let (second, other) = context.tensor_input(node, 1, DataType::F32)?;
    if value.shape != other.shape {
        return Err(node_error(
            node,
            format!(
                "adds shapes {:?} and {:?}; the MCU engine adds tensors of one shape",
                value.shape, other.shape
            ),
        ));
    }
    let lowered = Lowered {
        op: Op::Add(Add { constant: &[] }),
        input,
        second: Some(second),
    };
    Ok((lowered, value))
}

/// Softmax over the last axis of an f32 tensor.
pub fn softmax<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let (input, value) = context.tensor_input(node, 0, DataType::F32)?;
    let rank = value.shape.len() as i64;
    let default_axis = if context.opset >= 13 { -1 } else { 1 };
    let axis = int_or(node, "axis", default_axis);
    let axis = if axis < 0 { axis + rank } else { axis };
    if axis != rank - 1 {
        return Err(node_error(
            node,
            format!("takes axis {axis} of a rank-{rank} value; the MCU engine's is the last"),
        ));
    }
    Ok((single(Op::Softmax(Softmax), input), value))
}

/// `shape` without its leading 1s.
fn without_leading_ones(shape: &[usize]) -> &[usize] {
    let first = shape
        .iter()
        .position(|&dim| dim != 1)
        .unwrap_or(shape.len());
    &shape[first..]
}
