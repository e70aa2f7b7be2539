//! Running an ONNX graph in tract, the engine the device uses.

use std::sync::Arc;

use tract_onnx::pb::ModelProto;
use tract_onnx::prelude::{
    Framework, InferenceModelExt, IntoTValue, Tensor, TypedRunnableModel, TypedSimplePlan, tvec,
};

use super::OnnxError;
use super::graph::{graph, runtime_inputs, tensor_type};

/// One output of a run, converted to f32.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputTensor {
    /// The graph output's name.
    pub name: String,
    /// Its shape.
    pub shape: Vec<usize>,
    /// Its values, row-major.
    pub values: Vec<f32>,
}

/// An ONNX model optimised by tract for one fixed input shape, ready to run.
#[derive(Debug, Clone)]
pub struct TractModel {
    plan: Arc<TypedRunnableModel>,
    input_name: String,
    input_shape: Vec<usize>,
    output_names: Vec<String>,
}

impl TractModel {
    /// Optimises the model for its declared input shape, which must be fully known.
    pub fn new(model: &ModelProto) -> Result<TractModel, OnnxError> {
        let origin = "model given to tract";
        let graph = graph(model, origin)?;
        let (input_name, input_shape) = single_input(graph)?;
        let output_names = graph
            .output
            .iter()
            .map(|output| output.name.clone())
            .collect();

        let plan = tract_onnx::onnx()
            .model_for_proto_model(model)
            .and_then(|inference| inference.into_optimized())
            .and_then(TypedSimplePlan::new)
            .map_err(|error| OnnxError::tract("load the model", error))?;

        Ok(TractModel {
            plan,
            input_name,
            input_shape,
            output_names,
        })
    }

    /// The input's name.
    pub fn input_name(&self) -> &str {
        &self.input_name
    }

    /// The input's shape.
    pub fn input_shape(&self) -> &[usize] {
        &self.input_shape
    }

    /// The outputs' names, in graph order.
    pub fn output_names(&self) -> &[String] {
        &self.output_names
    }

    /// Runs the model on one input (row-major, `input_shape` elements) and returns every
    /// output as f32, in graph order.
    pub fn run(&self, input: &[f32]) -> Result<Vec<OutputTensor>, OnnxError> {
        let tensor = Tensor::from_shape(&self.input_shape, input)
            .map_err(|error| OnnxError::tract("build the input tensor", error))?;

        let outputs = self
            .plan
            .run(tvec!(tensor.into_tvalue()))
            .map_err(|error| OnnxError::tract("run the model", error))?;

        outputs
            .iter()
            .zip(&self.output_names)
            .map(|(value, name)| {
                let floats = value
                    .cast_to::<f32>()
                    .map_err(|error| OnnxError::tract("read an output", error))?;
                let values = floats
                    .try_as_plain_ram()
                    .and_then(|plain| plain.as_slice::<f32>().map(<[f32]>::to_vec))
                    .map_err(|error| OnnxError::tract("read an output", error))?;
                Ok(OutputTensor {
                    name: name.clone(),
                    shape: value.shape().to_vec(),
                    values,
                })
            })
            .collect()
    }
}

/// The name and fixed shape of the graph's only runtime input, which must be f32.
fn single_input(graph: &tract_onnx::pb::GraphProto) -> Result<(String, Vec<usize>), OnnxError> {
    let inputs = runtime_inputs(graph);
    let [input] = inputs.as_slice() else {
        return Err(OnnxError::Contract {
            model: "model given to tract".to_string(),
            reason: format!("expected one runtime input, found {}", inputs.len()),
        });
    };
    let shape_error = |reason: &str| OnnxError::Contract {
        model: "model given to tract".to_string(),
        reason: format!("input `{}` {reason}", input.name),
    };

    let (elem_type, dims) = tensor_type(input).ok_or_else(|| shape_error("has no tensor type"))?;
    if elem_type != tract_onnx::pb::tensor_proto::DataType::Float as i32 {
        return Err(shape_error("is not f32"));
    }
    let shape = dims
        .iter()
        .map(|dim| dim.filter(|&size| size > 0).map(|size| size as usize))
        .collect::<Option<Vec<usize>>>()
        .filter(|shape| !shape.is_empty())
        .ok_or_else(|| shape_error("has symbolic or missing dimensions"))?;
    Ok((input.name.clone(), shape))
}
