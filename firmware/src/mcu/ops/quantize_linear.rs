//! QuantizeLinear: f32 to int8 codes with one scale and zero point for the whole tensor.

use super::super::error::BlobError;
use super::super::record::{RecordReader, RecordWriter};
use super::super::requant::quantize;
use super::super::tensor::DataType;
use super::{Operands, check_scale};

/// `y = saturate(round_half_to_even(x / scale) + zero_point)`.
///
/// The division is a multiplication by `1 / scale`, as tract computes it, so both engines
/// give the same codes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantizeLinear {
    /// The output's scale.
    pub scale: f32,
    /// The output's zero point.
    pub zero_point: i8,
}

impl QuantizeLinear {
    /// The op's name in messages.
    pub const NAME: &'static str = "QuantizeLinear";

    /// Writes the parameters.
    pub fn encode(&self, record: &mut RecordWriter<'_>) {
        record.float(self.scale);
        record.int(self.zero_point.into());
    }

    /// Reads the parameters.
    pub fn decode(record: &mut RecordReader<'_>) -> Result<QuantizeLinear, BlobError> {
        let scale = record.float();
        let zero_point = record.zero_point(Self::NAME)?;
        check_scale(record.op(), Self::NAME, scale)?;
        Ok(QuantizeLinear { scale, zero_point })
    }

    /// f32 in, int8 out, same shape.
    pub fn check(&self, operands: &Operands) -> Result<(), BlobError> {
        operands.expect_one_input(Self::NAME)?;
        operands.expect_elementwise(Self::NAME, DataType::F32, DataType::I8)
    }

    /// Quantises `input` into `output` (same length).
    pub fn run(&self, input: &[f32], output: &mut [i8]) {
        let inverse_scale = 1.0 / self.scale;
        for (code, &value) in output.iter_mut().zip(input) {
            *code = quantize(value, inverse_scale, self.zero_point);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_scaled_rounded_to_even_and_saturated() {
        let op = QuantizeLinear {
            scale: 0.5,
            zero_point: -10,
        };
        let input = [0.0, 0.25, 0.75, 1.0, -3.0, 100.0, -100.0];
        let mut output = [0; 7];
        op.run(&input, &mut output);
        // 0.25 / 0.5 = 0.5 -> 0; 0.75 / 0.5 = 1.5 -> 2.
        assert_eq!(output, [-10, -10, -8, -8, -16, 127, -128]);
    }
}
