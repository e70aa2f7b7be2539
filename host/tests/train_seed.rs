//! One seed, one set of weights: initialisation and a short training run are reproducible.
//!
//! A single test function, because the CPU backend's generator is process-wide and tests in
//! one binary run on parallel threads.

mod train_support;

use burn::prelude::*;
use host::model::{Arch, EmotionNetConfig, initialise_parameters};
use host::train::{
    EmotionTask, RunPaths, TaskKind, TrainOptions, best_checkpoint, inference_device,
    load_weights, train, training_device,
};

fn outputs_after_training(folder: &std::path::Path, seed: u64) -> Vec<f32> {
    let (train_split, validation) = train_support::two_class_faces(48, 16, 7);
    let task = EmotionTask::new(
        Arch::Edge,
        train_support::two_labels(),
        &train_split,
        &validation,
        host::train::ClassWeighting::None,
        0.0,
    )
    .unwrap();
    let mut options = TrainOptions::defaults(TaskKind::Emotion, Arch::Edge);
    options.epochs = 1;
    options.batch_size = 16;
    options.seed = seed;
    let paths = RunPaths {
        folder: folder.to_path_buf(),
        resume: false,
        data: None,
    };
    train(&task, &options, &paths, &training_device()).unwrap();

    let device = inference_device();
    let model = EmotionNetConfig::for_arch(Arch::Edge, 2).init(&device);
    let model = load_weights(&best_checkpoint(folder), model).unwrap();
    let probe = Tensor::<4>::ones([1, 1, 96, 96], &device).mul_scalar(0.5);
    model
        .probabilities(probe)
        .into_data()
        .try_to_vec::<f32>()
        .unwrap()
}

#[test]
fn one_seed_gives_identical_weights() {
    let device = inference_device();
    let config = EmotionNetConfig::for_arch(Arch::Edge, 5);
    let probe = Tensor::<4>::ones([1, 1, 96, 96], &device).mul_scalar(0.5);
    let logits = |seed| {
        let model = initialise_parameters(config.init(&device), &device, seed);
        // Draw something in between to show that earlier draws do not matter.
        let _noise = Tensor::<1>::random([7], burn::tensor::Distribution::Default, &device);
        model
            .forward(probe.clone())
            .into_data()
            .try_to_vec::<f32>()
            .unwrap()
    };
    assert_eq!(logits(3), logits(3));
    assert_ne!(logits(3), logits(4));

    let folder = tempfile::tempdir().unwrap();
    let first = outputs_after_training(&folder.path().join("a"), 11);
    let second = outputs_after_training(&folder.path().join("b"), 11);
    assert_eq!(first, second);
}
