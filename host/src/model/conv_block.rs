//! The convolution block: the first block of a residual stage, which halves the resolution
//! and changes the channel count, with a projection on the shortcut.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::Conv2d;
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, PaddingConfig2d, Relu};
use burn::prelude::*;

use super::cost::ModelCost;
use super::init::glorot_conv;

/// Configuration of a [`ConvBlock`].
#[derive(Config, Debug)]
pub struct ConvBlockConfig {
    /// Input channels.
    pub channels_in: usize,
    /// Filters of the three main-path convolutions: 1x1 reduce, 3x3, 1x1 expand.
    pub filters: [usize; 3],
}

/// Main path: 1x1 conv, 2x2 max pool, BN, ReLU, 3x3 conv, BN, ReLU, 1x1 conv, BN.
/// Shortcut: 1x1 conv, 2x2 max pool, BN. Output: ReLU of their sum, at half the resolution.
#[derive(Module, Debug)]
pub struct ConvBlock {
    /// 1x1 reduction; weight `[filters[0], channels_in, 1, 1]`.
    pub reduce: Conv2d,
    /// Halves the resolution of the main path.
    pub reduce_pool: MaxPool2d,
    /// Normalises the reduction.
    pub reduce_norm: BatchNorm,
    /// 3x3 convolution with same padding; weight `[filters[1], filters[0], 3, 3]`.
    pub spatial: Conv2d,
    /// Normalises the 3x3 convolution.
    pub spatial_norm: BatchNorm,
    /// 1x1 expansion; weight `[filters[2], filters[1], 1, 1]`.
    pub expand: Conv2d,
    /// Normalises the expansion.
    pub expand_norm: BatchNorm,
    /// 1x1 projection of the input; weight `[filters[2], channels_in, 1, 1]`.
    pub shortcut: Conv2d,
    /// Halves the resolution of the shortcut.
    pub shortcut_pool: MaxPool2d,
    /// Normalises the shortcut.
    pub shortcut_norm: BatchNorm,
    /// Activation.
    pub relu: Relu,
}

impl ConvBlockConfig {
    /// Builds the block on `device`.
    pub fn init(&self, device: &Device) -> ConvBlock {
        let [f1, f2, f3] = self.filters;
        let same = PaddingConfig2d::Explicit(1, 1, 1, 1);
        ConvBlock {
            reduce: glorot_conv([self.channels_in, f1], 1, 1, PaddingConfig2d::Valid, device),
            reduce_pool: MaxPool2dConfig::new([2, 2]).init(),
            reduce_norm: BatchNormConfig::new(f1).init(device),
            spatial: glorot_conv([f1, f2], 3, 1, same, device),
            spatial_norm: BatchNormConfig::new(f2).init(device),
            expand: glorot_conv([f2, f3], 1, 1, PaddingConfig2d::Valid, device),
            expand_norm: BatchNormConfig::new(f3).init(device),
            shortcut: glorot_conv([self.channels_in, f3], 1, 1, PaddingConfig2d::Valid, device),
            shortcut_pool: MaxPool2dConfig::new([2, 2]).init(),
            shortcut_norm: BatchNormConfig::new(f3).init(device),
            relu: Relu::new(),
        }
    }

    /// Parameters and multiply-accumulates for a square input of side `side`.
    pub fn cost(&self, side: usize) -> ModelCost {
        let [f1, f2, f3] = self.filters;
        let half = side / 2;
        ModelCost::conv(self.channels_in, f1, 1, side)
            + ModelCost::conv(f1, f2, 3, half)
            + ModelCost::conv(f2, f3, 1, half)
            + ModelCost::conv(self.channels_in, f3, 1, side)
    }
}

impl ConvBlock {
    /// Maps `[batch, channels_in, s, s]` to `[batch, filters[2], s / 2, s / 2]`.
    pub fn forward(&self, input: Tensor<4>) -> Tensor<4> {
        let x = self.reduce_pool.forward(self.reduce.forward(input.clone()));
        let x = self.relu.forward(self.reduce_norm.forward(x));
        let x = self
            .relu
            .forward(self.spatial_norm.forward(self.spatial.forward(x)));
        let x = self.expand_norm.forward(self.expand.forward(x));

        let shortcut = self.shortcut_pool.forward(self.shortcut.forward(input));
        let shortcut = self.shortcut_norm.forward(shortcut);

        self.relu.forward(x + shortcut)
    }
}
