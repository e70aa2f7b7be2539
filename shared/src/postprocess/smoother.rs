//! Temporal smoothing: an exponential moving average of probabilities with hysteresis.
//!
//! Each frame moves the average towards the new probabilities by `alpha`. The displayed
//! label changes only when a challenger's smoothed probability beats the shown label's by
//! `switch_margin` and reaches the confidence threshold, so two classes running neck and
//! neck do not make the readout flicker. A shown label is dropped to `uncertain` only when
//! its smoothed probability falls `switch_margin` below the threshold.

use core::fmt;

use super::decision::{Decision, DecisionConfig, decide};
use super::probabilities::argmax;
use crate::labels::EMOTION_CLASSES;

/// How strongly [`Smoother`] averages and how reluctantly it switches labels.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SmootherConfig {
    /// Weight of the newest frame in the moving average, in (0, 1]; 1 disables averaging.
    ///
    /// Default 0.3: a sustained change dominates the average after about four frames, one
    /// odd frame moves it by less than a third.
    pub alpha: f32,
    /// Lead a challenger needs over the shown label, and the distance below the threshold at
    /// which the shown label is dropped (hysteresis). Default 0.10.
    pub switch_margin: f32,
    /// Thresholds for naming a label at all.
    pub decision: DecisionConfig,
}

impl SmootherConfig {
    /// The documented defaults: `alpha` 0.3, `switch_margin` 0.10, default decision config.
    pub const DEFAULT: SmootherConfig = SmootherConfig {
        alpha: 0.3,
        switch_margin: 0.10,
        decision: DecisionConfig::DEFAULT,
    };
}

impl Default for SmootherConfig {
    fn default() -> Self {
        SmootherConfig::DEFAULT
    }
}

/// Why [`Smoother::update`] refused a frame; the smoother's state is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RejectedFrame {
    /// The probability at `index` is NaN or infinite.
    NotFinite {
        /// Class index of the bad value.
        index: usize,
    },
    /// The probability at `index` lies outside [0, 1].
    OutOfRange {
        /// Class index of the bad value.
        index: usize,
    },
}

impl fmt::Display for RejectedFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectedFrame::NotFinite { index } => {
                write!(f, "probability of class {index} is not finite")
            }
            RejectedFrame::OutOfRange { index } => {
                write!(f, "probability of class {index} is outside [0, 1]")
            }
        }
    }
}

impl core::error::Error for RejectedFrame {}

/// Smooths per-frame probabilities of `N` classes and decides which label to display.
///
/// The state is a few dozen bytes, `Copy`, and never allocates.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Smoother<const N: usize = EMOTION_CLASSES> {
    config: SmootherConfig,
    average: [f32; N],
    frames: u32,
    shown: Option<usize>,
}

impl<const N: usize> Smoother<N> {
    /// A smoother that has seen no frame yet.
    ///
    /// An `alpha` outside (0, 1] (or NaN) is replaced by the default 0.3, and a negative or
    /// NaN `switch_margin` by 0, so no configuration can stall or poison the average.
    pub fn new(config: SmootherConfig) -> Self {
        let alpha = if config.alpha > 0.0 && config.alpha <= 1.0 {
            config.alpha
        } else {
            SmootherConfig::DEFAULT.alpha
        };

        let config = SmootherConfig {
            alpha,
            switch_margin: config.switch_margin.max(0.0),
            ..config
        };
        Smoother {
            config,
            average: [0.0; N],
            frames: 0,
            shown: None,
        }
    }

    /// The configuration in use (after the corrections of [`Smoother::new`]).
    pub fn config(&self) -> &SmootherConfig {
        &self.config
    }

    /// Forgets every frame seen, e.g. when the face is lost.
    pub fn reset(&mut self) {
        *self = Smoother::new(self.config);
    }

    /// Number of frames averaged since creation or the last reset (saturating).
    pub fn frames(&self) -> u32 {
        self.frames
    }

    /// The smoothed probabilities, or `None` before the first accepted frame.
    pub fn average(&self) -> Option<&[f32; N]> {
        (self.frames > 0).then_some(&self.average)
    }

    /// The label currently displayed, with its smoothed probability.
    pub fn decision(&self) -> Decision {
        match self.shown {
            Some(index) => Decision::Label {
                index,
                confidence: self.average[index],
            },
            None => Decision::Uncertain,
        }
    }

