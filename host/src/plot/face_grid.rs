//! A labelled grid of faces with keypoints drawn on them, for checking data and predictions
//! by eye.
//!
//! Each keypoint is coloured by the side of the face it belongs to (the subject's left, the
//! subject's right, or the midline), so a swapped left/right pair stands out at a glance:
//! `left_*` points lie on the right-hand side of the image.

use std::path::{Path, PathBuf};

use plotters::element::{BitMapElement, Circle, Cross, Text};
use plotters::prelude::{BitMapBackend, IntoDrawingArea, IntoFont};
use plotters::style::{BLACK, Color, RGBColor, WHITE};
use shared::keypoints::{KEYPOINT_COORDS, Keypoint};

use super::{FONT, register_font};

/// Edge length a face is enlarged to, roughly, in the picture (an integer multiple of its
/// side).
const TILE_TARGET_PX: usize = 192;

/// Space around and between tiles.
const GAP_PX: usize = 8;

/// Height of the caption line under each tile.
const CAPTION_PX: usize = 20;

/// Height of the legend line at the top.
const LEGEND_PX: usize = 26;

/// Caption font size.
const FONT_PX: u32 = 14;

/// Marker radius in the picture.
const MARKER_PX: i32 = 3;

/// Why a face grid could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum FaceGridError {
    /// No faces were given.
    #[error("no faces to draw")]
    NoFaces,

    /// A tile's pixel buffer does not match its side length.
    #[error("face {index}: {actual} pixels, a {side}x{side} face needs {}", side * side)]
    PixelCount {
        /// Position of the tile in the list.
        index: usize,
        /// The tile's side length.
        side: usize,
        /// Pixels held.
        actual: usize,
    },

    /// Drawing or writing the PNG failed.
    #[error("{path}: cannot draw face grid: {message}")]
    Draw {
        /// The PNG being written.
        path: PathBuf,
        /// The plotting library's reason.
        message: String,
    },
}

/// Colours of the points on each side of the face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SideColours {
    /// Points on the subject's left (the image's right-hand side).
    pub left: RGBColor,
    /// Points on the subject's right (the image's left-hand side).
    pub right: RGBColor,
    /// Points on the midline (nose tip, lip centres).
    pub midline: RGBColor,
}

impl SideColours {
    /// Bright colours for labelled (true) keypoints: left red, right blue, midline yellow.
    pub const TRUTH: SideColours = SideColours {
        left: RGBColor(235, 50, 50),
        right: RGBColor(40, 120, 255),
        midline: RGBColor(255, 220, 0),
    };

    /// Paler colours for predicted keypoints: left pink, right cyan, midline light green.
    pub const PREDICTION: SideColours = SideColours {
        left: RGBColor(255, 150, 200),
        right: RGBColor(0, 230, 230),
        midline: RGBColor(150, 255, 120),
    };

    /// The colour for `point`.
    pub fn of(&self, point: Keypoint) -> RGBColor {
        if point.mirror() == point {
            self.midline
        } else if point.name().contains("left") {
            self.left
        } else {
            self.right
        }
    }
}

/// How the points of one keypoint set are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// A filled dot.
    Dot,
    /// A cross.
    Cross,
}

/// One set of keypoints to draw on a face, in the face's pixel frame (pixel centres at
/// integer positions).
#[derive(Debug, Clone, PartialEq)]
pub struct KeypointOverlay {
    /// Coordinates in Kaggle column order.
    pub coords: [f32; KEYPOINT_COORDS],
    /// Which coordinates to draw; a point is drawn when both its x and y are present.
    pub present: [bool; KEYPOINT_COORDS],
    /// Colours per side of the face.
    pub colours: SideColours,
    /// Marker shape.
    pub marker: Marker,
    /// Legend text for this set, e.g. `true` or `predicted`.
    pub name: String,
}

impl KeypointOverlay {
    /// Labelled keypoints: dots in [`SideColours::TRUTH`].
    pub fn truth(coords: [f32; KEYPOINT_COORDS], present: [bool; KEYPOINT_COORDS]) -> Self {
        let name = "true".to_owned();
        KeypointOverlay {
            coords,
            present,
            colours: SideColours::TRUTH,
            marker: Marker::Dot,
            name,
        }
    }

