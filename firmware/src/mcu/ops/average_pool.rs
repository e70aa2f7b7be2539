//! AveragePool on f32 tensors.

use super::super::error::BlobError;
use super::super::record::{RecordReader, RecordWriter};
use super::super::tensor::DataType;
use super::super::window::Window;
use super::Operands;
use super::max_pool::check_pool;

/// The mean under each window position: the sum of the taps inside the input times
/// `1 / count`, where count is the kernel's area (`count_include_pad`) or the taps inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AveragePool {
    /// Kernel, strides and pads (dilations 1).
    pub window: Window,
    /// Whether padding taps count in the divisor (ONNX `count_include_pad`).
    pub count_include_pad: bool,
}

impl AveragePool {
    /// The op's name in messages.
    pub const NAME: &'static str = "AveragePool";

    /// Writes the parameters.
    pub fn encode(&self, record: &mut RecordWriter<'_>) {
        self.window.encode(record);
        record.word(self.count_include_pad.into());
    }

    /// Reads the parameters.
    pub fn decode(record: &mut RecordReader<'_>) -> Result<AveragePool, BlobError> {
        let window = Window::decode(record, Self::NAME)?;
        let count_include_pad = match record.word() {
            0 => false,
            1 => true,
            _ => {
                return Err(BlobError::BadOp {
                    op: record.op(),
                    kind: Self::NAME,
                    problem: "its count_include_pad flag is neither 0 nor 1",
                });
            }
        };
        Ok(AveragePool {
            window,
            count_include_pad,
        })
    }

    /// f32 `[1, C, H, W]` in, f32 `[1, C, OH, OW]` out, the window's output size.
    pub fn check(&self, operands: &Operands) -> Result<(), BlobError> {
        operands.expect_one_input(Self::NAME)?;
        check_pool(&self.window, operands, Self::NAME, DataType::F32)
    }

    /// Pools `input` of `[C, H, W]` into `output` of `[C, OH, OW]`.
    pub fn run(
        &self,
        input_chw: [usize; 3],
        output_chw: [usize; 3],
        input: &[f32],
        output: &mut [f32],
    ) {
        let [_, height, width] = input_chw;
        let [_, out_height, out_width] = output_chw;
        let window = &self.window;
        let kernel_area = window.kernel[0] * window.kernel[1];
        let planes = input.chunks_exact(height * width);
        let out_planes = output.chunks_exact_mut(out_height * out_width);

        for (plane, out_plane) in planes.zip(out_planes) {
            for (index, out) in out_plane.iter_mut().enumerate() {
                let (row, column) = (index / out_width, index % out_width);
                let mut sum = 0.0_f32;
                let mut inside = 0_usize;
                for tap_row in 0..window.kernel[0] {
                    let Some(y) = window.tap_position(0, row, tap_row, height) else {
                        continue;
                    };
                    for tap_column in 0..window.kernel[1] {
                        if let Some(x) = window.tap_position(1, column, tap_column, width)
                            && let Some(&value) = plane.get(y * width + x)
                        {
                            sum += value;
                            inside += 1;
                        }
                    }
                }

                let count = if self.count_include_pad {
                    kernel_area
                } else {
                    inside
                };
                *out = sum * (1.0 / count.max(1) as f32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(pad: usize, count_include_pad: bool) -> AveragePool {
        AveragePool {
            window: Window {
                kernel: [2; 2],
                strides: [2; 2],
                dilations: [1; 2],
                pads: [pad; 4],
            },
            count_include_pad,
        }
    }

    #[test]
    fn each_window_is_averaged() {
        #[rustfmt::skip]
        let input = [
            1.0, 3.0, 0.0, 0.0,
            5.0, 7.0, 0.0, 4.0,
        ];
        let mut output = [0.0; 2];
        pool(0, true).run([1, 2, 4], [1, 1, 2], &input, &mut output);
        assert_eq!(output, [4.0, 1.0]);
    }

    #[test]
    fn count_include_pad_decides_the_divisor_at_the_border() {
        let input = [8.0, 8.0, 8.0, 8.0];
        let mut with_pad = [0.0; 4];
        pool(1, true).run([1, 2, 2], [1, 2, 2], &input, &mut with_pad);
        assert_eq!(with_pad, [2.0; 4]);

        let mut without_pad = [0.0; 4];
        pool(1, false).run([1, 2, 2], [1, 2, 2], &input, &mut without_pad);
        assert_eq!(without_pad, [8.0; 4]);
    }
}
