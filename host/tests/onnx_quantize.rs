//! Post-training int8 quantisation: the QOperator graph follows its float original (same
//! argmax on >= 99% of inputs) and keeps Softmax and outputs in float.

mod onnx_support;

use std::time::Instant;

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::loss::CrossEntropyLossConfig;
use burn::nn::pool::{AvgPool2d, AvgPool2dConfig, MaxPool2d, MaxPool2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig, PaddingConfig2d, Relu};
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::{Device, Int, Tensor, TensorData};
use host::export::export_module;
use host::model::{Arch, EmotionNetConfig, KeypointNetConfig, initialise_parameters};
use host::onnx::pb::ModelProto;
use host::onnx::{ModelHead, TractModel, graph};
use host::quantize::{
    ActivationQuant, CalibrationMethod, ValueRange, calibrate, compare_models, quantize_model,
    quantize_weights,
};
use onnx_support::{head_model, random_image};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const CLASSES: usize = 5;
const SIDE: usize = 96;

/// Where the bright square of each synthetic class sits (top-left corner, before jitter).
const CLASS_CORNERS: [(usize, usize); CLASSES] = [(8, 8), (8, 64), (64, 8), (64, 64), (36, 36)];

/// A noisy image with a bright 24-pixel square near the corner of `class`.
fn class_image(rng: &mut StdRng, class: usize) -> Vec<f32> {
    let (top, left) = CLASS_CORNERS[class];
    let top = top + rng.random_range(0..6);
    let left = left + rng.random_range(0..6);
    let brightness = rng.random_range(0.6..1.0);
    (0..SIDE * SIDE)
        .map(|index| {
            let (y, x) = (index / SIDE, index % SIDE);
            let inside = (top..top + 24).contains(&y) && (left..left + 24).contains(&x);
            let noise: f32 = rng.random_range(0.0..0.35);
            if inside { brightness } else { noise }
        })
        .collect()
}

/// Conv-BN-ReLU, max and average pooling, dense: the layer kinds of the ResNets.
#[derive(Module, Debug)]
struct SquareFinder {
    conv: Conv2d,
    norm: BatchNorm,
    relu: Relu,
    max_pool: MaxPool2d,
    avg_pool: AvgPool2d,
    dense: Linear,
}

impl SquareFinder {
    fn new(device: &Device) -> SquareFinder {
        SquareFinder {
            conv: Conv2dConfig::new([1, 8], [5, 5])
                .with_stride([2, 2])
                .with_padding(PaddingConfig2d::Explicit(2, 2, 2, 2))
                .init(device),
            norm: BatchNormConfig::new(8).init(device),
            relu: Relu::new(),
            max_pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            avg_pool: AvgPool2dConfig::new([4, 4]).with_strides([4, 4]).init(),
            dense: LinearConfig::new(8 * 6 * 6, CLASSES).init(device),
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

/// A SquareFinder trained for a few hundred steps to tell the five squares apart.
fn trained_square_finder() -> SquareFinder {
    let device = host::train::training_device();
    let mut net = SquareFinder::new(&device);
    let mut optimizer = AdamConfig::new().init();
    let loss = CrossEntropyLossConfig::new().init(&device);
    let mut rng = StdRng::seed_from_u64(40);

    for _ in 0..120 {
        let labels: Vec<usize> = (0..16).map(|_| rng.random_range(0..CLASSES)).collect();
        let pixels: Vec<f32> = labels
            .iter()
            .flat_map(|&c| class_image(&mut rng, c))
            .collect();
        let images = Tensor::<4>::from_data(TensorData::new(pixels, [16, 1, SIDE, SIDE]), &device);
        let targets: Vec<i64> = labels.iter().map(|&label| label as i64).collect();
        let targets = Tensor::<1, Int>::from_data(TensorData::new(targets, [16]), &device);

        let value = loss.forward(net.forward(images), targets);
        let grads = GradientsParams::from_grads(value.backward(), &net);
        net = optimizer.step(2e-3, net, grads);
    }
    net.valid()
}

fn class_images(count: usize, seed: u64) -> (Vec<Vec<f32>>, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let labels: Vec<usize> = (0..count).map(|index| index % CLASSES).collect();
    let images = labels
        .iter()
        .map(|&class| class_image(&mut rng, class))
        .collect();
    (images, labels)
}

fn random_images(count: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count).map(|_| random_image(&mut rng)).collect()
}

fn op_types(model: &ModelProto) -> Vec<String> {
    graph(model, "model")
        .unwrap()
        .node
        .iter()
        .map(|node| node.op_type.clone())
        .collect()
}

fn accuracy(model: &ModelProto, images: &[Vec<f32>], labels: &[usize]) -> f64 {
    let tract = TractModel::new(model).unwrap();
    let correct = images
        .iter()
        .zip(labels)
        .filter(|(image, label)| {
            let scores = tract.run(image).unwrap().remove(0).values;
            let best = (0..scores.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b]));
            best == Some(**label)
        })
        .count();
    correct as f64 / labels.len() as f64
}

