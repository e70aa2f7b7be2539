//! Tensor table entries: element type, shape and place in the arena.
//!
//! An entry is eight little-endian words: type code, rank, four dimensions (the unused ones
//! 0), arena byte offset, byte length. Tensors are row-major; 4-D ones are NCHW.

use super::error::BlobError;
use super::record::ALIGNMENT;

/// Bytes of one tensor table entry.
pub const TENSOR_ENTRY_BYTES: usize = 32;

/// Most dimensions a tensor has.
pub const MAX_RANK: usize = 4;

/// The element type of a tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DataType {
    /// Signed 8-bit quantised codes.
    I8,
    /// IEEE 754 singles.
    F32,
}

impl DataType {
    /// The type's code in the tensor table.
    pub fn code(self) -> u32 {
        match self {
            DataType::I8 => 1,
            DataType::F32 => 2,
        }
    }

    /// The type with `code`, if any.
    pub fn from_code(code: u32) -> Option<DataType> {
        match code {
            1 => Some(DataType::I8),
            2 => Some(DataType::F32),
            _ => None,
        }
    }

    /// Bytes of one element.
    pub fn size(self) -> usize {
        match self {
            DataType::I8 => 1,
            DataType::F32 => 4,
        }
    }
}

/// One tensor: what it holds and where it lives in the arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TensorInfo {
    /// Element type.
    pub data_type: DataType,
    /// Number of dimensions, 1 to [`MAX_RANK`].
    pub rank: usize,
    /// The dimensions, outermost first; those past `rank` are 0.
    pub dims: [usize; MAX_RANK],
    /// Byte offset in the arena (a multiple of 4).
    pub offset: usize,
}

impl TensorInfo {
    /// A tensor of `data_type` and shape `dims` at arena byte `offset`.
    ///
    /// Dimensions past [`MAX_RANK`] are dropped; the converter checks ranks first.
    pub fn new(data_type: DataType, dims: &[usize], offset: usize) -> TensorInfo {
        let rank = dims.len().min(MAX_RANK);
        let mut padded = [0; MAX_RANK];
        padded[..rank].copy_from_slice(&dims[..rank]);
        TensorInfo {
            data_type,
            rank,
            dims: padded,
            offset,
        }
    }

    /// The dimensions in use.
    pub fn shape(&self) -> &[usize] {
        &self.dims[..self.rank.min(MAX_RANK)]
    }

    /// Number of elements.
    pub fn elements(&self) -> usize {
        self.shape().iter().product()
    }

    /// Bytes of its elements.
    pub fn bytes(&self) -> usize {
        self.elements() * self.data_type.size()
    }

    /// Bytes it takes in the arena: its bytes rounded up to whole words.
    pub fn arena_bytes(&self) -> usize {
        self.bytes().next_multiple_of(ALIGNMENT)
    }

    /// Its arena byte range.
    pub fn arena_range(&self) -> core::ops::Range<usize> {
        self.offset..self.offset + self.arena_bytes()
    }

    /// `[channels, height, width]` of a rank-4 tensor with batch 1, else `None`.
    pub fn chw(&self) -> Option<[usize; 3]> {
        match *self.shape() {
            [1, channels, height, width] => Some([channels, height, width]),
            _ => None,
        }
    }

    /// Whether it is `data_type` with exactly `shape`.
    pub fn is(&self, data_type: DataType, shape: &[usize]) -> bool {
        self.data_type == data_type && self.shape() == shape
    }

    /// Whether its arena bytes and `other`'s share at least one byte.
    pub fn overlaps(&self, other: &TensorInfo) -> bool {
        let (mine, theirs) = (self.arena_range(), other.arena_range());
        mine.start < theirs.end && theirs.start < mine.end && !mine.is_empty()
    }

    /// The entry's bytes.
    pub fn encode(&self) -> [u8; TENSOR_ENTRY_BYTES] {
        let word = |value: usize| u32::try_from(value).unwrap_or(u32::MAX);
        let words = [
            self.data_type.code(),
            word(self.rank),
            word(self.dims[0]),
            word(self.dims[1]),
            word(self.dims[2]),
            word(self.dims[3]),
            word(self.offset),
            word(self.bytes()),
        ];
        let mut bytes = [0; TENSOR_ENTRY_BYTES];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(words) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        bytes
    }

