//! A small but real combined model that follows the model contract, built as ONNX protobuf.
//!
//! The graph is `input [1, 1, S, S]` -> AveragePool to 12x12 -> Conv 3x3 (4 channels) -> Relu
//! -> Flatten -> two Gemm heads: `keypoints [1, 30]` and, through Softmax, `emotion [1, 5]`.
//! Its weights come from a fixed hash of their position, so every build writes the same bytes
//! and the same SHA-256. It is not trained: its labels are arbitrary but deterministic, which
//! is what the end-to-end tests need before trained models exist.

use std::io;
use std::path::Path;

use prost::Message;
use tract_onnx::pb::attribute_proto::AttributeType;
use tract_onnx::pb::tensor_proto::DataType;
use tract_onnx::pb::tensor_shape_proto::{Dimension, dimension};
use tract_onnx::pb::{
    AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto,
    TensorShapeProto, TypeProto, ValueInfoProto, type_proto,
};

/// Side of the pooled feature map both heads read.
const POOLED_SIDE: usize = 12;

/// Channels of the convolution.
const CONV_CHANNELS: usize = 4;

/// Values the heads read: channels x pooled side squared.
const FEATURES: usize = CONV_CHANNELS * POOLED_SIDE * POOLED_SIDE;

/// Keypoint values: 15 points, x then y.
const KEYPOINT_VALUES: usize = 30;

/// Emotion classes of the default label set.
const EMOTION_CLASSES: usize = 5;

/// ONNX operator set the fixture declares.
const OPSET: i64 = 13;

/// Which model to build: the contract, or one that breaks it in a known way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixtureVariant {
    /// Follows the model contract: `input` [1, 1, 96, 96], `keypoints` [1, 30], `emotion` [1, 5].
    Contract,
    /// A valid model whose input is [1, 1, 48, 48] instead of [1, 1, 96, 96].
    WrongInputShape,
    /// A valid model whose emotion output is named `probabilities` instead of `emotion`.
    RenamedEmotionOutput,
}

impl FixtureVariant {
    /// Side of the square input image.
    fn input_side(self) -> usize {
        match self {
            FixtureVariant::WrongInputShape => 48,
            FixtureVariant::Contract | FixtureVariant::RenamedEmotionOutput => 96,
        }
    }

    /// Name of the emotion output.
    fn emotion_output(self) -> &'static str {
        match self {
            FixtureVariant::RenamedEmotionOutput => "probabilities",
            FixtureVariant::Contract | FixtureVariant::WrongInputShape => "emotion",
        }
    }
}

/// The fixture model of `variant` as ONNX protobuf bytes.
pub fn fixture_model_bytes(variant: FixtureVariant) -> Vec<u8> {
    fixture_model(variant).encode_to_vec()
}

/// Writes the fixture model of `variant` to `path`.
pub fn write_fixture_model(path: &Path, variant: FixtureVariant) -> io::Result<()> {
    std::fs::write(path, fixture_model_bytes(variant))
}

/// Writes the first `fraction` (0..1) of the contract model's bytes to `path`, as a copy cut
/// short by an interrupted download or flash would be.
pub fn write_truncated_model(path: &Path, fraction: f64) -> io::Result<()> {
    let bytes = fixture_model_bytes(FixtureVariant::Contract);
    let kept = ((bytes.len() as f64) * fraction.clamp(0.0, 1.0)) as usize;
    std::fs::write(path, bytes.get(..kept).unwrap_or(&bytes))
}

/// The fixture model of `variant` as an ONNX `ModelProto`.
pub fn fixture_model(variant: FixtureVariant) -> ModelProto {
    ModelProto {
        ir_version: 7,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: OPSET,
        }],
        producer_name: "emotion-edge-tests".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        graph: Some(fixture_graph(variant)),
        ..ModelProto::default()
    }
}

/// The graph: pool, convolution, two dense heads, softmax on the emotion head.
fn fixture_graph(variant: FixtureVariant) -> GraphProto {
    let side = variant.input_side();
    let pool = (side / POOLED_SIDE) as i64;
    let emotion = variant.emotion_output();

    let node = vec![
        node("pool", "AveragePool", &["input"], &["pooled"])
            .with_ints("kernel_shape", &[pool, pool])
            .with_ints("strides", &[pool, pool]),
        node("conv", "Conv", &["pooled", "conv_w", "conv_b"], &["conv"])
            .with_ints("kernel_shape", &[3, 3])
            .with_ints("pads", &[1, 1, 1, 1]),
        node("relu", "Relu", &["conv"], &["features"]),
        node("flatten", "Flatten", &["features"], &["flat"]).with_int("axis", 1),
        node(
            "keypoint_head",
            "Gemm",
            &["flat", "keypoint_w", "keypoint_b"],
            &["keypoints"],
        ),
        node(
            "emotion_head",
            "Gemm",
            &["flat", "emotion_w", "emotion_b"],
            &["logits"],
        ),
        node("softmax", "Softmax", &["logits"], &[emotion]).with_int("axis", 1),
    ];

    GraphProto {
        name: "emotion-edge-fixture".into(),
        node,
        initializer: fixture_weights(),
        input: vec![float_value("input", &[1, 1, side as i64, side as i64])],
        output: vec![
            float_value("keypoints", &[1, KEYPOINT_VALUES as i64]),
            float_value(emotion, &[1, EMOTION_CLASSES as i64]),
        ],
        ..GraphProto::default()
    }
}

