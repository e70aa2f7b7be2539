//! `emotion-edge eval`: score a trained model on a split of a data file.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use burn::module::Module;
use clap::{Args, ValueEnum};
use shared::labels::EmotionLabelSet;

use shared::keypoints::KEYPOINT_COORDS;

use crate::card::{ModelCard, read_card_beside};
use crate::data::{
    EmotionSample, KeypointSample, ReadOptions, Split, read_emotions, read_keypoints,
};
use crate::eval::{
    EmotionReport, KeypointReport, evaluate_emotions, evaluate_keypoints, onnx_rows,
    score_emotions, score_keypoints,
};
use crate::model::Net;
use crate::onnx::{TractModel, load_model};
use crate::plot::draw_confusion_matrix;
use crate::plot::face_grid::{FaceTile, KeypointOverlay, draw_face_grid};
use crate::train::{
    FaceInputs, TaskKind, inference_device, load_state, load_weights, resolve_checkpoint,
};

/// Faces shown in the keypoint prediction grid.
const GRID_FACES: usize = 16;

/// The emotion output of an exported model.
const EMOTION_OUTPUT: &str = "emotion";

/// The keypoint output of an exported model.
const KEYPOINTS_OUTPUT: &str = "keypoints";

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
    /// A run folder (its best checkpoint), a checkpoint folder, its model.bpk, or an
    /// exported .onnx model (run by tract).
    #[arg(long)]
    pub model: PathBuf,
    /// Which head of an .onnx model to evaluate; needed for the combined model.
    #[arg(long, value_enum)]
    pub task: Option<TaskKind>,
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
        if self.model.extension().is_some_and(|e| e == "onnx") {
            return self.run_onnx();
        }

        let folder = resolve_checkpoint(&self.model)?;
        let (folder, state) = load_state(&folder)?;
        let device = inference_device();
        let net = match state.net.init(&device) {
            Net::Emotion(model, labels) => Net::Emotion(load_weights(&folder, model)?, labels),
            Net::Keypoints(model) => Net::Keypoints(load_weights(&folder, model)?),
        };
        let read = self.read_options(Some(state.options.seed));
        let out = self.out_folder(default_out(&folder, self.split))?;
        tracing::info!(checkpoint = %folder.display(), arch = %state.net.arch(), "model loaded");

        match net {
            Net::Emotion(model, labels) => {
                let samples = self.emotion_samples(&read)?;
                let model = model.valid();
                let report =
                    evaluate_emotions(&model, &labels, &samples, self.batch_size, &device)?;
                self.present_emotions(&report, &labels, &out)
            }
            Net::Keypoints(model) => {
                let samples = self.keypoint_samples(&read)?;
                let (report, predictions) =
                    evaluate_keypoints(&model.valid(), &samples, self.batch_size, &device)?;
                self.present_keypoints(&report, &samples, &predictions, &out)
            }
        }
    }

    /// Evaluates an exported `.onnx` model (one network, or the combined model with
    /// `--task`) through tract, one face at a time.
    fn run_onnx(&self) -> anyhow::Result<()> {
        let proto = load_model(&self.model)?;
        let model = TractModel::new(&proto)?;
        let card = read_card_beside(&self.model)?;
        let task = self.onnx_task(&model)?;
        let read = self.read_options(None);
        let out = self.out_folder(onnx_default_out(&self.model, self.split))?;
        tracing::info!(model = %self.model.display(), task = task.name(), "ONNX model loaded");

        match task {
            TaskKind::Emotion => {
                let samples = self.emotion_samples(&read)?;
                let inputs = FaceInputs::from_emotions(&samples)?;
                let rows = onnx_rows(&model, EMOTION_OUTPUT, &inputs)?;
                let labels = emotion_labels(card.as_ref());
                let report = score_emotions(&labels, &samples, &rows);
                self.present_emotions(&report, &labels, &out)
            }
            TaskKind::Keypoints => {
                let samples = self.keypoint_samples(&read)?;
                let inputs = FaceInputs::from_keypoints(&samples)?;
                let rows = onnx_rows(&model, KEYPOINTS_OUTPUT, &inputs)?;
                let (report, predictions) = score_keypoints(&samples, &rows);
                self.present_keypoints(&report, &samples, &predictions, &out)
            }
        }
    }

    /// The task `--task` names, or the one the model's single output implies.
    fn onnx_task(&self, model: &TractModel) -> anyhow::Result<TaskKind> {
        let has = |name: &str| model.output_names().iter().any(|output| output == name);
        let task = match (self.task, has(EMOTION_OUTPUT), has(KEYPOINTS_OUTPUT)) {
            (Some(TaskKind::Emotion), true, _) => TaskKind::Emotion,
            (Some(TaskKind::Keypoints), _, true) => TaskKind::Keypoints,
            (None, true, false) => TaskKind::Emotion,
            (None, false, true) => TaskKind::Keypoints,
            (None, true, true) => bail!(
                "{}: the model has both `{EMOTION_OUTPUT}` and `{KEYPOINTS_OUTPUT}` outputs; \
                 say which to evaluate with --task",
                self.model.display()
            ),
            _ => bail!(
                "{}: no `{}` output to evaluate (outputs: {:?})",
                self.model.display(),
                match self.task {
                    Some(TaskKind::Keypoints) => KEYPOINTS_OUTPUT,
                    _ => EMOTION_OUTPUT,
                },
                model.output_names()
            ),
        };
        Ok(task)
    }

    /// How to read the data: the given seed, else the checkpoint's, else the default.
    fn read_options(&self, checkpoint_seed: Option<u64>) -> ReadOptions {
        let defaults = ReadOptions::default();
        ReadOptions {
            limit: self.limit,
            seed: self.seed.or(checkpoint_seed).unwrap_or(defaults.seed),
            ..defaults
        }
    }

    /// `--out`, or `default`, created.
    fn out_folder(&self, default: PathBuf) -> anyhow::Result<PathBuf> {
        let out = self.out.clone().unwrap_or(default);
        std::fs::create_dir_all(&out).with_context(|| format!("{}", out.display()))?;
        Ok(out)
    }

    fn emotion_samples(&self, read: &ReadOptions) -> anyhow::Result<Vec<EmotionSample>> {
        let dataset = read_emotions(&self.data, &EmotionLabelSet::DEFAULT, read)?;
        let samples: Vec<_> = dataset.split(self.split.split()).cloned().collect();
        if samples.is_empty() {
            bail!(
                "{}: the {:?} split is empty",
                self.data.display(),
                self.split
            );
        }
        Ok(samples)
    }

    fn present_emotions(
        &self,
        report: &EmotionReport,
        labels: &[String],
        out: &Path,
    ) -> anyhow::Result<()> {
        let heat_map = out.join("confusion.png");
        draw_confusion_matrix(&heat_map, labels, &report.confusion)
            .map_err(|e| anyhow::anyhow!("{}: {e}", heat_map.display()))?;
        tracing::info!(path = %heat_map.display(), "confusion matrix drawn");

        if self.json {
            self.print_json(report)
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

    fn keypoint_samples(&self, read: &ReadOptions) -> anyhow::Result<Vec<KeypointSample>> {
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
        Ok(samples)
    }

    fn present_keypoints(
        &self,
        report: &KeypointReport,
        samples: &[KeypointSample],
        predictions: &[[f32; KEYPOINT_COORDS]],
        out: &Path,
    ) -> anyhow::Result<()> {
        let grid = out.join("keypoints.png");
        let tiles: Vec<FaceTile> = samples
            .iter()
            .zip(predictions)
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
            self.print_json(report)
        } else {
            print!("{}", report.to_text());
            Ok(())
        }
    }
}

/// The emotion class names from the model's card, or the default label set's.
fn emotion_labels(card: Option<&ModelCard>) -> Vec<String> {
    card.and_then(|card| {
        card.heads
            .iter()
            .find(|head| head.output == EMOTION_OUTPUT)
            .map(|head| head.labels.clone())
    })
    .filter(|labels| !labels.is_empty())
    .unwrap_or_else(|| {
        EmotionLabelSet::DEFAULT
            .names()
            .iter()
            .map(|name| name.to_string())
            .collect()
    })
}

/// `<model without .onnx>-eval-<split>` beside an ONNX model.
fn onnx_default_out(model: &Path, split: SplitArg) -> PathBuf {
    let stem = model
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = format!("{stem}-eval-{}", format!("{split:?}").to_lowercase());
    model.with_file_name(name)
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
