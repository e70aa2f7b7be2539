//! The 15 facial keypoints of the Kaggle "Facial Keypoints Detection" data.
//!
//! Coordinates are pixels of the 96x96 model input, pixel centres at integer positions.
//! `left` and `right` are the subject's: `left_*` points lie on the right-hand side of the
//! image. A model's keypoint output holds 30 values in [`KEYPOINT_COLUMNS`] order: x then y
//! for each point of [`Keypoint::ALL`].

/// Number of named keypoints.
pub const KEYPOINT_COUNT: usize = 15;

/// Number of coordinates (x and y for each keypoint).
pub const KEYPOINT_COORDS: usize = 2 * KEYPOINT_COUNT;

/// One named facial keypoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Keypoint {
    /// Centre of the subject's left eye.
    LeftEyeCenter,
    /// Centre of the subject's right eye.
    RightEyeCenter,
    /// Inner corner of the left eye.
    LeftEyeInnerCorner,
    /// Outer corner of the left eye.
    LeftEyeOuterCorner,
    /// Inner corner of the right eye.
    RightEyeInnerCorner,
    /// Outer corner of the right eye.
    RightEyeOuterCorner,
    /// Inner end of the left eyebrow.
    LeftEyebrowInnerEnd,
    /// Outer end of the left eyebrow.
    LeftEyebrowOuterEnd,
    /// Inner end of the right eyebrow.
    RightEyebrowInnerEnd,
    /// Outer end of the right eyebrow.
    RightEyebrowOuterEnd,
    /// Tip of the nose.
    NoseTip,
    /// Left corner of the mouth.
    MouthLeftCorner,
    /// Right corner of the mouth.
    MouthRightCorner,
    /// Centre of the top lip.
    MouthCenterTopLip,
    /// Centre of the bottom lip.
    MouthCenterBottomLip,
}

impl Keypoint {
    /// All keypoints, in the Kaggle column order.
    pub const ALL: [Keypoint; KEYPOINT_COUNT] = [
        Keypoint::LeftEyeCenter,
        Keypoint::RightEyeCenter,
        Keypoint::LeftEyeInnerCorner,
        Keypoint::LeftEyeOuterCorner,
        Keypoint::RightEyeInnerCorner,
        Keypoint::RightEyeOuterCorner,
        Keypoint::LeftEyebrowInnerEnd,
        Keypoint::LeftEyebrowOuterEnd,
        Keypoint::RightEyebrowInnerEnd,
        Keypoint::RightEyebrowOuterEnd,
        Keypoint::NoseTip,
        Keypoint::MouthLeftCorner,
        Keypoint::MouthRightCorner,
        Keypoint::MouthCenterTopLip,
        Keypoint::MouthCenterBottomLip,
    ];

    /// Position of this keypoint in [`Keypoint::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The Kaggle name without the `_x` / `_y` suffix, e.g. `left_eye_center`.
    pub fn name(self) -> &'static str {
        KEYPOINT_NAMES[self.index()]
    }

    /// The keypoint on the other side of the face; points on the midline map to themselves.
    ///
    /// A horizontally flipped image must swap each point with its mirror as well as
    /// mirroring its x coordinate, or the flipped sample teaches wrong labels.
    pub fn mirror(self) -> Keypoint {
        match self {
            Keypoint::LeftEyeCenter => Keypoint::RightEyeCenter,
            Keypoint::RightEyeCenter => Keypoint::LeftEyeCenter,
            Keypoint::LeftEyeInnerCorner => Keypoint::RightEyeInnerCorner,
            Keypoint::RightEyeInnerCorner => Keypoint::LeftEyeInnerCorner,
            Keypoint::LeftEyeOuterCorner => Keypoint::RightEyeOuterCorner,
            Keypoint::RightEyeOuterCorner => Keypoint::LeftEyeOuterCorner,
            Keypoint::LeftEyebrowInnerEnd => Keypoint::RightEyebrowInnerEnd,
            Keypoint::RightEyebrowInnerEnd => Keypoint::LeftEyebrowInnerEnd,
            Keypoint::LeftEyebrowOuterEnd => Keypoint::RightEyebrowOuterEnd,
            Keypoint::RightEyebrowOuterEnd => Keypoint::LeftEyebrowOuterEnd,
            Keypoint::MouthLeftCorner => Keypoint::MouthRightCorner,
            Keypoint::MouthRightCorner => Keypoint::MouthLeftCorner,
            Keypoint::NoseTip | Keypoint::MouthCenterTopLip | Keypoint::MouthCenterBottomLip => {
                self
            }
        }
    }

    /// Column index of this point's x coordinate in a 30-value keypoint vector.
    pub fn x_column(self) -> usize {
        2 * self.index()
    }

    /// Column index of this point's y coordinate in a 30-value keypoint vector.
    pub fn y_column(self) -> usize {
        2 * self.index() + 1
    }
}