/// The deterministic weights and biases of every layer.
fn fixture_weights() -> Vec<TensorProto> {
    let keypoint_bias: Vec<f32> = (0..KEYPOINT_VALUES)
        .map(|index| 20.0 + ((index * 37) % 56) as f32)
        .collect();

    vec![
        float_tensor(
            "conv_w",
            &[CONV_CHANNELS, 1, 3, 3],
            hashed_values(1, 9 * 4, 0.6),
        ),
        float_tensor(
            "conv_b",
            &[CONV_CHANNELS],
            hashed_values(2, CONV_CHANNELS, 0.1),
        ),
        float_tensor(
            "keypoint_w",
            &[FEATURES, KEYPOINT_VALUES],
            hashed_values(3, FEATURES * KEYPOINT_VALUES, 0.5),
        ),
        float_tensor("keypoint_b", &[KEYPOINT_VALUES], keypoint_bias),
        float_tensor(
            "emotion_w",
            &[FEATURES, EMOTION_CLASSES],
            hashed_values(4, FEATURES * EMOTION_CLASSES, 0.25),
        ),
        float_tensor(
            "emotion_b",
            &[EMOTION_CLASSES],
            hashed_values(5, EMOTION_CLASSES, 0.5),
        ),
    ]
}

/// `count` values in `-scale..scale` from a fixed hash of (`stream`, index).
fn hashed_values(stream: u64, count: usize, scale: f32) -> Vec<f32> {
    (0..count as u64)
        .map(|index| {
            let bits = splitmix64((stream << 32) ^ index);
            let unit = (bits >> 40) as f32 / (1u64 << 24) as f32;
            (2.0 * unit - 1.0) * scale
        })
        .collect()
}

/// The SplitMix64 finaliser: a fast, well-mixed 64-bit hash.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// An ONNX node in the default domain.
fn node(name: &str, op_type: &str, inputs: &[&str], outputs: &[&str]) -> NodeProto {
    NodeProto {
        name: name.into(),
        op_type: op_type.into(),
        input: inputs.iter().map(|input| input.to_string()).collect(),
        output: outputs.iter().map(|output| output.to_string()).collect(),
        ..NodeProto::default()
    }
}

/// Attribute setters for [`NodeProto`].
trait WithAttributes {
    /// Adds an integer-list attribute.
    fn with_ints(self, name: &str, values: &[i64]) -> Self;
    /// Adds an integer attribute.
    fn with_int(self, name: &str, value: i64) -> Self;
}

impl WithAttributes for NodeProto {
    fn with_ints(mut self, name: &str, values: &[i64]) -> Self {
        self.attribute.push(AttributeProto {
            name: name.into(),
            r#type: AttributeType::Ints as i32,
            ints: values.to_vec(),
            ..AttributeProto::default()
        });
        self
    }

    fn with_int(mut self, name: &str, value: i64) -> Self {
        self.attribute.push(AttributeProto {
            name: name.into(),
            r#type: AttributeType::Int as i32,
            i: value,
            ..AttributeProto::default()
        });
        self
    }
}

/// A named f32 constant of `dims`.
fn float_tensor(name: &str, dims: &[usize], values: Vec<f32>) -> TensorProto {
    TensorProto {
        name: name.into(),
        dims: dims.iter().map(|&dim| dim as i64).collect(),
        data_type: DataType::Float as i32,
        float_data: values,
        ..TensorProto::default()
    }
}

/// A graph input or output declaration: f32 of a fixed shape.
fn float_value(name: &str, shape: &[i64]) -> ValueInfoProto {
    let dim = shape
        .iter()
        .map(|&size| Dimension {
            value: Some(dimension::Value::DimValue(size)),
            ..Dimension::default()
        })
        .collect();
    let tensor = type_proto::Tensor {
        elem_type: DataType::Float as i32,
        shape: Some(TensorShapeProto { dim }),
    };

    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(tensor)),
            ..TypeProto::default()
        }),
        ..ValueInfoProto::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_is_byte_for_byte_reproducible() {
        let first = fixture_model_bytes(FixtureVariant::Contract);
        let second = fixture_model_bytes(FixtureVariant::Contract);
        assert_eq!(first, second);
        assert!(first.len() > FEATURES * KEYPOINT_VALUES * 4);
    }

    #[test]
    fn hashed_values_stay_in_range_and_differ_by_stream() {
        let values = hashed_values(3, 1000, 0.5);
        assert!(values.iter().all(|value| (-0.5..0.5).contains(value)));
        assert_ne!(hashed_values(1, 8, 1.0), hashed_values(2, 8, 1.0));
    }

    #[test]
    fn variants_differ_where_they_should() {
        let contract = fixture_model(FixtureVariant::Contract);
        let wrong = fixture_model(FixtureVariant::WrongInputShape);
        let renamed = fixture_model(FixtureVariant::RenamedEmotionOutput);
        let graph = |model: &ModelProto| model.graph.clone().unwrap();
        assert_ne!(graph(&contract).input, graph(&wrong).input);
        assert_eq!(graph(&renamed).output[1].name, "probabilities");
    }
}
