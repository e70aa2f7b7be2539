//! A readout decision: one label, or `uncertain` when the model is not sure enough.

use super::probabilities::top_two;

/// When a probability vector is decisive enough to name a label.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DecisionConfig {
    /// The top probability must reach this to name a label.
    ///
    /// Default 0.40: twice the uniform 0.20 of five classes, so a label is named only when
    /// the model clearly prefers it over guessing.
    pub min_confidence: f32,
    /// The top probability must lead the runner-up by at least this much.
    ///
    /// Default 0.10: two classes within ten points of each other are a tie to a viewer.
    pub min_margin: f32,
}

impl DecisionConfig {
    /// The documented defaults: `min_confidence` 0.40, `min_margin` 0.10.
    pub const DEFAULT: DecisionConfig = DecisionConfig {
        min_confidence: 0.40,
        min_margin: 0.10,
    };
}

impl Default for DecisionConfig {
    fn default() -> Self {
        DecisionConfig::DEFAULT
    }
}

/// What the readout shows for one probability vector.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Decision {
    /// The class at `index` of the label set, with its probability.
    Label {
        /// Index into the label set.
        index: usize,
        /// Probability of that class, in [0, 1].
        confidence: f32,
    },
    /// No class is probable enough, or the top two are too close to call.
    Uncertain,
}

impl Decision {
    /// The label index, or `None` when uncertain.
    pub fn index(&self) -> Option<usize> {
        match self {
            Decision::Label { index, .. } => Some(*index),
            Decision::Uncertain => None,
        }
    }

    /// The label's probability, or `None` when uncertain.
    pub fn confidence(&self) -> Option<f32> {
        match self {
            Decision::Label { confidence, .. } => Some(*confidence),
            Decision::Uncertain => None,
        }
    }
}

/// Names the top class of `probabilities` when it reaches `config.min_confidence` and leads
/// the runner-up by `config.min_margin`; otherwise [`Decision::Uncertain`].
///
/// A vector with a NaN, with fewer than two entries, or with an infinite top score is
/// uncertain.
pub fn decide(probabilities: &[f32], config: &DecisionConfig) -> Decision {
    let Some(top) = top_two(probabilities) else {
        return Decision::Uncertain;
    };

    let confident = top.best_score.is_finite() && top.best_score >= config.min_confidence;
    if confident && top.margin() >= config.min_margin {
        Decision::Label {
            index: top.best,
            confidence: top.best_score,
        }
    } else {
        Decision::Uncertain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clear_winner_is_named() {
        let decision = decide(&[0.1, 0.1, 0.6, 0.1, 0.1], &DecisionConfig::DEFAULT);
        assert_eq!(
            decision,
            Decision::Label {
                index: 2,
                confidence: 0.6
            }
        );
        assert_eq!(decision.index(), Some(2));
    }

    #[test]
    fn a_weak_top_probability_is_uncertain() {
        let decision = decide(&[0.35, 0.2, 0.15, 0.15, 0.15], &DecisionConfig::DEFAULT);
        assert_eq!(decision, Decision::Uncertain);
        assert_eq!(decision.confidence(), None);
    }

    #[test]
    fn a_near_tie_is_uncertain() {
        let decision = decide(&[0.45, 0.40, 0.05, 0.05, 0.05], &DecisionConfig::DEFAULT);
        assert_eq!(decision, Decision::Uncertain);
    }

    #[test]
    fn thresholds_come_from_the_config() {
        let lenient = DecisionConfig {
            min_confidence: 0.3,
            min_margin: 0.0,
        };
        let decision = decide(&[0.45, 0.40, 0.05, 0.05, 0.05], &lenient);
        assert_eq!(decision.index(), Some(0));
    }

    #[test]
    fn nan_is_uncertain() {
        let decision = decide(&[f32::NAN, 0.9, 0.1], &DecisionConfig::DEFAULT);
        assert_eq!(decision, Decision::Uncertain);
    }
}
