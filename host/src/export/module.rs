//! Exporting a Burn network to a float ONNX model that follows the model contract.

use burn::module::Module;
use burn::tensor::{Device, Tensor};
use burn_onnx::export::OnnxExporter;
use tract_onnx::pb::ModelProto;

use super::ExportError;
use crate::onnx::{
    INPUT_NAME, INPUT_SHAPE, ModelHead, append_softmax, check_contract, decode_model,
    fold_batch_norms, graph_mut, set_contract_names, simplify,
};

/// Traces `forward` of an inference copy of `module` on a blank [1, 1, 96, 96] input and
/// returns the float ONNX model: input `input`, output named for `head` (a Softmax appended
/// for [`ModelHead::Emotion`], whose `forward` returns logits), BatchNormalization folded into
/// the convolutions, constant reshapes folded. The model is checked in tract before it is
/// returned.
///
/// The module itself is left untouched: tracing runs on a validation copy with its own
/// normalisation statistics.
pub fn export_module<M, F>(
    module: &M,
    head: ModelHead,
    forward: F,
) -> Result<ModelProto, ExportError>
where
    M: Module,
    F: FnOnce(&M, Tensor<4>) -> Tensor<2>,
{
    let inference = module.valid();
    let sample = Tensor::<4>::zeros(INPUT_SHAPE, &Device::default());

    let traced = OnnxExporter::new().export(&inference, sample, forward)?;
    let mut model = decode_model(traced.as_bytes(), "traced Burn model")?;

    finish_float_model(&mut model, head)?;
    Ok(model)
}

/// Brings a traced float graph to the contract: names, Softmax for emotion, folded
/// BatchNormalization and reshapes, producer fields. Checks the result in tract.
pub fn finish_float_model(model: &mut ModelProto, head: ModelHead) -> Result<(), ExportError> {
    let origin = head.output_name();
    set_contract_names(model, origin, INPUT_NAME, &[head.output_name()])?;

    let graph = graph_mut(model, origin)?;
    if head == ModelHead::Emotion {
        append_softmax(graph, head.output_name())?;
    }
    let removed = simplify(graph)?;
    let folded = fold_batch_norms(graph)?;
    graph.name = format!("emotion_edge_{origin}");

    model.producer_name = "emotion-edge".to_string();
    model.producer_version = env!("CARGO_PKG_VERSION").to_string();
    check_contract(model, origin, &[head])?;

    tracing::info!(head = origin, removed, folded, "float model exported");
    Ok(())
}
