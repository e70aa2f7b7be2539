//! The emotion network: a ResNet body and a small head that scores each emotion class.

use burn::config::Config;
use burn::module::Module;
use burn::prelude::*;
use burn::tensor::activation::softmax;

use super::INPUT_SIDE;
use super::arch::Arch;
use super::backbone::{Backbone, BackboneConfig};
use super::cost::ModelCost;
use super::dense_head::{DenseHead, DenseHeadConfig};
use super::res_stage::ResStageConfig;
use super::stem::StemConfig;

/// Configuration of an [`EmotionNet`].
#[derive(Config, Debug)]
pub struct EmotionNetConfig {
    /// The convolutional body.
    pub backbone: BackboneConfig,
    /// The classification head; its `outputs` is the number of classes.
    pub head: DenseHeadConfig,
}

/// Scores the emotion classes of a 96x96 grey face.
#[derive(Module, Debug)]
pub struct EmotionNet {
    /// The convolutional body.
    pub backbone: Backbone,
    /// The classification head.
    pub head: DenseHead,
}

impl EmotionNetConfig {
    /// The configuration of `arch` for `classes` emotion classes.
    ///
    /// `reference`: ZeroPadding 3, Conv 7x7/2 64, BN, ReLU, MaxPool 3/2 (96 -> 48 -> 23),
    /// stages [64, 64, 256] (23 -> 11) and [128, 128, 512] (11 -> 5), AvgPool 4 (5 -> 1),
    /// Dense `classes`.
    ///
    /// `edge`: AvgPool 2 (96 -> 48, the native FER2013 resolution), Conv 3x3/1 32, BN, ReLU,
    /// MaxPool 2 (48 -> 24), stages [32, 32, 128] (24 -> 12) and [64, 64, 256] (12 -> 6),
    /// global AvgPool 6, Dropout 0.3, Dense `classes`.
    pub fn for_arch(arch: Arch, classes: usize) -> Self {
        let backbone = match arch {
            Arch::Reference => BackboneConfig::new(
                StemConfig::new(64, 7, 2, 3).with_pool(Some([3, 2])),
                vec![
                    ResStageConfig::new([64, 64, 256]),
                    ResStageConfig::new([128, 128, 512]),
                ],
            ),
            Arch::Edge => BackboneConfig::new(
                StemConfig::new(32, 3, 1, 1).with_pool(Some([2, 2])),
                vec![
                    ResStageConfig::new([32, 32, 128]),
                    ResStageConfig::new([64, 64, 256]),
                ],
            )
            .with_input_pool(Some(2)),
        };
        let channels = backbone.channels_out();
        let side = backbone.output_side(INPUT_SIDE);
        let head = match arch {
            Arch::Reference => {
                DenseHeadConfig::new(channels, side, vec![], classes).with_pool(Some(4))
            }
            Arch::Edge => DenseHeadConfig::new(channels, side, vec![], classes)
                .with_pool(Some(side))
                .with_input_dropout(0.3),
        };
        Self::new(backbone, head)
    }

    /// Builds the network on `device`; weights are drawn when first used (see
    /// [`super::initialise_parameters`]).
    pub fn init(&self, device: &Device) -> EmotionNet {
        EmotionNet {
            backbone: self.backbone.init(device),
            head: self.head.init(device),
        }
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.head.outputs
    }

    /// Parameters and multiply-accumulates of one 96x96 inference.
    pub fn cost(&self) -> ModelCost {
        self.backbone.cost(INPUT_SIDE) + self.head.cost()
    }
}

impl EmotionNet {
    /// Maps faces `[batch, 1, 96, 96]` to class logits `[batch, classes]`.
    pub fn forward(&self, faces: Tensor<4>) -> Tensor<2> {
        self.head.forward(self.backbone.forward(faces))
    }

    /// Maps faces `[batch, 1, 96, 96]` to class probabilities `[batch, classes]`.
    pub fn probabilities(&self, faces: Tensor<4>) -> Tensor<2> {
        softmax(self.forward(faces), 1)
    }
}
