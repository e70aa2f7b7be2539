//! The training loop.
//!
//! Burn's `Learner` is not used: it has no metric-driven learning-rate reduction, no masked
//! loss and its own terminal renderer. This loop is short instead: Adam from `burn::optim`
//! with the learning rate passed on every step (so [`ReduceLrOnPlateau`] can change it),
//! validation after every epoch, early stopping, and a checkpoint per epoch.

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::atomic::readable_folder;
use super::checkpoint::{
    RunState, best_checkpoint, last_checkpoint, load_optimizer, load_state, load_weights,
    save_checkpoint,
};
use super::early_stop::EarlyStopping;
use super::error::TrainError;
use super::history::{EpochRecord, write_metrics};
use super::options::TrainOptions;
use super::plateau::{Goal, ReduceLrOnPlateau};
use super::progress::EpochProgress;
use super::task::{StepScore, TrainingTask, Validation};
use crate::data::{AugmentConfig, Augmenter};
use crate::model::initialise_parameters;
use crate::plot::draw_training_curves;

/// Where a run writes and whether it continues an earlier one.
#[derive(Debug, Clone)]
pub struct RunPaths {
    /// The run folder: checkpoints, `metrics.jsonl`, curves.
    pub folder: PathBuf,
    /// Continue from `checkpoints/last` instead of starting over (a run without one starts
    /// afresh).
    pub resume: bool,
    /// The data file, recorded in checkpoints.
    pub data: Option<PathBuf>,
}

/// How a run ended.
#[derive(Debug, Clone)]
pub struct RunSummary {
    /// Epochs completed in total (including earlier sessions of a resumed run).
    pub epochs_done: usize,
    /// Best epoch and its monitored metric.
    pub best: Option<(usize, f64)>,
    /// Whether early stopping ended the run.
    pub stopped_early: bool,
    /// Per-epoch records.
    pub history: Vec<EpochRecord>,
}

/// Trains `task` with `options`, writing to `paths.folder` on `device` (an autodiff device).
pub fn train<T: TrainingTask>(
    task: &T,
    options: &TrainOptions,
    paths: &RunPaths,
    device: &Device,
) -> Result<RunSummary, TrainError> {
    check_options(options)?;
    std::fs::create_dir_all(&paths.folder).map_err(|e| TrainError::io(&paths.folder, e))?;

    let (mut model, mut optimizer, mut state) = start_or_resume(task, options, paths, device)?;
    let augmenter = Augmenter::new(if options.augment {
        AugmentConfig::default()
    } else {
        AugmentConfig::none()
    });
    let monitored = task.monitored();

    for epoch in state.epochs_done + 1..=options.epochs {
        let started = Instant::now();
        let lr = state.plateau.lr;
        device.seed(mix(options.seed, epoch as u64, 1));

        let (trained, loss, metric, images_per_second) = train_epoch(
            task,
            model,
            &mut optimizer,
            options,
            &augmenter,
            epoch,
            lr,
            device,
        )?;
        model = trained;

        let validation = task.validate(&model.valid(), options.batch_size, device)?;
        let monitored_value = task.monitored_value(&validation);
        state.plateau.step(validation.loss);
        let improved = state.early_stop.record(epoch, monitored_value);

        let record = EpochRecord {
            epoch,
            lr,
            train_loss: loss,
            train_metric: metric,
            val_loss: 0.0,
            val_accuracy: None,
            val_macro_f1: None,
            val_rmse: None,
            images_per_second,
            wall_seconds: started.elapsed().as_secs_f64(),
        }
        .with_validation(&validation);
        log_epoch(
            &record,
            &validation,
            monitored.name,
            monitored_value,
            improved,
        );
        state.history.push(record);
        state.epochs_done = epoch;
        state.stopped_early = state.early_stop.should_stop(epoch);

        save_epoch(&paths.folder, &model, &optimizer, &state, improved)?;
        if state.stopped_early {
            tracing::info!(
                epoch,
                patience = options.patience,
                "early stop: no better epoch"
            );
            break;
        }
    }

    Ok(RunSummary {
        epochs_done: state.epochs_done,
        best: state.early_stop.best_epoch.zip(state.early_stop.best),
        stopped_early: state.stopped_early,
        history: state.history,
    })
}

/// A new model, optimiser and state, or those of the last checkpoint when resuming.
fn start_or_resume<T: TrainingTask>(
    task: &T,
    options: &TrainOptions,
    paths: &RunPaths,
    device: &Device,
) -> Result<(T::Model, ModuleOptimizer, RunState), TrainError> {
    let model = initialise_parameters(task.init_model(device), device, options.seed);
    let optimizer = AdamConfig::new()
        .with_beta_1(options.beta1)
        .with_beta_2(options.beta2)
        .with_epsilon(1e-7)
        .init();

    let last = last_checkpoint(&paths.folder);
    let resumable = readable_folder(&last).is_some();
    if paths.resume && !resumable {
        tracing::warn!(run = %paths.folder.display(), "no checkpoint to resume; starting afresh");
    }
    if !(paths.resume && resumable) {
        let fresh = RunState {
            options: options.clone(),
            net: task.spec(),
            data: paths.data.clone(),
            epochs_done: 0,
            plateau: ReduceLrOnPlateau::new(
                Goal::Minimise,
                options.learning_rate,
                options.plateau_factor,
                options.plateau_patience,
            ),
            early_stop: EarlyStopping::new(task.monitored().goal, options.patience),
            history: Vec::new(),
            stopped_early: false,
        };
        return Ok((model, optimizer, fresh));
    }

    let (folder, mut state) = load_state(&last)?;
    check_resumable(&folder, &state, options)?;
    let model = load_weights(&folder, model)?;
    let optimizer = load_optimizer(&folder, optimizer)?;
    state.options.epochs = options.epochs;
    state.early_stop.patience = options.patience;
    tracing::info!(
        checkpoint = %folder.display(),
        epochs_done = state.epochs_done,
        lr = state.plateau.lr,
        "resuming"
    );
    Ok((model, optimizer, state))
}

