//! The arena plan: where each tensor lives in the engine's one block of RAM.
//!
//! Two tensors may share bytes when no moment of the op list needs both. A tensor is born
//! when its op writes it (the model input before the first op) and dies after its last
//! reader (the model outputs live to the end). Tensors are placed largest first, each at the
//! lowest 4-byte aligned offset that clears every placed tensor whose life overlaps its own;
//! an op's output is alive while the op reads its inputs, so the two never share bytes, and
//! no op overwrites a tensor that a later op still reads, which is exactly what the engine's
//! liveness check proves at parse time.

use firmware::mcu::record::ALIGNMENT;

/// A tensor to place: its arena bytes and the moments it is written and last read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TensorLife {
    /// Bytes it takes in the arena (a multiple of [`ALIGNMENT`]).
    pub bytes: usize,
    /// When it is written: 0 for the model input, `i + 1` for op `i`'s output.
    pub born: usize,
    /// When it is last read: `i + 1` for op `i`, one past the last op for model outputs.
    pub dies: usize,
}

impl TensorLife {
    /// Whether some moment needs both tensors.
    fn meets(&self, other: &TensorLife) -> bool {
        self.born <= other.dies && other.born <= self.dies
    }
}

/// The offsets chosen and the extent they span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArenaPlan {
    /// Byte offset of each tensor, in the order given.
    pub offsets: Vec<usize>,
    /// Bytes from the arena's start to the end of the highest tensor.
    pub tensor_bytes: usize,
    /// Bytes the tensors would take one after the other, without sharing.
    pub unshared_bytes: usize,
}

/// Places `tensors` so that tensors alive at the same moment never share a byte.
pub fn plan_arena(tensors: &[TensorLife]) -> ArenaPlan {
    let mut order: Vec<usize> = (0..tensors.len()).collect();
    order.sort_by_key(|&index| {
        (
            usize::MAX - tensors[index].bytes,
            tensors[index].born,
            index,
        )
    });

    let mut offsets = vec![0; tensors.len()];
    let mut placed: Vec<usize> = Vec::with_capacity(tensors.len());
    for index in order {
        offsets[index] = lowest_free_offset(tensors, &offsets, &placed, index);
        placed.push(index);
    }

    let tensor_bytes = tensors
        .iter()
        .zip(&offsets)
        .map(|(tensor, offset)| offset + tensor.bytes)
        .max()
        .unwrap_or(0);
    ArenaPlan {
        offsets,
        tensor_bytes,
        unshared_bytes: tensors.iter().map(|tensor| tensor.bytes).sum(),
    }
}

/// The lowest offset where tensor `index` clears every placed tensor it meets.
fn lowest_free_offset(
    tensors: &[TensorLife],
    offsets: &[usize],
    placed: &[usize],
    index: usize,
) -> usize {
    let tensor = &tensors[index];
    let mut taken: Vec<(usize, usize)> = placed
        .iter()
        .filter(|&&other| tensors[other].meets(tensor) && tensors[other].bytes > 0)
        .map(|&other| (offsets[other], offsets[other] + tensors[other].bytes))
        .collect();
    taken.sort_unstable();

    let mut candidate = 0;
    for (start, end) in taken {
        if candidate + tensor.bytes <= start {
            break;
        }
        candidate = candidate.max(end.next_multiple_of(ALIGNMENT));
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn life(bytes: usize, born: usize, dies: usize) -> TensorLife {
        TensorLife { bytes, born, dies }
    }

    fn overlap(plan: &ArenaPlan, tensors: &[TensorLife], a: usize, b: usize) -> bool {
        let (a_start, b_start) = (plan.offsets[a], plan.offsets[b]);
        a_start < b_start + tensors[b].bytes && b_start < a_start + tensors[a].bytes
    }

    #[test]
    fn a_chain_reuses_the_bytes_of_dead_tensors() {
        // input -> op0 -> op1 -> op2 (output): each tensor is read by the next op only.
        let tensors = [
            life(400, 0, 1),
            life(400, 1, 2),
            life(400, 2, 3),
            life(8, 3, 4),
        ];
        let plan = plan_arena(&tensors);
        assert_eq!(plan.tensor_bytes, 800);
        assert_eq!(plan.unshared_bytes, 1208);
        assert_eq!(plan.offsets[0], plan.offsets[2]);
    }

    #[test]
    fn tensors_alive_together_never_share_a_byte() {
        let tensors = [
            life(96, 0, 5),
            life(40, 1, 2),
            life(64, 2, 4),
            life(12, 3, 3),
            life(100, 4, 6),
            life(4, 5, 6),
        ];
        let plan = plan_arena(&tensors);
        for a in 0..tensors.len() {
            assert!(plan.offsets[a].is_multiple_of(ALIGNMENT));
            for b in 0..a {
                if tensors[a].meets(&tensors[b]) {
                    assert!(!overlap(&plan, &tensors, a, b), "{a} and {b}: {plan:?}");
                }
            }
        }
    }
}
