//! QLinearMatMul: int8 `[M, K] x [K, N]` with a constant weight matrix and per-column
//! weight scales.
//!
//! For row `m` and column `n`:
//! `y = saturate(round_half_to_even(acc * multiplier[n]) + y_zero_point)` with
//! `acc = offset[n] + sum over k of a[m][k] * w[k][n]`, where the converter folded the input
//! zero point into `offset[n] = -a_zero_point * sum over k of w[k][n]` and computed
//! `multiplier[n] = a_scale * w_scale[n] / y_scale` in the order tract computes it.

use super::super::error::BlobError;
use super::super::record::{RecordReader, RecordWriter};
use super::super::requant::requantize;
use super::super::tensor::DataType;
use super::{Operands, le_f32, le_i32};

/// Input codes (weight rows) one pass over the accumulators takes.
const ROWS_AT_ONCE: usize = 4;

/// A matrix product of int8 rows with constant int8 weights `[K][N]` (weight zero points 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QLinearMatMul<'a> {
    /// The output's zero point.
    pub output_zero_point: i8,
    /// int8 weights, `[K][N]`, row-major.
    pub weights: &'a [u8],
    /// Little-endian i32 accumulator offsets, one per column.
    pub offsets: &'a [u8],
    /// Little-endian f32 requantisation multipliers, one per column.
    pub multipliers: &'a [u8],
}

impl<'a> QLinearMatMul<'a> {
    /// The op's name in messages.
    pub const NAME: &'static str = "QLinearMatMul";

    /// Writes the parameters.
    pub fn encode(&self, record: &mut RecordWriter<'_>) {
        record.int(self.output_zero_point.into());
        record.data(self.weights);
        record.data(self.offsets);
        record.data(self.multipliers);
    }

