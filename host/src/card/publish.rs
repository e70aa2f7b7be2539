//! Writing a model file together with its card.

use std::path::Path;

use tract_onnx::pb::ModelProto;

use super::{CardError, HeadCard, ModelCard, ModelFile, NumberFormat, QuantizationRecord};
use crate::onnx::{default_opset, graph, graph_cost, save_model};

/// Op types that only an int8 model has.
const INT8_OPS: [&str; 2] = ["QLinearConv", "QLinearMatMul"];

/// Writes `model` to `out` and its card to `<out stem>.json`: file hash and size, format,
/// operator set, parameter count and MACs measured on the graph, and the given heads and
/// calibration record. Returns the card.
pub fn publish_model(
    model: &ModelProto,
    out: &Path,
    heads: Vec<HeadCard>,
    quantization: Option<QuantizationRecord>,
) -> Result<ModelCard, CardError> {
    let cost = graph_cost(model)?;
    let bytes = save_model(model, out)?;

    let written = ModelFile::describe(out, &bytes);
    let mut card = ModelCard::new(
        written,
        number_format(model)?,
        default_opset(model),
        cost,
        heads,
    );
    card.quantization = quantization;
    super::write_card(out, &card)?;

    tracing::info!(
        path = %out.display(),
        sha256 = %card.sha256,
        parameters = card.parameters,
        macs = card.macs,
        "model published"
    );
    Ok(card)
}

/// `Int8` when the graph has int8 convolutions or matrix products, else `Float32`.
pub fn number_format(model: &ModelProto) -> Result<NumberFormat, CardError> {
    let graph = graph(model, "model being described")?;
    let int8 = graph
        .node
        .iter()
        .any(|node| INT8_OPS.contains(&node.op_type.as_str()));
    Ok(if int8 {
        NumberFormat::Int8
    } else {
        NumberFormat::Float32
    })
}
