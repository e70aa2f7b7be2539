//! DequantizeLinear: int8 codes to f32 with one scale and zero point for the whole tensor.

use super::super::error::BlobError;
use super::super::record::{RecordReader, RecordWriter};
use super::super::tensor::DataType;
use super::{Operands, check_scale};

/// `y = (x - zero_point) * scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DequantizeLinear {
    /// The input's scale.
    pub scale: f32,
    /// The input's zero point.
    pub zero_point: i8,
}

impl DequantizeLinear {
    /// The op's name in messages.
    pub const NAME: &'static str = "DequantizeLinear";

    /// Writes the parameters.
    pub fn encode(&self, record: &mut RecordWriter<'_>) {
        record.float(self.scale);
        record.int(self.zero_point.into());
    }

    /// Reads the parameters.
    pub fn decode(record: &mut RecordReader<'_>) -> Result<DequantizeLinear, BlobError> {
        let scale = record.float();
        let zero_point = record.zero_point(Self::NAME)?;
        check_scale(record.op(), Self::NAME, scale)?;
        Ok(DequantizeLinear { scale, zero_point })
    }

    /// int8 in, f32 out, same shape.
    pub fn check(&self, operands: &Operands) -> Result<(), BlobError> {
        operands.expect_one_input(Self::NAME)?;
        operands.expect_elementwise(Self::NAME, DataType::I8, DataType::F32)
    }

    /// Dequantises `input` into `output` (same length).
    pub fn run(&self, input: &[i8], output: &mut [f32]) {
        let zero_point = i32::from(self.zero_point);
        for (value, &code) in output.iter_mut().zip(input) {
            *value = (i32::from(code) - zero_point) as f32 * self.scale;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_shifted_and_scaled() {
        let op = DequantizeLinear {
            scale: 0.25,
            zero_point: -128,
        };
        let mut output = [0.0; 3];
        op.run(&[-128, 0, 127], &mut output);
        assert_eq!(output, [0.0, 32.0, 63.75]);
    }
}
