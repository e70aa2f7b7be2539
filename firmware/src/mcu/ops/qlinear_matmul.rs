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
            for (&code, weight_row) in row.iter().zip(weights.chunks_exact(columns.max(1))) {
                accumulate_row(accumulators, i32::from(code), weight_row);
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

/// Adds `code` times one weight row to the accumulators (nothing for a code of 0).
fn accumulate_row(accumulators: &mut [i32], code: i32, weight_row: &[i8]) {
    if code == 0 {
        return;
    }
    for (accumulator, &weight) in accumulators.iter_mut().zip(weight_row) {
        *accumulator = accumulator.wrapping_add(code * i32::from(weight));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::operands;
    use super::super::{f32_bytes, i8_bytes, i32_bytes};
    use super::*;

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
