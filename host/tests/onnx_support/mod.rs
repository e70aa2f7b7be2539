//! Small ONNX graphs built by hand for the ONNX tooling tests.

#![allow(dead_code)]

use host::onnx::pb::tensor_proto::DataType;
use host::onnx::pb::{GraphProto, ModelProto, OperatorSetIdProto};
use host::onnx::{float_tensor, int_attribute, int64_tensor, ints_attribute, node, value_info};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// `count` values uniform in [low, high).
pub fn uniform(rng: &mut StdRng, count: usize, low: f32, high: f32) -> Vec<f32> {
    (0..count).map(|_| rng.random_range(low..high)).collect()
}

/// A model around `graph`, importing the default operator set at `opset`.
pub fn model(graph: GraphProto, opset: i64) -> ModelProto {
    ModelProto {
        ir_version: 8,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: opset,
        }],
        producer_name: "onnx tests".to_string(),
        graph: Some(graph),
        ..ModelProto::default()
    }
}

/// `input` [1, 3, 16, 16] -> Conv 3x3 (8 channels, bias) -> BatchNormalization -> Relu ->
/// `output`, with random weights and non-trivial statistics.
pub fn conv_norm_model(seed: u64) -> ModelProto {
    let mut rng = StdRng::seed_from_u64(seed);
    let channels = 8;
    let initializer = vec![
        float_tensor(
            "conv.weight",
            &[channels, 3, 3, 3],
            &uniform(&mut rng, 8 * 27, -0.5, 0.5),
        ),
        float_tensor("conv.bias", &[channels], &uniform(&mut rng, 8, -0.2, 0.2)),
        float_tensor("norm.gamma", &[channels], &uniform(&mut rng, 8, 0.5, 2.0)),
        float_tensor("norm.beta", &[channels], &uniform(&mut rng, 8, -1.0, 1.0)),
        float_tensor("norm.mean", &[channels], &uniform(&mut rng, 8, -0.5, 0.5)),
        float_tensor("norm.var", &[channels], &uniform(&mut rng, 8, 0.1, 3.0)),
    ];
    let nodes = vec![
        node(
            "Conv",
            "conv",
            &["input", "conv.weight", "conv.bias"],
            &["conv_out"],
            vec![
                ints_attribute("kernel_shape", &[3, 3]),
                ints_attribute("pads", &[1, 1, 1, 1]),
            ],
        ),
        node(
            "BatchNormalization",
            "norm",
            &[
                "conv_out",
                "norm.gamma",
                "norm.beta",
                "norm.mean",
                "norm.var",
            ],
            &["norm_out"],
            vec![],
        ),
        node("Relu", "relu", &["norm_out"], &["output"], vec![]),
    ];
    let graph = GraphProto {
        name: "conv_norm".to_string(),
        node: nodes,
        initializer,
        input: vec![value_info("input", DataType::Float, &[1, 3, 16, 16])],
        output: vec![value_info("output", DataType::Float, &[1, 8, 16, 16])],
        ..GraphProto::default()
    };
    model(graph, 13)
}

/// `input` [1, 3, 16, 16] -> Conv 3x3 (8 channels) -> MaxPool 2 -> BatchNormalization ->
/// `output` [1, 8, 8, 8]; `gamma_sign` multiplies the normalisation scales.
pub fn conv_pool_norm_model(seed: u64, gamma_sign: f32) -> ModelProto {
    let mut model = conv_norm_model(seed);
    let graph = model.graph.as_mut().unwrap();
    let mut rng = StdRng::seed_from_u64(seed + 1);
    let gamma: Vec<f32> = uniform(&mut rng, 8, 0.5, 2.0)
        .iter()
        .map(|g| g * gamma_sign)
        .collect();
    graph.initializer[2] = float_tensor("norm.gamma", &[8], &gamma);
    graph.node[1].input[0] = "pool_out".to_string();
    graph.node[2] = node(
        "MaxPool",
        "pool",
        &["conv_out"],
        &["pool_out"],
        vec![
            ints_attribute("kernel_shape", &[2, 2]),
            ints_attribute("strides", &[2, 2]),
        ],
    );
    graph.node.swap(1, 2);
    graph.node[2].output[0] = "output".to_string();
    graph.output = vec![value_info("output", DataType::Float, &[1, 8, 8, 8])];
    model
}

