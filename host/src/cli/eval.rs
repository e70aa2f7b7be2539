//! `emotion-edge eval`: score a trained model on a split of a data file.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use burn::module::Module;
use clap::{Args, ValueEnum};
use shared::labels::EmotionLabelSet;

use crate::data::{KeypointSample, ReadOptions, Split, read_emotions, read_keypoints};
use crate::eval::{evaluate_emotions, evaluate_keypoints};
use crate::model::{EmotionNet, KeypointNet, Net};
use crate::plot::draw_confusion_matrix;
use crate::plot::face_grid::{FaceTile, KeypointOverlay, draw_face_grid};
use crate::train::{inference_device, load_state, load_weights, resolve_checkpoint};

/// Faces shown in the keypoint prediction grid.
const GRID_FACES: usize = 16;

/// A split to evaluate on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitArg {
    /// The training split.
    Train,
    /// The validation split (FER2013 PublicTest).
    Validation,
    /// The test split.
    Test,
}

impl SplitArg {
    fn split(self) -> Split {
        match self {
            SplitArg::Train => Split::Train,
            SplitArg::Validation => Split::Validation,
            SplitArg::Test => Split::Test,
        }
    }
}

/// Options of `emotion-edge eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A run folder (its best checkpoint), a checkpoint folder, or its model.bpk.
    #[arg(long)]
    pub model: PathBuf,
    /// Data file of the model's task.
    #[arg(long)]
    pub data: PathBuf,
    /// Which split to evaluate.
    #[arg(long, value_enum, default_value_t = SplitArg::Validation)]
    pub split: SplitArg,
    /// Seed of the data split; must match training's to evaluate the same seeded split.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Read at most this many samples.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print the metrics as JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Folder for the PNG plots [default: <checkpoint>/../../eval-<split>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Faces per inference batch.
    #[arg(long, default_value_t = 64)]
    pub batch_size: usize,
}

impl EvalArgs {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<()> {
        // Limitation: only Burn checkpoints are read; exported .onnx models need their own
        // loader here, selected by file extension.
        if self.model.extension().is_some_and(|e| e == "onnx") {
            bail!(
                "{}: evaluating .onnx models is not supported by this build",
                self.model.display()
            );
        }
        let folder = resolve_checkpoint(&self.model)?;
        let (folder, state) = load_state(&folder)?;
        let device = inference_device();
        let net = match state.net.init(&device) {
            Net::Emotion(model, labels) => Net::Emotion(load_weights(&folder, model)?, labels),
            Net::Keypoints(model) => Net::Keypoints(load_weights(&folder, model)?),
        };
        let seed = self.seed.unwrap_or(state.options.seed);
        let read = ReadOptions {
            limit: self.limit,
            seed,
            ..ReadOptions::default()
        };
        let out = self
            .out
            .clone()
            .unwrap_or_else(|| default_out(&folder, self.split));
        std::fs::create_dir_all(&out).with_context(|| format!("{}", out.display()))?;
        tracing::info!(checkpoint = %folder.display(), arch = %state.net.arch(), "model loaded");

        match net {
            Net::Emotion(model, labels) => self.emotion(&model.valid(), &labels, &read, &out),
            Net::Keypoints(model) => self.keypoints(&model.valid(), &read, &out),
        }
    }

    fn emotion(
        &self,
        model: &EmotionNet,
        labels: &[String],
        read: &ReadOptions,
        out: &Path,
    ) -> anyhow::Result<()> {
        let dataset = read_emotions(&self.data, &EmotionLabelSet::DEFAULT, read)?;
        let samples: Vec<_> = dataset.split(self.split.split()).cloned().collect();
        if samples.is_empty() {
            bail!(
                "{}: the {:?} split is empty",
                self.data.display(),
                self.split
            );
        }
        let report = evaluate_emotions(
            model,
            labels,
            &samples,
            self.batch_size,
            &inference_device(),
        )?;

        let heat_map = out.join("confusion.png");
        draw_confusion_matrix(&heat_map, labels, &report.confusion)
            .map_err(|e| anyhow::anyhow!("{}: {e}", heat_map.display()))?;
        tracing::info!(path = %heat_map.display(), "confusion matrix drawn");
        if self.json {
            self.print_json(&report)
        } else {
            print!("{}", report.to_text());
            Ok(())
        }
    }

    /// Prints `report` as JSON with a `split` member naming the split it measured, the form
    /// model cards read.
    fn print_json(&self, report: &impl serde::Serialize) -> anyhow::Result<()> {
        let mut value = serde_json::to_value(report)?;
        if let serde_json::Value::Object(members) = &mut value {
            let split = self.split.split().name().to_owned();
            members.insert("split".to_owned(), serde_json::Value::String(split));
        }
        println!("{}", serde_json::to_string_pretty(&value)?);
        Ok(())
    }

    fn keypoints(&self, net: &KeypointNet, read: &ReadOptions, out: &Path) -> anyhow::Result<()> {
        let dataset = read_keypoints(&self.data, read)?;
        let samples: Vec<KeypointSample> = dataset
            .samples
            .into_iter()
            .filter(|s| s.split == self.split.split())
            .collect();
        if samples.is_empty() {
            bail!(
                "{}: the {:?} split is empty",
                self.data.display(),
                self.split
            );
        }
        let (report, predictions) =
            evaluate_keypoints(net, &samples, self.batch_size, &inference_device())?;

        let grid = out.join("keypoints.png");
        let tiles: Vec<FaceTile> = samples
            .iter()
            .zip(&predictions)
            .take(GRID_FACES)
            .map(|(sample, predicted)| {
                FaceTile::new(sample.pixels.clone(), shared::INPUT_SIDE, caption(sample))
                    .with_overlay(KeypointOverlay::truth(sample.coords, sample.present))
                    .with_overlay(KeypointOverlay::prediction(*predicted))
            })
            .collect();
        draw_face_grid(&grid, &tiles)?;
        tracing::info!(path = %grid.display(), "keypoint predictions drawn");
        if self.json {
            self.print_json(&report)
        } else {
            print!("{}", report.to_text());
            Ok(())
        }
    }
}

fn caption(sample: &KeypointSample) -> String {
    match &sample.origin {
        crate::data::SampleOrigin::Line(line) => format!("line {line}"),
        crate::data::SampleOrigin::File(path) => path.display().to_string(),
    }
}

/// `<run>/eval-<split>` for a checkpoint at `<run>/checkpoints/<name>`, else beside the
/// checkpoint.
fn default_out(checkpoint: &Path, split: SplitArg) -> PathBuf {
    let name = format!("eval-{}", format!("{split:?}").to_lowercase());
    match checkpoint.parent().and_then(Path::parent) {
        Some(run)
            if checkpoint
                .parent()
                .is_some_and(|p| p.ends_with("checkpoints")) =>
        {
            run.join(name)
        }
        _ => checkpoint.join(name),
    }
}
