//! The identity block: a bottleneck residual block that keeps resolution and channels.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::Conv2d;
use burn::nn::{BatchNorm, BatchNormConfig, PaddingConfig2d, Relu};
use burn::prelude::*;

use super::cost::ModelCost;
use super::init::glorot_conv;

/// Configuration of an [`IdentityBlock`].
#[derive(Config, Debug)]
pub struct IdentityBlockConfig {
    /// Filters of the three convolutions: 1x1 reduce, 3x3, 1x1 expand. The last equals the
    /// input channel count, so the input can be added back.
    pub filters: [usize; 3],
}

/// 1x1 conv, BN, ReLU, 3x3 conv, BN, ReLU, 1x1 conv, BN, add the input, ReLU.
#[derive(Module, Debug)]
pub struct IdentityBlock {
    /// 1x1 reduction; weight `[filters[0], filters[2], 1, 1]`.
    pub reduce: Conv2d,
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
    /// Activation.
    pub relu: Relu,
}

impl IdentityBlockConfig {
    /// Builds the block on `device`.
    pub fn init(&self, device: &Device) -> IdentityBlock {
        let [f1, f2, f3] = self.filters;
        IdentityBlock {
            reduce: glorot_conv([f3, f1], 1, 1, PaddingConfig2d::Valid, device),
            reduce_norm: BatchNormConfig::new(f1).init(device),
            spatial: glorot_conv(
                [f1, f2],
                3,
                1,
                PaddingConfig2d::Explicit(1, 1, 1, 1),
                device,
            ),
            spatial_norm: BatchNormConfig::new(f2).init(device),
            expand: glorot_conv([f2, f3], 1, 1, PaddingConfig2d::Valid, device),
            expand_norm: BatchNormConfig::new(f3).init(device),
            relu: Relu::new(),
        }
    }

    /// Parameters and multiply-accumulates for a square input of side `side`.
    pub fn cost(&self, side: usize) -> ModelCost {
        let [f1, f2, f3] = self.filters;
        ModelCost::conv(f3, f1, 1, side)
            + ModelCost::conv(f1, f2, 3, side)
            + ModelCost::conv(f2, f3, 1, side)
    }
}

impl IdentityBlock {
    /// Maps `[batch, filters[2], s, s]` to the same shape.
    pub fn forward(&self, input: Tensor<4>) -> Tensor<4> {
        let x = self
            .relu
            .forward(self.reduce_norm.forward(self.reduce.forward(input.clone())));
        let x = self
            .relu
            .forward(self.spatial_norm.forward(self.spatial.forward(x)));
        let x = self.expand_norm.forward(self.expand.forward(x));

        self.relu.forward(x + input)
    }
}
