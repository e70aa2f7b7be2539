//! Evaluation: metric arithmetic, batched prediction, and the reports of `emotion-edge eval`.

mod metrics;
mod predict;

pub use metrics::{ClassScores, ConfusionMatrix, KeypointErrors};
pub use predict::predict_rows;
