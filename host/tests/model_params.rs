//! Parameter and compute counts of both architectures, against the reference design's
//! published numbers and against the modules Burn actually builds.

use burn::module::Module;
use burn::prelude::Device;
use host::model::{Arch, BackboneConfig, EmotionNetConfig, KeypointNetConfig};

/// Batch-normalisation values (scale, shift, running mean and running variance per channel)
/// of a backbone, which Burn counts as parameters and the configuration-based count leaves
/// out.
fn batch_norm_params(backbone: &BackboneConfig) -> usize {
    let mut channels = backbone.stem.channels;
    for stage in &backbone.stages {
        let [f1, f2, f3] = stage.filters;
        channels += f1 + f2 + 2 * f3;
        channels += stage.identity_blocks * (f1 + f2 + f3);
    }
    4 * channels
}

#[test]
fn reference_keypoint_net_has_the_published_parameter_count() {
    let config = KeypointNetConfig::for_arch(Arch::Reference);
    assert_eq!(config.backbone.cost(96).params, 1_154_304);
    assert_eq!(config.cost().params, 17_999_134);
    assert_eq!(config.head.features(), 2048);
}

#[test]
fn reference_emotion_net_has_the_published_parameter_count() {
    let config = EmotionNetConfig::for_arch(Arch::Reference, 5);
    assert_eq!(config.backbone.cost(96).params, 1_154_304);
    assert_eq!(config.cost().params, 1_156_869);
    assert_eq!(config.head.features(), 512);
}

#[test]
fn reference_feature_maps_shrink_as_designed() {
    let config = EmotionNetConfig::for_arch(Arch::Reference, 5);
    assert_eq!(config.backbone.stem.output_side(96), 23);
    assert_eq!(config.backbone.output_side(96), 5);
    let macs = config.cost().macs as f64 / 1e6;
    assert!((79.0..82.0).contains(&macs), "{macs} M MACs");
}

#[test]
fn edge_nets_fit_the_device_budget() {
    let emotion = EmotionNetConfig::for_arch(Arch::Edge, 5).cost();
    let keypoints = KeypointNetConfig::for_arch(Arch::Edge).cost();
    // int8 weights: one byte per parameter, 2 MB of flash for both.
    assert!(emotion.params + keypoints.params < 1_500_000);
    assert!(emotion.macs < 30_000_000 && keypoints.macs < 30_000_000);
}

#[test]
fn built_modules_match_the_configuration_counts() {
    let device = Device::flex();
    for arch in [Arch::Reference, Arch::Edge] {
        let emotion = EmotionNetConfig::for_arch(arch, 5);
        let built = emotion.init(&device).num_params();
        assert_eq!(
            built,
            emotion.cost().params + batch_norm_params(&emotion.backbone),
            "{arch}"
        );

        let keypoints = KeypointNetConfig::for_arch(arch);
        let built = keypoints.init(&device).num_params();
        let expected = keypoints.cost().params + batch_norm_params(&keypoints.backbone);
        assert_eq!(built, expected, "{arch}");
    }
}

#[test]
fn forward_passes_give_the_contract_shapes() {
    let device = Device::flex();
    let faces = burn::Tensor::<4>::zeros([2, 1, 96, 96], &device);
    for arch in [Arch::Reference, Arch::Edge] {
        let emotion = EmotionNetConfig::for_arch(arch, 5).init(&device);
        assert_eq!(emotion.probabilities(faces.clone()).dims(), [2, 5]);
        let keypoints = KeypointNetConfig::for_arch(arch).init(&device);
        assert_eq!(keypoints.forward(faces.clone()).dims(), [2, 30]);
    }
}
