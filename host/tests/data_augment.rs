//! Augmentation moves keypoints with the pixels, and flips swap left and right.

use host::data::{AugmentConfig, Augmentation, Augmenter};
use rand::SeedableRng;
use rand::rngs::StdRng;
use shared::keypoints::{KEYPOINT_COORDS, Keypoint};

const SIDE: usize = 96;

/// A black image with a Gaussian spot of radius about 1.5 px centred at `(x, y)`.
fn spot_at(x: f32, y: f32) -> [f32; SIDE * SIDE] {
    core::array::from_fn(|index| {
        let (column, row) = ((index % SIDE) as f32, (index / SIDE) as f32);
        let distance2 = (column - x).powi(2) + (row - y).powi(2);
        (-distance2 / (2.0 * 1.5 * 1.5)).exp()
    })
}

/// Brightness-weighted centre of the image.
fn centroid(image: &[f32; SIDE * SIDE]) -> (f32, f32) {
    let floor = image.iter().copied().fold(f32::INFINITY, f32::min);
    let (mut sum, mut sum_x, mut sum_y) = (0.0, 0.0, 0.0);
    for (index, value) in image.iter().enumerate() {
        let weight = value - floor;
        sum += weight;
        sum_x += weight * (index % SIDE) as f32;
        sum_y += weight * (index / SIDE) as f32;
    }
    (sum_x / sum, sum_y / sum)
}

fn keypoints_with(
    point: Keypoint,
    x: f32,
    y: f32,
) -> ([f32; KEYPOINT_COORDS], [bool; KEYPOINT_COORDS]) {
    let mut coords = [0.0; KEYPOINT_COORDS];
    let mut present = [false; KEYPOINT_COORDS];
    coords[point.x_column()] = x;
    coords[point.y_column()] = y;
    present[point.x_column()] = true;
    present[point.y_column()] = true;
    (coords, present)
}

#[test]
fn a_flip_mirrors_x_and_swaps_left_with_right() {
    let mut image = spot_at(70.0, 40.0);
    let (mut coords, mut present) = keypoints_with(Keypoint::LeftEyeCenter, 70.0, 40.0);
    let flip = Augmentation {
        flip: true,
        ..Augmentation::IDENTITY
    };

    flip.apply(&mut image, Some((&mut coords, &mut present)));

    let right = Keypoint::RightEyeCenter;
    assert!(present[right.x_column()] && present[right.y_column()]);
    assert!(!present[Keypoint::LeftEyeCenter.x_column()]);
    assert_eq!(
        (coords[right.x_column()], coords[right.y_column()]),
        (25.0, 40.0)
    );
    let (x, y) = centroid(&image);
    assert!(
        (x - 25.0).abs() < 0.05 && (y - 40.0).abs() < 0.05,
        "spot at ({x}, {y})"
    );
}

#[test]
fn a_flip_moves_pixel_columns_to_95_minus_x() {
    let mut image: [f32; SIDE * SIDE] = core::array::from_fn(|index| (index % SIDE) as f32);
    Augmentation {
        flip: true,
        ..Augmentation::IDENTITY
    }
    .apply(&mut image, None);
    assert_eq!(image[3], 92.0);
    assert_eq!(image[SIDE * 50 + 95], 0.0);
}

#[test]
fn spots_stay_on_their_keypoints_under_random_augmentation() {
    let config = AugmentConfig {
        max_rotation_deg: 30.0,
        brightness: 0.0,
        contrast: 0.0,
        ..AugmentConfig::default()
    };
    let augmenter = Augmenter::new(config);
    let mut rng = StdRng::seed_from_u64(11);
    let points = [
        (Keypoint::NoseTip, 48.0, 56.0),
        (Keypoint::LeftEyeCenter, 64.3, 37.2),
        (Keypoint::MouthRightCorner, 36.0, 72.5),
    ];
    let mut checked = 0;

    for trial in 0..60 {
        let (point, x, y) = points[trial % points.len()];
        let mut image = spot_at(x, y);
        let (mut coords, mut present) = keypoints_with(point, x, y);
        let drawn = augmenter.draw(&mut rng);

        drawn.apply(&mut image, Some((&mut coords, &mut present)));

        let moved = if drawn.flip { point.mirror() } else { point };
        if !present[moved.x_column()] {
            continue;
        }
        let expected = (coords[moved.x_column()], coords[moved.y_column()]);
        let (spot_x, spot_y) = centroid(&image);
        let error = ((spot_x - expected.0).powi(2) + (spot_y - expected.1).powi(2)).sqrt();
        assert!(
            error < 1.0,
            "{drawn:?}: spot at ({spot_x}, {spot_y}), keypoint at {expected:?}"
        );
        checked += 1;
    }
    assert!(
        checked >= 50,
        "only {checked} trials kept their point in the frame"
    );
}

#[test]
fn points_pushed_out_of_the_frame_are_marked_missing() {
    let mut image = spot_at(90.0, 48.0);
    let (mut coords, mut present) = keypoints_with(Keypoint::LeftEyeOuterCorner, 90.0, 48.0);
    let shift = Augmentation {
        shift: (8.0, 0.0),
        ..Augmentation::IDENTITY
    };

    shift.apply(&mut image, Some((&mut coords, &mut present)));

    assert!(!present[Keypoint::LeftEyeOuterCorner.x_column()]);
    assert!(!present[Keypoint::LeftEyeOuterCorner.y_column()]);
    assert!(image.iter().all(|value| value.is_finite()));
}

#[test]
fn no_augmentation_changes_nothing_and_seeds_reproduce() {
    let original = spot_at(40.0, 50.0);
    let (coords, present) = keypoints_with(Keypoint::NoseTip, 40.0, 50.0);
    let mut image = original;
    let (mut moved, mut kept) = (coords, present);
    Augmenter::new(AugmentConfig::none()).apply(
        &mut image,
        Some((&mut moved, &mut kept)),
        &mut StdRng::seed_from_u64(3),
    );
    assert_eq!(image, original);
    assert_eq!((moved, kept), (coords, present));

    let augmenter = Augmenter::new(AugmentConfig::default());
    let run = |seed| {
        let mut image = original;
        augmenter.apply(&mut image, None, &mut StdRng::seed_from_u64(seed));
        image
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
    assert!(run(5).iter().all(|value| (0.0..=1.0).contains(value)));
}
