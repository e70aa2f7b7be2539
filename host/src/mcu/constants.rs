//! The constant inputs of the nodes being lowered: scales, zero points, weights, biases and
//! shapes, read from the graph's initializers.

use std::collections::HashMap;

use tract_onnx::pb::{GraphProto, NodeProto, TensorProto};

use crate::onnx::{OnnxError, element_count, float_values, int8_values, node_error};

/// The graph's initializers by name.
pub struct Constants<'g> {
    by_name: HashMap<&'g str, &'g TensorProto>,
}

impl<'g> Constants<'g> {
    /// The initializers of `graph`.
    pub fn new(graph: &'g GraphProto) -> Constants<'g> {
        let by_name = graph
            .initializer
            .iter()
            .map(|init| (init.name.as_str(), init))
            .collect();
        Constants { by_name }
    }

    /// The initializer called `name`.
    pub fn get(&self, name: &str) -> Option<&'g TensorProto> {
        self.by_name.get(name).copied()
    }

    /// The initializer at input `index` of `node`, or an error naming `what` it should be.
    pub fn input(
        &self,
        node: &NodeProto,
        index: usize,
        what: &str,
    ) -> Result<&'g TensorProto, OnnxError> {
        let name = input_name(node, index)
            .ok_or_else(|| node_error(node, format!("has no {what} input")))?;
        self.get(name).ok_or_else(|| {
            node_error(
                node,
                format!("its {what} `{name}` is computed; the MCU engine needs a constant"),
            )
        })
    }

    /// The single f32 at input `index` (a scale).
    pub fn scalar_f32(
        &self,
        node: &NodeProto,
        index: usize,
        what: &str,
    ) -> Result<f32, OnnxError> {
        let values = float_values(self.input(node, index, what)?)?;
        match values[..] {
            [value] if value.is_finite() && value > 0.0 => Ok(value),
            [_] => Err(node_error(
                node,
                format!("its {what} is not a positive number"),
            )),
            _ => Err(per_tensor_only(node, what)),
        }
    }

    /// The single int8 at input `index` (a zero point), or `None` when the input is absent.
    pub fn zero_point(
        &self,
        node: &NodeProto,
        index: usize,
        what: &str,
    ) -> Result<Option<i8>, OnnxError> {
        if input_name(node, index).is_none() {
            return Ok(None);
        }
        let values = int8_values(self.input(node, index, what)?)?;
        match values[..] {
            [value] => Ok(Some(value)),
            _ => Err(per_tensor_only(node, what)),
        }
    }

    /// `channels` f32 values at input `index`: one per channel, or one for all.
    pub fn per_channel_f32(
        &self,
        node: &NodeProto,
        index: usize,
        channels: usize,
        what: &str,
    ) -> Result<Vec<f32>, OnnxError> {
        let values = float_values(self.input(node, index, what)?)?;
        if values
            .iter()
            .any(|value| !(value.is_finite() && *value > 0.0))
        {
            return Err(node_error(
                node,
                format!("its {what} are not all positive numbers"),
            ));
        }
        match values.len() {
            1 => Ok(vec![values[0]; channels]),
            count if count == channels => Ok(values),
            count => Err(node_error(
                node,
                format!("it has {count} {what} for {channels} channels"),
            )),
        }
    }

    /// Refuses weight zero points (input `index`) other than 0: the engine's kernels fold
    /// only the input zero point.
    pub fn require_zero_weight_zero_points(
        &self,
        node: &NodeProto,
        index: usize,
    ) -> Result<(), OnnxError> {
        if input_name(node, index).is_none() {
            return Ok(());
        }
        let zero_points = int8_values(self.input(node, index, "weight zero points")?)?;
        if zero_points.iter().all(|&zero_point| zero_point == 0) {
            Ok(())
        } else {
            Err(node_error(
                node,
                "its weight zero points are not all 0; the MCU engine runs symmetric weights only",
            ))
        }
    }

    /// The int8 weights at input `index` and their dimensions.
    pub fn int8_weights(
        &self,
        node: &NodeProto,
        index: usize,
    ) -> Result<(Vec<usize>, Vec<i8>), OnnxError> {
        let tensor = self.input(node, index, "weights")?;
        let dims = dimensions(node, tensor)?;
        Ok((dims, int8_values(tensor)?))
    }
}

/// The name of input `index` of `node`, `None` when absent or empty (an omitted optional
/// input).
pub fn input_name(node: &NodeProto, index: usize) -> Option<&str> {
    node.input
        .get(index)
        .map(String::as_str)
        .filter(|name| !name.is_empty())
}

/// An initializer's dimensions as sizes.
pub fn dimensions(node: &NodeProto, tensor: &TensorProto) -> Result<Vec<usize>, OnnxError> {
    if tensor.dims.iter().any(|&dim| dim < 0) {
        return Err(node_error(
            node,
            format!("`{}` has a negative dimension", tensor.name),
        ));
    }
    debug_assert_eq!(
        element_count(&tensor.dims),
        tensor.dims.iter().product::<i64>() as usize
    );
    Ok(tensor.dims.iter().map(|&dim| dim as usize).collect())
}

fn per_tensor_only(node: &NodeProto, what: &str) -> OnnxError {
    node_error(
        node,
        format!("its {what} is not one value; the MCU engine quantises activations per tensor"),
    )
}
