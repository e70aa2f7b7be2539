//! `emotion-edge predict`: runs a combined model on image files through the device's own
//! path (BT.601 grey camera frame, `shared` preprocessing, the tract engine, the readout's
//! decision rule) and prints what the device would report for each image.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use firmware::Engine;
use firmware::sim::pixels::to_sensor_image;
use firmware::sim::{CameraPixels, TractEngine};
use serde::Serialize;
use shared::frame::{CropBox, Frame};
use shared::keypoints::{KEYPOINT_COORDS, KEYPOINT_NAMES};
use shared::labels::EmotionLabelSet;
use shared::postprocess::{Decision, DecisionConfig, argmax, decide};
use shared::preprocess::{ModelInput, frame_to_input};

use crate::plot::face_grid::{FaceTile, KeypointOverlay, draw_face_grid};

/// Options of `emotion-edge predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// The combined model (.onnx); its card, when beside it, is checked like the device
    /// checks it.
    #[arg(long)]
    pub model: PathBuf,
    /// Images to read (.png, .jpg): face crops, or larger photos with --box.
    #[arg(required = true)]
    pub images: Vec<PathBuf>,
    /// The face box `x,y,w,h` in pixels, the same for every image [default: the centre
    /// square, as the device crops a camera frame].
    #[arg(long = "box", value_parser = parse_crop_box)]
    pub face_box: Option<CropBox>,
    /// Writes the model's view of each face (96x96) with the keypoints and label drawn on
    /// it to this PNG; several images make a grid.
    #[arg(long)]
    pub draw: Option<PathBuf>,
    /// Prints one JSON object per image instead of text.
    #[arg(long)]
    pub json: bool,
}

/// What the model says about one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImagePrediction {
    /// The image file.
    pub image: PathBuf,
    /// The readout's label: a class name, or `uncertain` below the decision thresholds.
    pub label: String,
    /// The most probable class, whatever its probability.
    pub top: String,
    /// Probability of the most probable class.
    pub confidence: f32,
    /// Probabilities in label-set order.
    pub probabilities: Vec<f32>,
    /// 15 points, x then y, in pixels of the 96x96 model input, Kaggle column order.
    pub keypoints: [f32; KEYPOINT_COORDS],
}

impl PredictArgs {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<()> {
        let mut engine = TractEngine::load(&self.model)?;
        let labels = engine
            .card()
            .and_then(|card| card.labels)
            .unwrap_or(EmotionLabelSet::DEFAULT);

        let mut tiles = Vec::new();
        for path in &self.images {
            let input = read_model_input(path, self.face_box)?;
            let inference = engine
                .infer(&input)
                .with_context(|| format!("{}: inference failed", path.display()))?;
            let prediction =
                describe(path, &inference.probabilities, inference.keypoints, &labels);

            if self.json {
                println!("{}", serde_json::to_string(&prediction)?);
            } else {
                print_text(&prediction);
            }
            if self.draw.is_some() {
                tiles.push(face_tile(&input, &prediction));
            }
        }

        if let Some(path) = &self.draw {
            draw_face_grid(path, &tiles)?;
            tracing::info!(path = %path.display(), faces = tiles.len(), "predictions drawn");
        }
        Ok(())
    }
}

/// Reads `path` as the device's grey8 camera would deliver it and preprocesses it.
fn read_model_input(path: &Path, face_box: Option<CropBox>) -> anyhow::Result<Box<ModelInput>> {
    let image =
        image::open(path).with_context(|| format!("{}: cannot read image", path.display()))?;
    let sensor = to_sensor_image(&image, CameraPixels::Grey8);
    let frame = Frame::new(
        CameraPixels::Grey8.format(),
        sensor.width,
        sensor.height,
        &sensor.data,
    )
    .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;

    let mut input = Box::new([0.0; shared::INPUT_LEN]);
    frame_to_input(&frame, face_box, &mut input).map_err(|error| {
        anyhow::anyhow!(
            "{}: face box does not fit the {}x{} image: {error}",
            path.display(),
            sensor.width,
            sensor.height
        )
    })?;
    Ok(input)
}

