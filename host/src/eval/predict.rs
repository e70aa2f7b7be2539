//! Batched inference over prepared inputs.

use burn::prelude::*;

use crate::train::{FaceInputs, TrainError, read_rows};

/// Runs `forward` over all faces of `inputs` in batches of `batch_size` and returns the
/// output rows concatenated (row-major `[faces, outputs]`).
pub fn predict_rows(
    inputs: &FaceInputs,
    batch_size: usize,
    device: &Device,
    forward: impl Fn(Tensor<4>) -> Tensor<2>,
) -> Result<Vec<f32>, TrainError> {
    let indices: Vec<usize> = (0..inputs.len()).collect();
    let mut rows = Vec::new();
    for chunk in indices.chunks(batch_size.max(1)) {
        rows.extend(read_rows(forward(inputs.batch(chunk, device)))?);
    }
    Ok(rows)
}
