//! Samples to model inputs: the 96x96 [0, 1] tensor of the model contract, made with the
//! same `shared` preprocessing the device runs.

use shared::INPUT_LEN;
use shared::frame::{Frame, PixelFormat};
use shared::preprocess::{ModelInput, frame_to_input};

use super::error::DataError;
use super::{EmotionSample, KeypointSample, SampleOrigin};

/// The model input for an emotion sample: its square grey image resized to 96x96 (bilinear
/// when enlarging FER2013's 48x48) and divided by 255.
pub fn emotion_input(sample: &EmotionSample) -> Result<[f32; INPUT_LEN], DataError> {
    grey_square_input(&sample.pixels, sample.side, &sample.origin)
}

/// The model input for a keypoint sample: its 96x96 grey image divided by 255.
pub fn keypoint_input(sample: &KeypointSample) -> Result<[f32; INPUT_LEN], DataError> {
    grey_square_input(&sample.pixels, shared::INPUT_SIDE, &sample.origin)
}

fn grey_square_input(
    pixels: &[u8],
    side: usize,
    origin: &SampleOrigin,
) -> Result<ModelInput, DataError> {
    let size_error = || DataError::SampleSize {
        origin: origin.clone(),
        side,
        expected: side * side,
        actual: pixels.len(),
    };
    let frame = Frame::new(PixelFormat::Grey8, side, side, pixels).map_err(|_| size_error())?;

    let mut input = [0.0; INPUT_LEN];
    frame_to_input(&frame, None, &mut input).map_err(|_| size_error())?;
    Ok(input)
}