    /// Reads entry `index` and checks it against itself and an arena tensor region of
    /// `region` bytes.
    pub fn decode(
        index: usize,
        entry: &[u8; TENSOR_ENTRY_BYTES],
        region: usize,
    ) -> Result<TensorInfo, BlobError> {
        let mut words = [0_usize; TENSOR_ENTRY_BYTES / 4];
        for (word, chunk) in words.iter_mut().zip(entry.chunks_exact(4)) {
            let mut bytes = [0; 4];
            bytes.copy_from_slice(chunk);
            *word = u32::from_le_bytes(bytes) as usize;
        }
        let [code, rank, d0, d1, d2, d3, offset, bytes] = words;
        let bad = |problem| BlobError::BadTensor {
            tensor: index,
            problem,
        };

        let data_type = DataType::from_code(code as u32).ok_or(bad("has an unknown type code"))?;
        if rank == 0 || rank > MAX_RANK {
            return Err(bad("has a rank outside 1..=4"));
        }
        let dims = [d0, d1, d2, d3];
        if dims[..rank].contains(&0) || dims[rank..].iter().any(|&dim| dim != 0) {
            return Err(bad("has a zero dimension or a nonzero one past its rank"));
        }
        let counted = dims[..rank]
            .iter()
            .try_fold(data_type.size(), |total, &dim| total.checked_mul(dim));
        if counted != Some(bytes) {
            return Err(bad("has a byte length that differs from its shape"));
        }
        if !offset.is_multiple_of(ALIGNMENT) {
            return Err(bad("has an arena offset that is not 4-byte aligned"));
        }
        check_in_region(index, offset, bytes, region)?;

        Ok(TensorInfo {
            data_type,
            rank,
            dims,
            offset,
        })
    }
}

/// Refuses a tensor whose arena bytes end past the tensor region.
fn check_in_region(
    tensor: usize,
    offset: usize,
    bytes: usize,
    region: usize,
) -> Result<(), BlobError> {
    let end = bytes
        .checked_next_multiple_of(ALIGNMENT)
        .and_then(|bytes| offset.checked_add(bytes))
        .unwrap_or(usize::MAX);
    if end <= region {
        Ok(())
    } else {
        Err(BlobError::TensorOutsideArena {
            tensor,
            end,
            region,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_round_trips() {
        let tensor = TensorInfo::new(DataType::I8, &[1, 3, 5, 7], 8);
        assert_eq!(tensor.bytes(), 105);
        assert_eq!(tensor.arena_range(), 8..116);
        assert_eq!(TensorInfo::decode(0, &tensor.encode(), 116), Ok(tensor));
        assert_eq!(tensor.chw(), Some([3, 5, 7]));
    }

    #[test]
    fn a_tensor_past_the_region_is_refused() {
        let tensor = TensorInfo::new(DataType::F32, &[1, 30], 4);
        assert_eq!(
            TensorInfo::decode(2, &tensor.encode(), 120),
            Err(BlobError::TensorOutsideArena {
                tensor: 2,
                end: 124,
                region: 120
            })
        );
    }

    #[test]
    fn inconsistent_entries_are_refused() {
        let good = TensorInfo::new(DataType::F32, &[2, 3], 0).encode();
        let mut cases = [good; 5];
        cases[0][0] = 9; // type code
        cases[1][4] = 5; // rank
        cases[2][8] = 0; // first dimension
        cases[3][28] = 7; // byte length
        cases[4][24] = 2; // offset alignment
        for case in cases {
            assert!(matches!(
                TensorInfo::decode(0, &case, 1 << 20),
                Err(BlobError::BadTensor { .. })
            ));
        }
    }

    #[test]
    fn overlap_is_byte_exact() {
        let first = TensorInfo::new(DataType::I8, &[5], 0);
        let touching = TensorInfo::new(DataType::I8, &[4], 8);
        let sharing = TensorInfo::new(DataType::I8, &[4], 4);
        assert!(!first.overlaps(&touching));
        assert!(first.overlaps(&sharing));
    }
}
