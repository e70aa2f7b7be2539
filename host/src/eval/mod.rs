//! Evaluation: metric arithmetic, batched prediction, and the reports of `emotion-edge eval`.

mod metrics;
mod predict;
mod report;

pub use metrics::{ClassScores, ConfusionMatrix, KeypointErrors};
pub use predict::predict_rows;
pub use report::{
    ClassReport, EmotionReport, KeypointReport, PointReport, evaluate_emotions, evaluate_keypoints,
};
