//! The stem: the first convolution, normalisation and pooling that bring the face down to the
//! resolution of the residual stages.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::Conv2d;
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, PaddingConfig2d, Relu};
use burn::prelude::*;

use super::cost::ModelCost;
use super::init::glorot_conv;

/// Configuration of a [`Stem`].
#[derive(Config, Debug)]
pub struct StemConfig {
    /// Input channels (1 for grey faces).
    #[config(default = 1)]
    pub channels_in: usize,
    /// Output channels of the convolution.
    pub channels: usize,
    /// Side of the square convolution kernel.
    pub kernel: usize,
    /// Stride of the convolution.
    pub stride: usize,
    /// Zeros added on every side of the input before the convolution.
    pub padding: usize,
    /// Kernel side and stride of the max pooling after the activation, if any (no
    /// padding).
    pub pool: Option<[usize; 2]>,
}

/// Convolution, batch normalisation, ReLU, then an optional max pooling.
#[derive(Module, Debug)]
pub struct Stem {
    /// Convolution; weight of shape `[channels, channels_in, kernel, kernel]`.
    pub conv: Conv2d,
    /// Normalisation of the convolution output.
    pub norm: BatchNorm,
    /// Activation.
    pub relu: Relu,
    /// Max pooling after the activation.
    pub pool: Option<MaxPool2d>,
}

impl StemConfig {
    /// Builds the stem on `device`.
    pub fn init(&self, device: &Device) -> Stem {
        let p = self.padding;
        Stem {
            conv: glorot_conv(
                [self.channels_in, self.channels],
                self.kernel,
                self.stride,
                PaddingConfig2d::Explicit(p, p, p, p),
                device,
            ),
            norm: BatchNormConfig::new(self.channels).init(device),
            relu: Relu::new(),
            pool: self.pool.map(|[side, stride]| {
                MaxPool2dConfig::new([side, side])
                    .with_strides([stride, stride])
                    .init()
            }),
        }
    }

    /// Side of the output feature map for a square input of side `side`.
    pub fn output_side(&self, side: usize) -> usize {
        let conv = (side + 2 * self.padding - self.kernel) / self.stride + 1;
        match self.pool {
            Some([pool, stride]) => (conv - pool) / stride + 1,
            None => conv,
        }
    }

    /// Parameters and multiply-accumulates for a square input of side `side`.
    pub fn cost(&self, side: usize) -> ModelCost {
        let conv = (side + 2 * self.padding - self.kernel) / self.stride + 1;
        ModelCost::conv(self.channels_in, self.channels, self.kernel, conv)
    }
}

impl Stem {
    /// Maps `[batch, channels_in, h, w]` to `[batch, channels, h', w']`.
    pub fn forward(&self, input: Tensor<4>) -> Tensor<4> {
        let x = self
            .relu
            .forward(self.norm.forward(self.conv.forward(input)));
        match &self.pool {
            Some(pool) => pool.forward(x),
            None => x,
        }
    }
}
