//! Reference runs: fixed inputs and tract's outputs for them, written as JSON so that other
//! runtimes (onnxruntime in `bench/onnx_check.py`) can be checked against tract.

use std::path::Path;

use serde::Serialize;
use tract_onnx::pb::ModelProto;

use super::OnnxError;
use super::contract::INPUT_SHAPE;
use super::run::{OutputTensor, TractModel};

/// Inputs and tract outputs for one model.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceRun {
    /// Input name.
    pub input: String,
    /// Input shape.
    pub input_shape: Vec<usize>,
    /// One entry per case.
    pub cases: Vec<ReferenceCase>,
}

/// One input and what tract computed for it.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceCase {
    /// What the input shows.
    pub name: String,
    /// The input, row-major.
    pub input: Vec<f32>,
    /// tract's outputs, in graph order.
    pub outputs: Vec<ReferenceOutput>,
}

/// One named output.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceOutput {
    /// Output name.
    pub name: String,
    /// Its shape.
    pub shape: Vec<usize>,
    /// Its values.
    pub values: Vec<f32>,
}

impl From<OutputTensor> for ReferenceOutput {
    fn from(output: OutputTensor) -> Self {
        ReferenceOutput {
            name: output.name,
            shape: output.shape,
            values: output.values,
        }
    }
}

/// Deterministic [0, 1] test images of the contract's input size: a flat grey, a diagonal
/// ramp, a centred bright disc and seeded noise.
pub fn reference_inputs() -> Vec<(String, Vec<f32>)> {
    let [_, _, height, width] = INPUT_SHAPE;
    let pixel = |f: &dyn Fn(usize, usize) -> f32| -> Vec<f32> {
        (0..height * width)
            .map(|index| f(index / width, index % width))
            .collect()
    };
    let centre = (height as f32 - 1.0) / 2.0;
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 40) as f32 / (1u64 << 24) as f32
    };
    let noise_image: Vec<f32> = (0..height * width).map(|_| noise()).collect();

    vec![
        ("flat_grey".to_string(), pixel(&|_, _| 0.5)),
        (
            "ramp".to_string(),
            pixel(&|y, x| (x + y) as f32 / (height + width - 2) as f32),
        ),
        (
            "disc".to_string(),
            pixel(&|y, x| {
                let distance = ((y as f32 - centre).powi(2) + (x as f32 - centre).powi(2)).sqrt();
                if distance < centre * 0.6 { 0.9 } else { 0.1 }
            }),
        ),
        ("noise".to_string(), noise_image),
    ]
}

/// Runs the reference inputs through `model` in tract.
pub fn reference_run(model: &ModelProto) -> Result<ReferenceRun, OnnxError> {
    let tract = TractModel::new(model)?;
    let cases = reference_inputs()
        .into_iter()
        .map(|(name, input)| {
            let outputs = tract
                .run(&input)?
                .into_iter()
                .map(ReferenceOutput::from)
                .collect();
            Ok(ReferenceCase {
                name,
                input,
                outputs,
            })
        })
        .collect::<Result<Vec<_>, OnnxError>>()?;
    Ok(ReferenceRun {
        input: tract.input_name().to_string(),
        input_shape: tract.input_shape().to_vec(),
        cases,
    })
}

/// Writes a reference run of `model` to `path` as JSON.
pub fn write_reference_run(model: &ModelProto, path: &Path) -> Result<(), OnnxError> {
    let run = reference_run(model)?;
    let text = serde_json::to_vec(&run).map_err(|error| OnnxError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(error),
    })?;
    std::fs::write(path, text).map_err(|source| OnnxError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    let cases = run.cases.len();
    tracing::info!(path = %path.display(), cases, "tract reference outputs written");
    Ok(())
}
