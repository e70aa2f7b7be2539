//! Combining the keypoint and emotion models into one graph with a shared input.

use tract_onnx::pb::tensor_proto::DataType;
use tract_onnx::pb::{GraphProto, ModelProto, OperatorSetIdProto};

use super::OnnxError;
use super::contract::{
    EMOTION_NAME, INPUT_NAME, INPUT_SHAPE, KEYPOINTS_NAME, MIN_OPSET, ModelHead, check_contract,
};
use super::graph::{default_opset, graph, runtime_inputs, value_info};

/// Name prefix given to everything that came from the keypoint model.
pub const KEYPOINTS_PREFIX: &str = "keypoints/";

/// Name prefix given to everything that came from the emotion model.
pub const EMOTION_PREFIX: &str = "emotion/";

/// Builds one model that feeds `input` [1, 1, 96, 96] to both graphs and returns
/// `keypoints` [1, 30] and `emotion` [1, 5]. Each source must have one runtime input and one
/// output and use the same default operator set (13 or later); their node, value and
/// initializer names are prefixed so they cannot clash. The result is checked in tract.
pub fn combine_models(
    keypoints: &ModelProto,
    emotion: &ModelProto,
) -> Result<ModelProto, OnnxError> {
    let opset_import = merged_opsets(keypoints, emotion)?;
    let keypoint_graph = prefixed_graph(keypoints, KEYPOINTS_NAME, KEYPOINTS_PREFIX)?;
    let emotion_graph = prefixed_graph(emotion, EMOTION_NAME, EMOTION_PREFIX)?;

    let mut combined = GraphProto {
        name: "emotion_edge".to_string(),
        input: vec![value_info(
            INPUT_NAME,
            DataType::Float,
            &contract_input_dims(),
        )],
        ..GraphProto::default()
    };
    for part in [keypoint_graph, emotion_graph] {
        combined.node.extend(part.node);
        combined.initializer.extend(part.initializer);
        combined.output.extend(part.output);
        combined.value_info.extend(part.value_info);
    }

    let model = ModelProto {
        ir_version: keypoints.ir_version.max(emotion.ir_version),
        opset_import,
        producer_name: "emotion-edge".to_string(),
        producer_version: env!("CARGO_PKG_VERSION").to_string(),
        graph: Some(combined),
        ..ModelProto::default()
    };
    check_contract(
        &model,
        "combined model",
        &[ModelHead::Keypoints, ModelHead::Emotion],
    )?;

    tracing::info!(
        nodes = model.graph.as_ref().map_or(0, |graph| graph.node.len()),
        "keypoint and emotion models combined"
    );
    Ok(model)
}

fn contract_input_dims() -> Vec<i64> {
    INPUT_SHAPE.iter().map(|&dim| dim as i64).collect()
}

/// The union of both models' operator-set imports, refusing differing versions of a domain.
fn merged_opsets(
    keypoints: &ModelProto,
    emotion: &ModelProto,
) -> Result<Vec<OperatorSetIdProto>, OnnxError> {
    let (first, second) = (default_opset(keypoints), default_opset(emotion));
    if first != second || first < MIN_OPSET {
        return Err(OnnxError::Contract {
            model: "combined model".to_string(),
            reason: format!(
                "the keypoint model uses operator set {first} and the emotion model {second}; \
                 both must use the same one, {MIN_OPSET} or later (export both again)"
            ),
        });
    }

    let mut merged: Vec<OperatorSetIdProto> = Vec::new();
    for import in keypoints.opset_import.iter().chain(&emotion.opset_import) {
        match merged.iter().find(|known| known.domain == import.domain) {
            Some(known) if known.version != import.version => {
                return Err(OnnxError::Contract {
                    model: "combined model".to_string(),
                    reason: format!(
                        "operator set domain `{}` is imported at versions {} and {}",
                        import.domain, known.version, import.version
                    ),
                });
            }
            Some(_) => {}
            None => merged.push(import.clone()),
        }
    }
    Ok(merged)
}

/// The model's graph with its input renamed `input`, its output renamed `output_name`, and
/// every other node, value and initializer name prefixed with `prefix`.
fn prefixed_graph(
    model: &ModelProto,
    output_name: &str,
    prefix: &str,
) -> Result<GraphProto, OnnxError> {
    let mut graph = graph(model, output_name)?.clone();

    let inputs: Vec<String> = runtime_inputs(&graph)
        .iter()
        .map(|info| info.name.clone())
        .collect();
    let outputs: Vec<String> = graph.output.iter().map(|info| info.name.clone()).collect();
    let ([input], [output]) = (inputs.as_slice(), outputs.as_slice()) else {
        return Err(OnnxError::Contract {
            model: format!("{output_name} model"),
            reason: format!(
                "expected one runtime input and one output, found inputs {inputs:?} and \
                 outputs {outputs:?}"
            ),
        });
    };

    let new_name = |name: &str| -> String {
        if name.is_empty() {
            String::new()
        } else if name == input {
            INPUT_NAME.to_string()
        } else if name == output {
            output_name.to_string()
        } else {
            format!("{prefix}{name}")
        }
    };
    for node in &mut graph.node {
        node.name = format!("{prefix}{}", node.name);
        for value in node.input.iter_mut().chain(&mut node.output) {
            *value = new_name(value);
        }
    }
    for init in &mut graph.initializer {
        init.name = new_name(&init.name);
    }
    for info in graph.output.iter_mut().chain(&mut graph.value_info) {
        info.name = new_name(&info.name);
    }
    graph.input.clear();
    Ok(graph)
}
