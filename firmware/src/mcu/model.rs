//! A parsed and fully checked model blob, borrowing its bytes (in flash on the device).

use shared::INPUT_SIDE;
use shared::keypoints::KEYPOINT_COORDS;
use shared::labels::EMOTION_CLASSES;

use super::error::BlobError;
use super::graph::OpNode;
use super::header::{HEADER_BYTES, Header};
use super::liveness::check_liveness;
use super::ops::Operands;
use super::record::{ALIGNMENT, RECORD_BYTES};
use super::tensor::{DataType, TENSOR_ENTRY_BYTES, TensorInfo};

/// A tensor the model contract fixes: its role, f32 shape and how messages write it.
struct ContractTensor {
    role: &'static str,
    shape: &'static [usize],
    text: &'static str,
}

/// The contract's input.
const INPUT: ContractTensor = ContractTensor {
    role: "input",
    shape: &[1, 1, INPUT_SIDE, INPUT_SIDE],
    text: "f32 [1, 1, 96, 96]",
};

/// The contract's keypoints output.
const KEYPOINTS: ContractTensor = ContractTensor {
    role: "keypoints",
    shape: &[1, KEYPOINT_COORDS],
    text: "f32 [1, 30]",
};

/// The contract's emotion output.
const EMOTION: ContractTensor = ContractTensor {
    role: "emotion",
    shape: &[1, EMOTION_CLASSES],
    text: "f32 [1, 5]",
};

/// A model blob that passed every check of [`McuModel::parse`]; the weights stay in the
/// borrowed bytes.
#[derive(Debug, Clone, Copy)]
pub struct McuModel<'a> {
    header: Header,
    tensors: &'a [u8],
    ops: &'a [u8],
    data: &'a [u8],
    input: TensorInfo,
    keypoints: TensorInfo,
    emotion: TensorInfo,
}

impl<'a> McuModel<'a> {
    /// Parses `bytes` without copying or allocating, and checks all of it: magic, version,
    /// length and CRC-32; the sections' places; every tensor entry against the arena; every
    /// op's kind, parameters, tensor indices, shapes and data sizes; that no op writes over
    /// a tensor before its last reader reads it; the arena and scratch sizes; and the model
    /// contract (`input` f32 [1, 1, 96, 96], `keypoints` f32 [1, 30], `emotion` f32 [1, 5]).
    pub fn parse(bytes: &'a [u8]) -> Result<McuModel<'a>, BlobError> {
        let header = Header::read(bytes)?;
        let [tensors, ops, data] = locate_sections(&header, bytes)?;
        check_label_count(&header)?;
        let placeholder = TensorInfo::new(DataType::F32, &[1], 0);
        let mut model = McuModel {
            header,
            tensors,
            ops,
            data,
            input: placeholder,
            keypoints: placeholder,
            emotion: placeholder,
        };

        let tensor_end = model.check_tensors()?;
        let scratch_needed = model.check_ops()?;
        model.check_arena(tensor_end, scratch_needed)?;
        model.input = model.contract_tensor(header.input_tensor, &INPUT)?;
        model.keypoints = model.contract_tensor(header.keypoints_tensor, &KEYPOINTS)?;
        model.emotion = model.contract_tensor(header.emotion_tensor, &EMOTION)?;
        check_liveness(&model)?;
        Ok(model)
    }

    /// SHA-256 of the int8 ONNX file the blob was converted from.
    pub fn model_sha256(&self) -> &[u8; 32] {
        &self.header.model_sha256
    }

    /// Bytes of RAM the engine allocates for the arena (peak RAM of an inference).
    pub fn arena_bytes(&self) -> usize {
        self.header.arena_bytes
    }

    /// Bytes of the arena's scratch (int32 accumulators), part of [`McuModel::arena_bytes`].
    pub fn scratch_bytes(&self) -> usize {
        self.header.scratch_bytes
    }

    /// Number of ops an inference runs.
    pub fn op_count(&self) -> usize {
        self.header.op_count
    }

    /// Number of tensors in the tensor table.
    pub fn tensor_count(&self) -> usize {
        self.header.tensor_count
    }

    /// Bytes of the blob.
    pub fn blob_bytes(&self) -> usize {
        self.header.total_bytes
    }

    /// Bytes of the data section: weights, offsets, multipliers and constants.
    pub fn data_bytes(&self) -> usize {
        self.data.len()
    }

    /// Emotion labels the model scores.
    pub fn label_count(&self) -> usize {
        self.header.label_count as usize
    }

    /// The model input tensor (f32 [1, 1, 96, 96]).
    pub fn input(&self) -> TensorInfo {
        self.input
    }

    /// The keypoints output tensor (f32 [1, 30]).
    pub fn keypoints(&self) -> TensorInfo {
        self.keypoints
    }

    /// The emotion output tensor (f32 [1, 5]).
    pub fn emotion(&self) -> TensorInfo {
        self.emotion
    }

    /// Op `index`, decoded.
    pub fn op(&self, index: usize) -> Result<OpNode<'a>, BlobError> {
        let record = self.record(index).ok_or(BlobError::BadSection {
            section: "op table",
            problem: "has fewer records than the header counts",
        })?;
        OpNode::decode(index, record, self.data)
    }

