//! Reshape and Flatten: the same elements under another shape, int8 or f32.

use firmware::mcu::Op;
use firmware::mcu::ops::Reshape;
use tract_onnx::pb::NodeProto;

use super::quant::single;
use super::{LowerContext, Lowered};
use crate::mcu::constants::input_name;
use crate::mcu::values::ValueType;
use crate::onnx::{OnnxError, int_or, int64_values, node_error};

/// Reshape to the constant shape at input 1 (`0` copies a dimension unless `allowzero`,
/// `-1` takes what is left).
pub fn reshape<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let (input, value) = tensor_of_any_type(context, node)?;
    let requested = int64_values(context.constants.input(node, 1, "shape")?)?;
    let allow_zero = int_or(node, "allowzero", 0) != 0;
    let shape = resolve_shape(node, &value.shape, &requested, allow_zero)?;
    Ok((
        single(Op::Reshape(Reshape), input),
        ValueType::new(value.data_type, shape),
    ))
}

/// Flatten to `[product of dims before axis, product of the rest]`.
pub fn flatten<'b>(
    context: &LowerContext<'_, 'b>,
    node: &NodeProto,
) -> Result<(Lowered<'b>, ValueType), OnnxError> {
    let (input, value) = tensor_of_any_type(context, node)?;
    let rank = value.shape.len() as i64;
    let axis = int_or(node, "axis", 1);
    let axis = if axis < 0 { axis + rank } else { axis };
    if !(0..=rank).contains(&axis) {
        return Err(node_error(
            node,
            format!("has axis {axis} for a rank-{rank} value"),
        ));
    }
    let (outer, inner) = value.shape.split_at(axis as usize);
    let shape = vec![outer.iter().product(), inner.iter().product()];
    Ok((
        single(Op::Reshape(Reshape), input),
        ValueType::new(value.data_type, shape),
    ))
}

/// The value at input 0, whatever its element type.
fn tensor_of_any_type(
    context: &LowerContext<'_, '_>,
    node: &NodeProto,
) -> Result<(u32, ValueType), OnnxError> {
    let name = input_name(node, 0).ok_or_else(|| node_error(node, "has no input"))?;
    let (index, value) = context.values.read(node, name)?;
    Ok((index, value.clone()))
}

/// The shape a Reshape to `requested` gives `input`, with the same element count.
fn resolve_shape(
    node: &NodeProto,
    input: &[usize],
    requested: &[i64],
    allow_zero: bool,
) -> Result<Vec<usize>, OnnxError> {
    let bad = || node_error(node, format!("cannot reshape {input:?} to {requested:?}"));
    let mut shape = Vec::with_capacity(requested.len());
    let mut inferred = None;
    for (axis, &dim) in requested.iter().enumerate() {
        match dim {
            -1 if inferred.is_none() => {
                inferred = Some(axis);
                shape.push(1);
            }
            0 if !allow_zero => shape.push(*input.get(axis).ok_or_else(bad)?),
            dim if dim > 0 => shape.push(dim as usize),
            _ => return Err(bad()),
        }
    }

    let elements: usize = input.iter().product();
    let known: usize = shape.iter().product();
    if let Some(axis) = inferred {
        if known == 0 || !elements.is_multiple_of(known) {
            return Err(bad());
        }
        shape[axis] = elements / known;
    }
    if shape.iter().product::<usize>() != elements {
        return Err(bad());
    }
    Ok(shape)
}
