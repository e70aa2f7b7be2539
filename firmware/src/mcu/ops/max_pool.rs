//! MaxPool on int8 codes (the max of codes is the code of the max: scale and zero point
//! pass through).

use super::super::error::BlobError;
use super::super::record::{RecordReader, RecordWriter};
use super::super::tensor::DataType;
use super::super::window::Window;
use super::Operands;

/// The largest code under each window position; padding taps are skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxPool {
    /// Kernel, strides and pads (dilations 1).
    pub window: Window,
}

impl MaxPool {
    /// The op's name in messages.
    pub const NAME: &'static str = "MaxPool";

    /// Writes the parameters.
    pub fn encode(&self, record: &mut RecordWriter<'_>) {
        self.window.encode(record);
    }

    /// Reads the parameters.
    pub fn decode(record: &mut RecordReader<'_>) -> Result<MaxPool, BlobError> {
        Ok(MaxPool {
            window: Window::decode(record, Self::NAME)?,
        })
    }

    /// int8 `[1, C, H, W]` in, int8 `[1, C, OH, OW]` out, the window's output size.
    pub fn check(&self, operands: &Operands) -> Result<(), BlobError> {
        operands.expect_one_input(Self::NAME)?;
        check_pool(&self.window, operands, Self::NAME, DataType::I8)
    }

    /// Pools `input` of `[C, H, W]` into `output` of `[C, OH, OW]`.
    pub fn run(
        &self,
        input_chw: [usize; 3],
        output_chw: [usize; 3],
        input: &[i8],
        output: &mut [i8],
    ) {
        let [_, height, width] = input_chw;
        let [_, out_height, out_width] = output_chw;
        let window = &self.window;
        let planes = input.chunks_exact(height * width);
        let out_planes = output.chunks_exact_mut(out_height * out_width);

        for (plane, out_plane) in planes.zip(out_planes) {
            for (index, out) in out_plane.iter_mut().enumerate() {
                let (row, column) = (index / out_width, index % out_width);
                let mut max = i8::MIN;
                for tap_row in 0..window.kernel[0] {
                    let Some(y) = window.tap_position(0, row, tap_row, height) else {
                        continue;
                    };
                    for tap_column in 0..window.kernel[1] {
                        if let Some(x) = window.tap_position(1, column, tap_column, width)
                            && let Some(&code) = plane.get(y * width + x)
                        {
                            max = max.max(code);
                        }
                    }
                }
                *out = max;
            }
        }
    }
}

/// The shape checks both pools share: `[1, C, H, W]` of `data_type` in, `[1, C, OH, OW]`
/// out, pads smaller than the kernel and dilations 1.
pub fn check_pool(
    window: &Window,
    operands: &Operands,
    kind: &'static str,
    data_type: DataType,
) -> Result<(), BlobError> {
    let (input, output) = (&operands.input, &operands.output);
    let (Some([channels, height, width]), Some([out_channels, out_height, out_width])) =
        (input.chw(), output.chw())
    else {
        return Err(operands.bad(kind, "its input or output is not a [1, C, H, W] tensor"));
    };
    if input.data_type != data_type || output.data_type != data_type {
        return Err(operands.bad(kind, "its input or output has the wrong element type"));
    }
    if !window.pads_leave_a_tap_inside() {
        return Err(operands.bad(
            kind,
            "its pads reach a kernel's size or its dilations are not 1",
        ));
    }
    if channels != out_channels
        || window.output_size([height, width]) != Some([out_height, out_width])
    {
        return Err(operands.bad(kind, "its output shape does not follow from its window"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::operands;
    use super::*;

    fn pool(kernel: usize, stride: usize, pad: usize) -> MaxPool {
        MaxPool {
            window: Window {
                kernel: [kernel; 2],
                strides: [stride; 2],
                dilations: [1; 2],
                pads: [pad; 4],
            },
        }
    }

    #[test]
    fn each_window_keeps_its_largest_code() {
        #[rustfmt::skip]
        let input = [
            1, 2, -3, 4,
            5, -6, 7, 8,
            -9, 10, 11, -128,
            13, 14, -15, -16,
        ];
        let mut output = [0; 4];
        pool(2, 2, 0).run([1, 4, 4], [1, 2, 2], &input, &mut output);
        assert_eq!(output, [5, 8, 14, 11]);
    }

    #[test]
    fn padding_taps_are_skipped() {
        let input = [-100, -50, -20, -10];
        let mut output = [0; 9];
        pool(2, 1, 1).run([1, 2, 2], [1, 3, 3], &input, &mut output);
        assert_eq!(output, [-100, -50, -50, -20, -10, -10, -20, -10, -10]);
    }

    #[test]
    fn the_output_shape_must_follow_from_the_window() {
        let types = [DataType::I8; 2];
        let op = pool(2, 2, 0);
        assert!(
            op.check(&operands(&[1, 3, 8, 8], &[1, 3, 4, 4], types))
                .is_ok()
        );
        assert!(
            op.check(&operands(&[1, 3, 8, 8], &[1, 3, 4, 5], types))
                .is_err()
        );
        assert!(
            op.check(&operands(&[1, 3, 8, 8], &[1, 2, 4, 4], types))
                .is_err()
        );
        assert!(
            pool(2, 2, 2)
                .check(&operands(&[1, 3, 8, 8], &[1, 3, 6, 6], types))
                .is_err()
        );
    }
}
