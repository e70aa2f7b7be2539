//! The head that turns a feature map into outputs: average pooling, flattening and dense
//! layers.

use burn::config::Config;
use burn::module::Module;
use burn::nn::pool::{AvgPool2d, AvgPool2dConfig};
use burn::nn::{Dropout, DropoutConfig, Linear, Relu};
use burn::prelude::*;

use super::cost::ModelCost;
use super::init::glorot_linear;

/// One hidden dense layer of a [`DenseHead`].
#[derive(Config, Debug)]
pub struct HiddenLayerConfig {
    /// Units of the layer (ReLU activation).
    pub units: usize,
    /// Dropout probability applied after the activation while training.
    pub dropout: f64,
}

/// Configuration of a [`DenseHead`].
#[derive(Config, Debug)]
pub struct DenseHeadConfig {
    /// Channels of the incoming feature map.
    pub channels_in: usize,
    /// Side of the incoming square feature map.
    pub side_in: usize,
    /// Side (and stride) of the average pooling before flattening; `None` flattens directly.
    /// Pooling uses no padding and drops incomplete windows.
    pub pool: Option<usize>,
    /// Hidden layers, in order.
    pub hidden: Vec<HiddenLayerConfig>,
    /// Dropout probability on the flattened features while training (0 for none).
    #[config(default = 0.0)]
    pub input_dropout: f64,
    /// Outputs of the last, linear layer.
    pub outputs: usize,
}

/// Average pooling, NCHW flattening, hidden dense layers with ReLU and dropout, and a linear
/// output layer.
#[derive(Module, Debug)]
pub struct DenseHead {
    /// Pools the feature map before flattening.
    pub pool: Option<AvgPool2d>,
    /// Dropout on the flattened features.
    pub input_dropout: Dropout,
    /// Hidden layers.
    pub hidden: Vec<Linear>,
    /// Dropouts after the hidden layers.
    pub dropouts: Vec<Dropout>,
    /// Output layer; weight `[features, outputs]`.
    pub output: Linear,
    /// Activation of the hidden layers.
    pub relu: Relu,
}

impl DenseHeadConfig {
    /// Number of features after pooling and flattening.
    pub fn features(&self) -> usize {
        let side = match self.pool {
            Some(pool) => (self.side_in - pool) / pool + 1,
            None => self.side_in,
        };
        self.channels_in * side * side
    }

    /// Builds the head on `device`.
    pub fn init(&self, device: &Device) -> DenseHead {
        let mut inputs = self.features();
        let mut hidden = Vec::with_capacity(self.hidden.len());
        for layer in &self.hidden {
            hidden.push(glorot_linear(inputs, layer.units, device));
            inputs = layer.units;
        }

        DenseHead {
            pool: self
                .pool
                .map(|side| AvgPool2dConfig::new([side, side]).init()),
            input_dropout: DropoutConfig::new(self.input_dropout).init(),
            hidden,
            dropouts: self
                .hidden
                .iter()
                .map(|l| DropoutConfig::new(l.dropout).init())
                .collect(),
            output: glorot_linear(inputs, self.outputs, device),
            relu: Relu::new(),
        }
    }

    /// Parameters and multiply-accumulates.
    pub fn cost(&self) -> ModelCost {
        let mut inputs = self.features();
        let mut total = ModelCost::default();
        for layer in &self.hidden {
            total = total + ModelCost::dense(inputs, layer.units);
            inputs = layer.units;
        }
        total + ModelCost::dense(inputs, self.outputs)
    }
}

impl DenseHead {
    /// Maps `[batch, channels_in, side_in, side_in]` to `[batch, outputs]`.
    pub fn forward(&self, features: Tensor<4>) -> Tensor<2> {
        let x = match &self.pool {
            Some(pool) => pool.forward(features),
            None => features,
        };
        let mut x: Tensor<2> = self.input_dropout.forward(x.flatten(1, 3));
        for (layer, dropout) in self.hidden.iter().zip(&self.dropouts) {
            x = dropout.forward(self.relu.forward(layer.forward(x)));
        }
        self.output.forward(x)
    }
}
