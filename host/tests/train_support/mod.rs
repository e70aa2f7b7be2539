//! Synthetic faces for training tests: two classes a small network tells apart in a few
//! epochs.

use host::data::{EmotionSample, SampleOrigin, Split};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Side of the synthetic images (FER2013's).
pub const SIDE: usize = 48;

/// Class names of the synthetic data.
pub fn two_labels() -> Vec<String> {
    vec!["frown".to_string(), "smile".to_string()]
}

/// `train` and `validation` noisy grey faces per split, half of each class: class 0 has a
/// bright band across the top third, class 1 across the bottom third.
pub fn two_class_faces(
    train: usize,
    validation: usize,
    seed: u64,
) -> (Vec<EmotionSample>, Vec<EmotionSample>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut make = |count: usize, split: Split| -> Vec<EmotionSample> {
        (0..count)
            .map(|index| face(index % 2, split, index, &mut rng))
            .collect()
    };
    let train_split = make(train, Split::Train);
    let validation_split = make(validation, Split::Validation);
    (train_split, validation_split)
}

fn face(label: usize, split: Split, index: usize, rng: &mut StdRng) -> EmotionSample {
    let band = if label == 0 { 4..18 } else { 30..44 };
    let pixels = (0..SIDE * SIDE)
        .map(|i| {
            let base: i32 = if band.contains(&(i / SIDE)) { 190 } else { 70 };
            (base + rng.random_range(-40..=40)).clamp(0, 255) as u8
        })
        .collect();
    EmotionSample {
        pixels,
        side: SIDE,
        label,
        split,
        origin: SampleOrigin::Line(index as u64 + 2),
    }
}