/// Median wall time of `runs` runs of `model` on one input, in milliseconds.
fn median_ms(model: &ModelProto, runs: usize) -> f64 {
    let tract = TractModel::new(model).unwrap();
    let input = vec![0.5; SIDE * SIDE];
    tract.run(&input).unwrap();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            tract.run(&input).unwrap();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

#[test]
fn activation_and_weight_parameters_follow_their_ranges() {
    let relu_range = ActivationQuant::from_range(ValueRange {
        low: 0.0,
        high: 6.0,
    });
    let signed = ActivationQuant::from_range(ValueRange {
        low: -1.0,
        high: 3.0,
    });
    let weights = quantize_weights(&[0.5, -0.25, 2.0, 1.0], 2, |index| index / 2);

    assert_eq!(relu_range.zero_point, -128);
    assert!((relu_range.scale - 6.0 / 255.0).abs() < 1e-7);
    assert_eq!(
        signed.zero_point,
        (-128.0f32 + 1.0 / signed.scale).round() as i8
    );
    assert_eq!(weights.codes, [127, -64, 127, 64]);
    assert!((weights.scales[0] - 0.5 / 127.0).abs() < 1e-9);
    assert!((weights.scales[1] - 2.0 / 127.0).abs() < 1e-9);
}

#[test]
fn percentile_ranges_lie_inside_minmax_ranges() {
    let model = head_model(30, 5, true, 13);
    let inputs = random_images(20, 31);

    let minmax = calibrate(&model, &inputs, CalibrationMethod::Minmax).unwrap();
    let percentile = calibrate(&model, &inputs, CalibrationMethod::Percentile).unwrap();

    assert_eq!(minmax.len(), percentile.len());
    assert!(minmax.contains_key("x") && minmax.contains_key("conv_out"));
    for (name, wide) in &minmax {
        let narrow = percentile[name];
        let slack = (wide.high - wide.low) / 1000.0;
        assert!(
            narrow.low >= wide.low - slack && narrow.high <= wide.high + slack,
            "{name}"
        );
    }
}

#[test]
fn int8_graph_uses_qoperator_ops_and_keeps_softmax_in_float() {
    let float = head_model(32, 5, true, 13);
    let inputs = random_images(30, 33);

    let (int8, report) = quantize_model(&float, &inputs, CalibrationMethod::Minmax).unwrap();

    let ops = op_types(&int8);
    for op in [
        "QuantizeLinear",
        "QLinearConv",
        "QLinearMatMul",
        "DequantizeLinear",
        "Softmax",
    ] {
        assert!(ops.contains(&op.to_string()), "{op} missing from {ops:?}");
    }
    assert!(!ops.contains(&"Conv".to_string()) && !ops.contains(&"MatMul".to_string()));
    assert_eq!(report.fused_relus, 1);
    let softmax_input = &graph(&int8, "int8")
        .unwrap()
        .node
        .iter()
        .last()
        .unwrap()
        .input[0];
    assert!(
        !softmax_input.ends_with("_int8"),
        "Softmax reads {softmax_input}"
    );
    let outputs = TractModel::new(&int8).unwrap().run(&inputs[0]).unwrap();
    assert_eq!(outputs[0].name, "y");
    assert!((outputs[0].values.iter().sum::<f32>() - 1.0).abs() < 1e-5);
}

#[test]
fn trained_classifier_keeps_its_argmax_after_quantisation() {
    let net = trained_square_finder();
    let float = export_module(&net, ModelHead::Emotion, SquareFinder::forward).unwrap();
    let (calibration, _) = class_images(100, 50);
    let (structured, labels) = class_images(300, 51);
    let random = random_images(100, 52);

    let (int8, _) = quantize_model(&float, &calibration, CalibrationMethod::Minmax).unwrap();

    let float_accuracy = accuracy(&float, &structured, &labels);
    let int8_accuracy = accuracy(&int8, &structured, &labels);
    let on_structured = compare_models(&float, &int8, &structured).unwrap();
    let on_random = compare_models(&float, &int8, &random).unwrap();
    let structured_emotion = on_structured.output("emotion").unwrap();
    let random_emotion = on_random.output("emotion").unwrap();
    eprintln!(
        "square finder: float accuracy {float_accuracy:.3}, int8 accuracy {int8_accuracy:.3}; \
         argmax agreement {:.4} structured, {:.4} random; probability mean abs diff {:.5}",
        structured_emotion.argmax_agreement,
        random_emotion.argmax_agreement,
        structured_emotion.mean_abs_diff
    );
    assert!(
        float_accuracy >= 0.9,
        "the float model did not learn: {float_accuracy}"
    );
    assert!(
        structured_emotion.argmax_agreement >= 0.99,
        "{structured_emotion:?}"
    );
    assert!(
        random_emotion.argmax_agreement >= 0.99,
        "{random_emotion:?}"
    );
}

#[test]
fn edge_networks_quantise_and_stay_close_to_float() {
    let device = Device::default();
    let keypoint_net = initialise_parameters(
        KeypointNetConfig::for_arch(Arch::Edge).init(&device),
        &device,
        60,
    );
    let emotion_net = initialise_parameters(
        EmotionNetConfig::for_arch(Arch::Edge, CLASSES).init(&device),
        &device,
        61,
    );
    let keypoints =
        export_module(&keypoint_net, ModelHead::Keypoints, |n, x| n.forward(x)).unwrap();
    let emotion = export_module(&emotion_net, ModelHead::Emotion, |n, x| n.forward(x)).unwrap();
    let (calibration, _) = class_images(40, 62);
    let (test_images, _) = class_images(50, 63);

    let (keypoints_int8, report) =
        quantize_model(&keypoints, &calibration, CalibrationMethod::Percentile).unwrap();
    let (emotion_int8, _) =
        quantize_model(&emotion, &calibration, CalibrationMethod::Minmax).unwrap();

    let points = compare_models(&keypoints, &keypoints_int8, &test_images).unwrap();
    let points = points.output("keypoints").unwrap().clone();
    let float_scale = mean_abs_output(&keypoints, &test_images);
    let classes = compare_models(&emotion, &emotion_int8, &test_images).unwrap();
    let classes = classes.output("emotion").unwrap().clone();
    eprintln!("edge keypoint int8 ops: {:?}", report.op_counts);
    eprintln!(
        "edge keypoints: mean abs diff {:.4} (float outputs mean abs {float_scale:.3}), max {:.4}",
        points.mean_abs_diff, points.max_abs_diff
    );
    eprintln!(
        "edge emotion (untrained): argmax agreement {:.3}, probability mean abs diff {:.5}",
        classes.argmax_agreement, classes.mean_abs_diff
    );
    eprintln!(
        "tract median ms, float/int8: keypoints {:.2}/{:.2}, emotion {:.2}/{:.2}",
        median_ms(&keypoints, 30),
        median_ms(&keypoints_int8, 30),
        median_ms(&emotion, 30),
        median_ms(&emotion_int8, 30)
    );
    assert!(
        points.mean_abs_diff <= 0.05 * float_scale,
        "{points:?} vs {float_scale}"
    );
    assert!(classes.mean_abs_diff <= 0.02, "{classes:?}");
}

fn mean_abs_output(model: &ModelProto, images: &[Vec<f32>]) -> f64 {
    let tract = TractModel::new(model).unwrap();
    let values: Vec<f32> = images
        .iter()
        .flat_map(|image| tract.run(image).unwrap().remove(0).values)
        .collect();
    values
        .iter()
        .map(|value| f64::from(value.abs()))
        .sum::<f64>()
        / values.len() as f64
}
