//! Seeded splits that keep groups of related samples (identical images, neighbouring rows of
//! one person) together, so no group straddles two splits.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::Split;

/// How many samples a split should receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitTarget {
    /// The split to fill.
    pub split: Split,
    /// Samples it should hold at least.
    pub samples: usize,
}

impl SplitTarget {
    /// `fraction` of `total` samples, rounded, for `split`.
    pub fn share(split: Split, fraction: f32, total: usize) -> SplitTarget {
        SplitTarget {
            split,
            samples: (fraction as f64 * total as f64).round() as usize,
        }
    }
}

/// Visits the eligible groups in an order shuffled by `seed` and gives each to the first
/// target not yet full; returns the split chosen for each group (`None`: not chosen).
///
/// `sizes` holds the number of samples in each group. A target may overshoot by less than
/// one group. The same sizes, eligibility, targets and seed always give the same result.
///
/// Limitation: the order comes from `rand`'s `StdRng`, whose algorithm may change between
/// `rand` releases, so a split is reproducible for one build, not across dependency updates.
pub fn pick_groups(
    sizes: &[usize],
    eligible: impl Fn(usize) -> bool,
    targets: &[SplitTarget],
    seed: u64,
) -> Vec<Option<Split>> {
    let mut order: Vec<usize> = (0..sizes.len()).filter(|group| eligible(*group)).collect();
    order.shuffle(&mut StdRng::seed_from_u64(seed));

    let mut filled = vec![0usize; targets.len()];
    let mut chosen = vec![None; sizes.len()];
    for group in order {
        let open = targets
            .iter()
            .zip(&filled)
            .position(|(target, count)| *count < target.samples);
        let Some(target) = open else {
            break;
        };
        chosen[group] = Some(targets[target].split);
        filled[target] += sizes[group];
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_filled_and_reproducible() {
        let sizes = vec![1; 100];
        let targets = [
            SplitTarget::share(Split::Test, 0.1, 100),
            SplitTarget::share(Split::Validation, 0.2, 100),
        ];
        let first = pick_groups(&sizes, |_| true, &targets, 7);
        let count = |split| {
            first
                .iter()
                .filter(|chosen| **chosen == Some(split))
                .count()
        };
        assert_eq!(count(Split::Test), 10);
        assert_eq!(count(Split::Validation), 20);
        assert_eq!(first, pick_groups(&sizes, |_| true, &targets, 7));
        assert_ne!(first, pick_groups(&sizes, |_| true, &targets, 8));
    }

    #[test]
    fn ineligible_groups_are_never_chosen() {
        let sizes = vec![1; 10];
        let targets = [SplitTarget::share(Split::Test, 0.5, 10)];
        let chosen = pick_groups(&sizes, |group| group % 2 == 0, &targets, 1);
        assert!(chosen.iter().skip(1).step_by(2).all(Option::is_none));
        assert_eq!(chosen.iter().flatten().count(), 5);
    }
}