/// The prediction for one image, named with `labels`.
fn describe(
    path: &Path,
    probabilities: &[f32],
    keypoints: [f32; KEYPOINT_COORDS],
    labels: &EmotionLabelSet,
) -> ImagePrediction {
    let name = |index: Option<usize>| {
        index
            .and_then(|index| labels.name(index))
            .unwrap_or("uncertain")
            .to_owned()
    };
    let top = argmax(probabilities);
    let label = match decide(probabilities, &DecisionConfig::DEFAULT) {
        Decision::Label { index, .. } => name(Some(index)),
        Decision::Uncertain => "uncertain".to_owned(),
    };

    ImagePrediction {
        image: path.to_path_buf(),
        label,
        top: name(top),
        confidence: top
            .and_then(|index| probabilities.get(index))
            .copied()
            .unwrap_or(0.0),
        probabilities: probabilities.to_vec(),
        keypoints,
    }
}

/// Prints the prediction for a person: the label line, then one line per keypoint.
fn print_text(prediction: &ImagePrediction) {
    let scores: Vec<String> = prediction
        .probabilities
        .iter()
        .map(|probability| format!("{probability:.3}"))
        .collect();
    println!(
        "{}: {} (top {} {:.0}%; probabilities {})",
        prediction.image.display(),
        prediction.label,
        prediction.top,
        prediction.confidence * 100.0,
        scores.join(" ")
    );
    for (name, point) in KEYPOINT_NAMES
        .iter()
        .zip(prediction.keypoints.chunks_exact(2))
    {
        println!("  {name:<26} {:6.1} {:6.1}", point[0], point[1]);
    }
}

/// The model's 96x96 view of the face with the predicted keypoints and label.
fn face_tile(input: &ModelInput, prediction: &ImagePrediction) -> FaceTile {
    let pixels = input
        .iter()
        .map(|value| (value * 255.0).round().clamp(0.0, 255.0) as u8)
        .collect();
    let file = prediction
        .image
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let caption = format!(
        "{file}: {} {:.0}%",
        prediction.label,
        prediction.confidence * 100.0
    );

    FaceTile::new(pixels, shared::INPUT_SIDE, caption)
        .with_overlay(KeypointOverlay::prediction(prediction.keypoints))
}

/// Parses `x,y,w,h` (non-negative integers, width and height above zero).
fn parse_crop_box(text: &str) -> Result<CropBox, String> {
    let fields: Vec<&str> = text.split(',').map(str::trim).collect();
    let [x, y, width, height] = fields[..] else {
        return Err(format!("expected x,y,w,h; got {text:?}"));
    };
    let number = |field: &str, what: &str| {
        field
            .parse::<usize>()
            .map_err(|_| format!("{what} {field:?} is not a whole number of pixels"))
    };

    let crop = CropBox {
        x: number(x, "x")?,
        y: number(y, "y")?,
        width: number(width, "width")?,
        height: number(height, "height")?,
    };
    if crop.width == 0 || crop.height == 0 {
        return Err("width and height must be above zero".to_owned());
    }
    Ok(crop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_box_is_four_whole_numbers() {
        let crop = parse_crop_box("10, 20,30,40").unwrap();
        assert_eq!(
            crop,
            CropBox {
                x: 10,
                y: 20,
                width: 30,
                height: 40
            }
        );
        assert!(parse_crop_box("1,2,3").is_err());
        assert!(parse_crop_box("1,2,3,x").is_err());
        assert!(parse_crop_box("1,2,-3,4").is_err());
        assert!(parse_crop_box("1,2,0,4").is_err());
    }

    #[test]
    fn a_flat_probability_vector_is_uncertain_but_keeps_its_top_class() {
        let probabilities = [0.22, 0.18, 0.2, 0.2, 0.2];
        let prediction = describe(
            Path::new("face.png"),
            &probabilities,
            [48.0; KEYPOINT_COORDS],
            &EmotionLabelSet::DEFAULT,
        );
        assert_eq!(prediction.label, "uncertain");
        assert_eq!(prediction.top, "angry");
        assert_eq!(prediction.confidence, 0.22);
    }
}
