//! The two networks: a ResNet that finds 15 facial keypoints and a ResNet that names the
//! emotion of a face, in the `reference` size of the reference design and the smaller `edge`
//! size that fits the device.
//!
//! Tensors are NCHW throughout; where a feature map is flattened for a dense layer the order
//! is channel-major (`c * h * w + y * w + x`), as an ONNX `Flatten` on NCHW produces.

mod arch;
mod backbone;
mod conv_block;
mod cost;
mod dense_head;
mod emotion_net;
mod identity_block;
mod init;
mod keypoint_net;
mod res_stage;
mod spec;
mod stem;

pub use arch::Arch;
pub use backbone::{Backbone, BackboneConfig};
pub use conv_block::{ConvBlock, ConvBlockConfig};
pub use cost::ModelCost;
pub use dense_head::{DenseHead, DenseHeadConfig, HiddenLayerConfig};
pub use emotion_net::{EmotionNet, EmotionNetConfig};
pub use identity_block::{IdentityBlock, IdentityBlockConfig};
pub use init::{glorot_conv, glorot_linear, initialise_parameters};
pub use keypoint_net::{KeypointNet, KeypointNetConfig};
pub use res_stage::{ResStage, ResStageConfig};
pub use spec::{Net, NetSpec};
pub use stem::{Stem, StemConfig};

/// Side of the square model input in pixels.
pub const INPUT_SIDE: usize = shared::INPUT_SIDE;