    /// Tensor `index` as op `op` names it.
    pub fn tensor(&self, op: usize, index: u32) -> Result<TensorInfo, BlobError> {
        let out_of_range = BlobError::TensorIndex {
            op,
            tensor: index,
            tensors: self.header.tensor_count,
        };
        let start = (index as usize)
            .checked_mul(TENSOR_ENTRY_BYTES)
            .ok_or(out_of_range)?;
        let entry = self
            .tensors
            .get(start..start + TENSOR_ENTRY_BYTES)
            .and_then(|entry| <&[u8; TENSOR_ENTRY_BYTES]>::try_from(entry).ok())
            .ok_or(out_of_range)?;
        TensorInfo::decode(index as usize, entry, self.tensor_region())
    }

    /// The tensors op `index` (`node`) reads and writes.
    pub fn operands(&self, index: usize, node: &OpNode<'_>) -> Result<Operands, BlobError> {
        let second = match node.second {
            Some(tensor) => Some(self.tensor(index, tensor)?),
            None => None,
        };
        Ok(Operands {
            op: index,
            output: self.tensor(index, node.output)?,
            input: self.tensor(index, node.input)?,
            second,
            scratch_bytes: self.header.scratch_bytes,
        })
    }

    /// Indices of the input, keypoints and emotion tensors.
    pub(crate) fn contract_indices(&self) -> [u32; 3] {
        [
            self.header.input_tensor,
            self.header.keypoints_tensor,
            self.header.emotion_tensor,
        ]
    }

