//! What the emotion-edge host and device agree on.
//!
//! This crate is `#![no_std]` and needs no allocator. It defines:
//!
//! - [`labels`]: the emotion label set, the FER2013 numbering and the mapping between them;
//! - [`keypoints`]: the 15 facial keypoints, their column order and left/right pairs;
//! - [`frame`] and [`preprocess`]: camera frames and their conversion into the model input;
//! - [`postprocess`]: softmax, decisions with a confidence threshold, temporal smoothing;
//! - [`protocol`]: the `$EE...` serial readout sentences, encoder and decoder.
//!
//! Every function here runs unchanged on the host (training, prediction, tests) and on the
//! device, so both feed the model identical tensors and speak the same protocol.
//!
//! With the `defmt` feature, public data types derive `defmt::Format`.

#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(test)]
extern crate std;

pub mod frame;
pub mod keypoints;
pub mod labels;
pub mod postprocess;
pub mod preprocess;
pub mod protocol;

/// Side length, in pixels, of the square model input.
pub const INPUT_SIDE: usize = 96;

/// Number of values in one model input (`1 x 1 x 96 x 96`).
pub const INPUT_LEN: usize = INPUT_SIDE * INPUT_SIDE;

/// Side length, in pixels, of a FER2013 image.
pub const FER_SIDE: usize = 48;
