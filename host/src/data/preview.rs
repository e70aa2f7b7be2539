//! Picking samples for a preview grid and turning them into face tiles.

use crate::plot::face_grid::{FaceTile, KeypointOverlay};

use super::emotions::EmotionDataset;
use super::keypoints::KeypointDataset;

/// Faces a preview shows at most (a 6x6 grid).
pub const PREVIEW_FACES: usize = 36;

/// Up to [`PREVIEW_FACES`] emotion samples, taking classes in turn so each class shows,
/// captioned with the class name and the origin.
pub fn emotion_tiles(dataset: &EmotionDataset) -> Vec<FaceTile> {
    let classes = dataset.labels.classes.len();
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); classes];
    for (index, sample) in dataset.samples.iter().enumerate() {
        by_class[sample.label].push(index);
    }

    let mut picked = Vec::new();
    let mut round = 0;
    while picked.len() < PREVIEW_FACES && by_class.iter().any(|indices| round < indices.len()) {
        picked.extend(
            by_class
                .iter()
                .filter_map(|indices| indices.get(round))
                .copied(),
        );
        round += 1;
    }
    picked.truncate(PREVIEW_FACES);

    picked
        .into_iter()
        .map(|index| {
            let sample = &dataset.samples[index];
            let name = dataset.labels.name(sample.label).unwrap_or("?");
            let caption = format!("{name}, {}", sample.origin);
            FaceTile::new(sample.pixels.clone(), sample.side, caption)
        })
        .collect()
}

/// Up to [`PREVIEW_FACES`] keypoint samples spread evenly over the file, with their
/// labelled keypoints, captioned with the line and how many values are present.
pub fn keypoint_tiles(dataset: &KeypointDataset) -> Vec<FaceTile> {
    let count = dataset.samples.len();
    let shown = count.min(PREVIEW_FACES);

    (0..shown)
        .map(|slot| {
            let sample = &dataset.samples[slot * count / shown];
            let present = sample.present.iter().filter(|known| **known).count();
            let caption = format!("{} ({present}/30)", sample.origin);
            FaceTile::new(sample.pixels.clone(), shared::INPUT_SIDE, caption)
                .with_overlay(KeypointOverlay::truth(sample.coords, sample.present))
        })
        .collect()
}
