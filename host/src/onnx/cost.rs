//! Size and compute of a graph: parameter count and multiply-accumulates per inference.

use std::collections::BTreeSet;

use tract_onnx::pb::{GraphProto, ModelProto, NodeProto};

use super::OnnxError;
use super::contract::INPUT_SHAPE;
use super::graph::{graph, initializer, int_or, node_error};
use super::probe::with_extra_outputs;
use super::run::TractModel;
use super::tensor::element_count;

/// What a model costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GraphCost {
    /// Weights, biases and normalisation statistics, counted once each whatever their type.
    pub parameters: u64,
    /// Multiply-accumulates of convolutions and matrix products for one input.
    pub macs: u64,
}

/// Counts parameters from the initializers and MACs from the output shapes tract infers
/// for one run on a blank input.
pub fn graph_cost(model: &ModelProto) -> Result<GraphCost, OnnxError> {
    let graph = graph(model, "model being measured")?;
    let parameters = parameter_count(graph);

    let compute_nodes: Vec<&NodeProto> = graph
        .node
        .iter()
        .filter(|node| weight_input(node).is_some())
        .collect();
    let probed_values: Vec<String> = compute_nodes
        .iter()
        .map(|node| node.output[0].clone())
        .collect();
    let probe = with_extra_outputs(model, &probed_values)?;
    let tract = TractModel::new(&probe)?;
    let outputs = tract.run(&vec![0.0; INPUT_SHAPE.iter().product()])?;

    let mut macs = 0u64;
    for node in compute_nodes {
        let Some(output) = outputs.iter().find(|output| output.name == node.output[0]) else {
            return Err(OnnxError::Missing {
                kind: "probed output",
                name: node.output[0].clone(),
            });
        };
        let output_elements: usize = output.shape.iter().product();
        macs += (output_elements * reduction_length(graph, node)?) as u64;
    }
    Ok(GraphCost { parameters, macs })
}

/// Index of the constant weight input of a convolution or matrix product.
fn weight_input(node: &NodeProto) -> Option<usize> {
    match node.op_type.as_str() {
        "Conv" | "Gemm" | "MatMul" => Some(1),
        "QLinearConv" | "QLinearMatMul" => Some(3),
        _ => None,
    }
}

/// How many products are summed into each output element.
fn reduction_length(graph: &GraphProto, node: &NodeProto) -> Result<usize, OnnxError> {
    let Some(weight) = weight_input(node)
        .and_then(|index| node.input.get(index))
        .and_then(|name| initializer(graph, name))
    else {
        return Err(node_error(
            node,
            "its weight is not a constant, so its cost is unknown",
        ));
    };
    let dims = &weight.dims;

    let length = match node.op_type.as_str() {
        "Conv" | "QLinearConv" => element_count(dims.get(1..).unwrap_or_default()),
        "Gemm" if int_or(node, "transB", 0) != 0 => dims.get(1).copied().unwrap_or(0) as usize,
        _ => dims.first().copied().unwrap_or(0) as usize,
    };
    Ok(length)
}

/// Elements of the initializers that hold learnt or estimated parameters.
fn parameter_count(graph: &GraphProto) -> u64 {
    let mut names = BTreeSet::new();
    for node in &graph.node {
        let slots: &[usize] = match node.op_type.as_str() {
            "Conv" | "Gemm" => &[1, 2],
            "MatMul" => &[1],
            "Add" => &[0, 1],
            "BatchNormalization" => &[1, 2, 3, 4],
            "QLinearConv" => &[3, 8],
            "QLinearMatMul" => &[3],
            _ => &[],
        };
        let held = slots.iter().filter_map(|&slot| node.input.get(slot));
        names.extend(
            held.filter(|name| initializer(graph, name).is_some())
                .cloned(),
        );
    }
    names
        .iter()
        .filter_map(|name| initializer(graph, name))
        .map(|tensor| element_count(&tensor.dims) as u64)
        .sum()
}
