//! The Cortex-M engine: a `no_std` int8 interpreter for the combined model, fed by a compact
//! model blob that the host converts from the int8 ONNX file (`emotion-edge convert --target
//! mcu`).
//!
//! - [`McuModel::parse`] checks a blob completely (header, CRC-32, every tensor and op, the
//!   arena plan, the model contract) without copying or allocating; the weights stay where
//!   the blob is (flash).
//! - [`McuEngine::new`] allocates the planned arena once; [`McuEngine`] implements
//!   [`crate::Engine`], so [`crate::Application`] runs it as it runs the simulator's engine.
//! - The ops are exactly those of the quantised combined model: QuantizeLinear, QLinearConv,
//!   MaxPool, DequantizeLinear, Relu, Add, AveragePool, QLinearMatMul, Reshape/Flatten,
//!   Softmax. Requantisation rounds half to even and saturates, as ONNX and tract do.
//!
//! The layout is defined once, here: [`header`] (fields), [`tensor`] (table entries),
//! [`record`] (op records), [`blob`] (sections and the writer the converter uses).

pub mod arena;
pub mod blob;
pub mod engine;
pub mod error;
pub mod graph;
pub mod header;
pub mod liveness;
pub mod model;
pub mod ops;
pub mod record;
pub mod requant;
pub mod tensor;
pub mod window;

pub use blob::{BlobContents, write_blob};
pub use engine::{McuEngine, McuError};
pub use error::BlobError;
pub use graph::{Op, OpKind, OpNode};
pub use model::McuModel;
pub use tensor::{DataType, TensorInfo};
pub use window::Window;

#[cfg(test)]
mod tests;
