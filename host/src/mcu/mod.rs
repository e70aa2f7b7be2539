//! `convert --target mcu`: the int8 combined ONNX model lowered to the Cortex-M engine's
//! model blob (`firmware::mcu`).
//!
//! - [`constants`]: scales, zero points, weights and shapes read from initializers;
//! - [`values`]: the graph's run-time values, each a tensor of the blob;
//! - [`lower`]: one node to one engine op, with requantisation precomputed;
//! - [`plan`]: arena offsets from the tensors' lives, so dead tensors' bytes are reused;
//! - [`convert`]: the whole graph to blob bytes, checked by the engine's own parser.

pub mod constants;
pub mod convert;
pub mod lower;
pub mod plan;
pub mod values;

pub use convert::{BlobSummary, McuBlob, convert_file, convert_to_mcu};
