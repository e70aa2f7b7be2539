//! The op kinds of the engine, one file each: parameters, their record encoding, the checks
//! against the op's tensors, and the kernel.
//!
//! Kernels take exact-length slices of their tensors (the engine cuts them from the arena
//! after the blob's checks) and never allocate.

mod add;
mod average_pool;
mod dequantize_linear;
mod max_pool;
mod packed;
mod qlinear_conv;
mod qlinear_matmul;
mod quantize_linear;
mod relu;
mod reshape;
mod softmax;

pub use add::Add;
pub use average_pool::AveragePool;
pub use dequantize_linear::DequantizeLinear;
pub use max_pool::MaxPool;
pub use qlinear_conv::QLinearConv;
pub use qlinear_matmul::QLinearMatMul;
pub use quantize_linear::QuantizeLinear;
pub use relu::Relu;
pub use reshape::Reshape;
pub use softmax::Softmax;

use super::error::BlobError;
use super::tensor::{DataType, TensorInfo};

/// The tensors one op reads and writes, resolved from the tensor table, and the arena's
/// scratch size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operands {
    /// The op's index in the op table.
    pub op: usize,
    /// The tensor it writes.
    pub output: TensorInfo,
    /// The tensor it reads.
    pub input: TensorInfo,
    /// The second tensor it reads, for ops with two inputs.
    pub second: Option<TensorInfo>,
    /// Bytes of scratch the arena has.
    pub scratch_bytes: usize,
}

impl Operands {
    /// An error about this op.
    pub fn bad(&self, kind: &'static str, problem: &'static str) -> BlobError {
        BlobError::BadOp {
            op: self.op,
            kind,
            problem,
        }
    }

    /// Refuses a second input for a one-input op.
    pub fn expect_one_input(&self, kind: &'static str) -> Result<(), BlobError> {
        match self.second {
            None => Ok(()),
            Some(_) => Err(self.bad(kind, "it reads two tensors; it takes one")),
        }
    }

    /// Requires input and output of the same shape, of types `input` and `output`.
    pub fn expect_elementwise(
        &self,
        kind: &'static str,
        input: DataType,
        output: DataType,
    ) -> Result<(), BlobError> {
        if self.input.data_type != input || self.output.data_type != output {
            return Err(self.bad(kind, "its input or output has the wrong element type"));
        }
        if self.input.shape() != self.output.shape() {
            return Err(self.bad(kind, "its input and output shapes differ"));
        }
        Ok(())
    }

    /// Requires `data` to be `expected` bytes.
    pub fn expect_data(
        &self,
        kind: &'static str,
        what: &'static str,
        data: &[u8],
        expected: Option<usize>,
    ) -> Result<(), BlobError> {
        match expected {
            Some(expected) if expected == data.len() => Ok(()),
            _ => Err(BlobError::DataSize {
                op: self.op,
                kind,
                what,
                expected: expected.unwrap_or(usize::MAX),
                found: data.len(),
            }),
        }
    }

    /// Requires at least `bytes` of scratch (`None`: a size that overflowed).
    pub fn expect_scratch(
        &self,
        kind: &'static str,
        bytes: Option<usize>,
    ) -> Result<(), BlobError> {
        match bytes {
            Some(bytes) if bytes <= self.scratch_bytes => Ok(()),
            _ => Err(self.bad(kind, "its accumulators do not fit the arena's scratch")),
        }
    }
}

/// Refuses a scale that is not a positive finite number.
pub fn check_scale(op: usize, kind: &'static str, scale: f32) -> Result<(), BlobError> {
    if scale.is_finite() && scale > 0.0 {
        Ok(())
    } else {
        Err(BlobError::BadOp {
            op,
            kind,
            problem: "its scale is not a positive finite number",
        })
    }
}

/// The little-endian `i32` in a 4-byte chunk (0 for a shorter one, which the checks rule
/// out).
pub fn le_i32(chunk: &[u8]) -> i32 {
    chunk
        .first_chunk::<4>()
        .map_or(0, |bytes| i32::from_le_bytes(*bytes))
}

/// The little-endian `f32` in a 4-byte chunk (0 for a shorter one, which the checks rule
/// out).
pub fn le_f32(chunk: &[u8]) -> f32 {
    chunk
        .first_chunk::<4>()
        .map_or(0.0, |bytes| f32::from_le_bytes(*bytes))
}

/// Little-endian bytes of `values`, as the blob stores `i32` data.
pub fn i32_bytes(values: &[i32]) -> alloc::vec::Vec<u8> {
    values
        .iter()
        .flat_map(|value| value.to_le_bytes())
        .collect()
}

/// Little-endian bytes of `values`, as the blob stores `f32` data.
pub fn f32_bytes(values: &[f32]) -> alloc::vec::Vec<u8> {
    values
        .iter()
        .flat_map(|value| value.to_le_bytes())
        .collect()
}

/// Bytes of `values`, as the blob stores int8 weights.
pub fn i8_bytes(values: &[i8]) -> alloc::vec::Vec<u8> {
    values.iter().map(|&value| value as u8).collect()
}

#[cfg(test)]
pub(crate) mod testing {
    //! Small tensors for the kernels' hand-computed cases.

    use super::*;

    /// Operands of op 0 reading `input` and writing `output`, with `scratch` bytes.
    pub fn operands(input: &[usize], output: &[usize], types: [DataType; 2]) -> Operands {
        Operands {
            op: 0,
            output: TensorInfo::new(types[1], output, 0),
            input: TensorInfo::new(types[0], input, 0),
            second: None,
            scratch_bytes: 1 << 16,
        }
    }
}
