//! The int8 interpreter: runs a checked model blob op by op in one preallocated arena.

use core::fmt;

use shared::preprocess::ModelInput;

use crate::engine::{Engine, Inference};

use super::arena::{Arena, OpViews, typed, typed_mut};
use super::error::BlobError;
use super::graph::{Op, OpNode};
use super::model::McuModel;
use super::ops::Operands;
use super::tensor::TensorInfo;

/// Why one inference failed. Parsing already checked everything these guard, so they only
/// appear if the blob's bytes change under a running engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum McuError {
    /// An op record or tensor entry no longer reads back.
    Blob(BlobError),
    /// An op's tensors do not fit the arena as planned.
    Arena {
        /// The op's index (the op count for the model input and outputs).
        op: usize,
    },
}

impl fmt::Display for McuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            McuError::Blob(error) => write!(f, "{error}"),
            McuError::Arena { op } => write!(f, "op {op}'s tensors do not fit the arena"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for McuError {}

impl From<BlobError> for McuError {
    fn from(error: BlobError) -> McuError {
        McuError::Blob(error)
    }
}

/// The combined model run from a blob: weights read in place (flash on the device),
/// activations in one arena of [`McuModel::arena_bytes`] allocated by [`McuEngine::new`].
/// [`Engine::infer`] never allocates.
#[derive(Debug)]
pub struct McuEngine<'a> {
    model: McuModel<'a>,
    arena: Arena,
}

impl<'a> McuEngine<'a> {
    /// An engine for `model`; allocates its arena (the only allocation the engine makes).
    pub fn new(model: McuModel<'a>) -> McuEngine<'a> {
        let arena = Arena::new(model.arena_bytes(), model.scratch_bytes());
        McuEngine { model, arena }
    }

    /// The model this engine runs.
    pub fn model(&self) -> &McuModel<'a> {
        &self.model
    }

    /// Copies `input` into the input tensor, runs every op, reads both outputs.
    fn run(&mut self, input: &ModelInput) -> Result<Inference, McuError> {
        let model = self.model;
        let boundary = McuError::Arena {
            op: model.op_count(),
        };
        let input_tensor = model.input();
        self.arena
            .tensor_mut(&input_tensor)
            .and_then(|words| typed_mut::<f32>(words, input_tensor.elements()))
            .filter(|values| values.len() == input.len())
            .ok_or(boundary)?
            .copy_from_slice(input);

        for index in 0..model.op_count() {
            let node = model.op(index)?;
            let operands = model.operands(index, &node)?;
            run_op(&node, &operands, &mut self.arena)?;
        }

        Ok(Inference {
            keypoints: self.output(&model.keypoints()).ok_or(boundary)?,
            probabilities: self.output(&model.emotion()).ok_or(boundary)?,
        })
    }

    /// The `N` f32 values of an output tensor.
    fn output<const N: usize>(&self, tensor: &TensorInfo) -> Option<[f32; N]> {
        let words = self.arena.tensor(tensor)?;
        typed::<f32>(words, tensor.elements())?.try_into().ok()
    }
}

impl Engine for McuEngine<'_> {
    type Error = McuError;

    fn model_sha256(&self) -> &[u8; 32] {
        self.model.model_sha256()
    }

    fn infer(&mut self, input: &ModelInput) -> Result<Inference, McuError> {
        self.run(input)
    }
}

