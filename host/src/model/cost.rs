//! Size and compute of a network, counted from its configuration.
//!
//! Parameters are the weights and biases of convolutions and dense layers; batch
//! normalisation is left out because it folds into the convolutions for inference (and the
//! reference design's published counts were made that way). Multiply-accumulates count
//! convolutions and dense layers only.

use serde::Serialize;

/// Parameters and multiply-accumulates of a network or a part of one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ModelCost {
    /// Weights and biases of convolutions and dense layers.
    pub params: usize,
    /// Multiply-accumulates of one forward pass on one image.
    pub macs: usize,
}

impl ModelCost {
    /// A square convolution from `inputs` to `outputs` channels with a bias, producing a
    /// square map of side `output_side`.
    pub fn conv(inputs: usize, outputs: usize, kernel: usize, output_side: usize) -> Self {
        let weights = inputs * outputs * kernel * kernel;
        Self {
            params: weights + outputs,
            macs: weights * output_side * output_side,
        }
    }

    /// A dense layer with a bias.
    pub fn dense(inputs: usize, outputs: usize) -> Self {
        Self {
            params: inputs * outputs + outputs,
            macs: inputs * outputs,
        }
    }
}

impl std::ops::Add for ModelCost {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self {
            params: self.params + other.params,
            macs: self.macs + other.macs,
        }
    }
}

impl std::iter::Sum for ModelCost {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), |a, b| a + b)
    }
}
