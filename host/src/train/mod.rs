//! Training: the loop, its losses, learning-rate schedule, early stopping, checkpoints and
//! progress output. Tasks (emotion, keypoints) plug into one generic loop.

mod atomic;
mod backend;
mod checkpoint;
mod early_stop;
mod emotion_task;
mod error;
mod history;
mod inputs;
mod keypoint_task;
mod loss;
mod options;
mod plateau;
mod progress;
mod task;
mod trainer;

pub use backend::{inference_device, set_cpu_threads, training_device};
pub use checkpoint::{
    MODEL_FILE, RunState, best_checkpoint, last_checkpoint, load_state, load_weights,
    resolve_checkpoint,
};
pub use early_stop::EarlyStopping;
pub use emotion_task::{EmotionTask, argmax, class_weights};
pub use error::TrainError;
pub use history::EpochRecord;
pub use inputs::{FaceInputs, INPUT_LEN, batch_tensor, read_rows};
pub use keypoint_task::KeypointTask;
pub use loss::{mask_weights, masked_mse, soft_cross_entropy, soft_targets};
pub use options::{ClassWeighting, TaskKind, TrainOptions};
pub use plateau::{Goal, ReduceLrOnPlateau};
pub use task::{MonitoredMetric, StepScore, TrainStep, TrainingTask, Validation};
pub use trainer::{RunPaths, RunSummary, train};
