//! Relu on f32 tensors.

use super::super::error::BlobError;
use super::super::tensor::DataType;
use super::Operands;

/// `y = max(x, 0)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relu;

impl Relu {
    /// The op's name in messages.
    pub const NAME: &'static str = "Relu";

    /// f32 in, f32 out, same shape.
    pub fn check(&self, operands: &Operands) -> Result<(), BlobError> {
        operands.expect_one_input(Self::NAME)?;
        operands.expect_elementwise(Self::NAME, DataType::F32, DataType::F32)
    }

    /// Clamps `input` at 0 into `output` (same length).
    pub fn run(&self, input: &[f32], output: &mut [f32]) {
        for (out, &value) in output.iter_mut().zip(input) {
            *out = value.max(0.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negatives_become_zero() {
        let mut output = [9.0; 3];
        Relu.run(&[-1.5, 0.0, 2.0], &mut output);
        assert_eq!(output, [0.0, 0.0, 2.0]);
    }
}
