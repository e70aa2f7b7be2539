//! Camera frame -> model input: crop, resize, grey, scale to [0, 1].
//!
//! The host runs these same functions for training data, `predict` and tests, so host and
//! device feed the model identical tensors.
//!
//! Resizing picks its filter by scale: when the output is as large as the crop or larger
//! (e.g. FER2013's 48x48 faces upscaled to 96x96) it samples bilinearly at pixel centres;
//! when it shrinks the crop it averages the exact area each output pixel covers, which
//! avoids the aliasing that bilinear sampling gives on large camera frames. At scale 1 both
//! are the identity.

use crate::frame::{CropBox, Frame, FrameError};
use crate::{INPUT_LEN, INPUT_SIDE};

/// The model input: 96x96 grey values in [0, 1], row-major (`[1, 1, 96, 96]` NCHW).
pub type ModelInput = [f32; INPUT_LEN];

/// Fills `input` from `frame`: the `crop` box (or the centre square when `None`) resized to
/// 96x96, converted to grey and scaled to [0, 1].
///
/// Fails, leaving `input` untouched, when the crop box does not lie inside the frame.
pub fn frame_to_input(
    frame: &Frame<'_>,
    crop: Option<CropBox>,
    input: &mut ModelInput,
) -> Result<(), FrameError> {
    let crop = match crop {
        Some(crop) => frame.check_crop(crop)?,
        None => frame.centre_square(),
    };

    resize_grey(frame, crop, input, INPUT_SIDE, INPUT_SIDE);
    for value in input.iter_mut() {
        *value /= 255.0;
    }
    Ok(())
}

/// Resizes the `crop` box of `frame` to `out_width` x `out_height` grey levels (0..=255)
/// in `out`, row-major. `crop` must already be checked against the frame.
///
/// # Panics
/// When `out` is shorter than `out_width * out_height`.
pub fn resize_grey(
    frame: &Frame<'_>,
    crop: CropBox,
    out: &mut [f32],
    out_width: usize,
    out_height: usize,
) {
    let scale_x = crop.width as f32 / out_width as f32;
    let scale_y = crop.height as f32 / out_height as f32;

    for row in 0..out_height {
        for column in 0..out_width {
            let value = if scale_x <= 1.0 && scale_y <= 1.0 {
                bilinear_sample(frame, crop, (column, row), (scale_x, scale_y))
            } else {
                area_average(frame, crop, (column, row), (scale_x, scale_y))
            };
            out[row * out_width + column] = value;
        }
    }
}

/// Bilinear sample at the centre of output pixel `at`, mapped into the crop box.
fn bilinear_sample(
    frame: &Frame<'_>,
    crop: CropBox,
    at: (usize, usize),
    scale: (f32, f32),
) -> f32 {
    let (x0, x1, tx) = bilinear_taps(at.0, scale.0, crop.x, crop.width);
    let (y0, y1, ty) = bilinear_taps(at.1, scale.1, crop.y, crop.height);

    let grey = |x, y| f32::from(frame.grey_at(x, y));
    let top = grey(x0, y0) * (1.0 - tx) + grey(x1, y0) * tx;
    let bottom = grey(x0, y1) * (1.0 - tx) + grey(x1, y1) * tx;
    top * (1.0 - ty) + bottom * ty
}

/// The two source positions along one axis and the weight of the second.
fn bilinear_taps(index: usize, scale: f32, start: usize, length: usize) -> (usize, usize, f32) {
    let centre = (index as f32 + 0.5) * scale - 0.5;
    let centre = centre.clamp(0.0, (length - 1) as f32);
    let lower = centre as usize;
    let upper = (lower + 1).min(length - 1);
    (start + lower, start + upper, centre - lower as f32)
}

/// Mean grey level over the exact source area that output pixel `at` covers.
fn area_average(frame: &Frame<'_>, crop: CropBox, at: (usize, usize), scale: (f32, f32)) -> f32 {
    let (x_from, x_to) = (at.0 as f32 * scale.0, (at.0 + 1) as f32 * scale.0);
    let (y_from, y_to) = (at.1 as f32 * scale.1, (at.1 + 1) as f32 * scale.1);
    let mut sum = 0.0;
    let mut weight_sum = 0.0;

    for y in (y_from as usize)..ceil_index(y_to, crop.height) {
        let weight_y = overlap(y, y_from, y_to);
        for x in (x_from as usize)..ceil_index(x_to, crop.width) {
            let weight = weight_y * overlap(x, x_from, x_to);
            sum += weight * f32::from(frame.grey_at(crop.x + x, crop.y + y));
            weight_sum += weight;
        }
    }

    if weight_sum > 0.0 {
        sum / weight_sum
    } else {
        0.0
    }
}

/// First source index past the span ending at `end`, kept inside `length`.
fn ceil_index(end: f32, length: usize) -> usize {
    let end_index = end as usize;
    let past = if (end_index as f32) < end {
        end_index + 1
    } else {
        end_index
    };
    past.min(length)
}