    /// Folds one frame's probabilities into the average and returns the displayed decision.
    ///
    /// A frame with a NaN, an infinity or a value outside [0, 1] is rejected and leaves the
    /// state exactly as it was.
    pub fn update(&mut self, probabilities: &[f32; N]) -> Result<Decision, RejectedFrame> {
        check_frame(probabilities)?;

        self.fold_in(probabilities);

        self.shown = self.next_shown();
        Ok(self.decision())
    }

    /// Moves the average towards `probabilities` by `alpha` (the first frame sets it).
    fn fold_in(&mut self, probabilities: &[f32; N]) {
        let alpha = if self.frames == 0 {
            1.0
        } else {
            self.config.alpha
        };
        for (average, &probability) in self.average.iter_mut().zip(probabilities) {
            *average += alpha * (probability - *average);
        }
        self.frames = self.frames.saturating_add(1);
    }

    /// The label to show after the average moved, applying the hysteresis rules.
    fn next_shown(&self) -> Option<usize> {
        let Some(current) = self.shown else {
            return decide(&self.average, &self.config.decision).index();
        };

        let current_score = self.average[current];
        let margin = self.config.switch_margin;
        let threshold = self.config.decision.min_confidence;

        if let Some(challenger) = self.challenger(current) {
            let challenger_score = self.average[challenger];
            if challenger_score >= current_score + margin && challenger_score >= threshold {
                return Some(challenger);
            }
        }

        if current_score < threshold - margin {
            return decide(&self.average, &self.config.decision).index();
        }
        Some(current)
    }

    /// The best class other than `current`.
    fn challenger(&self, current: usize) -> Option<usize> {
        let mut others = self.average;
        others[current] = f32::NEG_INFINITY;
        argmax(&others).filter(|&index| index != current)
    }
}

impl<const N: usize> Default for Smoother<N> {
    fn default() -> Self {
        Smoother::new(SmootherConfig::DEFAULT)
    }
}

