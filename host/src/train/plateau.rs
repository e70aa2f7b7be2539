//! Learning-rate reduction when a validation metric stops improving.

use serde::{Deserialize, Serialize};

/// Whether a smaller or a larger metric is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Goal {
    /// Smaller is better (a loss, an RMSE).
    Minimise,
    /// Larger is better (an accuracy, an F1 score).
    Maximise,
}

impl Goal {
    /// Whether `value` beats `best` by more than the relative `threshold`.
    pub fn improves(self, value: f64, best: Option<f64>, threshold: f64) -> bool {
        let Some(best) = best else {
            return value.is_finite();
        };
        match self {
            Goal::Minimise => value < best - threshold * best.abs(),
            Goal::Maximise => value > best + threshold * best.abs(),
        }
    }
}

/// Multiplies the learning rate by `factor` once the metric has failed to improve for more
/// than `patience` epochs in a row, then waits `patience` epochs again; never goes below
/// `min_lr`. The state is plain data so a checkpoint can store and restore it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReduceLrOnPlateau {
    /// Direction of improvement.
    pub goal: Goal,
    /// Multiplier applied on a plateau, in (0, 1).
    pub factor: f64,
    /// Epochs without improvement tolerated before reducing.
    pub patience: usize,
    /// Relative change that counts as an improvement.
    pub threshold: f64,
    /// Lower bound of the learning rate.
    pub min_lr: f64,
    /// The current learning rate.
    pub lr: f64,
    /// Best metric seen so far.
    pub best: Option<f64>,
    /// Epochs since the best.
    pub bad_epochs: usize,
}

impl ReduceLrOnPlateau {
    /// A scheduler starting at `lr`, with a relative threshold of 1e-4 and a floor of 1e-6.
    pub fn new(goal: Goal, lr: f64, factor: f64, patience: usize) -> Self {
        Self {
            goal,
            factor,
            patience,
            threshold: 1e-4,
            min_lr: 1e-6,
            lr,
            best: None,
            bad_epochs: 0,
        }
    }

    /// Records the metric of an epoch and returns the learning rate for the next one.
    pub fn step(&mut self, metric: f64) -> f64 {
        if self.goal.improves(metric, self.best, self.threshold) {
            self.best = Some(metric);
            self.bad_epochs = 0;
        } else {
            self.bad_epochs += 1;
        }

        if self.bad_epochs > self.patience {
            self.lr = (self.lr * self.factor).max(self.min_lr);
            self.bad_epochs = 0;
        }
        self.lr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_rate_while_the_metric_improves() {
        let mut plateau = ReduceLrOnPlateau::new(Goal::Minimise, 1e-3, 0.5, 1);
        for loss in [1.0, 0.9, 0.8, 0.7] {
            assert_eq!(plateau.step(loss), 1e-3);
        }
        assert_eq!(plateau.best, Some(0.7));
    }

    #[test]
    fn reduces_after_more_than_patience_bad_epochs() {
        let mut plateau = ReduceLrOnPlateau::new(Goal::Minimise, 1e-3, 0.5, 2);
        assert_eq!(plateau.step(1.0), 1e-3);
        assert_eq!(plateau.step(1.0), 1e-3);
        assert_eq!(plateau.step(1.1), 1e-3);
        assert_eq!(plateau.step(1.2), 5e-4);
        assert_eq!(plateau.bad_epochs, 0);
        assert_eq!(plateau.step(1.3), 5e-4);
        assert_eq!(plateau.step(1.3), 5e-4);
        assert_eq!(plateau.step(1.3), 2.5e-4);
    }

    #[test]
    fn maximising_treats_a_rise_as_improvement() {
        let mut plateau = ReduceLrOnPlateau::new(Goal::Maximise, 1.0, 0.1, 0);
        assert_eq!(plateau.step(0.5), 1.0);
        assert_eq!(plateau.step(0.6), 1.0);
        assert!((plateau.step(0.6) - 0.1).abs() < 1e-12);
    }

    #[test]
    fn tiny_changes_below_the_threshold_do_not_count() {
        let mut plateau = ReduceLrOnPlateau::new(Goal::Minimise, 1.0, 0.5, 0);
        plateau.step(1.0);
        assert_eq!(plateau.step(0.999_99), 0.5);
    }

    #[test]
    fn never_goes_below_the_floor() {
        let mut plateau = ReduceLrOnPlateau::new(Goal::Minimise, 2e-6, 0.1, 0);
        plateau.step(1.0);
        assert_eq!(plateau.step(2.0), 1e-6);
        assert_eq!(plateau.step(2.0), 1e-6);
    }

    #[test]
    fn a_nan_first_metric_is_not_a_best() {
        let mut plateau = ReduceLrOnPlateau::new(Goal::Minimise, 1.0, 0.5, 5);
        plateau.step(f64::NAN);
        assert_eq!(plateau.best, None);
        plateau.step(3.0);
        assert_eq!(plateau.best, Some(3.0));
    }
}
