//! What the training loop needs from a task: a network, a loss on a batch of training
//! samples, and a validation pass.

use burn::module::Module;
use burn::prelude::*;
use rand::rngs::StdRng;

use super::error::TrainError;
use super::options::TaskKind;
use super::plateau::Goal;
use crate::data::Augmenter;
use crate::model::NetSpec;

/// The loss of one training batch and its share of the running training metric.
pub struct TrainStep {
    /// Scalar loss with its autodiff graph.
    pub loss: Tensor<1>,
    /// Contribution to the training metric.
    pub score: StepScore,
}

/// Sums behind a running training metric: correct predictions over samples (accuracy) or
/// squared pixel errors over labelled values (RMSE).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepScore {
    /// Correct predictions, or summed squared errors.
    pub total: f64,
    /// Samples, or labelled values.
    pub count: f64,
}

impl std::ops::AddAssign for StepScore {
    fn add_assign(&mut self, other: Self) {
        self.total += other.total;
        self.count += other.count;
    }
}

/// Validation results of one epoch.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Validation {
    /// Mean loss (unweighted cross-entropy, or MSE in square pixels).
    pub loss: f64,
    /// Accuracy (emotion).
    pub accuracy: Option<f64>,
    /// Macro-averaged F1 (emotion).
    pub macro_f1: Option<f64>,
    /// RMSE in pixels over labelled values (keypoints).
    pub rmse: Option<f64>,
}

/// The metric that picks the best epoch and stops training.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonitoredMetric {
    /// Short name of the validation metric.
    pub name: &'static str,
    /// Short name of the running training metric.
    pub train_name: &'static str,
    /// Direction of improvement.
    pub goal: Goal,
}

/// A supervised task the training loop can run.
pub trait TrainingTask {
    /// The network trained.
    type Model: Module;

    /// Which task this is.
    fn kind(&self) -> TaskKind;

    /// The validation metric that picks the best epoch.
    fn monitored(&self) -> MonitoredMetric;

    /// Picks the monitored metric out of a validation result.
    fn monitored_value(&self, validation: &Validation) -> f64;

    /// Turns a running [`StepScore`] into the training metric shown while training.
    fn train_metric(&self, score: StepScore) -> f64;

    /// Training samples.
    fn train_len(&self) -> usize;

    /// The description stored with checkpoints.
    fn spec(&self) -> NetSpec;

    /// Builds the untrained network on `device`.
    fn init_model(&self, device: &Device) -> Self::Model;

    /// The loss of the training samples `indices`, augmented with `augmenter` if given;
    /// `None` when the batch has nothing to learn from (no labelled values).
    fn step(
        &self,
        model: &Self::Model,
        indices: &[usize],
        augmenter: Option<&Augmenter>,
        rng: &mut StdRng,
        device: &Device,
    ) -> Result<Option<TrainStep>, TrainError>;

    /// Evaluates `model` (in inference mode) on the validation split.
    fn validate(
        &self,
        model: &Self::Model,
        batch_size: usize,
        device: &Device,
    ) -> Result<Validation, TrainError>;
}