/// A resumed run must train the same network on the same task.
fn check_resumable(
    folder: &Path,
    state: &RunState,
    options: &TrainOptions,
) -> Result<(), TrainError> {
    let saved = &state.options;
    if saved.task != options.task || saved.arch != options.arch {
        return Err(TrainError::Mismatch {
            path: folder.to_path_buf(),
            message: format!(
                "checkpoint trains {} --arch {}, not {} --arch {}",
                saved.task.name(),
                saved.arch,
                options.task.name(),
                options.arch
            ),
        });
    }
    Ok(())
}

/// One pass over the shuffled training split. Returns the model, mean loss, training metric
/// and images per second.
#[allow(clippy::too_many_arguments)]
fn train_epoch<T: TrainingTask>(
    task: &T,
    mut model: T::Model,
    optimizer: &mut ModuleOptimizer,
    options: &TrainOptions,
    augmenter: &Augmenter,
    epoch: usize,
    lr: f64,
    device: &Device,
) -> Result<(T::Model, f64, f64, f64), TrainError> {
    let mut rng = StdRng::seed_from_u64(mix(options.seed, epoch as u64, 2));
    let mut order: Vec<usize> = (0..task.train_len()).collect();
    order.shuffle(&mut rng);

    let progress = EpochProgress::start(
        epoch,
        options.epochs,
        order.len(),
        task.monitored().train_name,
    );
    let started = Instant::now();
    let (mut loss_sum, mut batches, mut images) = (0.0, 0usize, 0usize);
    let mut score = StepScore::default();

    // Limitation: a last batch of one sample is skipped, because batch normalisation cannot
    // estimate a variance from one value.
    for indices in order
        .chunks(options.batch_size)
        .filter(|chunk| chunk.len() > 1)
    {
        let Some(step) = task.step(&model, indices, Some(augmenter), &mut rng, device)? else {
            continue;
        };
        let loss = step.loss.clone().into_scalar::<f32>() as f64;
        let grads = GradientsParams::from_grads(step.loss.backward(), &model);
        model = optimizer.step(lr, model, grads);

        loss_sum += loss;
        batches += 1;
        images += indices.len();
        score += step.score;
        let rate = images as f64 / started.elapsed().as_secs_f64();
        progress.update(
            indices.len(),
            loss_sum / batches as f64,
            task.train_metric(score),
            rate,
        );
    }
    progress.validating();
    let rate = images as f64 / started.elapsed().as_secs_f64().max(1e-9);
    progress.finish();

    let mean_loss = if batches == 0 {
        f64::NAN
    } else {
        loss_sum / batches as f64
    };
    Ok((model, mean_loss, task.train_metric(score), rate))
}

/// Writes the last checkpoint (and the best one after an improvement), the metrics file
/// and the curves.
fn save_epoch<M: Module>(
    folder: &Path,
    model: &M,
    optimizer: &ModuleOptimizer,
    state: &RunState,
    improved: bool,
) -> Result<(), TrainError> {
    save_checkpoint(&last_checkpoint(folder), model, Some(optimizer), state)?;
    if improved {
        save_checkpoint(&best_checkpoint(folder), model, None, state)?;
    }
    write_metrics(&folder.join("metrics.jsonl"), &state.history)?;

    let curves = folder.join("curves.png");
    if let Err(error) = draw_training_curves(&curves, &state.history) {
        tracing::warn!(path = %curves.display(), %error, "training curves not drawn");
    }
    Ok(())
}

fn log_epoch(
    record: &EpochRecord,
    validation: &Validation,
    metric: &str,
    value: f64,
    improved: bool,
) {
    tracing::info!(
        epoch = record.epoch,
        lr = record.lr,
        train_loss = format!("{:.4}", record.train_loss),
        val_loss = format!("{:.4}", validation.loss),
        val_accuracy = validation.accuracy.map(|a| format!("{a:.4}")),
        val_rmse = validation.rmse.map(|r| format!("{r:.3}")),
        images_per_second = format!("{:.1}", record.images_per_second),
        seconds = format!("{:.1}", record.wall_seconds),
        "epoch done: val {metric} {value:.4}{}",
        if improved { " (best)" } else { "" }
    );
}

fn check_options(options: &TrainOptions) -> Result<(), TrainError> {
    if options.batch_size < 2 {
        return Err(TrainError::Option("--batch-size must be at least 2".into()));
    }
    if !(0.0..1.0).contains(&options.label_smoothing) {
        return Err(TrainError::Option(
            "--label-smoothing must be in [0, 1)".into(),
        ));
    }
    if options.plateau_factor.is_nan()
        || options.plateau_factor <= 0.0
        || options.plateau_factor >= 1.0
    {
        return Err(TrainError::Option(
            "--plateau-factor must be in (0, 1)".into(),
        ));
    }
    if options.learning_rate.is_nan() || options.learning_rate <= 0.0 {
        return Err(TrainError::Option("--lr must be positive".into()));
    }
    Ok(())
}

/// A seed for stream `stream` of `epoch`, derived from the run seed (SplitMix64 finaliser).
fn mix(seed: u64, epoch: u64, stream: u64) -> u64 {
    let mut z = seed
        ^ epoch.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
