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
use super::packed::{self, pack, packed_words};
use super::{Operands, le_f32, le_i32};

use core::ops::Range;

/// Words of packed patches one tile of output pixels may take in the scratch (16 KiB).
const TILE_PATCH_WORDS: usize = 4096;

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
    /// weights, offsets and multipliers sized for `O` and `C`; the scratch holds
    /// [`QLinearConv::scratch_bytes`].
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
        let scratch = self.scratch_bytes([out_channels, out_height, out_width]);
        operands.expect_scratch(Self::NAME, scratch)
    }

    /// Bytes of scratch [`QLinearConv::run`] needs for an output of `[O, OH, OW]`: one
    /// tile of packed patches and two packed filters (`None` on overflow).
    pub fn scratch_bytes(&self, output_chw: [usize; 3]) -> Option<usize> {
        let [out_channels, out_height, out_width] = output_chw;
        let taps = self.weights.len().checked_div(out_channels)?;
        let pixels = out_height.checked_mul(out_width)?;
        Tiling::new(taps, pixels).scratch_words()?.checked_mul(4)
    }

    /// Convolves `input` of `[C, H, W]` into `output` of `[O, OH, OW]`, with `scratch`
    /// holding at least [`QLinearConv::scratch_bytes`].
    ///
    /// The output pixels go in tiles: the tile's patches (each pixel's taps, in weight order)
    /// are gathered once, widened and packed, then every pair of output channels takes dot
    /// products with every pair of pixels, the inner loop running over contiguous packed
    /// words with no padding tests.
    pub fn run(
        &self,
        input_chw: [usize; 3],
        output_chw: [usize; 3],
        input: &[i8],
        output: &mut [i8],
        scratch: &mut [i32],
    ) {
        let [_, height, width] = input_chw;
        let [out_channels, out_height, out_width] = output_chw;
        let out_pixels = out_height * out_width;
        let taps = (self.weights.len() / out_channels.max(1)).max(1);
        let tiling = Tiling::new(taps, out_pixels);
        let Some(scratch) = tiling
            .scratch_words()
            .and_then(|words| scratch.get_mut(..words))
        else {
            return;
        };
        let (patches, filters) = scratch.split_at_mut(tiling.pixels * tiling.patch_words);
        let geometry = Geometry {
            input: [height, width],
            output: [out_height, out_width],
            taps,
            patch_words: tiling.patch_words,
        };

        // Limitation: one 16-bit multiply-accumulate per instruction (SMLABB and SMLATT over
        // packed pairs, about 2.1 instructions per MAC in the inner loop with its loads): the
        // M7's SMLAD and SXTB16, which would halve that and skip the widening, are reachable
        // only through nightly intrinsics or unsafe assembly. About 3.2 instructions per MAC
        // over the whole default model (QEMU count), about 0.33 s per frame at 480 MHz.
        for tile_start in (0..out_pixels).step_by(tiling.pixels.max(1)) {
            let tile = tile_start..out_pixels.min(tile_start + tiling.pixels);
            let Some(tile_patches) = patches.get_mut(..tile.len() * tiling.patch_words) else {
                return;
            };
            self.gather_patches(&geometry, input, tile.clone(), tile_patches);
            self.convolve_tile(&geometry, tile, tile_patches, filters, output);
        }
    }

    /// Every output channel's codes for the output pixels in `tile`, from their packed
    /// `patches`, two channels at a time with their filters packed into `filters`.
    fn convolve_tile(
        &self,
        geometry: &Geometry,
        tile: Range<usize>,
        patches: &[i32],
        filters: &mut [i32],
        output: &mut [i8],
    ) {
        let out_pixels = geometry.output[0] * geometry.output[1];
        let planes = output.chunks_mut(2 * out_pixels.max(1));
        let pairs = self.channel_pairs(geometry.taps).zip(planes);

        for ((weights, offsets, multipliers), planes) in pairs {
            let (first, second) = filters.split_at_mut(geometry.patch_words.min(filters.len()));
            pack(weights[0], first);
            pack(weights[1], second);

            let (first_plane, second_plane) = planes.split_at_mut(out_pixels.min(planes.len()));
            let codes = [
                first_plane.get_mut(tile.clone()).unwrap_or_default(),
                second_plane.get_mut(tile.clone()).unwrap_or_default(),
            ];
            let channels = ChannelPair {
                filters: [&*first, &*second],
                offsets,
                multipliers,
            };
            self.convolve_pair(&channels, patches, geometry.patch_words, codes);
        }
    }

    /// The output channels two at a time: their weights, offsets and multipliers (an odd
    /// last channel is paired with itself).
    fn channel_pairs(
        &self,
        taps: usize,
    ) -> impl Iterator<Item = ([&'a [i8]; 2], [i32; 2], [f32; 2])> + use<'a> {
        let weights: &'a [i8] = bytemuck::cast_slice(self.weights);
        let offsets = self.offsets.chunks(8);
        let multipliers = self.multipliers.chunks(8);

        weights.chunks(2 * taps).zip(offsets.zip(multipliers)).map(
            move |(pair, (offsets, multipliers))| {
                let (first, second) = pair.split_at(taps.min(pair.len()));
                let offset = |index: usize| offsets.get(index..).map_or(0, le_i32);
                let multiplier = |index: usize| multipliers.get(index..).map_or(0.0, le_f32);
                (
                    [first, if second.is_empty() { first } else { second }],
                    [offset(0), offset(4)],
                    [multiplier(0), multiplier(4)],
                )
            },
        )
    }

    /// Requantised dot products of two packed filters with each pair of packed patches of a
    /// tile, written to `codes` (the two channels' output codes for the tile's pixels; a
    /// channel with no codes is computed and dropped).
    fn convolve_pair(
        &self,
        channels: &ChannelPair<'_>,
        patches: &[i32],
        patch_words: usize,
        codes: [&mut [i8]; 2],
    ) {
        let [first_codes, second_codes] = codes;
        let [first_offset, second_offset] = channels.offsets;
        let sums = [first_offset, first_offset, second_offset, second_offset];
        let filters = channels.filters;

        for (index, pixels) in patches.chunks(2 * patch_words).enumerate() {
            let (first, second) = pixels.split_at(patch_words.min(pixels.len()));
            let second = if second.is_empty() { first } else { second };
            let [a, b, c, d] = packed::dot_2x2(filters, [first, second], sums);

            let pixel = 2 * index;
            let [first_multiplier, second_multiplier] = channels.multipliers;
            self.store(first_codes, pixel, [a, b], first_multiplier);
            self.store(second_codes, pixel, [c, d], second_multiplier);
        }
    }

    /// Requantises two accumulators into `codes[pixel]` and `codes[pixel + 1]`, where they
    /// exist.
    fn store(&self, codes: &mut [i8], pixel: usize, sums: [i32; 2], multiplier: f32) {
        let zero_point = self.output_zero_point;
        let Some(codes) = codes.get_mut(pixel..) else {
            return;
        };
        for (code, sum) in codes.iter_mut().zip(sums) {
            *code = requantize(sum, multiplier, zero_point);
        }
    }

    /// Writes the packed patches of the output pixels in `tile` to `patches`, one after the
    /// other.
    fn gather_patches(
        &self,
        geometry: &Geometry,
        input: &[i8],
        tile: Range<usize>,
        patches: &mut [i32],
    ) {
        let halves: &mut [i16] = bytemuck::cast_slice_mut(patches);
        let patch_halves = 2 * geometry.patch_words;
        let pointwise = self.window.kernel == [1, 1] && self.window.pads == [0; 4];

        for (pixel, patch) in tile.zip(halves.chunks_exact_mut(patch_halves)) {
            let (taps, tail) = patch.split_at_mut(geometry.taps.min(patch.len()));
            tail.fill(0);
            if pointwise {
                self.gather_point(geometry, input, pixel, taps);
            } else {
                self.gather_window(geometry, input, pixel, taps);
            }
        }
    }

    /// The taps of output pixel `pixel` of a 1x1 convolution without padding: one code per
    /// input channel.
    fn gather_point(&self, geometry: &Geometry, input: &[i8], pixel: usize, taps: &mut [i16]) {
        let [height, width] = geometry.input;
        let out_width = geometry.output[1].max(1);
        let row = self.window.input_position(0, pixel / out_width, 0);
        let position = row * width + self.window.input_position(1, pixel % out_width, 0);

        for (tap, plane) in taps
            .iter_mut()
            .zip(input.chunks_exact((height * width).max(1)))
        {
            *tap = plane.get(position).map_or(0, |&code| i16::from(code));
        }
    }

    /// The taps of output pixel `pixel`, channel by channel and row by row as the weights
    /// hold them, the input zero point for taps in the padding.
    fn gather_window(&self, geometry: &Geometry, input: &[i8], pixel: usize, taps: &mut [i16]) {
        let [height, width] = geometry.input;
        let out_width = geometry.output[1].max(1);
        let [kernel_height, kernel_width] = self.window.kernel;
        let (row, column) = (pixel / out_width, pixel % out_width);
        let rows = self.window.valid_taps(0, row, height);
        let columns = self.window.valid_taps(1, column, width);
        if rows.len() < kernel_height || columns.len() < kernel_width {
            taps.fill(i16::from(self.input_zero_point));
        }
        if rows.is_empty() || columns.is_empty() {
            return;
        }

        let first_column = self.window.input_position(1, column, columns.start);
        let step = self.window.dilations[1];
        let planes = input.chunks_exact((height * width).max(1));
        for (plane, channel_taps) in
            planes.zip(taps.chunks_exact_mut(kernel_height * kernel_width))
        {
            let kernel_rows = channel_taps.chunks_exact_mut(kernel_width);
            for (tap_row, kernel_row) in kernel_rows.enumerate().take(rows.end).skip(rows.start) {
                let start = self.window.input_position(0, row, tap_row) * width + first_column;
                let (Some(codes), Some(inside)) =
                    (plane.get(start..), kernel_row.get_mut(columns.clone()))
                else {
                    continue;
                };
                widen_into(inside, codes, step);
            }
        }
    }
}

/// Widens every `step`-th code of `codes` into `taps`, as many as `taps` holds.
fn widen_into(taps: &mut [i16], codes: &[i8], step: usize) {
    if step == 1 {
        for (tap, &code) in taps.iter_mut().zip(codes) {
            *tap = i16::from(code);
        }
    } else {
        for (tap, &code) in taps.iter_mut().zip(codes.iter().step_by(step)) {
            *tap = i16::from(code);
        }
    }
}

/// How a convolution splits its output pixels into tiles whose packed patches fit the
/// scratch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tiling {
    /// Words of one pixel's packed patch.
    patch_words: usize,
    /// Output pixels per tile.
    pixels: usize,
}

