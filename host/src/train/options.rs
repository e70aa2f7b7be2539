//! Hyper-parameters of a training run.

use serde::{Deserialize, Serialize};

use crate::model::Arch;

/// Which network a run trains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum TaskKind {
    /// Emotion classification on FER2013-style data.
    Emotion,
    /// Keypoint regression on Kaggle facial-keypoints-style data.
    Keypoints,
}

impl TaskKind {
    /// The lowercase name used on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            TaskKind::Emotion => "emotion",
            TaskKind::Keypoints => "keypoints",
        }
    }
}

/// How the emotion loss weighs classes against their frequency in the training split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ClassWeighting {
    /// Every sample counts the same.
    None,
    /// Weight `n / (classes * n_class)`: every class counts the same in total.
    Balanced,
    /// The square root of the balanced weight: a middle way for rare classes.
    Sqrt,
}

/// Everything that decides what a training run computes, stored in its checkpoints so a
/// resumed run continues with the same settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Which network.
    pub task: TaskKind,
    /// Which size of network.
    pub arch: Arch,
    /// Last epoch to train (1-based, inclusive).
    pub epochs: usize,
    /// Samples per optimiser step.
    pub batch_size: usize,
    /// Initial learning rate of Adam.
    pub learning_rate: f64,
    /// Adam's first-moment decay.
    pub beta1: f32,
    /// Adam's second-moment decay.
    pub beta2: f32,
    /// Seed of weight initialisation, shuffling, augmentation and dropout.
    pub seed: u64,
    /// Epochs without a better validation metric before stopping.
    pub patience: usize,
    /// Epochs without a lower validation loss before the learning rate drops.
    pub plateau_patience: usize,
    /// Learning-rate multiplier on a plateau.
    pub plateau_factor: f64,
    /// Class weighting of the emotion loss.
    pub class_weights: ClassWeighting,
    /// Label smoothing of the emotion loss, in [0, 1).
    pub label_smoothing: f32,
    /// Whether training images are augmented.
    pub augment: bool,
}

impl TrainOptions {
    /// Settings suited to a small CPU for `task` and `arch`.
    pub fn defaults(task: TaskKind, arch: Arch) -> Self {
        Self {
            task,
            arch,
            epochs: 60,
            batch_size: 32,
            learning_rate: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            seed: 42,
            patience: 12,
            plateau_patience: 3,
            plateau_factor: 0.3,
            class_weights: ClassWeighting::Sqrt,
            label_smoothing: 0.05,
            augment: true,
        }
    }
}
