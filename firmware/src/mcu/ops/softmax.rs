//! Softmax over the last axis of an f32 tensor.

use super::super::error::BlobError;
use super::super::tensor::DataType;
use super::Operands;

/// `y = exp(x - max) / sum(exp(x - max))` along the last axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Softmax;

impl Softmax {
    /// The op's name in messages.
    pub const NAME: &'static str = "Softmax";

    /// f32 in, f32 out, same shape.
    pub fn check(&self, operands: &Operands) -> Result<(), BlobError> {
        operands.expect_one_input(Self::NAME)?;
        operands.expect_elementwise(Self::NAME, DataType::F32, DataType::F32)
    }

    /// Softmax of each row of `row_length` values of `input` into `output`.
    pub fn run(&self, row_length: usize, input: &[f32], output: &mut [f32]) {
        let rows = input.chunks_exact(row_length.max(1));
        let out_rows = output.chunks_exact_mut(row_length.max(1));
        for (row, out) in rows.zip(out_rows) {
            let max = row
                .iter()
                .fold(f32::NEG_INFINITY, |max, &value| max.max(value));
            let mut sum = 0.0;
            for (exp, &value) in out.iter_mut().zip(row) {
                *exp = libm::expf(value - max);
                sum += *exp;
            }

            let inverse_sum = 1.0 / sum;
            for probability in out.iter_mut() {
                *probability *= inverse_sum;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_becomes_a_distribution() {
        let input = [0.0, (2.0_f32).ln(), 5.0, 5.0];
        let mut output = [0.0; 4];
        Softmax.run(2, &input, &mut output);
        let expected = [1.0 / 3.0, 2.0 / 3.0, 0.5, 0.5];
        for (found, wanted) in output.iter().zip(expected) {
            assert!((found - wanted).abs() < 1e-6, "{output:?}");
        }
    }
}
