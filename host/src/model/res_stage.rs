//! A residual stage: one convolution block followed by identity blocks.

use burn::config::Config;
use burn::module::Module;
use burn::prelude::*;

use super::conv_block::{ConvBlock, ConvBlockConfig};
use super::cost::ModelCost;
use super::identity_block::{IdentityBlock, IdentityBlockConfig};

/// Configuration of a [`ResStage`].
#[derive(Config, Debug)]
pub struct ResStageConfig {
    /// Filters of every block's three convolutions: 1x1 reduce, 3x3, 1x1 expand.
    pub filters: [usize; 3],
    /// Identity blocks after the convolution block.
    #[config(default = 2)]
    pub identity_blocks: usize,
}

/// A convolution block that halves the resolution, then identity blocks.
#[derive(Module, Debug)]
pub struct ResStage {
    /// The first block.
    pub entry: ConvBlock,
    /// The blocks after it.
    pub blocks: Vec<IdentityBlock>,
}

impl ResStageConfig {
    /// Builds the stage for `channels_in` input channels on `device`.
    pub fn init(&self, channels_in: usize, device: &Device) -> ResStage {
        let identity = IdentityBlockConfig::new(self.filters);
        ResStage {
            entry: ConvBlockConfig::new(channels_in, self.filters).init(device),
            blocks: (0..self.identity_blocks)
                .map(|_| identity.init(device))
                .collect(),
        }
    }

    /// Output channels.
    pub fn channels_out(&self) -> usize {
        self.filters[2]
    }

    /// Parameters and multiply-accumulates for `channels_in` channels of side `side`.
    pub fn cost(&self, channels_in: usize, side: usize) -> ModelCost {
        let entry = ConvBlockConfig::new(channels_in, self.filters).cost(side);
        let block = IdentityBlockConfig::new(self.filters).cost(side / 2);
        (0..self.identity_blocks).fold(entry, |total, _| total + block)
    }
}

impl ResStage {
    /// Maps `[batch, channels_in, s, s]` to `[batch, filters[2], s / 2, s / 2]`.
    pub fn forward(&self, input: Tensor<4>) -> Tensor<4> {
        let x = self.entry.forward(input);
        self.blocks.iter().fold(x, |x, block| block.forward(x))
    }
}
