//! The convolutional body shared in kind by both networks: optional input down-sampling, a
//! stem and residual stages.

use burn::config::Config;
use burn::module::Module;
use burn::nn::pool::{AvgPool2d, AvgPool2dConfig};
use burn::prelude::*;

use super::cost::ModelCost;
use super::res_stage::{ResStage, ResStageConfig};
use super::stem::{Stem, StemConfig};

/// Configuration of a [`Backbone`].
#[derive(Config, Debug)]
pub struct BackboneConfig {
    /// Side (and stride) of an average pooling applied to the input first, if any; 2 brings
    /// a 96x96 input back to the 48x48 of the FER2013 images it was upscaled from.
    pub input_pool: Option<usize>,
    /// The stem.
    pub stem: StemConfig,
    /// The residual stages, in order.
    pub stages: Vec<ResStageConfig>,
}

/// Input pooling, stem and residual stages.
#[derive(Module, Debug)]
pub struct Backbone {
    /// Down-samples the input before the stem.
    pub input_pool: Option<AvgPool2d>,
    /// The stem.
    pub stem: Stem,
    /// The residual stages.
    pub stages: Vec<ResStage>,
}

impl BackboneConfig {
    /// Builds the backbone on `device`.
    pub fn init(&self, device: &Device) -> Backbone {
        let mut channels = self.stem.channels;
        let mut stages = Vec::with_capacity(self.stages.len());
        for stage in &self.stages {
            stages.push(stage.init(channels, device));
            channels = stage.channels_out();
        }

        Backbone {
            input_pool: self
                .input_pool
                .map(|side| AvgPool2dConfig::new([side, side]).init()),
            stem: self.stem.init(device),
            stages,
        }
    }

    /// Channels of the output feature map.
    pub fn channels_out(&self) -> usize {
        self.stages
            .last()
            .map_or(self.stem.channels, ResStageConfig::channels_out)
    }

    /// Side of the output feature map for a square input of side `side`.
    pub fn output_side(&self, side: usize) -> usize {
        let side = self.stem.output_side(side / self.input_pool.unwrap_or(1));
        self.stages.iter().fold(side, |side, _| side / 2)
    }

    /// Parameters and multiply-accumulates for a square input of side `side`.
    pub fn cost(&self, side: usize) -> ModelCost {
        let side = side / self.input_pool.unwrap_or(1);
        let mut total = self.stem.cost(side);
        let mut side = self.stem.output_side(side);
        let mut channels = self.stem.channels;
        for stage in &self.stages {
            total = total + stage.cost(channels, side);
            side /= 2;
            channels = stage.channels_out();
        }
        total
    }
}

impl Backbone {
    /// Maps `[batch, 1, s, s]` to the final feature map.
    pub fn forward(&self, input: Tensor<4>) -> Tensor<4> {
        let x = match &self.input_pool {
            Some(pool) => pool.forward(input),
            None => input,
        };
        let x = self.stem.forward(x);
        self.stages.iter().fold(x, |x, stage| stage.forward(x))
    }
}