impl Tiling {
    /// The tiling for patches of `taps` values and `out_pixels` output pixels: as many
    /// pixels per tile as [`TILE_PATCH_WORDS`] allows, at least two.
    fn new(taps: usize, out_pixels: usize) -> Tiling {
        let patch_words = packed_words(taps).max(1);
        let pixels = (TILE_PATCH_WORDS / patch_words).max(2).min(out_pixels);
        Tiling {
            patch_words,
            pixels,
        }
    }

    /// Words of scratch: one tile of patches and two packed filters.
    fn scratch_words(&self) -> Option<usize> {
        self.pixels.checked_add(2)?.checked_mul(self.patch_words)
    }
}

/// Input and output height and width of one convolution, and its patch size.
struct Geometry {
    /// Input height and width.
    input: [usize; 2],
    /// Output height and width.
    output: [usize; 2],
    /// Taps of one output pixel: input channels times kernel height times kernel width.
    taps: usize,
    /// Words of one packed patch.
    patch_words: usize,
}

/// Two output channels' packed filters, accumulator offsets and multipliers.
struct ChannelPair<'s> {
    /// Packed weights, one patch's worth each.
    filters: [&'s [i32]; 2],
    /// Accumulator offsets (bias with the input zero point folded in).
    offsets: [i32; 2],
    /// Requantisation multipliers.
    multipliers: [f32; 2],
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
        let mut scratch = vec![0; op.scratch_bytes([2, 1, 2]).unwrap() / 4];
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
            let mut scratch = vec![0; op.scratch_bytes(output_chw).unwrap() / 4];
            op.run(input_chw, output_chw, &input, &mut output, &mut scratch);

            let expected = reference(&op, input_chw, output_chw, &input, &bias);
            assert_eq!(
                output, expected,
                "stride {stride} pad {pad} dilation {dilation}"
            );
        }
    }

    #[test]
    fn many_channels_span_several_tiles() {
        let (channels, out_channels, kernel) = (64, 5, 3);
        let weights: Vec<i8> = (0..out_channels * channels * kernel * kernel)
            .map(|index| ((index * 89) % 256) as u8 as i8)
            .collect();
        let bias = [-1000, 0, 31, 77_777, -5];
        let input_zero_point = 12;
        let offsets = i32_bytes(&folded_offsets(&bias, &weights, input_zero_point));
        let weight_bytes = i8_bytes(&weights);
        let multipliers = f32_bytes(&[0.0007, 0.001, 0.0003, 0.002, 0.0011]);
        let op = QLinearConv {
            input_zero_point,
            output_zero_point: -128,
            window: Window {
                kernel: [kernel; 2],
                strides: [1, 2],
                dilations: [1, 1],
                pads: [1, 1, 1, 1],
            },
            weights: &weight_bytes,
            offsets: &offsets,
            multipliers: &multipliers,
        };
        let (height, width) = (9, 11);
        let input: Vec<i8> = (0..channels * height * width)
            .map(|index| ((index * 131 + 7) % 256) as u8 as i8)
            .collect();
        let [out_height, out_width] = op.window.output_size([height, width]).unwrap();
        let input_chw = [channels, height, width];
        let output_chw = [out_channels, out_height, out_width];
        assert!(Tiling::new(channels * 9, out_height * out_width).pixels < out_height * out_width);

        let mut output = vec![0; out_channels * out_height * out_width];
        let mut scratch = vec![0; op.scratch_bytes(output_chw).unwrap() / 4];
        op.run(input_chw, output_chw, &input, &mut output, &mut scratch);
        assert_eq!(output, reference(&op, input_chw, output_chw, &input, &bias));
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
