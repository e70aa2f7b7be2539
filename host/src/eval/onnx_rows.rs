//! Inference of an exported ONNX model over prepared inputs, one face at a time through
//! tract, the engine the device simulator runs.

use indicatif::{ProgressBar, ProgressStyle};

use crate::onnx::{OnnxError, TractModel};
use crate::train::FaceInputs;

/// Progress bar layout while a model runs over a split.
const BAR_TEMPLATE: &str = "{msg} {bar:30} {human_pos}/{human_len} faces ({per_sec}, {eta})";

/// Runs `model` on every face of `inputs` and returns its output called `output`, rows
/// concatenated (row-major `[faces, outputs]`).
pub fn onnx_rows(
    model: &TractModel,
    output: &str,
    inputs: &FaceInputs,
) -> Result<Vec<f32>, OnnxError> {
    let bar = ProgressBar::new(inputs.len() as u64).with_message(format!("running `{output}`"));
    if let Ok(style) = ProgressStyle::with_template(BAR_TEMPLATE) {
        bar.set_style(style);
    }

    let mut rows = Vec::new();
    for index in 0..inputs.len() {
        let outputs = model.run(inputs.face(index))?;
        let values = outputs
            .into_iter()
            .find(|tensor| tensor.name == output)
            .ok_or_else(|| OnnxError::Missing {
                kind: "output",
                name: output.to_owned(),
            })?;
        rows.extend(values.values);
        bar.inc(1);
    }

    bar.finish_and_clear();
    Ok(rows)
}
