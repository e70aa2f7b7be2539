//! Renaming graph values, so that inputs and outputs follow the model contract.

use tract_onnx::pb::{GraphProto, ModelProto};

use super::OnnxError;
use super::graph::{graph_mut, runtime_inputs};

/// Renames value `from` to `to` everywhere it appears: node inputs and outputs, graph inputs
/// and outputs, initializers and value infos. Renaming a value to itself does nothing.
pub fn rename_value(graph: &mut GraphProto, from: &str, to: &str) -> Result<(), OnnxError> {
    if from == to {
        return Ok(());
    }
    if !value_exists(graph, from) {
        return Err(OnnxError::Missing {
            kind: "value",
            name: from.to_string(),
        });
    }
    if value_exists(graph, to) {
        return Err(OnnxError::Invalid {
            origin: format!("renaming `{from}`"),
            reason: format!("the graph already has a value named `{to}`"),
        });
    }

    let replace = |name: &mut String| {
        if name == from {
            *name = to.to_string();
        }
    };
    for node in &mut graph.node {
        node.input.iter_mut().for_each(replace);
        node.output.iter_mut().for_each(replace);
    }
    for info in graph
        .input
        .iter_mut()
        .chain(&mut graph.output)
        .chain(&mut graph.value_info)
    {
        replace(&mut info.name);
    }
    graph
        .initializer
        .iter_mut()
        .for_each(|init| replace(&mut init.name));
    Ok(())
}

/// Gives a single-input graph the contract names: its input becomes `input` and its outputs,
/// in order, take `outputs`.
pub fn set_contract_names(
    model: &mut ModelProto,
    origin: &str,
    input: &str,
    outputs: &[&str],
) -> Result<(), OnnxError> {
    let graph = graph_mut(model, origin)?;

    let inputs: Vec<String> = runtime_inputs(graph)
        .iter()
        .map(|info| info.name.clone())
        .collect();
    let [current_input] = inputs.as_slice() else {
        return Err(OnnxError::Contract {
            model: origin.to_string(),
            reason: format!("expected one runtime input, found {inputs:?}"),
        });
    };
    if graph.output.len() != outputs.len() {
        return Err(OnnxError::Contract {
            model: origin.to_string(),
            reason: format!(
                "expected {} outputs, found {}",
                outputs.len(),
                graph.output.len()
            ),
        });
    }

    rename_value(graph, &current_input.clone(), input)?;
    let current_outputs: Vec<String> = graph.output.iter().map(|out| out.name.clone()).collect();
    for (current, wanted) in current_outputs.iter().zip(outputs) {
        rename_value(graph, current, wanted)?;
    }
    Ok(())
}

fn value_exists(graph: &GraphProto, name: &str) -> bool {
    graph
        .input
        .iter()
        .chain(&graph.output)
        .any(|info| info.name == name)
        || graph.initializer.iter().any(|init| init.name == name)
        || graph.node.iter().any(|node| {
            node.input
                .iter()
                .chain(&node.output)
                .any(|value| value == name)
        })
}
