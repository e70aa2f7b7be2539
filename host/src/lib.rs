//! The emotion-edge host: data loading, training, evaluation, export and tools around the
//! device, behind the `emotion-edge` command-line program.

pub mod card;
pub mod cli;
pub mod data;
pub mod eval;
pub mod export;
pub mod mcu;
pub mod model;
pub mod monitor;
pub mod onnx;
pub mod plot;
pub mod quantize;
pub mod train;
