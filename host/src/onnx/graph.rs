//! Small queries and builders on prost graph types: nodes, attributes, value infos.

use tract_onnx::pb::attribute_proto::AttributeType;
use tract_onnx::pb::tensor_proto::DataType;
use tract_onnx::pb::tensor_shape_proto::{Dimension, dimension};
use tract_onnx::pb::{
    AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, TensorShapeProto, TypeProto,
    ValueInfoProto, type_proto,
};

use super::OnnxError;

/// The model's graph, or an error naming `origin` when it has none.
pub fn graph<'a>(model: &'a ModelProto, origin: &str) -> Result<&'a GraphProto, OnnxError> {
    model.graph.as_ref().ok_or_else(|| no_graph(origin))
}

/// The model's graph, mutable.
pub fn graph_mut<'a>(
    model: &'a mut ModelProto,
    origin: &str,
) -> Result<&'a mut GraphProto, OnnxError> {
    model.graph.as_mut().ok_or_else(|| no_graph(origin))
}

fn no_graph(origin: &str) -> OnnxError {
    OnnxError::Invalid {
        origin: origin.to_string(),
        reason: "it has no graph".to_string(),
    }
}

/// The version of the default (`ai.onnx`) operator set the model imports, 0 when none.
pub fn default_opset(model: &ModelProto) -> i64 {
    model
        .opset_import
        .iter()
        .find(|import| import.domain.is_empty() || import.domain == "ai.onnx")
        .map_or(0, |import| import.version)
}

/// The graph inputs that are fed at run time (not initializers).
pub fn runtime_inputs(graph: &GraphProto) -> Vec<&ValueInfoProto> {
    graph
        .input
        .iter()
        .filter(|input| !graph.initializer.iter().any(|init| init.name == input.name))
        .collect()
}

/// The initializer called `name`.
pub fn initializer<'a>(graph: &'a GraphProto, name: &str) -> Option<&'a TensorProto> {
    graph.initializer.iter().find(|init| init.name == name)
}

/// Index of the node that produces `value`.
pub fn producer(graph: &GraphProto, value: &str) -> Option<usize> {
    graph
        .node
        .iter()
        .position(|node| node.output.iter().any(|output| output == value))
}

/// Indices of the nodes that read `value`.
pub fn consumers(graph: &GraphProto, value: &str) -> Vec<usize> {
    (0..graph.node.len())
        .filter(|&index| graph.node[index].input.iter().any(|input| input == value))
        .collect()
}

/// Whether `value` is one of the graph outputs.
pub fn is_graph_output(graph: &GraphProto, value: &str) -> bool {
    graph.output.iter().any(|output| output.name == value)
}

/// A node's display name: its name, or its first output when unnamed.
pub fn node_label(node: &NodeProto) -> String {
    if node.name.is_empty() {
        node.output.first().cloned().unwrap_or_default()
    } else {
        node.name.clone()
    }
}

/// An error about `node`.
pub fn node_error(node: &NodeProto, reason: impl Into<String>) -> OnnxError {
    OnnxError::Node {
        node: node_label(node),
        op_type: node.op_type.clone(),
        reason: reason.into(),
    }
}

/// A node in the default domain.
pub fn node(
    op_type: &str,
    name: impl Into<String>,
    inputs: &[&str],
    outputs: &[&str],
    attributes: Vec<AttributeProto>,
) -> NodeProto {
    NodeProto {
        op_type: op_type.to_string(),
        name: name.into(),
        input: inputs.iter().map(|input| input.to_string()).collect(),
        output: outputs.iter().map(|output| output.to_string()).collect(),
        attribute: attributes,
        ..NodeProto::default()
    }
}

/// An integer attribute.
pub fn int_attribute(name: &str, value: i64) -> AttributeProto {
    AttributeProto {
        name: name.to_string(),
        r#type: AttributeType::Int as i32,
        i: value,
        ..AttributeProto::default()
    }
}

/// A list-of-integers attribute.
pub fn ints_attribute(name: &str, values: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.to_string(),
        r#type: AttributeType::Ints as i32,
        ints: values.to_vec(),
        ..AttributeProto::default()
    }
}

/// The attribute called `name`, if present.
pub fn attribute<'a>(node: &'a NodeProto, name: &str) -> Option<&'a AttributeProto> {
    node.attribute
        .iter()
        .find(|attribute| attribute.name == name)
}

/// An integer attribute's value, or `default` when absent.
pub fn int_or(node: &NodeProto, name: &str, default: i64) -> i64 {
    attribute(node, name).map_or(default, |attribute| attribute.i)
}

/// A float attribute's value, or `default` when absent.
pub fn float_or(node: &NodeProto, name: &str, default: f32) -> f32 {
    attribute(node, name).map_or(default, |attribute| attribute.f)
}

/// A list-of-integers attribute's values, empty when absent.
pub fn ints_or_empty(node: &NodeProto, name: &str) -> Vec<i64> {
    attribute(node, name).map_or_else(Vec::new, |attribute| attribute.ints.clone())
}

/// A tensor value description with a fixed shape.
pub fn value_info(name: &str, data_type: DataType, dims: &[i64]) -> ValueInfoProto {
    let dim = dims
        .iter()
        .map(|&size| Dimension {
            value: Some(dimension::Value::DimValue(size)),
            ..Dimension::default()
        })
        .collect();
    let tensor = type_proto::Tensor {
        elem_type: data_type as i32,
        shape: Some(TensorShapeProto { dim }),
    };
    ValueInfoProto {
        name: name.to_string(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(tensor)),
            ..TypeProto::default()
        }),
        ..ValueInfoProto::default()
    }
}

/// A value's element type and dimensions (`None` for symbolic ones), when it has a tensor type.
pub fn tensor_type(info: &ValueInfoProto) -> Option<(i32, Vec<Option<i64>>)> {
    let type_proto::Value::TensorType(tensor) = info.r#type.as_ref()?.value.as_ref()?;
    let dims = tensor.shape.as_ref().map_or_else(Vec::new, |shape| {
        shape
            .dim
            .iter()
            .map(|dim| match dim.value {
                Some(dimension::Value::DimValue(size)) => Some(size),
                _ => None,
            })
            .collect()
    });
    Some((tensor.elem_type, dims))
}

/// Removes initializers no node reads and that are not graph outputs, and the graph-input
/// entries that only declared them. Returns how many were removed.
pub fn prune_unused_initializers(graph: &mut GraphProto) -> usize {
    let used = |name: &str, graph: &GraphProto| {
        graph
            .node
            .iter()
            .any(|node| node.input.iter().any(|input| input == name))
            || is_graph_output(graph, name)
    };
    let unused: Vec<String> = graph
        .initializer
        .iter()
        .filter(|init| !used(&init.name, graph))
        .map(|init| init.name.clone())
        .collect();

    graph
        .initializer
        .retain(|init| !unused.contains(&init.name));
    graph.input.retain(|input| !unused.contains(&input.name));
    unused.len()
}

/// A fresh value name starting with `stem` that no node, initializer or graph input uses.
pub fn fresh_name(graph: &GraphProto, stem: &str) -> String {
    let taken = |name: &str| {
        graph.initializer.iter().any(|init| init.name == name)
            || graph.input.iter().any(|input| input.name == name)
            || graph
                .node
                .iter()
                .any(|node| node.name == name || node.output.iter().any(|output| output == name))
    };
    if !taken(stem) {
        return stem.to_string();
    }
    (1..)
        .map(|suffix| format!("{stem}_{suffix}"))
        .find(|name| !taken(name))
        .unwrap_or_default()
}
