//! QLinearConv: int8 convolution with per-output-channel weight scales and an int32 bias.
//!
//! For output channel `o` and position `p`:
//! `y = saturate(round_half_to_even(acc * multiplier[o]) + y_zero_point)` with
//! `acc = bias[o] + sum over taps inside the input of (x - x_zero_point) * w` and
//! `multiplier[o] = x_scale * w_scale[o] / y_scale`, computed once by the converter in the
//! order tract computes it.
//!
//! Zero-point folding: the blob stores `offset[o] = bias[o] - x_zero_point * sum(w[o])`, so
//! the inner loop is a plain `x * w` over the taps inside the input; taps in the padding add
//! `x_zero_point * w` instead, which cancels their share of the folded term.

use super::super::error::BlobError;
use super::super::record::{RecordReader, RecordWriter};
use super::super::requant::requantize;
use super::super::tensor::DataType;
use super::super::window::Window;
use super::{Operands, le_f32, le_i32};

/// A 2-D convolution over `[1, C, H, W]` int8 codes, group 1, weights
/// `[out channels][in channels][kernel height][kernel width]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QLinearConv<'a> {
    /// The input's zero point.
    pub input_zero_point: i8,
    /// The output's zero point.
    pub output_zero_point: i8,
    /// Kernel, strides, dilations and pads.
    pub window: Window,
    /// int8 weights, `[O][C][KH][KW]` (weight zero points are 0).
    pub weights: &'a [u8],
    /// Little-endian i32 accumulator offsets, one per output channel (bias with the input
    /// zero point folded in).
    pub offsets: &'a [u8],
    /// Little-endian f32 requantisation multipliers, one per output channel.
    pub multipliers: &'a [u8],
}

impl<'a> QLinearConv<'a> {
    /// The op's name in messages.
    pub const NAME: &'static str = "QLinearConv";

    /// Writes the parameters.
    pub fn encode(&self, record: &mut RecordWriter<'_>) {
        record.int(self.input_zero_point.into());
        record.int(self.output_zero_point.into());
        self.window.encode(record);
        record.data(self.weights);
        record.data(self.offsets);
        record.data(self.multipliers);
    }

