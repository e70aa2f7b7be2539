//! Appending a Softmax to a graph output, so that the model returns probabilities.

use tract_onnx::pb::GraphProto;

use super::OnnxError;
use super::graph::{fresh_name, int_attribute, is_graph_output, node, producer};

/// Turns graph output `output` into the softmax (over its last axis) of what it was: the old
/// value is renamed `<output>_logits` and a Softmax node now produces `output`, so the output's
/// name, type and shape stay as they were.
pub fn append_softmax(graph: &mut GraphProto, output: &str) -> Result<(), OnnxError> {
    if !is_graph_output(graph, output) {
        return Err(OnnxError::Missing {
            kind: "output",
            name: output.to_string(),
        });
    }
    let Some(producer) = producer(graph, output) else {
        return Err(OnnxError::Invalid {
            origin: format!("output `{output}`"),
            reason: "no node produces it, so there is nothing to apply softmax to".to_string(),
        });
    };

    let logits = fresh_name(graph, &format!("{output}_logits"));
    for name in graph.node[producer]
        .output
        .iter_mut()
        .filter(|name| *name == output)
    {
        *name = logits.clone();
    }
    for consumer in &mut graph.node {
        consumer
            .input
            .iter_mut()
            .filter(|name| *name == output)
            .for_each(|name| {
                *name = logits.clone();
            });
    }

    let softmax_name = fresh_name(graph, &format!("{output}_softmax"));
    let softmax = node(
        "Softmax",
        softmax_name,
        &[&logits],
        &[output],
        vec![int_attribute("axis", -1)],
    );
    graph.node.push(softmax);
    Ok(())
}
