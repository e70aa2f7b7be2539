//! Evaluation: metric arithmetic, batched prediction, and the reports of `emotion-edge eval`.

mod metrics;
mod onnx_rows;
mod predict;
mod report;

pub use metrics::{ClassScores, ConfusionMatrix, KeypointErrors};
pub use onnx_rows::onnx_rows;
pub use predict::predict_rows;
pub use report::{
    ClassReport, EmotionReport, KeypointReport, PointReport, evaluate_emotions,
    evaluate_keypoints, score_emotions, score_keypoints,
};
