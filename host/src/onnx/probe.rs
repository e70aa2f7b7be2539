//! Exposing intermediate values as extra graph outputs, to read them in tract.

use tract_onnx::pb::{ModelProto, ValueInfoProto};

use super::OnnxError;
use super::graph::{graph_mut, is_graph_output};

/// A copy of `model` whose graph also outputs `values` (after its own outputs, in the order
/// given, skipping values that already are outputs). The extra outputs carry no type, which
/// tract accepts; the copy is for probing only and is not meant to be saved.
pub fn with_extra_outputs(model: &ModelProto, values: &[String]) -> Result<ModelProto, OnnxError> {
    let mut probe = model.clone();
    let graph = graph_mut(&mut probe, "probed model")?;

    for value in values {
        if is_graph_output(graph, value) {
            continue;
        }
        let produced = graph
            .node
            .iter()
            .any(|node| node.output.iter().any(|out| out == value));
        if !produced {
            return Err(OnnxError::Missing {
                kind: "node output",
                name: value.clone(),
            });
        }
        graph.output.push(ValueInfoProto {
            name: value.clone(),
            ..ValueInfoProto::default()
        });
    }
    Ok(probe)
}