/// A one-output head on `x` [1, 1, 96, 96]: Conv 3x3/2 (4 channels) -> Relu -> MaxPool 2 ->
/// GlobalAveragePool -> Flatten -> MatMul -> Add (bias) [-> Softmax] -> `y` [1, outputs].
/// Every model built here uses the same initializer and node names, so that combining two of
/// them tests name clashes.
pub fn head_model(seed: u64, outputs: usize, softmax: bool, opset: i64) -> ModelProto {
    let mut rng = StdRng::seed_from_u64(seed);
    let width = outputs as i64;
    let initializer = vec![
        float_tensor(
            "conv.weight",
            &[4, 1, 3, 3],
            &uniform(&mut rng, 36, -1.0, 1.0),
        ),
        float_tensor("conv.bias", &[4], &uniform(&mut rng, 4, -0.1, 0.1)),
        float_tensor(
            "fc.weight",
            &[4, width],
            &uniform(&mut rng, 4 * outputs, -2.0, 2.0),
        ),
        float_tensor("fc.bias", &[width], &uniform(&mut rng, outputs, -0.5, 0.5)),
    ];
    let last = if softmax { "logits" } else { "y" };
    let mut nodes = vec![
        node(
            "Conv",
            "conv",
            &["x", "conv.weight", "conv.bias"],
            &["conv_out"],
            vec![
                ints_attribute("kernel_shape", &[3, 3]),
                ints_attribute("strides", &[2, 2]),
                ints_attribute("pads", &[1, 1, 1, 1]),
            ],
        ),
        node("Relu", "relu", &["conv_out"], &["relu_out"], vec![]),
        node(
            "MaxPool",
            "pool",
            &["relu_out"],
            &["pool_out"],
            vec![
                ints_attribute("kernel_shape", &[2, 2]),
                ints_attribute("strides", &[2, 2]),
            ],
        ),
        node(
            "GlobalAveragePool",
            "gap",
            &["pool_out"],
            &["gap_out"],
            vec![],
        ),
        node(
            "Flatten",
            "flatten",
            &["gap_out"],
            &["flat"],
            vec![int_attribute("axis", 1)],
        ),
        node("MatMul", "fc", &["flat", "fc.weight"], &["fc_out"], vec![]),
        node("Add", "fc_bias", &["fc_out", "fc.bias"], &[last], vec![]),
    ];
    if softmax {
        nodes.push(node(
            "Softmax",
            "softmax",
            &["logits"],
            &["y"],
            vec![int_attribute("axis", -1)],
        ));
    }
    let graph = GraphProto {
        name: "head".to_string(),
        node: nodes,
        initializer,
        input: vec![value_info("x", DataType::Float, &[1, 1, 96, 96])],
        output: vec![value_info("y", DataType::Float, &[1, width])],
        ..GraphProto::default()
    };
    model(graph, opset)
}

/// `x` [1, 1, 96, 96] -> Reshape (by a constant shape) -> `y` [1, 9216]: a graph with an
/// int64 initializer.
pub fn reshape_model() -> ModelProto {
    let graph = GraphProto {
        name: "reshape".to_string(),
        node: vec![node("Reshape", "reshape", &["x", "shape"], &["y"], vec![])],
        initializer: vec![int64_tensor("shape", &[2], &[1, -1])],
        input: vec![value_info("x", DataType::Float, &[1, 1, 96, 96])],
        output: vec![value_info("y", DataType::Float, &[1, 9216])],
        ..GraphProto::default()
    };
    model(graph, 13)
}

/// Largest absolute difference between two equally long slices.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "compared outputs differ in length");
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// A seeded random [0, 1) image of the contract's size.
pub fn random_image(rng: &mut StdRng) -> Vec<f32> {
    uniform(rng, 96 * 96, 0.0, 1.0)
}
