//! QLinearMatMul: int8 rows times a constant int8 weight matrix with per-column scales.
//!
//! The converter folds the input zero point into each column's accumulator offset,
//! `-a_zero_point * sum over k of w[k][n]`, and precomputes each column's requantisation
//! multiplier `a_scale * w_scale[n] / y_scale` in the order tract combines the scales.

use firmware::mcu::ops::{QLinearMatMul, f32_bytes, i8_bytes, i32_bytes};
use firmware::mcu::{DataType, Op};
use tract_onnx::pb::NodeProto;

use super::quant::single;
use super::{LowerContext, Lowered};
use crate::mcu::values::ValueType;
use crate::onnx::{OnnxError, node_error};

/// The matrix product, its output `[M, N]` int8.
pub fn qlinear_matmul<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let constants = context.constants;
    let (input, value) = context.tensor_input(node, 0, DataType::I8)?;
    let &[rows, depth] = &value.shape[..] else {
        return Err(node_error(
            node,
            format!(
                "its input has shape {:?}; the MCU engine multiplies [M, K] matrices",
                value.shape
            ),
        ));
    };
    let input_scale = constants.scalar_f32(node, 1, "input scale")?;
    let input_zero_point = constants
        .zero_point(node, 2, "input zero point")?
        .unwrap_or(0);
    let (dims, weights) = constants.int8_weights(node, 3)?;
    let &[weight_rows, columns] = &dims[..] else {
        return Err(node_error(node, "its weights are not a [K, N] matrix"));
    };
    if weight_rows != depth {
        return Err(node_error(
            node,
            format!("its weights have {weight_rows} rows; its input has {depth} columns"),
        ));
    }
    let weight_scales = constants.per_channel_f32(node, 4, columns, "weight scales")?;
    constants.require_zero_weight_zero_points(node, 5)?;
    let output_scale = constants.scalar_f32(node, 6, "output scale")?;
    let output_zero_point = constants
        .zero_point(node, 7, "output zero point")?
        .unwrap_or(0);

    let offsets = folded_offsets(node, &weights, columns, input_zero_point)?;
    let multipliers: Vec<f32> = weight_scales
        .iter()
        .map(|&weight_scale| input_scale * weight_scale / output_scale)
        .collect();

    let op = Op::QLinearMatMul(QLinearMatMul {
        output_zero_point,
        weights: context.keep(&i8_bytes(&weights)),
        offsets: context.keep(&i32_bytes(&offsets)),
        multipliers: context.keep(&f32_bytes(&multipliers)),
    });
    Ok((
        single(op, input),
        ValueType::new(DataType::I8, vec![rows, columns]),
    ))
}

/// `-a_zero_point * (column sum)` for each of `columns` columns of the `[K, N]` weights,
/// checked to fit an int32.
fn folded_offsets(
    node: &NodeProto,
    weights: &[i8],
    columns: usize,
    input_zero_point: i8,
) -> Result<Vec<i32>, OnnxError> {
    let mut sums = vec![0_i64; columns];
    for row in weights.chunks_exact(columns.max(1)) {
        for (sum, &weight) in sums.iter_mut().zip(row) {
            *sum += i64::from(weight);
        }
    }
    sums.iter()
        .map(|&sum| {
            i32::try_from(-i64::from(input_zero_point) * sum)
                .map_err(|_| node_error(node, "a folded zero point does not fit in 32 bits"))
        })
        .collect()
}
