//! The arena plan's check: every tensor an op reads still holds what its writer wrote.
//!
//! Tensors share arena bytes when their lifetimes do not overlap. A wrong plan would not
//! crash the engine but silently mix tensors, so parsing proves it right: for each read,
//! walking back from the reader, the first op whose output touches the tensor's bytes must
//! be the op that writes that tensor (or, for the model input, none). Ops are fixed-size
//! records, so the walk needs no memory: O(ops^2) record reads at parse time.

use super::error::BlobError;
use super::model::McuModel;
use super::record::OpIo;

/// Checks every read of every op, and of the model outputs after the last op.
pub fn check_liveness(model: &McuModel<'_>) -> Result<(), BlobError> {
    let [input, keypoints, emotion] = model.contract_indices();
    for reader in 0..=model.op_count() {
        let reads = if reader == model.op_count() {
            [Some(keypoints), Some(emotion)]
        } else {
            io(model, reader)?.inputs
        };
        for tensor in reads.into_iter().flatten() {
            check_read(model, reader, tensor, input)?;
        }
    }
    Ok(())
}

/// The op whose output `reader` sees for `tensor` must be the tensor's own writer.
fn check_read(
    model: &McuModel<'_>,
    reader: usize,
    tensor: u32,
    model_input: u32,
) -> Result<(), BlobError> {
    let read = model.tensor(reader, tensor)?;
    for writer in (0..reader).rev() {
        let output = io(model, writer)?.output;
        if output == tensor {
            return Ok(());
        }
        if model.tensor(writer, output)?.overlaps(&read) {
            return Err(BlobError::StaleRead {
                op: reader,
                tensor: tensor as usize,
                overwritten_by: writer,
            });
        }
    }

    if tensor == model_input {
        Ok(())
    } else {
        Err(BlobError::Unwritten {
            op: reader,
            tensor: tensor as usize,
        })
    }
}

/// The tensors op `index` reads and writes.
fn io(model: &McuModel<'_>, index: usize) -> Result<OpIo, BlobError> {
    let record = model.record(index).ok_or(BlobError::BadSection {
        section: "op table",
        problem: "has fewer records than the header counts",
    })?;
    Ok(OpIo::read(record))
}
