//! Softmax, argmax and the top-2 margin over a class score vector.

/// Turns `logits` into probabilities in place with a numerically stable softmax (the
/// maximum is subtracted before exponentiation, so large logits do not overflow).
///
/// Returns `false`, leaving `logits` untouched, when the slice is empty, holds a NaN or
/// `+inf`, or is all `-inf`; a `-inf` logit among finite ones gets probability 0.
pub fn softmax_in_place(logits: &mut [f32]) -> bool {
    let Some(max) = finite_max(logits) else {
        return false;
    };

    let mut sum = 0.0;
    for value in logits.iter_mut() {
        *value = libm::expf(*value - max);
        sum += *value;
    }

    // The maximum contributes exp(0) = 1, so `sum >= 1` and the division is safe.
    for value in logits.iter_mut() {
        *value /= sum;
    }
    true
}

/// Softmax of `logits` into a new array; `None` under the conditions of [`softmax_in_place`].
pub fn softmax<const N: usize>(logits: &[f32; N]) -> Option<[f32; N]> {
    let mut probabilities = *logits;
    softmax_in_place(&mut probabilities).then_some(probabilities)
}

/// Index of the largest value, the lowest index on ties; `None` when `values` is empty or
/// holds a NaN.
pub fn argmax(values: &[f32]) -> Option<usize> {
    top_two(values)
        .map(|top| top.best)
        .or_else(|| single_index(values))
}

/// The two highest-scoring classes of a score vector.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TopTwo {
    /// Index of the highest score (the lowest index on ties).
    pub best: usize,
    /// The highest score.
    pub best_score: f32,
    /// Index of the second-highest score.
    pub runner_up: usize,
    /// The second-highest score.
    pub runner_up_score: f32,
}

impl TopTwo {
    /// How far the best score leads the runner-up (never negative).
    pub fn margin(&self) -> f32 {
        self.best_score - self.runner_up_score
    }
}

/// The best and second-best entries of `values`; `None` when it has fewer than two entries
/// or holds a NaN.
pub fn top_two(values: &[f32]) -> Option<TopTwo> {
    if values.len() < 2 || values.iter().any(|value| value.is_nan()) {
        return None;
    }

    let (mut best, mut runner_up) = if values[1] > values[0] {
        (1, 0)
    } else {
        (0, 1)
    };
    for (index, &value) in values.iter().enumerate().skip(2) {
        if value > values[best] {
            runner_up = best;
            best = index;
        } else if value > values[runner_up] {
            runner_up = index;
        }
    }

    Some(TopTwo {
        best,
        best_score: values[best],
        runner_up,
        runner_up_score: values[runner_up],
    })
}

/// Index 0 of a one-entry, non-NaN slice.
fn single_index(values: &[f32]) -> Option<usize> {
    match values {
        [only] if !only.is_nan() => Some(0),
        _ => None,
    }
}

/// The largest value when it is finite and nothing is NaN.
fn finite_max(values: &[f32]) -> Option<f32> {
    if values.iter().any(|value| value.is_nan()) {
        return None;
    }

    let max = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    max.is_finite().then_some(max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn softmax_of_known_logits() {
        let probabilities = softmax(&[0.0, 0.0, 2.0_f32.ln()]).unwrap();
        let expected = [0.25, 0.25, 0.5];
        for (got, want) in probabilities.iter().zip(expected) {
            assert!((got - want).abs() < 1e-6, "{probabilities:?}");
        }
    }

    #[test]
    fn softmax_survives_huge_logits() {
        let probabilities = softmax(&[1000.0, 999.0, -1000.0]).unwrap();
        assert!(probabilities.iter().all(|p| p.is_finite()));
        assert!(
            (probabilities[0] - 0.731_058_6).abs() < 1e-5,
            "{probabilities:?}"
        );
        assert_eq!(probabilities[2], 0.0);
    }

    #[test]
    fn softmax_rejects_non_finite_logits_and_leaves_them() {
        let mut logits = [1.0, f32::NAN, 0.0];
        assert!(!softmax_in_place(&mut logits));
        assert_eq!(logits[0], 1.0);
        assert!(softmax(&[f32::INFINITY, 0.0]).is_none());
        assert!(softmax(&[f32::NEG_INFINITY; 3]).is_none());
        assert!(softmax::<0>(&[]).is_none());
        assert_eq!(softmax(&[f32::NEG_INFINITY, 0.0]), Some([0.0, 1.0]));
    }

    #[test]
    fn argmax_prefers_the_lowest_index_on_ties() {
        assert_eq!(argmax(&[0.1, 0.4, 0.4, 0.1]), Some(1));
        assert_eq!(argmax(&[0.3]), Some(0));
        assert_eq!(argmax(&[]), None);
        assert_eq!(argmax(&[0.1, f32::NAN]), None);
    }

    #[test]
    fn top_two_finds_the_runner_up_wherever_it_is() {
        let top = top_two(&[0.1, 0.2, 0.6, 0.05, 0.05]).unwrap();
        assert_eq!((top.best, top.runner_up), (2, 1));
        assert!((top.margin() - 0.4).abs() < 1e-6);
        let top = top_two(&[0.7, 0.1, 0.2]).unwrap();
        assert_eq!((top.best, top.runner_up), (0, 2));
        assert!(top_two(&[1.0]).is_none());
    }

    proptest! {
        #[test]
        fn softmax_sums_to_one_and_keeps_the_argmax(
            logits in proptest::array::uniform5(-80.0_f32..80.0),
        ) {
            let probabilities = softmax(&logits).unwrap();
            let sum: f32 = probabilities.iter().sum();
            prop_assert!((sum - 1.0).abs() < 1e-5, "sum {}", sum);
            prop_assert!(probabilities.iter().all(|p| (0.0..=1.0).contains(p)));

            let best = argmax(&logits).unwrap();
            let best_probability = probabilities[best];
            prop_assert!(probabilities.iter().all(|p| *p <= best_probability));
        }

        #[test]
        fn top_two_agrees_with_sorting(values in proptest::collection::vec(-1.0_f32..1.0, 2..9)) {
            let top = top_two(&values).unwrap();
            let mut sorted = values.clone();
            sorted.sort_by(|a, b| b.total_cmp(a));
            prop_assert_eq!(top.best_score, sorted[0]);
            prop_assert_eq!(top.runner_up_score, sorted[1]);
            prop_assert!(top.best != top.runner_up);
            prop_assert_eq!(argmax(&values), Some(top.best));
        }
    }
}