    /// Reads the parameters.
    pub fn decode(record: &mut RecordReader<'a>) -> Result<QLinearConv<'a>, BlobError> {
        Ok(QLinearConv {
            input_zero_point: record.zero_point(Self::NAME)?,
            output_zero_point: record.zero_point(Self::NAME)?,
            window: Window::decode(record, Self::NAME)?,
            weights: record.data()?,
            offsets: record.data()?,
            multipliers: record.data()?,
        })
    }

    /// int8 `[1, C, H, W]` in, int8 `[1, O, OH, OW]` out with the window's output size;
    /// weights, offsets and multipliers sized for `O` and `C`; `OH * OW` accumulators fit the
    /// scratch.
    pub fn check(&self, operands: &Operands) -> Result<(), BlobError> {
        operands.expect_one_input(Self::NAME)?;
        let (input, output) = (&operands.input, &operands.output);
        let (Some([channels, height, width]), Some([out_channels, out_height, out_width])) =
            (input.chw(), output.chw())
        else {
            return Err(operands.bad(
                Self::NAME,
                "its input or output is not a [1, C, H, W] tensor",
            ));
        };
        if input.data_type != DataType::I8 || output.data_type != DataType::I8 {
            return Err(operands.bad(Self::NAME, "its input or output is not int8"));
        }
        if self.window.output_size([height, width]) != Some([out_height, out_width]) {
            return Err(operands.bad(
                Self::NAME,
                "its output size does not follow from its window",
            ));
        }

        let [kernel_height, kernel_width] = self.window.kernel;
        let weights = [channels, kernel_height, kernel_width]
            .iter()
            .try_fold(out_channels, |total, &dim| total.checked_mul(dim));
        operands.expect_data(Self::NAME, "weights", self.weights, weights)?;
        let per_channel = out_channels.checked_mul(4);
        operands.expect_data(Self::NAME, "offsets", self.offsets, per_channel)?;
        operands.expect_data(Self::NAME, "multipliers", self.multipliers, per_channel)?;
        let accumulators = out_height
            .checked_mul(out_width)
            .and_then(|n| n.checked_mul(4));
        operands.expect_scratch(Self::NAME, accumulators)
    }

    /// Convolves `input` of `[C, H, W]` into `output` of `[O, OH, OW]`, one output channel
    /// at a time, with `scratch` holding at least `OH * OW` accumulators.
    pub fn run(
        &self,
        input_chw: [usize; 3],
        output_chw: [usize; 3],
        input: &[i8],
        output: &mut [i8],
        scratch: &mut [i32],
    ) {
        let [channels, height, width] = input_chw;
        let [_, out_height, out_width] = output_chw;
        let [kernel_height, kernel_width] = self.window.kernel;
        let taps_per_channel = kernel_height * kernel_width;
        let Some(accumulators) = scratch.get_mut(..out_height * out_width) else {
            return;
        };
        let geometry = Geometry {
            input: [height, width],
            output: [out_height, out_width],
        };

        // Limitation: plain Rust loops, one kernel tap and one output row at a time, without
        // the Cortex-M7's DSP instructions: about 21 instructions per MAC on the default
        // model (QEMU count), about 2.2 s per frame at 480 MHz.
        let weights: &[i8] = bytemuck::cast_slice(self.weights);
        let filters = weights.chunks_exact(channels * taps_per_channel);
        let offsets = self.offsets.chunks_exact(4).map(le_i32);
        let multipliers = self.multipliers.chunks_exact(4).map(le_f32);
        let out_planes = output.chunks_exact_mut(out_height * out_width);

        for (((filter, offset), multiplier), out_plane) in
            filters.zip(offsets).zip(multipliers).zip(out_planes)
        {
            accumulators.fill(offset);
            let planes = input.chunks_exact(height * width);
            for (taps, plane) in filter.chunks_exact(taps_per_channel).zip(planes) {
                for (tap, &weight) in taps.iter().enumerate() {
                    let tap = [tap / kernel_width, tap % kernel_width];
                    self.accumulate_tap(&geometry, tap, i32::from(weight), plane, accumulators);
                }
            }

            for (code, &accumulator) in out_plane.iter_mut().zip(accumulators.iter()) {
                *code = requantize(accumulator, multiplier, self.output_zero_point);
            }
        }
    }

    /// Adds one kernel tap's `weight` times the input plane to every output position: `x * w`
    /// where the tap falls inside the input, `x_zero_point * w` where it falls in padding.
    fn accumulate_tap(
        &self,
        geometry: &Geometry,
        tap: [usize; 2],
        weight: i32,
        plane: &[i8],
        accumulators: &mut [i32],
    ) {
        if weight == 0 {
            return;
        }
        let [height, width] = geometry.input;
        let [out_height, out_width] = geometry.output;
        let window = &self.window;
        let rows = window.valid_outputs(0, tap[0], height, out_height);
        let columns = window.valid_outputs(1, tap[1], width, out_width);
        let padding = i32::from(self.input_zero_point) * weight;
        let stride = window.strides[1];

        for (row, out_row) in accumulators.chunks_exact_mut(out_width).enumerate() {
            if !rows.contains(&row) || columns.is_empty() {
                add_to_all(out_row, padding);
                continue;
            }
            let (before, rest) = out_row.split_at_mut(columns.start);
            let (inside, after) = rest.split_at_mut(columns.len());
            add_to_all(before, padding);
            add_to_all(after, padding);

            let input_row = window.input_position(0, row, tap[0]) * width;
            let first = input_row + window.input_position(1, columns.start, tap[1]);
            let Some(codes) = plane.get(first..input_row + width) else {
                continue;
            };
            for (accumulator, &code) in inside.iter_mut().zip(codes.iter().step_by(stride)) {
                *accumulator = accumulator.wrapping_add(i32::from(code) * weight);
            }
        }
    }
}

/// Input and output height and width of one convolution.
struct Geometry {
    input: [usize; 2],
    output: [usize; 2],
}

/// Adds `value` to every accumulator of `accumulators` (nothing when it is 0).
fn add_to_all(accumulators: &mut [i32], value: i32) {
    if value != 0 {
        for accumulator in accumulators {
            *accumulator = accumulator.wrapping_add(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::operands;
    use super::super::{f32_bytes, i8_bytes, i32_bytes};
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    /// The ONNX definition, tap by tap, as the reference for the kernel.
    fn reference(
        op: &QLinearConv<'_>,
        input_chw: [usize; 3],
        output_chw: [usize; 3],
        input: &[i8],
        bias: &[i32],
    ) -> Vec<i8> {
        let [channels, height, width] = input_chw;
        let [out_channels, out_height, out_width] = output_chw;
        let [kernel_height, kernel_width] = op.window.kernel;
        let weights: &[i8] = bytemuck::cast_slice(op.weights);
        let multipliers: Vec<f32> = op.multipliers.chunks_exact(4).map(le_f32).collect();
        let mut output = Vec::new();
        for o in 0..out_channels {
            for row in 0..out_height {
                for column in 0..out_width {
                    let mut acc = bias[o];
                    for c in 0..channels {
                        for ky in 0..kernel_height {
                            for kx in 0..kernel_width {
                                let y = op.window.tap_position(0, row, ky, height);
                                let x = op.window.tap_position(1, column, kx, width);
                                let code = match (y, x) {
                                    (Some(y), Some(x)) => input[(c * height + y) * width + x],
                                    _ => op.input_zero_point,
                                };
                                let w = weights[((o * channels + c) * kernel_height + ky)
                                    * kernel_width
                                    + kx];
                                acc += (i32::from(code) - i32::from(op.input_zero_point))
                                    * i32::from(w);
                            }
                        }
                    }
                    output.push(requantize(acc, multipliers[o], op.output_zero_point));
                }
            }
        }
        output
    }

    /// Offsets for `bias` with the input zero point folded in.
    fn folded_offsets(bias: &[i32], weights: &[i8], input_zero_point: i8) -> Vec<i32> {
        let per_channel = weights.len() / bias.len();
        bias.iter()
            .zip(weights.chunks_exact(per_channel))
            .map(|(&bias, filter)| {
                let sum: i32 = filter.iter().map(|&w| i32::from(w)).sum();
                bias - i32::from(input_zero_point) * sum
            })
            .collect()
    }

    #[test]
    fn a_one_by_one_convolution_is_a_per_pixel_dot_product() {
        let weights = i8_bytes(&[1, 2, -1, 3]);
        let offsets = i32_bytes(&[0, 10]);
        let multipliers = f32_bytes(&[1.0, 0.5]);
        let op = QLinearConv {
            input_zero_point: 0,
            output_zero_point: 0,
            window: Window {
                kernel: [1, 1],
                strides: [1, 1],
                dilations: [1, 1],
                pads: [0; 4],
            },
            weights: &weights,
            offsets: &offsets,
            multipliers: &multipliers,
        };
        // Two input channels of two pixels: [1, 2] and [3, 4].
        let input = [1, 2, 3, 4];
        let mut output = [0; 4];
        let mut scratch = [0; 2];
        op.run([2, 1, 2], [2, 1, 2], &input, &mut output, &mut scratch);
        // Channel 0: 1*1 + 2*3 = 7, 1*2 + 2*4 = 10.
        // Channel 1: (10 - 1 + 9) * 0.5 = 9, (10 - 2 + 12) * 0.5 = 10.
        assert_eq!(output, [7, 10, 9, 10]);
    }

    #[test]
    fn padding_strides_and_zero_points_match_the_definition() {
        let (channels, out_channels, kernel) = (2, 3, 3);
        let weights: Vec<i8> = (0..out_channels * channels * kernel * kernel)
            .map(|index| ((index * 37) % 23) as i8 - 11)
            .collect();
        let bias = [100, -250, 7];
        let input_zero_point = -7;
        let offsets = i32_bytes(&folded_offsets(&bias, &weights, input_zero_point));
        let weight_bytes = i8_bytes(&weights);
        let multipliers = f32_bytes(&[0.05, 0.013, 0.1]);
        for (stride, pad, dilation) in [(1, 1, 1), (2, 1, 1), (2, 2, 1), (1, 0, 2), (3, 2, 2)] {
            let op = QLinearConv {
                input_zero_point,
                output_zero_point: 3,
                window: Window {
                    kernel: [kernel; 2],
                    strides: [stride; 2],
                    dilations: [dilation; 2],
                    pads: [pad, pad + 1, pad, 0],
                },
                weights: &weight_bytes,
                offsets: &offsets,
                multipliers: &multipliers,
            };
            let (height, width) = (7, 6);
            let input: Vec<i8> = (0..channels * height * width)
                .map(|index| ((index * 53) % 255) as i8)
                .collect();
            let [out_height, out_width] = op.window.output_size([height, width]).unwrap();
            let input_chw = [channels, height, width];
            let output_chw = [out_channels, out_height, out_width];
            let mut output = vec![0; out_channels * out_height * out_width];
            let mut scratch = vec![0; out_height * out_width];
            op.run(input_chw, output_chw, &input, &mut output, &mut scratch);

            let expected = reference(&op, input_chw, output_chw, &input, &bias);
            assert_eq!(
                output, expected,
                "stride {stride} pad {pad} dilation {dilation}"
            );
        }
    }

    #[test]
    fn data_sizes_and_scratch_are_checked() {
        let weights = [0_u8; 2 * 3 * 9];
        let per_channel = [0_u8; 8];
        let window = Window {
            kernel: [3, 3],
            strides: [1, 1],
            dilations: [1, 1],
            pads: [1; 4],
        };
        let op = QLinearConv {
            input_zero_point: 0,
            output_zero_point: 0,
            window,
            weights: &weights,
            offsets: &per_channel,
            multipliers: &per_channel,
        };
        let types = [DataType::I8; 2];
        let mut fitting = operands(&[1, 3, 5, 5], &[1, 2, 5, 5], types);
        assert_eq!(op.check(&fitting), Ok(()));

        fitting.scratch_bytes = 99;
        assert!(op.check(&fitting).is_err());
        let wrong_channels = operands(&[1, 4, 5, 5], &[1, 2, 5, 5], types);
        assert!(matches!(
            op.check(&wrong_channels),
            Err(BlobError::DataSize {
                what: "weights",
                ..
            })
        ));
    }
}
