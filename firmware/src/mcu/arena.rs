//! The arena: one block of RAM, allocated once, holding every tensor at the offset the
//! converter planned, followed by the scratch for int32 accumulators.
//!
//! The arena is a slice of `u32` words, so f32 and i32 views are aligned; an op gets its
//! output and the scratch as mutable views and its inputs as shared ones, all disjoint (the
//! blob checks guarantee it, and the views are cut with `split_at_mut`, never overlapping).

use alloc::vec;
use alloc::vec::Vec;
use core::ops::Range;

use bytemuck::Pod;

use super::record::ALIGNMENT;
use super::tensor::TensorInfo;

/// The engine's working memory.
#[derive(Debug)]
pub struct Arena {
    words: Vec<u32>,
    tensor_words: usize,
}

/// The views one op works on.
#[derive(Debug)]
pub struct OpViews<'w> {
    /// The output tensor's words.
    pub output: &'w mut [u32],
    /// The input tensors' words.
    pub inputs: [Option<&'w [u32]>; 2],
    /// The scratch words.
    pub scratch: &'w mut [u32],
}

impl Arena {
    /// Allocates `arena_bytes` of zeros, the last `scratch_bytes` of them the scratch.
    pub fn new(arena_bytes: usize, scratch_bytes: usize) -> Arena {
        let words = arena_bytes.div_ceil(ALIGNMENT);
        Arena {
            words: vec![0; words],
            tensor_words: words.saturating_sub(scratch_bytes / ALIGNMENT),
        }
    }

    /// Bytes allocated.
    pub fn bytes(&self) -> usize {
        self.words.len() * ALIGNMENT
    }

    /// The words of `tensor`.
    pub fn tensor(&self, tensor: &TensorInfo) -> Option<&[u32]> {
        self.words.get(..self.tensor_words)?.get(word_range(tensor))
    }

    /// The words of `tensor`, mutable.
    pub fn tensor_mut(&mut self, tensor: &TensorInfo) -> Option<&mut [u32]> {
        let tensor_words = self.tensor_words;
        self.words
            .get_mut(..tensor_words)?
            .get_mut(word_range(tensor))
    }

    /// The views of an op writing `output` and reading `inputs`; `None` when a tensor lies
    /// outside the tensor region or an input overlaps the output.
    pub fn views(
        &mut self,
        output: &TensorInfo,
        inputs: [Option<&TensorInfo>; 2],
    ) -> Option<OpViews<'_>> {
        let split = self.tensor_words.min(self.words.len());
        let (tensors, scratch) = self.words.split_at_mut(split);
        let written = word_range(output);
        if written.end > tensors.len() {
            return None;
        }
        let (before, rest) = tensors.split_at_mut(written.start);
        let (output, after) = rest.split_at_mut(written.len());
        let (before, after): (&[u32], &[u32]) = (before, after);

        let pick = |input: Option<&TensorInfo>| -> Option<Option<&[u32]>> {
            let Some(input) = input else {
                return Some(None);
            };
            let read = word_range(input);
            if read.end <= written.start {
                before.get(read).map(Some)
            } else if read.start >= written.end {
                after
                    .get(read.start - written.end..read.end - written.end)
                    .map(Some)
            } else {
                None
            }
        };
        let inputs = [pick(inputs[0])?, pick(inputs[1])?];
        Some(OpViews {
            output,
            inputs,
            scratch,
        })
    }
}

/// The first `elements` of `words` as `T`s.
pub fn typed<T: Pod>(words: &[u32], elements: usize) -> Option<&[T]> {
    bytemuck::try_cast_slice(words).ok()?.get(..elements)
}

/// The first `elements` of `words` as `T`s, mutable.
pub fn typed_mut<T: Pod>(words: &mut [u32], elements: usize) -> Option<&mut [T]> {
    bytemuck::try_cast_slice_mut(words)
        .ok()?
        .get_mut(..elements)
}

/// The arena words of `tensor`.
fn word_range(tensor: &TensorInfo) -> Range<usize> {
    let bytes = tensor.arena_range();
    bytes.start / ALIGNMENT..bytes.end / ALIGNMENT
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcu::tensor::DataType;

    #[test]
    fn views_are_disjoint_and_refuse_overlaps() {
        let mut arena = Arena::new(48, 16);
        let first = TensorInfo::new(DataType::F32, &[2], 0);
        let output = TensorInfo::new(DataType::I8, &[5], 8);
        let second = TensorInfo::new(DataType::F32, &[2], 24);
        arena.tensor_mut(&second).unwrap().copy_from_slice(&[7, 8]);

        let views = arena.views(&output, [Some(&first), Some(&second)]).unwrap();
        assert_eq!(views.output.len(), 2);
        assert_eq!(views.inputs[1], Some(&[7_u32, 8][..]));
        assert_eq!(views.scratch.len(), 4);

        let overlapping = TensorInfo::new(DataType::I8, &[4], 12);
        assert!(arena.views(&output, [Some(&overlapping), None]).is_none());
        let past_region = TensorInfo::new(DataType::F32, &[2], 32);
        assert!(arena.views(&past_region, [None, None]).is_none());
    }

    #[test]
    fn typed_views_cut_to_the_element_count() {
        let mut words = [0_u32; 2];
        let codes = typed_mut::<i8>(&mut words, 5).unwrap();
        codes.copy_from_slice(&[1, -1, 2, -2, 3]);
        assert_eq!(typed::<i8>(&words, 5), Some(&[1_i8, -1, 2, -2, 3][..]));
        assert!(typed::<f32>(&words, 3).is_none());
    }
}
