//! ONNX graph tooling on the prost types tract-onnx re-exports: load and save, contract
//! names, Softmax, BatchNormalization folding, clean-ups, combination, running in tract and
//! measuring cost.

mod combine;
mod contract;
mod cost;
mod error;
mod fold;
mod graph;
mod io;
mod probe;
mod reference;
mod rename;
mod run;
mod simplify;
mod softmax;
mod tensor;

pub use combine::{EMOTION_PREFIX, KEYPOINTS_PREFIX, combine_models};
pub use contract::{
    EMOTION_NAME, INPUT_NAME, INPUT_SHAPE, KEYPOINTS_NAME, MIN_OPSET, ModelHead, check_contract,
};
pub use cost::{GraphCost, graph_cost};
pub use error::OnnxError;
pub use fold::fold_batch_norms;
pub use graph::{
    attribute, consumers, default_opset, float_or, fresh_name, graph, graph_mut, initializer,
    int_attribute, int_or, ints_attribute, ints_or_empty, is_graph_output, node, node_error,
    node_label, producer, prune_unused_initializers, runtime_inputs, tensor_type, value_info,
};
pub use io::{decode_model, encode_model, load_model, save_model};
pub use probe::with_extra_outputs;
pub use reference::{
    ReferenceCase, ReferenceOutput, ReferenceRun, reference_inputs, reference_run,
    write_reference_run,
};
pub use rename::{rename_value, set_contract_names};
pub use run::{OutputTensor, TractModel};
pub use simplify::simplify;
pub use softmax::append_softmax;
pub use tensor::{
    element_count, float_tensor, float_values, int8_tensor, int8_values, int32_tensor,
    int32_values, int64_tensor, int64_values,
};

/// The ONNX protobuf types, as tract-onnx defines them.
pub use tract_onnx::pb;