    /// Reads the parameters.
    pub fn decode(record: &mut RecordReader<'a>) -> Result<QLinearMatMul<'a>, BlobError> {
        Ok(QLinearMatMul {
            output_zero_point: record.zero_point(Self::NAME)?,
            weights: record.data()?,
            offsets: record.data()?,
            multipliers: record.data()?,
        })
    }

    /// int8 `[M, K]` in, int8 `[M, N]` out; weights `K * N` bytes; offsets and multipliers
    /// sized for `N`; `N` accumulators fit the scratch.
    pub fn check(&self, operands: &Operands) -> Result<(), BlobError> {
        operands.expect_one_input(Self::NAME)?;
        let (input, output) = (&operands.input, &operands.output);
        let (&[rows, depth], &[out_rows, columns]) = (input.shape(), output.shape()) else {
            return Err(operands.bad(Self::NAME, "its input or output is not a matrix"));
        };
        if input.data_type != DataType::I8 || output.data_type != DataType::I8 {
            return Err(operands.bad(Self::NAME, "its input or output is not int8"));
        }
        if rows != out_rows {
            return Err(operands.bad(Self::NAME, "its input and output row counts differ"));
        }

        let weights = depth.checked_mul(columns);
        operands.expect_data(Self::NAME, "weights", self.weights, weights)?;
        let per_column = columns.checked_mul(4);
        operands.expect_data(Self::NAME, "offsets", self.offsets, per_column)?;
        operands.expect_data(Self::NAME, "multipliers", self.multipliers, per_column)?;
        operands.expect_scratch(Self::NAME, per_column)
    }

    /// Multiplies `input` of `[M, K]` into `output` of `[M, N]`, with `scratch` holding at
    /// least `N` accumulators.
    pub fn run(
        &self,
        depth: usize,
        columns: usize,
        input: &[i8],
        output: &mut [i8],
        scratch: &mut [i32],
    ) {
        let Some(accumulators) = scratch.get_mut(..columns) else {
            return;
        };
        let weights: &[i8] = bytemuck::cast_slice(self.weights);
        let rows = input.chunks_exact(depth.max(1));
        let out_rows = output.chunks_exact_mut(columns.max(1));

        for (row, out_row) in rows.zip(out_rows) {
            for (accumulator, offset) in accumulators.iter_mut().zip(self.offsets.chunks_exact(4))
            {
                *accumulator = le_i32(offset);
            }
            let (quads, rest) = row.as_chunks::<ROWS_AT_ONCE>();
            let weight_quads = weights.chunks_exact(ROWS_AT_ONCE * columns.max(1));
            for (&codes, weight_rows) in quads.iter().zip(weight_quads) {
                accumulate_rows(accumulators, codes.map(i32::from), weight_rows);
            }
            let rest_weights = weights.get(quads.len() * ROWS_AT_ONCE * columns..);
            let rest_rows = rest_weights
                .unwrap_or_default()
                .chunks_exact(columns.max(1));
            for (&code, weight_row) in rest.iter().zip(rest_rows) {
                accumulate_rows(accumulators, [i32::from(code)], weight_row);
            }

            let multipliers = self.multipliers.chunks_exact(4).map(le_f32);
            for ((out, &accumulator), multiplier) in
                out_row.iter_mut().zip(accumulators.iter()).zip(multipliers)
            {
                *out = requantize(accumulator, multiplier, self.output_zero_point);
            }
        }
    }
}

/// Adds `codes[i]` times weight row `i` of `weight_rows` (`N` rows back to back) to the
/// accumulators, all `N` rows in one pass over them (nothing when every code is 0).
fn accumulate_rows<const N: usize>(accumulators: &mut [i32], codes: [i32; N], weight_rows: &[i8]) {
    if codes == [0; N] {
        return;
    }
    let columns = weight_rows.len() / N;
    let rows: [&[i8]; N] =
        core::array::from_fn(|index| weight_rows.get(index * columns..).unwrap_or_default());

    for (column, accumulator) in accumulators.iter_mut().enumerate().take(columns) {
        let mut sum = *accumulator;
        for (row, code) in rows.iter().zip(codes) {
            let weight = row.get(column).map_or(0, |&weight| i32::from(weight));
            sum = sum.wrapping_add(code * weight);
        }
        *accumulator = sum;
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::operands;
    use super::super::{f32_bytes, i8_bytes, i32_bytes};
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn rows_times_weights_with_folded_zero_point() {
        // a = [[3, 1]] with zero point 1: (a - 1) = [2, 0].
        // w = [[1, -2], [4, 5]]: (a - 1) w = [2, -4].
        let weights = i8_bytes(&[1, -2, 4, 5]);
        // offset[n] = -1 * (column sum): [-5, -3].
        let offsets = i32_bytes(&[-5, -3]);
        let multipliers = f32_bytes(&[0.5, 1.25]);
        let op = QLinearMatMul {
            output_zero_point: -1,
            weights: &weights,
            offsets: &offsets,
            multipliers: &multipliers,
        };
        let mut output = [0; 2];
        let mut scratch = [0; 2];
        op.run(2, 2, &[3, 1], &mut output, &mut scratch);
        // 2 * 0.5 = 1 -> 0 with zero point; -4 * 1.25 = -5 -> -6.
        assert_eq!(output, [0, -6]);
    }

    #[test]
    fn rows_in_blocks_and_the_rest_sum_like_one_by_one() {
        let (depth, columns) = (7, 3);
        let weights: Vec<i8> = (0..depth * columns)
            .map(|index| ((index * 83 + 5) % 256) as u8 as i8)
            .collect();
        let input: Vec<i8> = (0..2 * depth)
            .map(|index| ((index * 59 + 200) % 256) as u8 as i8)
            .collect();
        let offsets = [7, -70_000, 123];
        let multipliers = [0.0001, 0.00003, 0.0002];
        let weight_bytes = i8_bytes(&weights);
        let (offset_bytes, multiplier_bytes) = (i32_bytes(&offsets), f32_bytes(&multipliers));
        let op = QLinearMatMul {
            output_zero_point: 4,
            weights: &weight_bytes,
            offsets: &offset_bytes,
            multipliers: &multiplier_bytes,
        };
        let mut output = [0; 6];
        let mut scratch = [0; 3];
        op.run(depth, columns, &input, &mut output, &mut scratch);

        for (index, &code) in output.iter().enumerate() {
            let (row, column) = (index / columns, index % columns);
            let sum: i32 = (0..depth)
                .map(|k| {
                    let weight = i32::from(weights[k * columns + column]);
                    i32::from(input[row * depth + k]) * weight
                })
                .sum();
            let expected = requantize(offsets[column] + sum, multipliers[column], 4);
            assert_eq!(code, expected, "{index}");
        }
    }

    #[test]
    fn shapes_and_sizes_are_checked() {
        let weights = [0_u8; 6];
        let per_column = [0_u8; 12];
        let op = QLinearMatMul {
            output_zero_point: 0,
            weights: &weights,
            offsets: &per_column,
            multipliers: &per_column,
        };
        let types = [DataType::I8; 2];
        assert_eq!(op.check(&operands(&[1, 2], &[1, 3], types)), Ok(()));
        assert!(op.check(&operands(&[1, 3], &[1, 3], types)).is_err());
        assert!(op.check(&operands(&[2, 2], &[1, 3], types)).is_err());
        assert!(op.check(&operands(&[1, 1, 2], &[1, 3], types)).is_err());
    }
}
