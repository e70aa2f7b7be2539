//! The blob as a whole: header, tensor table, op table and data section, one after the
//! other, each 4-byte aligned. [`super::McuModel::parse`] reads it; [`write_blob`] (used by
//! the host converter) writes it, with the same header, entry and record code.
//!
//! | section | bytes |
//! |---|---|
//! | header | [`HEADER_BYTES`] |
//! | tensor table | 32 per tensor |
//! | op table | 96 per op |
//! | data | weights, offsets, multipliers and constants, each 4-byte aligned |

use alloc::vec;
use alloc::vec::Vec;

use super::graph::OpNode;
use super::header::{HEADER_BYTES, Header};
use super::record::{RECORD_BYTES, pad_to_alignment};
use super::tensor::{TENSOR_ENTRY_BYTES, TensorInfo};

/// Everything a blob holds, as the converter lowered it.
#[derive(Debug, Clone, PartialEq)]
pub struct BlobContents<'a> {
    /// SHA-256 of the int8 ONNX file converted.
    pub model_sha256: [u8; 32],
    /// Emotion labels the model scores.
    pub label_count: u32,
    /// Bytes of the arena: the tensors' extent plus the scratch.
    pub arena_bytes: usize,
    /// Bytes of scratch at the arena's end.
    pub scratch_bytes: usize,
    /// Index of the model input tensor.
    pub input_tensor: u32,
    /// Index of the keypoints output tensor.
    pub keypoints_tensor: u32,
    /// Index of the emotion output tensor.
    pub emotion_tensor: u32,
    /// The tensor table.
    pub tensors: Vec<TensorInfo>,
    /// The op list, in execution order.
    pub ops: Vec<OpNode<'a>>,
}

/// The blob's bytes.
pub fn write_blob(contents: &BlobContents<'_>) -> Vec<u8> {
    let mut data = Vec::new();
    let records: Vec<[u8; RECORD_BYTES]> = contents
        .ops
        .iter()
        .map(|node| node.encode(&mut data))
        .collect();
    pad_to_alignment(&mut data);

    let tensors_offset = HEADER_BYTES;
    let ops_offset = tensors_offset + contents.tensors.len() * TENSOR_ENTRY_BYTES;
    let data_offset = ops_offset + records.len() * RECORD_BYTES;
    let total_bytes = data_offset + data.len();

    let mut blob = vec![0; total_bytes];
    let tensor_table = blob[tensors_offset..ops_offset].chunks_exact_mut(TENSOR_ENTRY_BYTES);
    for (entry, tensor) in tensor_table.zip(&contents.tensors) {
        entry.copy_from_slice(&tensor.encode());
    }
    let op_table = blob[ops_offset..data_offset].chunks_exact_mut(RECORD_BYTES);
    for (slot, record) in op_table.zip(&records) {
        slot.copy_from_slice(record);
    }
    blob[data_offset..].copy_from_slice(&data);

    let header = Header {
        total_bytes,
        model_sha256: contents.model_sha256,
        label_count: contents.label_count,
        arena_bytes: contents.arena_bytes,
        scratch_bytes: contents.scratch_bytes,
        input_tensor: contents.input_tensor,
        keypoints_tensor: contents.keypoints_tensor,
        emotion_tensor: contents.emotion_tensor,
        tensor_count: contents.tensors.len(),
        tensors_offset,
        op_count: records.len(),
        ops_offset,
        data_offset,
        data_bytes: data.len(),
    };
    header.write(&mut blob);
    blob
}
