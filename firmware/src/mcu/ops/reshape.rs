//! Reshape and Flatten: the same elements under another shape (a copy in the arena).

use super::super::error::BlobError;
use super::Operands;

/// Copies the input's elements, in order, into an output of another shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reshape;

impl Reshape {
    /// The op's name in messages.
    pub const NAME: &'static str = "Reshape";

    /// Same element type and count.
    pub fn check(&self, operands: &Operands) -> Result<(), BlobError> {
        operands.expect_one_input(Self::NAME)?;
        let (input, output) = (&operands.input, &operands.output);
        if input.data_type != output.data_type || input.elements() != output.elements() {
            return Err(operands.bad(
                Self::NAME,
                "its output does not hold the same elements as its input",
            ));
        }
        Ok(())
    }

    /// Copies the arena words of `input` into those of `output` (same length).
    pub fn run(&self, input: &[u32], output: &mut [u32]) {
        for (out, &word) in output.iter_mut().zip(input) {
            *out = word;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::operands;
    use super::*;
    use crate::mcu::tensor::DataType;

    #[test]
    fn only_the_same_elements_may_be_reshaped() {
        let types = [DataType::F32; 2];
        assert!(
            Reshape
                .check(&operands(&[1, 4, 3, 3], &[1, 36], types))
                .is_ok()
        );
        assert!(
            Reshape
                .check(&operands(&[1, 4, 3, 3], &[1, 35], types))
                .is_err()
        );
        let mixed = [DataType::F32, DataType::I8];
        assert!(Reshape.check(&operands(&[1, 36], &[1, 36], mixed)).is_err());
    }
}
