//! The keypoint network: a ResNet body and a dense head that regresses 15 (x, y) points.

use burn::config::Config;
use burn::module::Module;
use burn::nn::Initializer;
use burn::prelude::*;
use shared::keypoints::KEYPOINT_COORDS;

use super::INPUT_SIDE;
use super::arch::Arch;
use super::backbone::{Backbone, BackboneConfig};
use super::cost::ModelCost;
use super::dense_head::{DenseHead, DenseHeadConfig, HiddenLayerConfig};
use super::res_stage::ResStageConfig;
use super::stem::StemConfig;

/// Configuration of a [`KeypointNet`].
#[derive(Config, Debug)]
pub struct KeypointNetConfig {
    /// The convolutional body.
    pub backbone: BackboneConfig,
    /// The regression head; its `outputs` is 30 (x then y of 15 points).
    pub head: DenseHeadConfig,
}

/// Regresses 15 keypoints, in pixels of the 96x96 frame, from a 96x96 grey face.
#[derive(Module, Debug)]
pub struct KeypointNet {
    /// The convolutional body.
    pub backbone: Backbone,
    /// The regression head.
    pub head: DenseHead,
}

impl KeypointNetConfig {
    /// The configuration of `arch`.
    ///
    /// `reference`: ZeroPadding 3, Conv 7x7/2 64, BN, ReLU, MaxPool 3/2 (96 -> 48 -> 23),
    /// stages [64, 64, 256] (23 -> 11) and [128, 128, 512] (11 -> 5), AvgPool 2 (5 -> 2),
    /// flatten (2048), Dense 4096 ReLU, Dropout 0.2, Dense 2048 ReLU, Dropout 0.1, Dense 30.
    ///
    /// `edge`: Conv 5x5/2 32 (96 -> 48), BN, ReLU, MaxPool 2 (48 -> 24), stages
    /// [32, 32, 128] (24 -> 12) and [64, 64, 256] (12 -> 6), AvgPool 2 (6 -> 3), flatten
    /// (2304), Dense 256 ReLU, Dropout 0.2, Dense 30.
    pub fn for_arch(arch: Arch) -> Self {
        let backbone = match arch {
            Arch::Reference => BackboneConfig::new(
                StemConfig::new(64, 7, 2, 3).with_pool(Some([3, 2])),
                vec![
                    ResStageConfig::new([64, 64, 256]),
                    ResStageConfig::new([128, 128, 512]),
                ],
            ),
            Arch::Edge => BackboneConfig::new(
                StemConfig::new(32, 5, 2, 2).with_pool(Some([2, 2])),
                vec![
                    ResStageConfig::new([32, 32, 128]),
                    ResStageConfig::new([64, 64, 256]),
                ],
            ),
        };
        let hidden = match arch {
            Arch::Reference => vec![
                HiddenLayerConfig::new(4096, 0.2),
                HiddenLayerConfig::new(2048, 0.1),
            ],
            Arch::Edge => vec![HiddenLayerConfig::new(256, 0.2)],
        };
        let channels = backbone.channels_out();
        let side = backbone.output_side(INPUT_SIDE);
        let head = DenseHeadConfig::new(channels, side, hidden, KEYPOINT_COORDS);
        Self::new(backbone, head.with_pool(Some(2)))
    }

    /// Builds the network on `device`; weights are drawn when first used (see
    /// [`super::initialise_parameters`]).
    /// The output bias starts at the frame centre, so training starts from "every point in
    /// the middle" rather than from the corner.
    pub fn init(&self, device: &Device) -> KeypointNet {
        let mut head = self.head.init(device);
        let centre = (INPUT_SIDE as f64 - 1.0) / 2.0;
        head.output.bias =
            Some(Initializer::Constant { value: centre }.init([self.head.outputs], device));
        KeypointNet {
            backbone: self.backbone.init(device),
            head,
        }
    }

    /// Parameters and multiply-accumulates of one 96x96 inference.
    pub fn cost(&self) -> ModelCost {
        self.backbone.cost(INPUT_SIDE) + self.head.cost()
    }
}

impl KeypointNet {
    /// Maps faces `[batch, 1, 96, 96]` to keypoints `[batch, 30]` in pixels, Kaggle column
    /// order.
    pub fn forward(&self, faces: Tensor<4>) -> Tensor<2> {
        self.head.forward(self.backbone.forward(faces))
    }
}
