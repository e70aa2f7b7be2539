//! QuantizeLinear and DequantizeLinear: per-tensor scale and int8 zero point.

use firmware::mcu::ops::{DequantizeLinear, QuantizeLinear};
use firmware::mcu::{DataType, Op};
use tract_onnx::pb::NodeProto;

use super::{LowerContext, Lowered};
use crate::mcu::values::ValueType;
use crate::onnx::{OnnxError, node_error};

/// f32 to int8 codes. The zero point must be given and int8: without it ONNX quantises to
/// uint8, which the engine does not hold.
pub fn quantize_linear<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let (input, value) = context.tensor_input(node, 0, DataType::F32)?;
    let scale = context.constants.scalar_f32(node, 1, "scale")?;
    let zero_point = context
        .constants
        .zero_point(node, 2, "zero point")?
        .ok_or_else(|| {
            node_error(
                node,
                "has no zero point, so it quantises to uint8; the MCU engine runs int8",
            )
        })?;

    let op = Op::QuantizeLinear(QuantizeLinear { scale, zero_point });
    let output = ValueType::new(DataType::I8, value.shape);
    Ok((single(op, input), output))
}

/// int8 codes to f32.
pub fn dequantize_linear<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let (input, value) = context.tensor_input(node, 0, DataType::I8)?;
    let scale = context.constants.scalar_f32(node, 1, "scale")?;
    let zero_point = context
        .constants
        .zero_point(node, 2, "zero point")?
        .unwrap_or(0);

    let op = Op::DequantizeLinear(DequantizeLinear { scale, zero_point });
    let output = ValueType::new(DataType::F32, value.shape);
    Ok((single(op, input), output))
}

/// An op that reads one tensor.
pub fn single(op: Op<'_>, input: u32) -> Lowered<'_> {
    Lowered {
        op,
        input,
        second: None,
    }
}