    /// Predicted keypoints, all present: crosses in [`SideColours::PREDICTION`].
    pub fn prediction(coords: [f32; KEYPOINT_COORDS]) -> Self {
        KeypointOverlay {
            coords,
            present: [true; KEYPOINT_COORDS],
            colours: SideColours::PREDICTION,
            marker: Marker::Cross,
            name: "predicted".to_owned(),
        }
    }
}

/// One face of the grid.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceTile {
    /// Grey pixels, row-major, `side * side` bytes.
    pub pixels: Vec<u8>,
    /// Side length of the square face.
    pub side: usize,
    /// Text under the face (class name, line number, error).
    pub caption: String,
    /// Keypoint sets drawn on the face (none, true, or true and predicted).
    pub overlays: Vec<KeypointOverlay>,
}

impl FaceTile {
    /// A face without keypoints.
    pub fn new(pixels: Vec<u8>, side: usize, caption: impl Into<String>) -> FaceTile {
        FaceTile {
            pixels,
            side,
            caption: caption.into(),
            overlays: Vec::new(),
        }
    }

    /// The face with one more keypoint set drawn on it.
    pub fn with_overlay(mut self, overlay: KeypointOverlay) -> FaceTile {
        self.overlays.push(overlay);
        self
    }
}

/// Where each tile goes and how much it is enlarged.
struct Layout {
    columns: usize,
    cell: usize,
    width: usize,
    height: usize,
}

impl Layout {
    fn of(faces: &[FaceTile]) -> Layout {
        let largest = faces.iter().map(|face| face.side).max().unwrap_or(1).max(1);
        let columns = (faces.len() as f64).sqrt().ceil() as usize;
        let rows = faces.len().div_ceil(columns);
        let cell = largest * (TILE_TARGET_PX / largest).max(1);
        let width = GAP_PX + columns * (cell + GAP_PX);
        let height = LEGEND_PX + rows * (cell + CAPTION_PX + GAP_PX);
        Layout {
            columns,
            cell,
            width,
            height,
        }
    }

    /// Top-left corner of tile `index`.
    fn origin(&self, index: usize) -> (i32, i32) {
        let (row, column) = (index / self.columns, index % self.columns);
        let x = GAP_PX + column * (self.cell + GAP_PX);
        let y = LEGEND_PX + row * (self.cell + CAPTION_PX + GAP_PX);
        (x as i32, y as i32)
    }
}

/// Draws `faces` in a near-square grid into the PNG file `path`, each face enlarged by an
/// integer factor to about 192 px, captioned, with its keypoints marked, and a legend on
/// top naming the colours of each keypoint set.
pub fn draw_face_grid(path: &Path, faces: &[FaceTile]) -> Result<(), FaceGridError> {
    check_faces(faces)?;
    register_font();
    let layout = Layout::of(faces);
    let draw_error = |error: &dyn std::fmt::Display| FaceGridError::Draw {
        path: path.to_owned(),
        message: error.to_string(),
    };

    let size = (layout.width as u32, layout.height as u32);
    let root = BitMapBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(|error| draw_error(&error))?;
    draw_legend(&root, faces).map_err(|error| draw_error(&error))?;
    for (index, face) in faces.iter().enumerate() {
        draw_tile(&root, &layout, index, face).map_err(|error| draw_error(&error))?;
    }
    root.present().map_err(|error| draw_error(&error))
}

fn check_faces(faces: &[FaceTile]) -> Result<(), FaceGridError> {
    if faces.is_empty() {
        return Err(FaceGridError::NoFaces);
    }
    for (index, face) in faces.iter().enumerate() {
        if face.side == 0 || face.pixels.len() != face.side * face.side {
            return Err(FaceGridError::PixelCount {
                index,
                side: face.side,
                actual: face.pixels.len(),
            });
        }
    }
    Ok(())
}

type Area<'a> = plotters::drawing::DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;
type DrawResult<'a> = Result<
    (),
    plotters::drawing::DrawingAreaErrorKind<
        <BitMapBackend<'a> as plotters::prelude::DrawingBackend>::ErrorType,
    >,
>;

