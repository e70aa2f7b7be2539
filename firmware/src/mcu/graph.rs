//! The op list: which op kinds exist, their codes, and one op record decoded or encoded.
//!
//! The graph is a straight list: op `i` reads tensors written by earlier ops (or the model
//! input) and writes one tensor. The converter keeps the ONNX graph's topological order.

use alloc::vec::Vec;

use super::error::BlobError;
use super::ops::{
    Add, AveragePool, DequantizeLinear, MaxPool, Operands, QLinearConv, QLinearMatMul,
    QuantizeLinear, Relu, Reshape, Softmax,
};
use super::record::{OpIo, RECORD_BYTES, RecordReader, RecordWriter};
use super::tensor::TensorInfo;

/// The kinds of op the engine runs, with their codes in the op table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum OpKind {
    /// f32 to int8.
    QuantizeLinear = 1,
    /// int8 to f32.
    DequantizeLinear = 2,
    /// int8 convolution.
    QLinearConv = 3,
    /// int8 matrix product with constant weights.
    QLinearMatMul = 4,
    /// Max pooling of int8 codes.
    MaxPool = 5,
    /// Average pooling of f32 values.
    AveragePool = 6,
    /// f32 Relu.
    Relu = 7,
    /// f32 addition of two tensors or of a constant.
    Add = 8,
    /// The same elements under another shape.
    Reshape = 9,
    /// f32 softmax over the last axis.
    Softmax = 10,
}

impl OpKind {
    /// Every kind, in code order.
    pub const ALL: [OpKind; 10] = [
        OpKind::QuantizeLinear,
        OpKind::DequantizeLinear,
        OpKind::QLinearConv,
        OpKind::QLinearMatMul,
        OpKind::MaxPool,
        OpKind::AveragePool,
        OpKind::Relu,
        OpKind::Add,
        OpKind::Reshape,
        OpKind::Softmax,
    ];

    /// The kind's code in the op table.
    pub fn code(self) -> u32 {
        self as u32
    }

    /// The kind with `code`, if any.
    pub fn from_code(code: u32) -> Option<OpKind> {
        OpKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// The kind's name (the ONNX op it runs).
    pub fn name(self) -> &'static str {
        match self {
            OpKind::QuantizeLinear => QuantizeLinear::NAME,
            OpKind::DequantizeLinear => DequantizeLinear::NAME,
            OpKind::QLinearConv => QLinearConv::NAME,
            OpKind::QLinearMatMul => QLinearMatMul::NAME,
            OpKind::MaxPool => MaxPool::NAME,
            OpKind::AveragePool => AveragePool::NAME,
            OpKind::Relu => Relu::NAME,
            OpKind::Add => Add::NAME,
            OpKind::Reshape => Reshape::NAME,
            OpKind::Softmax => Softmax::NAME,
        }
    }
}

/// One op with its parameters; the data it refers to is borrowed from the blob.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op<'a> {
    /// f32 to int8.
    QuantizeLinear(QuantizeLinear),
    /// int8 to f32.
    DequantizeLinear(DequantizeLinear),
    /// int8 convolution.
    QLinearConv(QLinearConv<'a>),
    /// int8 matrix product.
    QLinearMatMul(QLinearMatMul<'a>),
    /// int8 max pooling.
    MaxPool(MaxPool),
    /// f32 average pooling.
    AveragePool(AveragePool),
    /// f32 Relu.
    Relu(Relu),
    /// f32 addition.
    Add(Add<'a>),
    /// Reshape or Flatten.
    Reshape(Reshape),
    /// f32 softmax.
    Softmax(Softmax),
}

impl Op<'_> {
    /// The op's kind.
    pub fn kind(&self) -> OpKind {
        match self {
            Op::QuantizeLinear(_) => OpKind::QuantizeLinear,
            Op::DequantizeLinear(_) => OpKind::DequantizeLinear,
            Op::QLinearConv(_) => OpKind::QLinearConv,
            Op::QLinearMatMul(_) => OpKind::QLinearMatMul,
            Op::MaxPool(_) => OpKind::MaxPool,
            Op::AveragePool(_) => OpKind::AveragePool,
            Op::Relu(_) => OpKind::Relu,
            Op::Add(_) => OpKind::Add,
            Op::Reshape(_) => OpKind::Reshape,
            Op::Softmax(_) => OpKind::Softmax,
        }
    }

    /// Bytes of the arena's scratch the op needs, for an `output` of its type: a tile of
    /// packed patches and two packed filters for a convolution, one output row of int32
    /// accumulators for a matrix product.
    pub fn scratch_bytes(&self, output: &TensorInfo) -> usize {
        match self {
            Op::QLinearConv(op) => output
                .chw()
                .and_then(|chw| op.scratch_bytes(chw))
                .unwrap_or(0),
            Op::QLinearMatMul(_) => output.shape().last().map_or(0, |columns| columns * 4),
            _ => 0,
        }
    }

    /// Checks the op against its resolved tensors.
    pub fn check(&self, operands: &Operands) -> Result<(), BlobError> {
        match self {
            Op::QuantizeLinear(op) => op.check(operands),
            Op::DequantizeLinear(op) => op.check(operands),
            Op::QLinearConv(op) => op.check(operands),
            Op::QLinearMatMul(op) => op.check(operands),
            Op::MaxPool(op) => op.check(operands),
            Op::AveragePool(op) => op.check(operands),
            Op::Relu(op) => op.check(operands),
            Op::Add(op) => op.check(operands),
            Op::Reshape(op) => op.check(operands),
            Op::Softmax(op) => op.check(operands),
        }
    }
}

/// An op of the list with the tensors it reads and writes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpNode<'a> {
    /// The op and its parameters.
    pub op: Op<'a>,
    /// Index of the tensor it writes.
    pub output: u32,
    /// Index of the tensor it reads.
    pub input: u32,
    /// Index of its second input tensor (only [`Op::Add`] of two tensors has one).
    pub second: Option<u32>,
}

