//! The face grid draws each keypoint in its side's colour where the keypoint is.

use host::plot::face_grid::{
    FaceGridError, FaceTile, KeypointOverlay, SideColours, draw_face_grid,
};
use shared::keypoints::{KEYPOINT_COORDS, Keypoint};

/// Pixels of `image` exactly of `colour`, as (x, y).
fn pixels_of(image: &image::RgbImage, colour: plotters::style::RGBColor) -> Vec<(u32, u32)> {
    image
        .enumerate_pixels()
        .filter(|(_, _, pixel)| pixel.0 == [colour.0, colour.1, colour.2])
        .map(|(x, y, _)| (x, y))
        .collect()
}

#[test]
fn left_points_are_drawn_in_the_left_colour_on_the_image_right() {
    let mut coords = [0.0; KEYPOINT_COORDS];
    let mut present = [false; KEYPOINT_COORDS];
    for (point, x, y) in [
        (Keypoint::LeftEyeCenter, 70.0, 30.0),
        (Keypoint::RightEyeCenter, 25.0, 30.0),
    ] {
        coords[point.x_column()] = x;
        coords[point.y_column()] = y;
        present[point.x_column()] = true;
        present[point.y_column()] = true;
    }
    let tile = FaceTile::new(vec![128; 96 * 96], 96, "line 2")
        .with_overlay(KeypointOverlay::truth(coords, present));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.png");

    draw_face_grid(&path, &[tile]).unwrap();

    let picture = image::open(&path).unwrap().to_rgb8();
    let tile_centre_x = picture.width() / 2;
    let red = pixels_of(&picture, SideColours::TRUTH.left);
    let blue = pixels_of(&picture, SideColours::TRUTH.right);
    let face_rows = |spots: &[(u32, u32)]| spots.iter().filter(|(_, y)| *y > 40).count();
    assert!(
        face_rows(&red) > 10 && face_rows(&blue) > 10,
        "markers missing"
    );
    assert!(
        red.iter()
            .filter(|(_, y)| *y > 40)
            .all(|(x, _)| *x > tile_centre_x)
    );
    assert!(
        blue.iter()
            .filter(|(_, y)| *y > 40)
            .all(|(x, _)| *x < tile_centre_x)
    );
}

#[test]
fn grids_of_mixed_sizes_are_drawn_and_bad_tiles_rejected() {
    let faces = vec![
        FaceTile::new(vec![0; 48 * 48], 48, "happy, line 2"),
        FaceTile::new(
            vec![255; 96 * 96],
            96,
            "a very long caption that will not fit under a face",
        ),
        FaceTile::new(vec![90; 48 * 48], 48, "sad"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grid.png");
    draw_face_grid(&path, &faces).unwrap();
    assert!(image::open(&path).unwrap().width() > 2 * 192);

    let broken = [FaceTile::new(vec![0; 10], 48, "x")];
    let error = draw_face_grid(&path, &broken).unwrap_err();
    assert!(matches!(
        error,
        FaceGridError::PixelCount {
            index: 0,
            actual: 10,
            ..
        }
    ));
    assert!(matches!(
        draw_face_grid(&path, &[]),
        Err(FaceGridError::NoFaces)
    ));
}