/// Runs one op on its views of the arena.
fn run_op(node: &OpNode<'_>, operands: &Operands, arena: &mut Arena) -> Result<(), McuError> {
    let failed = McuError::Arena { op: operands.op };
    let inputs = [Some(&operands.input), operands.second.as_ref()];
    let views = arena.views(&operands.output, inputs).ok_or(failed)?;
    let mut tensors = OpTensors { views, operands };
    let chw = |tensor: &TensorInfo| tensor.chw().ok_or(failed);

    match &node.op {
        Op::QuantizeLinear(op) => {
            let (input, output) = tensors.unary::<f32, i8>().ok_or(failed)?;
            op.run(input, output);
        }
        Op::DequantizeLinear(op) => {
            let (input, output) = tensors.unary::<i8, f32>().ok_or(failed)?;
            op.run(input, output);
        }
        Op::QLinearConv(op) => {
            let shapes = (chw(&operands.input)?, chw(&operands.output)?);
            let (input, output, scratch) = tensors.with_scratch::<i8, i8>().ok_or(failed)?;
            op.run(shapes.0, shapes.1, input, output, scratch);
        }
        Op::QLinearMatMul(op) => {
            let depth = operands.input.shape().last().copied().unwrap_or(0);
            let columns = operands.output.shape().last().copied().unwrap_or(0);
            let (input, output, scratch) = tensors.with_scratch::<i8, i8>().ok_or(failed)?;
            op.run(depth, columns, input, output, scratch);
        }
        Op::MaxPool(op) => {
            let shapes = (chw(&operands.input)?, chw(&operands.output)?);
            let (input, output) = tensors.unary::<i8, i8>().ok_or(failed)?;
            op.run(shapes.0, shapes.1, input, output);
        }
        Op::AveragePool(op) => {
            let shapes = (chw(&operands.input)?, chw(&operands.output)?);
            let (input, output) = tensors.unary::<f32, f32>().ok_or(failed)?;
            op.run(shapes.0, shapes.1, input, output);
        }
        Op::Relu(op) => {
            let (input, output) = tensors.unary::<f32, f32>().ok_or(failed)?;
            op.run(input, output);
        }
        Op::Add(op) => {
            let sum = tensors.binary::<f32>().ok_or(failed)?;
            match sum.second {
                Some(second) => op.run_tensors(sum.first, second, sum.output),
                None => op.run_constant(sum.first, sum.output),
            }
        }
        Op::Reshape(op) => {
            let input = tensors.views.inputs[0].ok_or(failed)?;
            op.run(input, tensors.views.output);
        }
        Op::Softmax(op) => {
            let row = operands.output.shape().last().copied().unwrap_or(1);
            let (input, output) = tensors.unary::<f32, f32>().ok_or(failed)?;
            op.run(row, input, output);
        }
    }
    Ok(())
}

/// The typed views of an op with one or two inputs of the output's type.
struct BinaryViews<'v, T> {
    first: &'v [T],
    second: Option<&'v [T]>,
    output: &'v mut [T],
}

/// One op's arena views, typed by its tensors' element counts.
struct OpTensors<'w, 'o> {
    views: OpViews<'w>,
    operands: &'o Operands,
}

impl OpTensors<'_, '_> {
    /// The first input as `I`s and the output as `O`s.
    fn unary<I: bytemuck::Pod, O: bytemuck::Pod>(&mut self) -> Option<(&[I], &mut [O])> {
        let input = typed::<I>(self.views.inputs[0]?, self.operands.input.elements())?;
        let output = typed_mut::<O>(self.views.output, self.operands.output.elements())?;
        Some((input, output))
    }

    /// Both inputs (the second when there is one) and the output, all as `T`s.
    fn binary<T: bytemuck::Pod>(&mut self) -> Option<BinaryViews<'_, T>> {
        let first = typed::<T>(self.views.inputs[0]?, self.operands.input.elements())?;
        let second = match (self.views.inputs[1], self.operands.second) {
            (Some(words), Some(tensor)) => Some(typed::<T>(words, tensor.elements())?),
            (None, None) => None,
            _ => return None,
        };
        let output = typed_mut::<T>(self.views.output, self.operands.output.elements())?;
        Some(BinaryViews {
            first,
            second,
            output,
        })
    }

    /// The first input, the output and the whole scratch as int32 accumulators.
    fn with_scratch<I: bytemuck::Pod, O: bytemuck::Pod>(
        &mut self,
    ) -> Option<(&[I], &mut [O], &mut [i32])> {
        let input = typed::<I>(self.views.inputs[0]?, self.operands.input.elements())?;
        let output = typed_mut::<O>(self.views.output, self.operands.output.elements())?;
        let scratch = bytemuck::try_cast_slice_mut(self.views.scratch).ok()?;
        Some((input, output, scratch))
    }
}