impl<'a> OpNode<'a> {
    /// Decodes op `index`'s `record`, resolving its data references in `data`.
    pub fn decode(
        index: usize,
        record: &'a [u8; RECORD_BYTES],
        data: &'a [u8],
    ) -> Result<OpNode<'a>, BlobError> {
        let io = OpIo::read(record);
        let kind = OpKind::from_code(io.kind).ok_or(BlobError::UnknownOp {
            op: index,
            kind: io.kind,
        })?;
        let Some(input) = io.inputs[0] else {
            return Err(BlobError::BadOp {
                op: index,
                kind: kind.name(),
                problem: "it reads no tensor",
            });
        };

        let mut reader = RecordReader::new(index, record, data);
        let op = decode_parameters(kind, &mut reader)?;
        reader.finish(kind.name())?;
        Ok(OpNode {
            op,
            output: io.output,
            input,
            second: io.inputs[1],
        })
    }

    /// The record of this op, appending its data to `data`.
    pub fn encode(&self, data: &mut Vec<u8>) -> [u8; RECORD_BYTES] {
        let io = OpIo {
            kind: self.op.kind().code(),
            output: self.output,
            inputs: [Some(self.input), self.second],
        };
        let mut record = RecordWriter::new(io, data);
        match &self.op {
            Op::QuantizeLinear(op) => op.encode(&mut record),
            Op::DequantizeLinear(op) => op.encode(&mut record),
            Op::QLinearConv(op) => op.encode(&mut record),
            Op::QLinearMatMul(op) => op.encode(&mut record),
            Op::MaxPool(op) => op.encode(&mut record),
            Op::AveragePool(op) => op.encode(&mut record),
            Op::Add(op) => op.encode(&mut record),
            Op::Relu(_) | Op::Reshape(_) | Op::Softmax(_) => {}
        }
        record.into_bytes()
    }
}

/// The parameters of an op of `kind`.
fn decode_parameters<'a>(
    kind: OpKind,
    reader: &mut RecordReader<'a>,
) -> Result<Op<'a>, BlobError> {
    Ok(match kind {
        OpKind::QuantizeLinear => Op::QuantizeLinear(QuantizeLinear::decode(reader)?),
        OpKind::DequantizeLinear => Op::DequantizeLinear(DequantizeLinear::decode(reader)?),
        OpKind::QLinearConv => Op::QLinearConv(QLinearConv::decode(reader)?),
        OpKind::QLinearMatMul => Op::QLinearMatMul(QLinearMatMul::decode(reader)?),
        OpKind::MaxPool => Op::MaxPool(MaxPool::decode(reader)?),
        OpKind::AveragePool => Op::AveragePool(AveragePool::decode(reader)?),
        OpKind::Relu => Op::Relu(Relu),
        OpKind::Add => Op::Add(Add::decode(reader)?),
        OpKind::Reshape => Op::Reshape(Reshape),
        OpKind::Softmax => Op::Softmax(Softmax),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcu::window::Window;

    fn window() -> Window {
        Window {
            kernel: [3, 2],
            strides: [2, 1],
            dilations: [1, 2],
            pads: [1, 0, 2, 0],
        }
    }

    #[test]
    fn every_kind_round_trips_through_its_record() {
        let weights = [1_u8, 2, 3];
        let words = [4_u8; 8];
        let ops = [
            Op::QuantizeLinear(QuantizeLinear {
                scale: 0.5,
                zero_point: -3,
            }),
            Op::DequantizeLinear(DequantizeLinear {
                scale: 0.25,
                zero_point: 7,
            }),
            Op::QLinearConv(QLinearConv {
                input_zero_point: -128,
                output_zero_point: 127,
                window: window(),
                weights: &weights,
                offsets: &words,
                multipliers: &words,
            }),
            Op::QLinearMatMul(QLinearMatMul {
                output_zero_point: 1,
                weights: &weights,
                offsets: &words,
                multipliers: &words,
            }),
            Op::MaxPool(MaxPool { window: window() }),
            Op::AveragePool(AveragePool {
                window: window(),
                count_include_pad: true,
            }),
            Op::Relu(Relu),
            Op::Add(Add { constant: &words }),
            Op::Reshape(Reshape),
            Op::Softmax(Softmax),
        ];
        assert_eq!(ops.len(), OpKind::ALL.len());

        for (index, op) in ops.into_iter().enumerate() {
            let node = OpNode {
                op,
                output: 9,
                input: 4,
                second: (op.kind() == OpKind::Add).then_some(5),
            };
            let mut data = Vec::new();
            let record = node.encode(&mut data);
            assert_eq!(OpNode::decode(index, &record, &data), Ok(node), "{op:?}");
            assert_eq!(OpKind::from_code(op.kind().code()), Some(op.kind()));
        }
    }

    #[test]
    fn an_unknown_kind_code_is_refused() {
        let mut record = [0; RECORD_BYTES];
        record[0] = 99;
        assert_eq!(
            OpNode::decode(3, &record, &[]),
            Err(BlobError::UnknownOp { op: 3, kind: 99 })
        );
    }
}
