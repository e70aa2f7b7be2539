//! Add of two f32 tensors of one shape, or of an f32 tensor and a constant of its shape (the
//! bias after a QLinearMatMul's DequantizeLinear).

use super::super::error::BlobError;
use super::super::record::{RecordReader, RecordWriter};
use super::super::tensor::DataType;
use super::{Operands, le_f32};

/// `y = a + b`, element by element, `b` a second tensor or [`Add::constant`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Add<'a> {
    /// Little-endian f32 values of the constant operand, in the input's shape; empty when
    /// the op adds two tensors.
    pub constant: &'a [u8],
}

impl<'a> Add<'a> {
    /// The op's name in messages.
    pub const NAME: &'static str = "Add";

    /// Writes the parameters.
    pub fn encode(&self, record: &mut RecordWriter<'_>) {
        record.data(self.constant);
    }

    /// Reads the parameters.
    pub fn decode(record: &mut RecordReader<'a>) -> Result<Add<'a>, BlobError> {
        Ok(Add {
            constant: record.data()?,
        })
    }

    /// f32 operands and output of one shape; exactly one of a second tensor and a constant.
    pub fn check(&self, operands: &Operands) -> Result<(), BlobError> {
        operands.expect_elementwise(Self::NAME, DataType::F32, DataType::F32)?;
        match operands.second {
            Some(second) if self.constant.is_empty() => {
                if second.is(DataType::F32, operands.input.shape()) {
                    Ok(())
                } else {
                    Err(operands.bad(Self::NAME, "its two inputs differ in type or shape"))
                }
            }
            Some(_) => Err(operands.bad(Self::NAME, "it has both a second input and a constant")),
            None => {
                let expected = operands.input.elements().checked_mul(4);
                operands.expect_data(Self::NAME, "constant", self.constant, expected)
            }
        }
    }

    /// `output = first + second`, all of one length.
    pub fn run_tensors(&self, first: &[f32], second: &[f32], output: &mut [f32]) {
        for ((sum, &a), &b) in output.iter_mut().zip(first).zip(second) {
            *sum = a + b;
        }
    }

    /// `output = input + constant`, all of one length.
    pub fn run_constant(&self, input: &[f32], output: &mut [f32]) {
        let constant = self.constant.chunks_exact(4).map(le_f32);
        for ((sum, &a), b) in output.iter_mut().zip(input).zip(constant) {
            *sum = a + b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::f32_bytes;
    use super::super::testing::operands;
    use super::*;

    #[test]
    fn tensors_and_constants_add_element_by_element() {
        let mut output = [0.0; 3];
        let add = Add { constant: &[] };
        add.run_tensors(&[1.0, 2.0, 3.0], &[0.5, -2.0, 10.0], &mut output);
        assert_eq!(output, [1.5, 0.0, 13.0]);

        let bytes = f32_bytes(&[1.0, -1.0, 0.25]);
        let add = Add { constant: &bytes };
        add.run_constant(&[1.0, 2.0, 3.0], &mut output);
        assert_eq!(output, [2.0, 1.0, 3.25]);
    }

    #[test]
    fn a_constant_must_match_the_input_shape() {
        let bytes = f32_bytes(&[1.0; 5]);
        let add = Add { constant: &bytes };
        let types = [DataType::F32; 2];
        assert!(add.check(&operands(&[1, 5], &[1, 5], types)).is_ok());
        assert!(matches!(
            add.check(&operands(&[1, 6], &[1, 6], types)),
            Err(BlobError::DataSize { .. })
        ));
    }
}
