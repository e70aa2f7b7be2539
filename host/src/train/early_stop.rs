//! Stopping a run once the validation metric has stopped improving.

use serde::{Deserialize, Serialize};

use super::plateau::Goal;

/// Tracks the best epoch of a metric and says when `patience` epochs have passed without
/// beating it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlyStopping {
    /// Direction of improvement.
    pub goal: Goal,
    /// Epochs without improvement after which training stops.
    pub patience: usize,
    /// Best metric so far.
    pub best: Option<f64>,
    /// Epoch (1-based) of the best metric.
    pub best_epoch: Option<usize>,
}

impl EarlyStopping {
    /// A tracker with no best yet.
    pub fn new(goal: Goal, patience: usize) -> Self {
        Self {
            goal,
            patience,
            best: None,
            best_epoch: None,
        }
    }

    /// Records the metric of `epoch`; returns whether it is a new best.
    pub fn record(&mut self, epoch: usize, metric: f64) -> bool {
        let improved = self.goal.improves(metric, self.best, 0.0);
        if improved {
            self.best = Some(metric);
            self.best_epoch = Some(epoch);
        }
        improved
    }

    /// Whether training should stop after `epoch`.
    pub fn should_stop(&self, epoch: usize) -> bool {
        let since_best = epoch - self.best_epoch.unwrap_or(0);
        since_best >= self.patience
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_after_patience_epochs_without_a_new_best() {
        let mut stop = EarlyStopping::new(Goal::Maximise, 2);
        assert!(stop.record(1, 0.5));
        assert!(!stop.should_stop(1));
        assert!(!stop.record(2, 0.4));
        assert!(!stop.should_stop(2));
        assert!(!stop.record(3, 0.5));
        assert!(stop.should_stop(3));
        assert_eq!(stop.best_epoch, Some(1));
    }

    #[test]
    fn a_new_best_resets_the_count() {
        let mut stop = EarlyStopping::new(Goal::Minimise, 2);
        stop.record(1, 1.0);
        stop.record(2, 1.1);
        assert!(stop.record(3, 0.9));
        assert!(!stop.should_stop(4));
    }
}
