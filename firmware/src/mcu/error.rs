//! Why a model blob was refused.

use core::fmt;

/// What is wrong with a model blob. Every check of [`super::McuModel::parse`] has its own
/// variant, and the text says which part of the blob failed and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum BlobError {
    /// Fewer bytes than a header.
    NoHeader {
        /// Bytes present.
        present: usize,
    },
    /// The first four bytes are not the blob's magic.
    BadMagic {
        /// The bytes found.
        found: [u8; 4],
    },
    /// A format version this engine does not read.
    UnsupportedVersion {
        /// The version in the header.
        found: u32,
        /// The version this engine reads.
        supported: u32,
    },
    /// Fewer bytes than the header announces.
    Truncated {
        /// Total bytes the header announces.
        declared: usize,
        /// Bytes present.
        present: usize,
    },
    /// More bytes than the header announces.
    TrailingBytes {
        /// Total bytes the header announces.
        declared: usize,
        /// Bytes present.
        present: usize,
    },
    /// The CRC-32 of the bytes differs from the one stored in the header.
    ChecksumMismatch {
        /// The CRC-32 in the header.
        stored: u32,
        /// The CRC-32 of the bytes.
        computed: u32,
    },
    /// A section (tensor table, op table, data) is misplaced.
    BadSection {
        /// The section's name.
        section: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The model does not take or give what the device expects.
    Contract {
        /// `input`, `keypoints` or `emotion`.
        role: &'static str,
        /// The shape the contract needs.
        expected: &'static str,
    },
    /// The label count differs from the device's label set.
    LabelCount {
        /// The label count in the header.
        found: u32,
        /// The label count the device reports.
        expected: usize,
    },
    /// A tensor table entry is inconsistent.
    BadTensor {
        /// The tensor's index.
        tensor: usize,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A tensor lies (partly) outside the arena's tensor region.
    TensorOutsideArena {
        /// The tensor's index.
        tensor: usize,
        /// The byte after the tensor's end.
        end: usize,
        /// Bytes of the arena's tensor region.
        region: usize,
    },
    /// The arena size in the header is not what its tensors and scratch need.
    ArenaSize {
        /// Arena bytes in the header.
        declared: usize,
        /// Arena bytes the tensor table and the ops need.
        needed: usize,
    },
    /// An op refers to a tensor index the table does not have.
    TensorIndex {
        /// The op's index.
        op: usize,
        /// The tensor index it names.
        tensor: u32,
        /// Tensors in the table.
        tensors: usize,
    },
    /// An op record has a kind code this engine does not know.
    UnknownOp {
        /// The op's index.
        op: usize,
        /// The kind code found.
        kind: u32,
    },
    /// An op's tensors or parameters do not fit together.
    BadOp {
        /// The op's index.
        op: usize,
        /// The op's kind.
        kind: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
    /// An op's data (weights, offsets, scales) has the wrong size.
    DataSize {
        /// The op's index.
        op: usize,
        /// The op's kind.
        kind: &'static str,
        /// Which data.
        what: &'static str,
        /// Bytes expected from the tensor shapes.
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// An op's data reference points outside the data section or is misaligned.
    DataOutOfRange {
        /// The op's index.
        op: usize,
        /// The reference's offset in the data section.
        offset: usize,
        /// The reference's length.
        bytes: usize,
        /// Bytes of the data section.
        section: usize,
    },
    /// An op's output overlaps one of its inputs in the arena.
    OverlappingTensors {
        /// The op's index.
        op: usize,
        /// The input tensor.
        input: usize,
        /// The output tensor.
        output: usize,
    },
    /// An op reads a tensor after another op overwrote its arena bytes.
    StaleRead {
        /// The reading op's index (the op count for the model outputs).
        op: usize,
        /// The tensor read.
        tensor: usize,
        /// The op that overwrote it.
        overwritten_by: usize,
    },
    /// An op reads a tensor that no earlier op writes.
    Unwritten {
        /// The reading op's index (the op count for the model outputs).
        op: usize,
        /// The tensor read.
        tensor: usize,
    },
}

impl fmt::Display for BlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BlobError::NoHeader { present } => write!(
                f,
                "model blob is truncated: {present} bytes, a header needs {}",
                super::header::HEADER_BYTES
            ),
            BlobError::BadMagic { found } => write!(
                f,
                "model blob has magic {found:02x?}, not {:02x?} (\"EEMB\"): not a model blob",
                super::header::MAGIC
            ),
            BlobError::UnsupportedVersion { found, supported } => write!(
                f,
                "model blob has format version {found}; this engine reads version {supported}"
            ),
            BlobError::Truncated { declared, present } => write!(
                f,
                "model blob is truncated: header says {declared} bytes, {present} present"
            ),
            BlobError::TrailingBytes { declared, present } => write!(
                f,
                "model blob has {present} bytes, but its header says {declared}"
            ),
            BlobError::ChecksumMismatch { stored, computed } => write!(
                f,
                "model blob is corrupt: CRC-32 is {computed:08x}, its header says {stored:08x}"
            ),
            BlobError::BadSection { section, problem } => {
                write!(f, "model blob's {section} section {problem}")
            }
            BlobError::Contract { role, expected } => write!(
                f,
                "model blob breaks the model contract: its {role} tensor is not {expected}"
            ),
            BlobError::LabelCount { found, expected } => write!(
                f,
                "model blob has {found} labels; the device's label set has {expected}"
            ),
            BlobError::BadTensor { tensor, problem } => {
                write!(f, "model blob's tensor {tensor} {problem}")
            }
            BlobError::TensorOutsideArena {
                tensor,
                end,
                region,
            } => write!(
                f,
                "model blob's tensor {tensor} ends at byte {end} of an arena of {region} bytes"
            ),
            BlobError::ArenaSize { declared, needed } => write!(
                f,
                "model blob declares an arena of {declared} bytes; its tensors and ops need \
                 {needed}"
            ),
            BlobError::TensorIndex {
                op,
                tensor,
                tensors,
            } => write!(
                f,
                "model blob's op {op} names tensor {tensor}; the blob has {tensors} tensors"
            ),
            BlobError::UnknownOp { op, kind } => {
                write!(f, "model blob's op {op} has unknown kind code {kind}")
            }
            BlobError::BadOp { op, kind, problem } => {
                write!(f, "model blob's op {op} ({kind}): {problem}")
            }
            BlobError::DataSize {
                op,
                kind,
                what,
                expected,
                found,
            } => write!(
                f,
                "model blob's op {op} ({kind}) has {found} bytes of {what}; its shapes need \
                 {expected}"
            ),
            BlobError::DataOutOfRange {
                op,
                offset,
                bytes,
                section,
            } => write!(
                f,
                "model blob's op {op} refers to data bytes {offset}..+{bytes}, outside the \
                 {section}-byte data section or not 4-byte aligned"
            ),
            BlobError::OverlappingTensors { op, input, output } => write!(
                f,
                "model blob's op {op} writes tensor {output} over its input tensor {input}"
            ),
            BlobError::StaleRead {
                op,
                tensor,
                overwritten_by,
            } => write!(
                f,
                "model blob's arena plan is wrong: op {op} reads tensor {tensor}, which op \
                 {overwritten_by} overwrote"
            ),
            BlobError::Unwritten { op, tensor } => write!(
                f,
                "model blob's op {op} reads tensor {tensor}, which no earlier op writes"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for BlobError {}