/// Accepts a frame only when every probability is finite and in [0, 1].
fn check_frame(probabilities: &[f32]) -> Result<(), RejectedFrame> {
    for (index, probability) in probabilities.iter().enumerate() {
        if !probability.is_finite() {
            return Err(RejectedFrame::NotFinite { index });
        }
        if !(0.0..=1.0).contains(probability) {
            return Err(RejectedFrame::OutOfRange { index });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HAPPY: [f32; 5] = [0.05, 0.05, 0.05, 0.8, 0.05];
    const SAD: [f32; 5] = [0.05, 0.05, 0.8, 0.05, 0.05];

    fn shown_after(smoother: &mut Smoother, frames: &[[f32; 5]]) -> Decision {
        let mut decision = smoother.decision();
        for frame in frames {
            decision = smoother.update(frame).unwrap();
        }
        decision
    }

    #[test]
    fn a_steady_input_is_shown_at_once() {
        let mut smoother = Smoother::default();
        let decision = shown_after(&mut smoother, &[HAPPY]);
        assert_eq!(
            decision,
            Decision::Label {
                index: 3,
                confidence: 0.8
            }
        );
        assert_eq!(smoother.frames(), 1);
    }

    #[test]
    fn a_single_odd_frame_does_not_switch_the_label() {
        let mut smoother = Smoother::default();
        let decision = shown_after(&mut smoother, &[HAPPY, HAPPY, HAPPY, SAD, HAPPY]);
        assert_eq!(decision.index(), Some(3));
    }

    #[test]
    fn a_sustained_new_label_takes_over_within_a_few_frames() {
        let mut smoother = Smoother::default();
        shown_after(&mut smoother, &[HAPPY; 20]);

        let switched_at = (1..=20).find(|_| smoother.update(&SAD).unwrap().index() == Some(2));
        // With alpha 0.3 the sad average passes happy + 0.10 on the third sad frame.
        assert_eq!(switched_at, Some(3));
    }

    #[test]
    fn a_fading_label_drops_to_uncertain() {
        let mut smoother = Smoother::default();
        shown_after(&mut smoother, &[HAPPY; 5]);
        let decision = shown_after(&mut smoother, &[[0.2; 5]; 10]);
        assert_eq!(decision, Decision::Uncertain);
    }

    #[test]
    fn bad_frames_leave_the_state_intact() {
        let mut smoother = Smoother::default();
        shown_after(&mut smoother, &[HAPPY, HAPPY]);
        let before = smoother;

        let nan = [0.1, f32::NAN, 0.1, 0.6, 0.2];
        assert_eq!(
            smoother.update(&nan),
            Err(RejectedFrame::NotFinite { index: 1 })
        );
        let infinite = [f32::INFINITY, 0.0, 0.0, 0.0, 0.0];
        assert_eq!(
            smoother.update(&infinite),
            Err(RejectedFrame::NotFinite { index: 0 })
        );
        let negative = [0.1, 0.1, 0.1, 0.8, -0.1];
        assert_eq!(
            smoother.update(&negative),
            Err(RejectedFrame::OutOfRange { index: 4 })
        );

        assert_eq!(smoother, before);
    }

    #[test]
    fn reset_forgets_everything_but_the_config() {
        let config = SmootherConfig {
            alpha: 0.5,
            ..SmootherConfig::DEFAULT
        };
        let mut smoother: Smoother = Smoother::new(config);
        shown_after(&mut smoother, &[HAPPY]);
        smoother.reset();
        assert_eq!(smoother, Smoother::new(config));
        assert_eq!(smoother.average(), None);
    }

    #[test]
    fn an_invalid_alpha_falls_back_to_the_default() {
        for alpha in [0.0, -1.0, 1.5, f32::NAN] {
            let smoother: Smoother = Smoother::new(SmootherConfig {
                alpha,
                ..Default::default()
            });
            assert_eq!(smoother.config().alpha, SmootherConfig::DEFAULT.alpha);
        }
    }

    /// Two frames that swap the probabilities of classes `a` and `b`, which differ by `gap`.
    fn near_tie_pair(a: usize, b: usize, high: f32, gap: f32) -> ([f32; 5], [f32; 5]) {
        let rest = (1.0 - high - (high - gap)) / 3.0;
        let mut first = [rest; 5];
        first[a] = high;
        first[b] = high - gap;
        let mut second = first;
        second.swap(a, b);
        (first, second)
    }

    proptest! {
        #[test]
        fn alternating_near_ties_never_flicker(
            a in 0usize..5,
            offset in 1usize..5,
            high in 0.3_f32..0.5,
            gap in 0.0_f32..0.099,
            alpha in 0.05_f32..1.0,
            frames in 2usize..60,
        ) {
            let b = (a + offset) % 5;
            let (first, second) = near_tie_pair(a, b, high, gap);
            // No minimum margin, so a label is named and only the hysteresis holds it.
            let decision = DecisionConfig { min_margin: 0.0, ..DecisionConfig::DEFAULT };
            let config = SmootherConfig { alpha, decision, ..SmootherConfig::DEFAULT };
            let mut smoother: Smoother = Smoother::new(config);

            let mut changes = 0;
            let mut shown = smoother.decision().index();
            for frame in 0..frames {
                let input = if frame % 2 == 0 { &first } else { &second };
                let now = smoother.update(input).unwrap().index();
                if now != shown {
                    changes += 1;
                    shown = now;
                }
            }
            prop_assert!(changes <= 1, "the label changed {} times", changes);
        }

        #[test]
        fn a_sustained_label_is_reached_from_any_history(
            history in proptest::collection::vec(proptest::array::uniform5(0.0_f32..1.0), 0..30),
            target in 0usize..5,
        ) {
            let mut smoother = Smoother::default();
            for frame in &history {
                smoother.update(frame).unwrap();
            }

            let mut sustained = [0.02; 5];
            sustained[target] = 0.92;
            let decision = shown_after(&mut smoother, &[sustained; 15]);
            prop_assert_eq!(decision.index(), Some(target));
        }

        #[test]
        fn nan_anywhere_leaves_the_state_intact(
            history in proptest::collection::vec(proptest::array::uniform5(0.0_f32..1.0), 0..10),
            at in 0usize..5,
        ) {
            let mut smoother = Smoother::default();
            for frame in &history {
                smoother.update(frame).unwrap();
            }
            let before = smoother;

            let mut poisoned = [0.2; 5];
            poisoned[at] = f32::NAN;
            prop_assert!(smoother.update(&poisoned).is_err());
            prop_assert_eq!(smoother, before);
        }
    }
}
