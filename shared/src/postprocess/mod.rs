//! Model output -> readout decision: softmax, confidence threshold, temporal smoothing.
//!
//! - [`probabilities`]: numerically stable softmax, argmax and the top-2 margin;
//! - [`decision`]: a label or `uncertain`, by a confidence threshold and a minimum margin;
//! - [`smoother`]: an exponential moving average of probabilities with hysteresis, so the
//!   displayed label does not flicker between frames.
//!
//! Nothing here allocates; every state is a small `Copy` value.

pub mod decision;
pub mod probabilities;
pub mod smoother;

pub use decision::{Decision, DecisionConfig, decide};
pub use probabilities::{TopTwo, argmax, softmax, softmax_in_place, top_two};
pub use smoother::{RejectedFrame, Smoother, SmootherConfig};
