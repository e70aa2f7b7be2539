//! Random augmentation of 96x96 model inputs, moving keypoints with the pixels.
//!
//! Geometry: an optional horizontal flip (x -> 95 - x, left and right keypoint names
//! swapped), then rotation, zoom and shift about the image centre (47.5, 47.5), applied by
//! inverse mapping each output pixel into the source with bilinear sampling and edge
//! replication. Keypoints go through the same affine map, so they stay on the features they
//! mark; a point that leaves the frame is marked missing. Photometry: contrast about the
//! image mean, then brightness, clamped to [0, 1]. No vertical flips: faces are upright.

use rand::Rng;
use shared::keypoints::{KEYPOINT_COORDS, Keypoint, mirror_keypoints};
use shared::{INPUT_LEN, INPUT_SIDE};

/// The image centre, pixel centres at integer positions.
const CENTRE: f32 = (INPUT_SIDE as f32 - 1.0) / 2.0;

/// How strongly to augment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AugmentConfig {
    /// Flip left to right with probability one half.
    pub flip: bool,
    /// Largest rotation either way, in degrees.
    pub max_rotation_deg: f32,
    /// Largest shift along each axis, in pixels.
    pub max_shift_px: f32,
    /// Range of the scale factor (above 1 zooms in).
    pub zoom_range: (f32, f32),
    /// Largest brightness offset either way, in input units (the input spans [0, 1]).
    pub brightness: f32,
    /// Largest relative contrast change either way (0.2: factor in [0.8, 1.2]).
    pub contrast: f32,
}

impl AugmentConfig {
    /// No augmentation at all: `apply` leaves image and keypoints unchanged.
    pub fn none() -> AugmentConfig {
        AugmentConfig {
            flip: false,
            max_rotation_deg: 0.0,
            max_shift_px: 0.0,
            zoom_range: (1.0, 1.0),
            brightness: 0.0,
            contrast: 0.0,
        }
    }
}

impl Default for AugmentConfig {
    /// Moderate settings for faces: flips, 15 degrees, 8 px, 0.9-1.1 zoom, 0.1 brightness,
    /// 0.2 contrast.
    fn default() -> Self {
        AugmentConfig {
            flip: true,
            max_rotation_deg: 15.0,
            max_shift_px: 8.0,
            zoom_range: (0.9, 1.1),
            brightness: 0.1,
            contrast: 0.2,
        }
    }
}

/// One drawn set of augmentation parameters, applicable to an image and its keypoints.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Augmentation {
    /// Flip left to right first.
    pub flip: bool,
    /// Rotation in degrees (positive turns clockwise on screen, y pointing down).
    pub rotation_deg: f32,
    /// Shift (x, y) in pixels.
    pub shift: (f32, f32),
    /// Scale factor about the centre.
    pub zoom: f32,
    /// Offset added to every value.
    pub brightness: f32,
    /// Factor applied to each value's distance from the image mean.
    pub contrast: f32,
}

impl Augmentation {
    /// The augmentation that changes nothing.
    pub const IDENTITY: Augmentation = Augmentation {
        flip: false,
        rotation_deg: 0.0,
        shift: (0.0, 0.0),
        zoom: 1.0,
        brightness: 0.0,
        contrast: 1.0,
    };

    /// Transforms `image` (96x96, row-major, values in [0, 1]) in place, and the keypoints
    /// with it; keypoints that leave the frame get `present = false`.
    pub fn apply(
        &self,
        image: &mut [f32; INPUT_LEN],
        keypoints: Option<(&mut [f32; KEYPOINT_COORDS], &mut [bool; KEYPOINT_COORDS])>,
    ) {
        let affine = Affine::new(self.rotation_deg, self.zoom, self.shift);
        if self.flip {
            flip_image(image);
        }
        if !affine.is_identity() {
            warp_image(image, &affine);
        }
        adjust_levels(image, self.contrast, self.brightness);

        if let Some((coords, present)) = keypoints {
            if self.flip {
                mirror_keypoints(coords, present, INPUT_SIDE);
            }
            if !affine.is_identity() {
                move_keypoints(coords, present, &affine);
            }
        }
    }
}

/// Draws augmentations from an [`AugmentConfig`] and applies them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Augmenter {
    config: AugmentConfig,
}

impl Augmenter {
    /// An augmenter with `config`.
    pub fn new(config: AugmentConfig) -> Self {
        Augmenter { config }
    }

    /// The configuration.
    pub fn config(&self) -> &AugmentConfig {
        &self.config
    }

    /// Draws one set of parameters from `rng`.
    pub fn draw(&self, rng: &mut impl Rng) -> Augmentation {
        let config = &self.config;
        let symmetric = |rng: &mut _, limit: f32| uniform(rng, -limit, limit);
        Augmentation {
            flip: config.flip && rng.random_bool(0.5),
            rotation_deg: symmetric(rng, config.max_rotation_deg),
            shift: (
                symmetric(rng, config.max_shift_px),
                symmetric(rng, config.max_shift_px),
            ),
            zoom: uniform(rng, config.zoom_range.0, config.zoom_range.1),
            brightness: symmetric(rng, config.brightness),
            contrast: 1.0 + symmetric(rng, config.contrast),
        }
    }

    /// Draws parameters from `rng` and applies them to `image` (96x96 model input values in
    /// [0, 1], row-major) in place, moving `keypoints` (coordinates and presence) with it;
    /// points that leave the frame get `present = false`.
    pub fn apply(
        &self,
        image: &mut [f32; INPUT_LEN],
        keypoints: Option<(&mut [f32; KEYPOINT_COORDS], &mut [bool; KEYPOINT_COORDS])>,
        rng: &mut impl Rng,
    ) {
        self.draw(rng).apply(image, keypoints);
    }
}

