//! MaxPool on int8 codes, AveragePool and GlobalAveragePool on f32 values.

use firmware::mcu::ops::{AveragePool, MaxPool};
use firmware::mcu::{DataType, Op, Window};
use tract_onnx::pb::NodeProto;

use super::quant::single;
use super::window::window_of;
use super::{LowerContext, Lowered};
use crate::mcu::values::ValueType;
use crate::onnx::{OnnxError, int_or, node_error};

/// Max pooling of int8 codes (the quantised graph pools codes, scale unchanged).
pub fn max_pool<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let (input, value) = context.tensor_input(node, 0, DataType::I8)?;
    let window = window_of(node, None)?;
    let output = pooled(node, &window, &value)?;
    Ok((single(Op::MaxPool(MaxPool { window }), input), output))
}

/// Average pooling of f32 values.
pub fn average_pool<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let (input, value) = context.tensor_input(node, 0, DataType::F32)?;
    let window = window_of(node, None)?;
    let output = pooled(node, &window, &value)?;
    let count_include_pad = int_or(node, "count_include_pad", 0) != 0;
    let op = Op::AveragePool(AveragePool {
        window,
        count_include_pad,
    });
    Ok((single(op, input), output))
}

/// The mean of each whole channel: an average pool whose window is the input plane.
pub fn global_average_pool<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let (input, value) = context.tensor_input(node, 0, DataType::F32)?;
    let Some([_, height, width]) = value.chw() else {
        return Err(node_error(node, "its input is not a [1, C, H, W] tensor"));
    };
    let window = Window {
        kernel: [height, width],
        strides: [1, 1],
        dilations: [1, 1],
        pads: [0; 4],
    };
    let output = pooled(node, &window, &value)?;
    let op = Op::AveragePool(AveragePool {
        window,
        count_include_pad: false,
    });
    Ok((single(op, input), output))
}

/// The `[1, C, OH, OW]` output of pooling `value` with `window`, which must keep a tap
/// inside the input at every position (pads smaller than the kernel, dilations 1).
fn pooled(node: &NodeProto, window: &Window, value: &ValueType) -> Result<ValueType, OnnxError> {
    let Some([channels, height, width]) = value.chw() else {
        return Err(node_error(node, "its input is not a [1, C, H, W] tensor"));
    };
    if !window.pads_leave_a_tap_inside() {
        return Err(node_error(
            node,
            "has dilations or pads as large as its kernel; the MCU engine pools windows \
             with at least one tap inside the input",
        ));
    }
    let [out_height, out_width] = window.output_size([height, width]).ok_or_else(|| {
        node_error(
            node,
            format!("its window {window:?} does not fit its {height}x{width} input"),
        )
    })?;
    Ok(ValueType::new(
        value.data_type,
        vec![1, channels, out_height, out_width],
    ))
}