/// Length of the overlap of source pixel `index` (spanning `index..index + 1`) with `from..to`.
fn overlap(index: usize, from: f32, to: f32) -> f32 {
    let start = (index as f32).max(from);
    let end = (index as f32 + 1.0).min(to);
    (end - start).max(0.0)
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::frame::PixelFormat;
    use proptest::prelude::*;
    use std::vec::Vec;

    fn grey_frame(width: usize, height: usize, data: &[u8]) -> Frame<'_> {
        Frame::new(PixelFormat::Grey8, width, height, data).expect("valid test frame")
    }

    #[test]
    fn a_96_square_grey_frame_is_copied_exactly() {
        let data: Vec<u8> = (0..INPUT_LEN).map(|i| (i * 7 % 256) as u8).collect();
        let mut input = [0.0; INPUT_LEN];
        frame_to_input(&grey_frame(96, 96, &data), None, &mut input).unwrap();
        for (value, byte) in input.iter().zip(&data) {
            assert_eq!(*value, f32::from(*byte) / 255.0);
        }
    }

    #[test]
    fn upscaling_by_two_interpolates_between_neighbours() {
        let data = [0u8, 100, 0, 100];
        let frame = grey_frame(2, 2, &data);
        let crop = frame.centre_square();
        let mut out = [0.0; 16];
        resize_grey(&frame, crop, &mut out, 4, 4);
        assert_eq!(&out[0..4], &[0.0, 25.0, 75.0, 100.0]);
    }

    #[test]
    fn downscaling_averages_blocks() {
        let data = [0u8, 100, 50, 50, 200, 200, 10, 30];
        let frame = grey_frame(4, 2, &data);
        let crop = CropBox {
            x: 0,
            y: 0,
            width: 4,
            height: 2,
        };
        let mut out = [0.0; 2];
        resize_grey(&frame, crop, &mut out, 2, 1);
        assert_eq!(out, [125.0, 35.0]);
    }

    #[test]
    fn centre_square_crops_wide_frames() {
        let mut data = [0u8; 4 * 2];
        data[1] = 255;
        data[2] = 255;
        data[5] = 255;
        data[6] = 255;
        let mut input = [0.0; INPUT_LEN];
        frame_to_input(&grey_frame(4, 2, &data), None, &mut input).unwrap();
        assert!(input.iter().all(|value| *value == 1.0));
    }

    #[test]
    fn a_crop_outside_the_frame_is_an_error() {
        let data = [0u8; 16];
        let mut input = [0.5; INPUT_LEN];
        let crop = CropBox {
            x: 3,
            y: 3,
            width: 2,
            height: 2,
        };
        let result = frame_to_input(&grey_frame(4, 4, &data), Some(crop), &mut input);
        assert_eq!(result, Err(FrameError::CropOutsideFrame));
        assert!(input.iter().all(|value| *value == 0.5));
    }

    fn any_frame() -> impl Strategy<Value = (PixelFormat, usize, usize, Vec<u8>)> {
        let format = prop_oneof![
            Just(PixelFormat::Grey8),
            Just(PixelFormat::Rgb565Le),
            Just(PixelFormat::Rgb565Be),
            Just(PixelFormat::Yuyv422),
        ];
        (format, 1usize..80, 1usize..80).prop_flat_map(|(format, half_width, height)| {
            let width = 2 * half_width;
            let length = width * height * format.bytes_per_pixel();
            proptest::collection::vec(any::<u8>(), length)
                .prop_map(move |data| (format, width, height, data))
        })
    }

    fn any_square_input() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(any::<u8>(), INPUT_LEN)
    }

    proptest! {
        #[test]
        fn input_is_always_within_unit_range((format, width, height, data) in any_frame()) {
            let frame = Frame::new(format, width, height, &data).unwrap();
            let mut input = [0.0; INPUT_LEN];
            frame_to_input(&frame, None, &mut input).unwrap();
            prop_assert!(input.iter().all(|value| (0.0..=1.0).contains(value)));
        }

        #[test]
        fn a_constant_frame_stays_constant(
            level in any::<u8>(),
            width in 1usize..200,
            height in 1usize..200,
        ) {
            let data = std::vec![level; width * height];
            let mut input = [0.0; INPUT_LEN];
            frame_to_input(&grey_frame(width, height, &data), None, &mut input).unwrap();
            let expected = f32::from(level) / 255.0;
            prop_assert!(input.iter().all(|value| (value - expected).abs() < 1e-5));
        }

        #[test]
        fn a_96_square_frame_is_identity(data in any_square_input()) {
            let mut input = [0.0; INPUT_LEN];
            frame_to_input(&grey_frame(96, 96, &data), None, &mut input).unwrap();
            for (value, byte) in input.iter().zip(&data) {
                prop_assert_eq!(*value, f32::from(*byte) / 255.0);
            }
        }
    }
}
