//! Graph clean-ups after export: constant reshapes folded into initializers and Identity
//! nodes removed.

use tract_onnx::pb::GraphProto;

use super::OnnxError;
use super::graph::{initializer, is_graph_output, node_error, prune_unused_initializers};
use super::tensor::{element_count, int64_values};

/// Replaces every Reshape of an initializer by a constant shape with a reshaped initializer,
/// and drops Identity nodes whose output is not a graph output. Returns how many nodes went.
pub fn simplify(graph: &mut GraphProto) -> Result<usize, OnnxError> {
    let mut removed = 0;

    while let Some(index) = graph
        .node
        .iter()
        .position(|node| is_constant_reshape(graph, node))
    {
        fold_reshape(graph, index)?;
        removed += 1;
    }
    while let Some(index) = graph.node.iter().position(|node| {
        node.op_type == "Identity"
            && node.input.len() == 1
            && !is_graph_output(graph, &node.output[0])
    }) {
        let identity = graph.node.remove(index);
        for reader in &mut graph.node {
            for input in reader
                .input
                .iter_mut()
                .filter(|input| **input == identity.output[0])
            {
                *input = identity.input[0].clone();
            }
        }
        removed += 1;
    }

    prune_unused_initializers(graph);
    Ok(removed)
}

fn is_constant_reshape(graph: &GraphProto, node: &tract_onnx::pb::NodeProto) -> bool {
    node.op_type == "Reshape"
        && node.input.len() == 2
        && node
            .input
            .iter()
            .all(|input| initializer(graph, input).is_some())
        && !is_graph_output(graph, &node.output[0])
}

fn fold_reshape(graph: &mut GraphProto, index: usize) -> Result<(), OnnxError> {
    let reshape = graph.node[index].clone();
    let data = initializer(graph, &reshape.input[0]).cloned();
    let shape = initializer(graph, &reshape.input[1])
        .map(int64_values)
        .transpose()?;
    let (Some(mut data), Some(shape)) = (data, shape) else {
        return Err(node_error(&reshape, "its inputs are not initializers"));
    };

    data.dims = reshaped_dims(&data.dims, &shape).ok_or_else(|| {
        node_error(
            &reshape,
            format!("cannot reshape {:?} to {shape:?}", data.dims),
        )
    })?;
    data.name = format!("{}_constant", reshape.output[0]);
    let constant_name = data.name.clone();
    graph.initializer.push(data);
    graph.node.remove(index);
    graph
        .value_info
        .retain(|info| info.name != reshape.output[0]);
    for reader in &mut graph.node {
        for input in reader
            .input
            .iter_mut()
            .filter(|input| **input == reshape.output[0])
        {
            *input = constant_name.clone();
        }
    }
    Ok(())
}

/// ONNX Reshape dimensions: 0 copies the input dimension, -1 takes what is left.
fn reshaped_dims(input: &[i64], shape: &[i64]) -> Option<Vec<i64>> {
    let total = element_count(input) as i64;
    let mut dims: Vec<i64> = shape
        .iter()
        .enumerate()
        .map(|(axis, &dim)| {
            if dim == 0 {
                input.get(axis).copied().unwrap_or(0)
            } else {
                dim
            }
        })
        .collect();

    let known: i64 = dims.iter().filter(|&&dim| dim != -1).product();
    match dims.iter().filter(|&&dim| dim == -1).count() {
        0 => (known == total).then_some(dims),
        1 if known > 0 && total % known == 0 => {
            dims.iter_mut()
                .filter(|dim| **dim == -1)
                .for_each(|dim| *dim = total / known);
            Some(dims)
        }
        _ => None,
    }
}
