//! `emotion-edge bench train`: training throughput of a network on random inputs.

use std::time::Instant;

use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use burn::tensor::{Distribution, TensorData};
use clap::Args;

use crate::cli::train::print_cost;
use crate::model::{Arch, EmotionNetConfig, INPUT_SIDE, KeypointNetConfig, initialise_parameters};
use crate::train::{
    TaskKind, mask_weights, masked_mse, set_cpu_threads, soft_cross_entropy, soft_targets,
    training_device,
};

/// Options of `emotion-edge bench train`.
#[derive(Debug, Args)]
pub struct TrainBenchArgs {
    /// Network size.
    #[arg(long, value_enum, default_value_t = Arch::Edge)]
    pub arch: Arch,
    /// Which network.
    #[arg(long, value_enum, default_value_t = TaskKind::Emotion)]
    pub task: TaskKind,
    /// Samples per step.
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// Timed steps.
    #[arg(long, default_value_t = 10)]
    pub steps: usize,
    /// Untimed steps first.
    #[arg(long, default_value_t = 2)]
    pub warmup: usize,
    /// CPU threads for the tensor backend [default: all cores].
    #[arg(long)]
    pub threads: Option<usize>,
}

impl TrainBenchArgs {
    /// Runs the benchmark and prints images per second.
    pub fn run(self) -> anyhow::Result<()> {
        if let Some(threads) = self.threads {
            set_cpu_threads(threads);
        }
        print_cost(self.task, self.arch);
        let device = training_device();
        let rate = match self.task {
            TaskKind::Emotion => self.emotion(&device),
            TaskKind::Keypoints => self.keypoints(&device),
        };
        println!(
            "{} --arch {} batch {}: {rate:.1} images/s over {} training steps",
            self.task.name(),
            self.arch,
            self.batch_size,
            self.steps
        );
        Ok(())
    }

    fn faces(&self, device: &Device) -> Tensor<4> {
        let shape = [self.batch_size, 1, INPUT_SIDE, INPUT_SIDE];
        Tensor::random(shape, Distribution::Uniform(0.0, 1.0), device)
    }

    fn emotion(&self, device: &Device) -> f64 {
        let config = EmotionNetConfig::for_arch(self.arch, 5);
        let mut model = initialise_parameters(config.init(device), device, 0);
        let mut optimizer = AdamConfig::new().init();
        let labels: Vec<usize> = (0..self.batch_size).map(|i| i % 5).collect();
        let targets = soft_targets(&labels, &[1.0; 5], 0.0, device);
        self.time(|| {
            let loss = soft_cross_entropy(model.forward(self.faces(device)), targets.clone());
            let _ = loss.clone().into_scalar::<f32>();
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optimizer.step(1e-3, model.clone(), grads);
        })
    }

    fn keypoints(&self, device: &Device) -> f64 {
        let config = KeypointNetConfig::for_arch(self.arch);
        let mut model = initialise_parameters(config.init(device), device, 0);
        let mut optimizer = AdamConfig::new().init();
        let values = self.batch_size * 30;
        let truth = Tensor::from_data(
            TensorData::new(vec![48.0f32; values], [self.batch_size, 30]),
            device,
        );
        let present = vec![true; values];
        self.time(|| {
            let Some(weights) = mask_weights(&present, 30, device) else {
                return;
            };
            let predicted = model.forward(self.faces(device));
            let loss = masked_mse(predicted, truth.clone(), weights);
            let _ = loss.clone().into_scalar::<f32>();
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optimizer.step(1e-3, model.clone(), grads);
        })
    }

    /// Runs `step` for the warm-up, then times the measured steps; returns images/s.
    fn time(&self, mut step: impl FnMut()) -> f64 {
        for _ in 0..self.warmup {
            step();
        }
        let started = Instant::now();
        for _ in 0..self.steps {
            step();
        }
        (self.steps * self.batch_size) as f64 / started.elapsed().as_secs_f64()
    }
}