/// One legend entry per distinct keypoint set: its name and its three colours.
fn draw_legend<'a>(root: &Area<'a>, faces: &[FaceTile]) -> DrawResult<'a> {
    let mut seen: Vec<&KeypointOverlay> = Vec::new();
    for overlay in faces.iter().flat_map(|face| &face.overlays) {
        if !seen.iter().any(|known| known.name == overlay.name) {
            seen.push(overlay);
        }
    }

    let mut x = GAP_PX as i32;
    let y = (LEGEND_PX / 2) as i32;
    for overlay in seen {
        let entries = [
            (format!("{}:", overlay.name), None),
            ("subject's left".to_owned(), Some(overlay.colours.left)),
            ("right".to_owned(), Some(overlay.colours.right)),
            ("midline".to_owned(), Some(overlay.colours.midline)),
        ];
        for (label, colour) in entries {
            if let Some(colour) = colour {
                draw_marker(root, (x + MARKER_PX, y), colour, overlay.marker)?;
                x += 3 * MARKER_PX;
            }
            let style = (FONT, FONT_PX).into_font().color(&BLACK);
            root.draw(&Text::new(
                label.clone(),
                (x, y - FONT_PX as i32 / 2),
                style,
            ))?;
            x += (label.len() as i32 + 2) * (FONT_PX as i32 / 2);
        }
    }
    Ok(())
}

/// The enlarged face, its caption and its keypoints.
fn draw_tile<'a>(
    root: &Area<'a>,
    layout: &Layout,
    index: usize,
    face: &FaceTile,
) -> DrawResult<'a> {
    let (x, y) = layout.origin(index);
    let scale = layout.cell / face.side;
    let shown = face.side * scale;
    let rgb = enlarge_to_rgb(&face.pixels, face.side, scale);
    if let Some(bitmap) =
        BitMapElement::with_owned_buffer((x, y), (shown as u32, shown as u32), rgb)
    {
        root.draw(&bitmap)?;
    }

    let caption_style = (FONT, FONT_PX).into_font().color(&BLACK);
    let caption = clip_caption(&face.caption, layout.cell);
    root.draw(&Text::new(
        caption,
        (x, y + layout.cell as i32 + 3),
        caption_style,
    ))?;

    for overlay in &face.overlays {
        for point in Keypoint::ALL {
            let (x_column, y_column) = (point.x_column(), point.y_column());
            if !(overlay.present[x_column] && overlay.present[y_column]) {
                continue;
            }
            let to_screen = |value: f32, start: i32| start + ((value + 0.5) * scale as f32) as i32;
            let at = (
                to_screen(overlay.coords[x_column], x),
                to_screen(overlay.coords[y_column], y),
            );
            draw_marker(root, at, overlay.colours.of(point), overlay.marker)?;
        }
    }
    Ok(())
}

fn draw_marker<'a>(
    root: &Area<'a>,
    at: (i32, i32),
    colour: RGBColor,
    marker: Marker,
) -> DrawResult<'a> {
    match marker {
        Marker::Dot => {
            root.draw(&Circle::new(at, MARKER_PX + 1, BLACK.filled()))?;
            root.draw(&Circle::new(at, MARKER_PX, colour.filled()))
        }
        Marker::Cross => {
            root.draw(&Cross::new(at, MARKER_PX + 1, BLACK.stroke_width(3)))?;
            root.draw(&Cross::new(at, MARKER_PX + 1, colour.stroke_width(1)))
        }
    }
}

/// The face enlarged `scale` times by pixel repetition, as RGB bytes.
fn enlarge_to_rgb(pixels: &[u8], side: usize, scale: usize) -> Vec<u8> {
    let shown = side * scale;
    let mut rgb = Vec::with_capacity(shown * shown * 3);
    for row in 0..shown {
        for column in 0..shown {
            let grey = pixels[(row / scale) * side + column / scale];
            rgb.extend_from_slice(&[grey, grey, grey]);
        }
    }
    rgb
}

/// The caption, cut to fit under a tile `width` pixels wide.
fn clip_caption(caption: &str, width: usize) -> String {
    let fits = width / (FONT_PX as usize / 2);
    if caption.chars().count() <= fits {
        return caption.to_owned();
    }
    let mut clipped: String = caption.chars().take(fits.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
}
