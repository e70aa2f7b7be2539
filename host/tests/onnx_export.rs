//! Export from Burn: the traced float ONNX model computes what the Burn network computes
//! (max abs difference <= 1e-4 in tract), follows the contract and leaves the network usable.

mod onnx_support;

use std::collections::BTreeMap;

use burn::module::{Module, Param, RunningState};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{AvgPool2d, AvgPool2dConfig, MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig, PaddingConfig2d, Relu};
use burn::tensor::{Device, Tensor, TensorData};
use host::export::export_module;
use host::model::{Arch, EmotionNetConfig, KeypointNetConfig, initialise_parameters};
use host::onnx::pb::ModelProto;
use host::onnx::{ModelHead, TractModel, graph};
use onnx_support::{max_abs_diff, random_image, uniform};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The layer kinds of the ResNets, small: Conv2d, BatchNorm, ReLU, MaxPool, AvgPool, Linear.
#[derive(Module, Debug)]
struct SmallNet {
    conv: Conv2d,
    norm: BatchNorm,
    relu: Relu,
    max_pool: MaxPool2d,
    avg_pool: AvgPool2d,
    dense: Linear,
}

impl SmallNet {
    fn new(device: &Device, outputs: usize, seed: u64) -> SmallNet {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut norm = BatchNormConfig::new(8).init(device);
        let vector = |rng: &mut StdRng, low, high| {
            Tensor::<1>::from_data(TensorData::new(uniform(rng, 8, low, high), [8]), device)
        };
        norm.gamma = Param::from_tensor(vector(&mut rng, 0.5, 1.5));
        norm.beta = Param::from_tensor(vector(&mut rng, -0.5, 0.5));
        norm.running_mean = RunningState::new(vector(&mut rng, -0.3, 0.3));
        norm.running_var = RunningState::new(vector(&mut rng, 0.2, 2.0));
        SmallNet {
            conv: Conv2dConfig::new([1, 8], [5, 5])
                .with_stride([2, 2])
                .with_padding(PaddingConfig2d::Explicit(2, 2, 2, 2))
                .init(device),
            norm,
            relu: Relu::new(),
            max_pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            avg_pool: AvgPool2dConfig::new([4, 4]).with_strides([4, 4]).init(),
            dense: LinearConfig::new(8 * 6 * 6, outputs).init(device),
        }
    }

    fn forward(&self, faces: Tensor<4>) -> Tensor<2> {
        let x = self
            .relu
            .forward(self.norm.forward(self.conv.forward(faces)));
        let x = self.avg_pool.forward(self.max_pool.forward(x));
        self.dense.forward(x.flatten(1, 3))
    }
}

fn image_tensor(image: &[f32], device: &Device) -> Tensor<4> {
    Tensor::from_data(TensorData::new(image.to_vec(), [1, 1, 96, 96]), device)
}

fn burn_output(forward: impl Fn(Tensor<4>) -> Tensor<2>, image: &[f32]) -> Vec<f32> {
    forward(image_tensor(image, &Device::default()))
        .into_data()
        .try_into_vec::<f32>()
        .unwrap()
}

/// Largest difference between Burn and tract over `images` seeded random images.
fn worst_difference(
    model: &TractModel,
    burn: impl Fn(Tensor<4>) -> Tensor<2>,
    images: usize,
    seed: u64,
) -> f32 {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..images)
        .map(|_| {
            let image = random_image(&mut rng);
            let expected = burn_output(&burn, &image);
            let actual = model.run(&image).unwrap().remove(0).values;
            max_abs_diff(&expected, &actual)
        })
        .fold(0.0, f32::max)
}

fn op_counts(model: &ModelProto) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for node in &graph(model, "exported").unwrap().node {
        *counts.entry(node.op_type.clone()).or_default() += 1;
    }
    counts
}

#[test]
fn small_net_exports_with_folded_norm_and_matches_burn() {
    let device = Device::default();
    let net = SmallNet::new(&device, 30, 1);

    let model = export_module(&net, ModelHead::Keypoints, SmallNet::forward).unwrap();

    let graph = graph(&model, "small").unwrap();
    let ops: Vec<&str> = graph
        .node
        .iter()
        .map(|node| node.op_type.as_str())
        .collect();
    assert!(!ops.contains(&"BatchNormalization"), "{ops:?}");
    assert!(ops.contains(&"Conv") && ops.contains(&"MaxPool") && ops.contains(&"AveragePool"));
    assert_eq!(graph.input[0].name, "input");
    assert_eq!(graph.output[0].name, "keypoints");
    let tract = TractModel::new(&model).unwrap();
    let worst = worst_difference(&tract, |x| net.valid().forward(x), 6, 2);
    eprintln!("small net: max abs difference {worst}");
    assert!(worst <= 1e-4, "max abs difference {worst}");
}

#[test]
fn exported_network_keeps_working_in_burn() {
    let device = Device::default();
    let net = SmallNet::new(&device, 5, 3);
    let image = vec![0.5; 96 * 96];
    let before = burn_output(|x| net.valid().forward(x), &image);

    export_module(&net, ModelHead::Emotion, SmallNet::forward).unwrap();

    assert_eq!(burn_output(|x| net.valid().forward(x), &image), before);
}

#[test]
fn emotion_export_ends_in_softmax() {
    let device = Device::default();
    let net = SmallNet::new(&device, 5, 4);

    let model = export_module(&net, ModelHead::Emotion, SmallNet::forward).unwrap();

    let last = graph(&model, "emotion")
        .unwrap()
        .node
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last.op_type.as_str(), last.output[0].as_str()),
        ("Softmax", "emotion")
    );
    let tract = TractModel::new(&model).unwrap();
    let softmax = |x: Tensor<4>| burn::tensor::activation::softmax(net.valid().forward(x), 1);
    let worst = worst_difference(&tract, softmax, 4, 5);
    assert!(worst <= 1e-4, "max abs difference {worst}");
}

#[test]
fn edge_keypoint_net_exports_and_matches_burn() {
    let device = Device::default();
    let config = KeypointNetConfig::for_arch(Arch::Edge);
    let net = initialise_parameters(config.init(&device), &device, 7);

    let model = export_module(&net, ModelHead::Keypoints, |net, x| net.forward(x)).unwrap();

    let ops = op_counts(&model);
    assert!(
        !ops.contains_key("BatchNormalization") && ops["Conv"] >= 10,
        "{ops:?}"
    );
    let tract = TractModel::new(&model).unwrap();
    let worst = worst_difference(&tract, |x| net.valid().forward(x), 3, 8);
    eprintln!("edge keypoint net: {ops:?}, max abs difference {worst}");
    assert!(worst <= 1e-4, "max abs difference {worst}");
}

#[test]
fn edge_emotion_net_exports_probabilities_that_match_burn() {
    let device = Device::default();
    let config = EmotionNetConfig::for_arch(Arch::Edge, 5);
    let net = initialise_parameters(config.init(&device), &device, 9);

    let model = export_module(&net, ModelHead::Emotion, |net, x| net.forward(x)).unwrap();

    let ops = op_counts(&model);
    assert!(
        !ops.contains_key("BatchNormalization") && ops["Softmax"] == 1,
        "{ops:?}"
    );
    let tract = TractModel::new(&model).unwrap();
    let worst = worst_difference(&tract, |x| net.valid().probabilities(x), 3, 10);
    eprintln!("edge emotion net: {ops:?}, max abs difference {worst}");
    assert!(worst <= 1e-4, "max abs difference {worst}");
}
