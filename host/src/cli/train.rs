//! `emotion-edge train emotion|keypoints`: train a network, resumably, into a run folder.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use shared::labels::EmotionLabelSet;

use crate::data::{ReadOptions, Split, read_emotions, read_keypoints};
use crate::model::{Arch, EmotionNetConfig, KeypointNetConfig, ModelCost};
use crate::train::{
    ClassWeighting, EmotionTask, KeypointTask, RunPaths, RunSummary, TaskKind, TrainOptions,
    set_cpu_threads, train, training_device,
};

/// Options of `emotion-edge train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Which network to train.
    #[arg(value_enum)]
    pub task: TaskKind,
    /// Training data: FER2013 CSV (.csv, .csv.gz, .zip) or image folder for emotion, Kaggle
    /// training.csv for keypoints.
    #[arg(long, required_unless_present = "dry_run")]
    pub data: Option<PathBuf>,
    /// Network size.
    #[arg(long, value_enum, default_value_t = Arch::Edge)]
    pub arch: Arch,
    /// Last epoch to train (a resumed run continues up to it).
    #[arg(long, default_value_t = 60)]
    pub epochs: usize,
    /// Samples per optimiser step.
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// Initial learning rate of Adam.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    /// Adam's first-moment decay.
    #[arg(long, default_value_t = 0.9)]
    pub beta1: f32,
    /// Adam's second-moment decay.
    #[arg(long, default_value_t = 0.999)]
    pub beta2: f32,
    /// Read at most this many samples (quick runs).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Seed of splits, weight initialisation, shuffling, augmentation and dropout.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Run folder for checkpoints, metrics and curves [default: runs/<task>-<arch>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Continue the run in --out from its last checkpoint (starts afresh if it has none).
    #[arg(long)]
    pub resume: bool,
    /// Epochs without a better validation metric before stopping.
    #[arg(long, default_value_t = 12)]
    pub patience: usize,
    /// Epochs without a lower validation loss before the learning rate drops.
    #[arg(long, default_value_t = 3)]
    pub plateau_patience: usize,
    /// Learning-rate multiplier on a plateau.
    #[arg(long, default_value_t = 0.3)]
    pub plateau_factor: f64,
    /// Class weighting of the emotion loss.
    #[arg(long, value_enum, default_value_t = ClassWeighting::Sqrt)]
    pub class_weights: ClassWeighting,
    /// Label smoothing of the emotion loss.
    #[arg(long, default_value_t = 0.05)]
    pub label_smoothing: f32,
    /// Train on the images as they are.
    #[arg(long)]
    pub no_augment: bool,
    /// CPU threads for the tensor backend [default: all cores].
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print the network's parameters and multiply-accumulates and exit.
    #[arg(long)]
    pub dry_run: bool,
}

impl TrainArgs {
    /// Runs the command.
    pub fn run(self) -> anyhow::Result<()> {
        if let Some(threads) = self.threads {
            set_cpu_threads(threads);
        }
        if self.dry_run {
            print_cost(self.task, self.arch);
            return Ok(());
        }
        let data = self.data.clone().context("--data is required")?;
        let folder = self.out.clone().unwrap_or_else(|| {
            PathBuf::from("runs").join(format!("{}-{}", self.task.name(), self.arch))
        });
        let paths = RunPaths {
            folder,
            resume: self.resume,
            data: Some(data.clone()),
        };
        let options = self.options();
        let read = ReadOptions {
            limit: self.limit,
            seed: self.seed,
            ..ReadOptions::default()
        };

        let summary = match self.task {
            TaskKind::Emotion => train_emotion(&data, &read, &options, &paths)?,
            TaskKind::Keypoints => train_keypoints(&data, &read, &options, &paths)?,
        };
        report(&paths.folder, &summary);
        Ok(())
    }

    fn options(&self) -> TrainOptions {
        TrainOptions {
            task: self.task,
            arch: self.arch,
            epochs: self.epochs,
            batch_size: self.batch_size,
            learning_rate: self.lr,
            beta1: self.beta1,
            beta2: self.beta2,
            seed: self.seed,
            patience: self.patience,
            plateau_patience: self.plateau_patience,
            plateau_factor: self.plateau_factor,
            class_weights: self.class_weights,
            label_smoothing: self.label_smoothing,
            augment: !self.no_augment,
        }
    }
}

fn train_emotion(
    data: &Path,
    read: &ReadOptions,
    options: &TrainOptions,
    paths: &RunPaths,
) -> anyhow::Result<RunSummary> {
    let dataset = read_emotions(data, &EmotionLabelSet::DEFAULT, read)?;
    let train_split: Vec<_> = dataset.split(Split::Train).cloned().collect();
    let validation: Vec<_> = dataset.split(Split::Validation).cloned().collect();
    let labels = dataset
        .labels
        .names()
        .iter()
        .map(|name| name.to_string())
        .collect();
    tracing::info!(
        train = train_split.len(),
        validation = validation.len(),
        "emotion splits"
    );

    let task = EmotionTask::new(
        options.arch,
        labels,
        &train_split,
        &validation,
        options.class_weights,
        options.label_smoothing,
    )?;
    tracing::info!(weights = ?task.class_weights(), "class weights of the loss");
    Ok(train(&task, options, paths, &training_device())?)
}

fn train_keypoints(
    data: &Path,
    read: &ReadOptions,
    options: &TrainOptions,
    paths: &RunPaths,
) -> anyhow::Result<RunSummary> {
    let dataset = read_keypoints(data, read)?;
    let split = |which| {
        dataset
            .samples
            .iter()
            .filter(|s| s.split == which)
            .cloned()
            .collect()
    };
    let train_split: Vec<_> = split(Split::Train);
    let validation: Vec<_> = split(Split::Validation);
    tracing::info!(
        train = train_split.len(),
        validation = validation.len(),
        "keypoint splits"
    );

    let task = KeypointTask::new(options.arch, &train_split, &validation)?;
    Ok(train(&task, options, paths, &training_device())?)
}

/// Prints parameters and multiply-accumulates of `task` at `arch`.
pub fn print_cost(task: TaskKind, arch: Arch) {
    let cost: ModelCost = match task {
        TaskKind::Emotion => EmotionNetConfig::for_arch(arch, 5).cost(),
        TaskKind::Keypoints => KeypointNetConfig::for_arch(arch).cost(),
    };
    println!(
        "{} --arch {}: {} parameters (convolutions and dense layers), {:.1} M MACs per image",
        task.name(),
        arch,
        cost.params,
        cost.macs as f64 / 1e6
    );
}

fn report(folder: &Path, summary: &RunSummary) {
    match summary.best {
        Some((epoch, value)) => tracing::info!(
            run = %folder.display(),
            epochs_done = summary.epochs_done,
            best_epoch = epoch,
            best = format!("{value:.4}"),
            stopped_early = summary.stopped_early,
            "training finished"
        ),
        None => tracing::warn!(run = %folder.display(), "training finished without a best epoch"),
    }
}
