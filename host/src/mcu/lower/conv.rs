//! QLinearConv: int8 convolution, group 1, per-output-channel weight scales, int32 bias.
//!
//! The converter folds the input zero point into each channel's accumulator offset,
//! `bias[o] - x_zero_point * sum(w[o])`, and precomputes each channel's requantisation
//! multiplier `w_scale[o] * x_scale / y_scale` in the order tract combines the scales.

use firmware::mcu::ops::{QLinearConv, f32_bytes, i8_bytes, i32_bytes};
use firmware::mcu::{DataType, Op, Window};
use tract_onnx::pb::NodeProto;

use super::quant::single;
use super::window::window_of;
use super::{LowerContext, Lowered};
use crate::mcu::constants::input_name;
use crate::mcu::values::ValueType;
use crate::onnx::{OnnxError, int_or, int32_values, node_error};

/// The int8 convolution, its output `[1, O, OH, OW]` int8.
pub fn qlinear_conv<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let constants = context.constants;
    let (input, value) = context.tensor_input(node, 0, DataType::I8)?;
    let Some([channels, height, width]) = value.chw() else {
        return Err(node_error(node, "its input is not a [1, C, H, W] tensor"));
    };
    let input_scale = constants.scalar_f32(node, 1, "input scale")?;
    let input_zero_point = constants
        .zero_point(node, 2, "input zero point")?
        .unwrap_or(0);
    let (dims, weights) = constants.int8_weights(node, 3)?;
    let &[out_channels, in_channels, kernel_height, kernel_width] = &dims[..] else {
        return Err(node_error(node, "its weights are not [O, C, KH, KW]"));
    };
    check_group(node, channels, in_channels)?;
    let weight_scales = constants.per_channel_f32(node, 4, out_channels, "weight scales")?;
    constants.require_zero_weight_zero_points(node, 5)?;
    let output_scale = constants.scalar_f32(node, 6, "output scale")?;
    let output_zero_point = constants
        .zero_point(node, 7, "output zero point")?
        .unwrap_or(0);
    let bias = bias(context, node, out_channels)?;

    let window = window_of(node, Some([kernel_height, kernel_width]))?;
    let [out_height, out_width] = output_size(node, &window, [height, width])?;
    let offsets = folded_offsets(node, &bias, &weights, input_zero_point)?;
    let multipliers: Vec<f32> = weight_scales
        .iter()
        .map(|&weight_scale| weight_scale * input_scale / output_scale)
        .collect();

    let op = Op::QLinearConv(QLinearConv {
        input_zero_point,
        output_zero_point,
        window,
        weights: context.keep(&i8_bytes(&weights)),
        offsets: context.keep(&i32_bytes(&offsets)),
        multipliers: context.keep(&f32_bytes(&multipliers)),
    });
    let output = ValueType::new(DataType::I8, vec![1, out_channels, out_height, out_width]);
    Ok((single(op, input), output))
}

/// Refuses grouped convolutions: the engine's kernel reads every input channel.
fn check_group(
    node: &NodeProto,
    channels: usize,
    weight_channels: usize,
) -> Result<(), OnnxError> {
    let group = int_or(node, "group", 1);
    if group != 1 {
        return Err(node_error(
            node,
            format!("has group {group}; the MCU engine runs group 1 convolutions only"),
        ));
    }
    if weight_channels != channels {
        return Err(node_error(
            node,
            format!("its weights take {weight_channels} channels; its input has {channels}"),
        ));
    }
    Ok(())
}

/// The int32 bias at input 8, zeros when absent.
fn bias(
    context: &LowerContext<'_, '_>,
    node: &NodeProto,
    out_channels: usize,
) -> Result<Vec<i32>, OnnxError> {
    if input_name(node, 8).is_none() {
        return Ok(vec![0; out_channels]);
    }
    let bias = int32_values(context.constants.input(node, 8, "bias")?)?;
    if bias.len() != out_channels {
        return Err(node_error(
            node,
            format!("it has {} biases for {out_channels} channels", bias.len()),
        ));
    }
    Ok(bias)
}

/// The output height and width, or an error when the kernel does not fit the input.
fn output_size(
    node: &NodeProto,
    window: &Window,
    input: [usize; 2],
) -> Result<[usize; 2], OnnxError> {
    window.output_size(input).ok_or_else(|| {
        node_error(
            node,
            format!("its window {window:?} does not fit its {input:?} input"),
        )
    })
}

/// `bias[o] - x_zero_point * sum(w[o])` per output channel, checked to fit an int32.
fn folded_offsets(
    node: &NodeProto,
    bias: &[i32],
    weights: &[i8],
    input_zero_point: i8,
) -> Result<Vec<i32>, OnnxError> {
    let per_channel = weights.len() / bias.len().max(1);
    bias.iter()
        .zip(weights.chunks_exact(per_channel.max(1)))
        .map(|(&bias, filter)| {
            let sum: i64 = filter.iter().map(|&weight| i64::from(weight)).sum();
            let offset = i64::from(bias) - i64::from(input_zero_point) * sum;
            i32::try_from(offset)
                .map_err(|_| node_error(node, "a folded bias does not fit in 32 bits"))
        })
        .collect()
}