    /// The raw record of op `index`.
    pub(crate) fn record(&self, index: usize) -> Option<&'a [u8; RECORD_BYTES]> {
        let start = index.checked_mul(RECORD_BYTES)?;
        let record = self.ops.get(start..start.checked_add(RECORD_BYTES)?)?;
        <&[u8; RECORD_BYTES]>::try_from(record).ok()
    }

    /// Bytes of the arena before the scratch.
    fn tensor_region(&self) -> usize {
        self.header
            .arena_bytes
            .saturating_sub(self.header.scratch_bytes)
    }

    /// Decodes every tensor entry; returns the end of the highest one in the arena.
    fn check_tensors(&self) -> Result<usize, BlobError> {
        let mut end = 0;
        for index in 0..self.header.tensor_count {
            let tensor = self.tensor(0, index as u32)?;
            end = end.max(tensor.arena_range().end);
        }
        Ok(end)
    }

    /// Decodes and checks every op; returns the most scratch one needs.
    fn check_ops(&self) -> Result<usize, BlobError> {
        let mut scratch = 0;
        for index in 0..self.header.op_count {
            let node = self.op(index)?;
            let operands = self.operands(index, &node)?;
            node.op.check(&operands)?;
            check_no_overlap(index, &node, &operands)?;
            scratch = scratch.max(node.op.scratch_bytes(&operands.output));
        }
        Ok(scratch)
    }

    /// The arena must be exactly the tensors' extent plus the scratch the ops need, so
    /// [`McuModel::arena_bytes`] is what an inference really uses.
    fn check_arena(&self, tensor_end: usize, scratch_needed: usize) -> Result<(), BlobError> {
        let needed = tensor_end.saturating_add(scratch_needed);
        let exact = self.header.scratch_bytes == scratch_needed
            && self.header.arena_bytes == needed
            && scratch_needed.is_multiple_of(ALIGNMENT);
        if exact {
            Ok(())
        } else {
            Err(BlobError::ArenaSize {
                declared: self.header.arena_bytes,
                needed,
            })
        }
    }

    /// Tensor `index`, which must be the contract's `wanted` tensor.
    fn contract_tensor(
        &self,
        index: u32,
        wanted: &ContractTensor,
    ) -> Result<TensorInfo, BlobError> {
        let breach = BlobError::Contract {
            role: wanted.role,
            expected: wanted.text,
        };
        let tensor = self
            .tensor(self.header.op_count, index)
            .map_err(|_| breach)?;
        if tensor.is(DataType::F32, wanted.shape) {
            Ok(tensor)
        } else {
            Err(breach)
        }
    }
}

/// The tensor table, op table and data section, checked to lie one after the other, aligned,
/// right after the header and up to the blob's end.
fn locate_sections<'a>(header: &Header, bytes: &'a [u8]) -> Result<[&'a [u8]; 3], BlobError> {
    let tensor_bytes = header.tensor_count.checked_mul(TENSOR_ENTRY_BYTES);
    let op_bytes = header.op_count.checked_mul(RECORD_BYTES);
    let sections = [
        (
            "tensor table",
            header.tensors_offset,
            HEADER_BYTES,
            tensor_bytes,
        ),
        (
            "op table",
            header.ops_offset,
            header
                .tensors_offset
                .saturating_add(tensor_bytes.unwrap_or(0)),
            op_bytes,
        ),
        (
            "data",
            header.data_offset,
            header.ops_offset.saturating_add(op_bytes.unwrap_or(0)),
            Some(header.data_bytes),
        ),
    ];

    let mut located: [&[u8]; 3] = [&[]; 3];
    for (slot, (section, offset, expected_offset, length)) in located.iter_mut().zip(sections) {
        let bad = |problem| BlobError::BadSection { section, problem };
        if offset != expected_offset || !offset.is_multiple_of(ALIGNMENT) {
            return Err(bad("does not start right after the previous one"));
        }
        *slot = length
            .and_then(|length| bytes.get(offset..offset.checked_add(length)?))
            .ok_or(bad("runs past the end of the blob"))?;
    }
    let data_end = header.data_offset.saturating_add(header.data_bytes);
    if data_end != header.total_bytes {
        return Err(BlobError::BadSection {
            section: "data",
            problem: "does not end at the end of the blob",
        });
    }
    Ok(located)
}

/// The header's label count must be the device's.
fn check_label_count(header: &Header) -> Result<(), BlobError> {
    if header.label_count as usize == EMOTION_CLASSES {
        Ok(())
    } else {
        Err(BlobError::LabelCount {
            found: header.label_count,
            expected: EMOTION_CLASSES,
        })
    }
}

/// An op must not write over the arena bytes of what it reads.
fn check_no_overlap(
    index: usize,
    node: &OpNode<'_>,
    operands: &Operands,
) -> Result<(), BlobError> {
    let inputs = [
        Some((node.input, operands.input)),
        node.second.zip(operands.second),
    ];
    for (tensor, input) in inputs.into_iter().flatten() {
        if input.overlaps(&operands.output) {
            return Err(BlobError::OverlappingTensors {
                op: index,
                input: tensor as usize,
                output: node.output as usize,
            });
        }
    }
    Ok(())
}