/// Kaggle names of the keypoints, in [`Keypoint::ALL`] order.
pub const KEYPOINT_NAMES: [&str; KEYPOINT_COUNT] = [
    "left_eye_center",
    "right_eye_center",
    "left_eye_inner_corner",
    "left_eye_outer_corner",
    "right_eye_inner_corner",
    "right_eye_outer_corner",
    "left_eyebrow_inner_end",
    "left_eyebrow_outer_end",
    "right_eyebrow_inner_end",
    "right_eyebrow_outer_end",
    "nose_tip",
    "mouth_left_corner",
    "mouth_right_corner",
    "mouth_center_top_lip",
    "mouth_center_bottom_lip",
];

/// The 30 Kaggle CSV column names, x then y for each keypoint.
pub const KEYPOINT_COLUMNS: [&str; KEYPOINT_COORDS] = [
    "left_eye_center_x",
    "left_eye_center_y",
    "right_eye_center_x",
    "right_eye_center_y",
    "left_eye_inner_corner_x",
    "left_eye_inner_corner_y",
    "left_eye_outer_corner_x",
    "left_eye_outer_corner_y",
    "right_eye_inner_corner_x",
    "right_eye_inner_corner_y",
    "right_eye_outer_corner_x",
    "right_eye_outer_corner_y",
    "left_eyebrow_inner_end_x",
    "left_eyebrow_inner_end_y",
    "left_eyebrow_outer_end_x",
    "left_eyebrow_outer_end_y",
    "right_eyebrow_inner_end_x",
    "right_eyebrow_inner_end_y",
    "right_eyebrow_outer_end_x",
    "right_eyebrow_outer_end_y",
    "nose_tip_x",
    "nose_tip_y",
    "mouth_left_corner_x",
    "mouth_left_corner_y",
    "mouth_right_corner_x",
    "mouth_right_corner_y",
    "mouth_center_top_lip_x",
    "mouth_center_top_lip_y",
    "mouth_center_bottom_lip_x",
    "mouth_center_bottom_lip_y",
];

/// Mirrors a 30-value keypoint vector for an image flipped left to right.
///
/// `side` is the image width in pixels; x becomes `side - 1 - x` (pixel centres at integer
/// positions) and each point trades places with its [`Keypoint::mirror`]. `present` holds
/// which values are labelled and is permuted the same way.
pub fn mirror_keypoints(
    coords: &mut [f32; KEYPOINT_COORDS],
    present: &mut [bool; KEYPOINT_COORDS],
    side: usize,
) {
    let source_coords = *coords;
    let source_present = *present;
    let far_edge = side as f32 - 1.0;

    for point in Keypoint::ALL {
        let from = point.mirror();
        coords[point.x_column()] = far_edge - source_coords[from.x_column()];
        coords[point.y_column()] = source_coords[from.y_column()];
        present[point.x_column()] = source_present[from.x_column()];
        present[point.y_column()] = source_present[from.y_column()];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_names_with_suffixes() {
        for point in Keypoint::ALL {
            let x = KEYPOINT_COLUMNS[point.x_column()];
            let y = KEYPOINT_COLUMNS[point.y_column()];
            assert_eq!(x.strip_suffix("_x"), Some(point.name()));
            assert_eq!(y.strip_suffix("_y"), Some(point.name()));
        }
    }

    #[test]
    fn mirror_is_an_involution_and_pairs_left_with_right() {
        for point in Keypoint::ALL {
            assert_eq!(point.mirror().mirror(), point);
            let name = point.name();
            let mirrored = point.mirror().name();
            if name.contains("left") {
                assert_eq!(mirrored, name.replace("left", "right"));
            } else if name.contains("right") {
                assert_eq!(mirrored, name.replace("right", "left"));
            } else {
                assert_eq!(mirrored, name);
            }
        }
    }

    #[test]
    fn mirroring_twice_restores_coordinates() {
        let mut coords: [f32; KEYPOINT_COORDS] = core::array::from_fn(|i| i as f32 * 1.5);
        let mut present: [bool; KEYPOINT_COORDS] = core::array::from_fn(|i| i % 3 != 0);
        let (original_coords, original_present) = (coords, present);

        mirror_keypoints(&mut coords, &mut present, 96);
        assert_eq!(
            coords[Keypoint::LeftEyeCenter.x_column()],
            95.0 - original_coords[2]
        );
        mirror_keypoints(&mut coords, &mut present, 96);

        assert_eq!(coords, original_coords);
        assert_eq!(present, original_present);
    }
}