/// A uniform draw from `low..=high`; `low` when the range is empty.
fn uniform(rng: &mut impl Rng, low: f32, high: f32) -> f32 {
    if high > low {
        low + (high - low) * rng.random::<f32>()
    } else {
        low
    }
}

/// Rotation and zoom about the centre followed by a shift: `p' = c + s + M (p - c)`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Affine {
    /// Row-major 2x2 matrix `M` (rotation times zoom).
    matrix: [f32; 4],
    /// Shift `s`.
    shift: (f32, f32),
}

impl Affine {
    fn new(rotation_deg: f32, zoom: f32, shift: (f32, f32)) -> Affine {
        let (sin, cos) = rotation_deg.to_radians().sin_cos();
        Affine {
            matrix: [zoom * cos, -zoom * sin, zoom * sin, zoom * cos],
            shift,
        }
    }

    fn is_identity(&self) -> bool {
        self.matrix == [1.0, 0.0, 0.0, 1.0] && self.shift == (0.0, 0.0)
    }

    /// Where source point `(x, y)` lands.
    fn forward(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d] = self.matrix;
        let (dx, dy) = (x - CENTRE, y - CENTRE);
        (
            CENTRE + self.shift.0 + a * dx + b * dy,
            CENTRE + self.shift.1 + c * dx + d * dy,
        )
    }

    /// Which source point lands on `(x, y)`.
    fn inverse(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d] = self.matrix;
        let determinant = a * d - b * c;
        let (dx, dy) = (x - CENTRE - self.shift.0, y - CENTRE - self.shift.1);
        (
            CENTRE + (d * dx - b * dy) / determinant,
            CENTRE + (-c * dx + a * dy) / determinant,
        )
    }
}

fn flip_image(image: &mut [f32; INPUT_LEN]) {
    for row in image.chunks_exact_mut(INPUT_SIDE) {
        row.reverse();
    }
}

/// Resamples `image` through `affine` by inverse mapping.
fn warp_image(image: &mut [f32; INPUT_LEN], affine: &Affine) {
    let source = *image;
    for y in 0..INPUT_SIDE {
        for x in 0..INPUT_SIDE {
            let (source_x, source_y) = affine.inverse(x as f32, y as f32);
            image[y * INPUT_SIDE + x] = sample_bilinear(&source, source_x, source_y);
        }
    }
}

/// Bilinear sample at `(x, y)`, positions past the edge replicating the edge pixels.
fn sample_bilinear(image: &[f32; INPUT_LEN], x: f32, y: f32) -> f32 {
    let last = (INPUT_SIDE - 1) as f32;
    let (x, y) = (x.clamp(0.0, last), y.clamp(0.0, last));
    let (x0, y0) = (x.floor() as usize, y.floor() as usize);
    let (x1, y1) = ((x0 + 1).min(INPUT_SIDE - 1), (y0 + 1).min(INPUT_SIDE - 1));
    let (tx, ty) = (x - x0 as f32, y - y0 as f32);

    let at = |column: usize, row: usize| image[row * INPUT_SIDE + column];
    let top = at(x0, y0) * (1.0 - tx) + at(x1, y0) * tx;
    let bottom = at(x0, y1) * (1.0 - tx) + at(x1, y1) * tx;
    top * (1.0 - ty) + bottom * ty
}

/// Contrast about the image mean, then brightness, clamped to [0, 1].
fn adjust_levels(image: &mut [f32; INPUT_LEN], contrast: f32, brightness: f32) {
    if contrast == 1.0 && brightness == 0.0 {
        return;
    }
    let mean = image.iter().sum::<f32>() / INPUT_LEN as f32;
    for value in image.iter_mut() {
        *value = ((*value - mean) * contrast + mean + brightness).clamp(0.0, 1.0);
    }
}

/// Moves each labelled keypoint through `affine`; a point with a missing coordinate, or
/// one that lands outside [0, 96), is marked missing.
fn move_keypoints(
    coords: &mut [f32; KEYPOINT_COORDS],
    present: &mut [bool; KEYPOINT_COORDS],
    affine: &Affine,
) {
    let frame = 0.0..INPUT_SIDE as f32;
    for point in Keypoint::ALL {
        let (x_column, y_column) = (point.x_column(), point.y_column());
        if !(present[x_column] && present[y_column]) {
            present[x_column] = false;
            present[y_column] = false;
            continue;
        }

        let (x, y) = affine.forward(coords[x_column], coords[y_column]);
        coords[x_column] = x;
        coords[y_column] = y;
        let inside = frame.contains(&x) && frame.contains(&y);
        present[x_column] = inside;
        present[y_column] = inside;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_undoes_forward() {
        let affine = Affine::new(13.0, 1.07, (3.5, -2.0));
        let (x, y) = affine.forward(20.0, 70.0);
        let (back_x, back_y) = affine.inverse(x, y);
        assert!((back_x - 20.0).abs() < 1e-3 && (back_y - 70.0).abs() < 1e-3);
    }

    #[test]
    fn identity_changes_nothing() {
        let mut image: [f32; INPUT_LEN] = core::array::from_fn(|i| (i % 97) as f32 / 96.0);
        let original = image;
        Augmentation::IDENTITY.apply(&mut image, None);
        assert_eq!(image, original);
    }
}
