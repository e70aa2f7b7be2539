//! What a saved model needs besides its weights to be rebuilt: task, size and configuration.

use burn::prelude::Device;
use serde::{Deserialize, Serialize};

use super::arch::Arch;
use super::emotion_net::{EmotionNet, EmotionNetConfig};
use super::keypoint_net::{KeypointNet, KeypointNetConfig};

/// The description of a network stored beside its weights.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "task", rename_all = "lowercase")]
pub enum NetSpec {
    /// An emotion classifier.
    Emotion {
        /// Its named size.
        arch: Arch,
        /// Its exact configuration.
        config: EmotionNetConfig,
        /// Class names in output order.
        labels: Vec<String>,
    },
    /// A keypoint regressor.
    Keypoints {
        /// Its named size.
        arch: Arch,
        /// Its exact configuration.
        config: KeypointNetConfig,
    },
}

/// A network built from a [`NetSpec`].
#[derive(Debug)]
pub enum Net {
    /// An emotion classifier and its class names.
    Emotion(EmotionNet, Vec<String>),
    /// A keypoint regressor.
    Keypoints(KeypointNet),
}

impl NetSpec {
    /// The named size.
    pub fn arch(&self) -> Arch {
        match self {
            NetSpec::Emotion { arch, .. } | NetSpec::Keypoints { arch, .. } => *arch,
        }
    }

    /// Builds the (untrained) network on `device`.
    pub fn init(&self, device: &Device) -> Net {
        match self {
            NetSpec::Emotion { config, labels, .. } => {
                Net::Emotion(config.init(device), labels.clone())
            }
            NetSpec::Keypoints { config, .. } => Net::Keypoints(config.init(device)),
        }
    }
}
