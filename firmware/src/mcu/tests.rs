//! A tiny model that uses every op kind, written with the blob writer: parsing, running,
//! and refusing every truncated or corrupted copy.

use alloc::vec;
use alloc::vec::Vec;

use proptest::prelude::*;
use shared::INPUT_LEN;

use super::header::{HEADER_BYTES, seal};
use super::ops::{
    Add, AveragePool, DequantizeLinear, MaxPool, QLinearConv, QLinearMatMul, QuantizeLinear, Relu,
    Reshape, Softmax, f32_bytes, i8_bytes, i32_bytes,
};
use super::*;
use crate::engine::Engine;

/// The data the tiny model's ops borrow.
struct TinyData {
    conv_weights: Vec<u8>,
    conv_offsets: Vec<u8>,
    conv_multipliers: Vec<u8>,
    keypoint_weights: Vec<u8>,
    keypoint_offsets: Vec<u8>,
    keypoint_multipliers: Vec<u8>,
    keypoint_bias: Vec<u8>,
    emotion_weights: Vec<u8>,
    emotion_offsets: Vec<u8>,
    emotion_multipliers: Vec<u8>,
}

impl TinyData {
    fn new() -> TinyData {
        let conv: Vec<i8> = (0..18).map(|index| (index * 7 % 11) as i8 - 5).collect();
        let sums: Vec<i32> = conv
            .chunks_exact(9)
            .map(|filter| filter.iter().map(|&w| i32::from(w)).sum())
            .collect();
        // Input zero point -128: offset = bias + 128 * sum(w).
        let conv_offsets: Vec<i32> = [40, -30]
            .iter()
            .zip(&sums)
            .map(|(bias, sum)| bias + 128 * sum)
            .collect();
        let keypoint: Vec<i8> = (0..60).map(|index| (index * 5 % 17) as i8 - 8).collect();
        let emotion: Vec<i8> = (0..10).map(|index| (index * 3 % 7) as i8 - 3).collect();
        let column_sums = |weights: &[i8], columns: usize| -> Vec<i32> {
            (0..columns)
                .map(|column| {
                    let sum: i32 = weights
                        .chunks_exact(columns)
                        .map(|row| i32::from(row[column]))
                        .sum();
                    // Input zero point 2: offset = -2 * column sum.
                    -2 * sum
                })
                .collect()
        };

        TinyData {
            conv_weights: i8_bytes(&conv),
            conv_offsets: i32_bytes(&conv_offsets),
            conv_multipliers: f32_bytes(&[0.02, 0.031]),
            keypoint_weights: i8_bytes(&keypoint),
            keypoint_offsets: i32_bytes(&column_sums(&keypoint, 30)),
            keypoint_multipliers: f32_bytes(&[0.4; 30]),
            keypoint_bias: f32_bytes(&(0..30).map(|index| index as f32).collect::<Vec<_>>()),
            emotion_weights: i8_bytes(&emotion),
            emotion_offsets: i32_bytes(&column_sums(&emotion, 5)),
            emotion_multipliers: f32_bytes(&[0.3, 0.2, 0.25, 0.1, 0.5]),
        }
    }
}

/// The tensors, laid out one after the other (no sharing).
fn tiny_tensors() -> (Vec<TensorInfo>, usize) {
    let shapes: [(DataType, &[usize]); 16] = [
        (DataType::F32, &[1, 1, 96, 96]),
        (DataType::I8, &[1, 1, 96, 96]),
        (DataType::I8, &[1, 2, 24, 24]),
        (DataType::I8, &[1, 2, 12, 12]),
        (DataType::F32, &[1, 2, 12, 12]),
        (DataType::F32, &[1, 2, 12, 12]),
        (DataType::F32, &[1, 2, 12, 12]),
        (DataType::F32, &[1, 2, 1, 1]),
        (DataType::F32, &[1, 2]),
        (DataType::I8, &[1, 2]),
        (DataType::I8, &[1, 30]),
        (DataType::F32, &[1, 30]),
        (DataType::F32, &[1, 30]),
        (DataType::I8, &[1, 5]),
        (DataType::F32, &[1, 5]),
        (DataType::F32, &[1, 5]),
    ];
    let mut offset = 0;
    let tensors = shapes
        .iter()
        .map(|&(data_type, shape)| {
            let tensor = TensorInfo::new(data_type, shape, offset);
            offset += tensor.arena_bytes();
            tensor
        })
        .collect();
    (tensors, offset)
}

fn node(op: Op<'_>, input: u32, output: u32) -> OpNode<'_> {
    OpNode {
        op,
        output,
        input,
        second: None,
    }
}

fn square(kernel: usize, stride: usize, pad: usize) -> Window {
    Window {
        kernel: [kernel; 2],
        strides: [stride; 2],
        dilations: [1; 2],
        pads: [pad; 4],
    }
}

/// The tiny model's op list.
fn tiny_ops(data: &TinyData) -> Vec<OpNode<'_>> {
    let quantize_input = QuantizeLinear {
        scale: 1.0 / 255.0,
        zero_point: -128,
    };
    let conv = QLinearConv {
        input_zero_point: -128,
        output_zero_point: -5,
        window: square(3, 4, 1),
        weights: &data.conv_weights,
        offsets: &data.conv_offsets,
        multipliers: &data.conv_multipliers,
    };
    let dequantize =
        |scale, zero_point| Op::DequantizeLinear(DequantizeLinear { scale, zero_point });
    let keypoint_matmul = QLinearMatMul {
        output_zero_point: 3,
        weights: &data.keypoint_weights,
        offsets: &data.keypoint_offsets,
        multipliers: &data.keypoint_multipliers,
    };
    let emotion_matmul = QLinearMatMul {
        output_zero_point: -1,
        weights: &data.emotion_weights,
        offsets: &data.emotion_offsets,
        multipliers: &data.emotion_multipliers,
    };
    let average = AveragePool {
        window: square(12, 12, 0),
        count_include_pad: true,
    };

    vec![
        node(Op::QuantizeLinear(quantize_input), 0, 1),
        node(Op::QLinearConv(conv), 1, 2),
        node(
            Op::MaxPool(MaxPool {
                window: square(2, 2, 0),
            }),
            2,
            3,
        ),
        node(dequantize(0.05, -5), 3, 4),
        node(Op::Relu(Relu), 4, 5),
        OpNode {
            op: Op::Add(Add { constant: &[] }),
            output: 6,
            input: 5,
            second: Some(4),
        },
        node(Op::AveragePool(average), 6, 7),
        node(Op::Reshape(Reshape), 7, 8),
        node(
            Op::QuantizeLinear(QuantizeLinear {
                scale: 0.02,
                zero_point: 2,
            }),
            8,
            9,
        ),
        node(Op::QLinearMatMul(keypoint_matmul), 9, 10),
        node(dequantize(0.5, 3), 10, 11),
        node(
            Op::Add(Add {
                constant: &data.keypoint_bias,
            }),
            11,
            12,
        ),
        node(Op::QLinearMatMul(emotion_matmul), 9, 13),
        node(dequantize(0.1, -1), 13, 14),
        node(Op::Softmax(Softmax), 14, 15),
    ]
}

/// The tiny model's contents.
fn tiny_contents(data: &TinyData) -> BlobContents<'_> {
    let (tensors, tensor_end) = tiny_tensors();
    let ops = tiny_ops(data);
    let scratch_bytes = ops
        .iter()
        .map(|node| node.op.scratch_bytes(&tensors[node.output as usize]))
        .max()
        .unwrap_or(0);
    BlobContents {
        model_sha256: [0xAB; 32],
        label_count: 5,
        arena_bytes: tensor_end + scratch_bytes,
        scratch_bytes,
        input_tensor: 0,
        keypoints_tensor: 12,
        emotion_tensor: 15,
        tensors,
        ops,
    }
}

/// The tiny model's blob.
fn tiny_blob() -> Vec<u8> {
    write_blob(&tiny_contents(&TinyData::new()))
}

/// A grey ramp as the model input.
fn ramp_input() -> [f32; INPUT_LEN] {
    let mut input = [0.0; INPUT_LEN];
    for (index, value) in input.iter_mut().enumerate() {
        *value = ((index * 31) % 256) as f32 / 255.0;
    }
    input
}

/// The tiny model computed kernel by kernel in plain buffers.
fn reference_inference(data: &TinyData, input: &[f32]) -> ([f32; 30], [f32; 5]) {
    let ops = tiny_ops(data);
    let op = |index: usize| ops[index].op;
    let mut codes = vec![0_i8; INPUT_LEN];
    let Op::QuantizeLinear(quantize) = op(0) else {
        unreachable!()
    };
    quantize.run(input, &mut codes);

    let Op::QLinearConv(conv) = op(1) else {
        unreachable!()
    };
    let mut conv_out = vec![0_i8; 2 * 24 * 24];
    let mut scratch = vec![0_i32; conv.scratch_bytes([2, 24, 24]).unwrap() / 4];
    conv.run(
        [1, 96, 96],
        [2, 24, 24],
        &codes,
        &mut conv_out,
        &mut scratch,
    );
    let Op::MaxPool(pool) = op(2) else {
        unreachable!()
    };
    let mut pooled = vec![0_i8; 2 * 12 * 12];
    pool.run([2, 24, 24], [2, 12, 12], &conv_out, &mut pooled);

    let Op::DequantizeLinear(dequantize) = op(3) else {
        unreachable!()
    };
    let mut values = vec![0.0_f32; 288];
    dequantize.run(&pooled, &mut values);
    let mut relu = vec![0.0_f32; 288];
    Relu.run(&values, &mut relu);
    let mut sum = vec![0.0_f32; 288];
    Add { constant: &[] }.run_tensors(&relu, &values, &mut sum);
    let Op::AveragePool(average) = op(6) else {
        unreachable!()
    };
    let mut averaged = [0.0_f32; 2];
    average.run([2, 12, 12], [2, 1, 1], &sum, &mut averaged);

    let Op::QuantizeLinear(quantize) = op(8) else {
        unreachable!()
    };
    let mut features = [0_i8; 2];
    quantize.run(&averaged, &mut features);
    let mut head = |matmul: usize, dequantize: usize, columns: usize| {
        let Op::QLinearMatMul(matmul) = op(matmul) else {
            unreachable!()
        };
        let Op::DequantizeLinear(dequantize) = op(dequantize) else {
            unreachable!()
        };
        let mut codes = vec![0_i8; columns];
        matmul.run(2, columns, &features, &mut codes, &mut scratch);
        let mut values = vec![0.0_f32; columns];
        dequantize.run(&codes, &mut values);
        values
    };

    let mut keypoints = [0.0; 30];
    let Op::Add(bias) = op(11) else {
        unreachable!()
    };
    bias.run_constant(&head(9, 10, 30), &mut keypoints);
    let mut probabilities = [0.0; 5];
    Softmax.run(5, &head(12, 13, 5), &mut probabilities);
    (keypoints, probabilities)
}

#[test]
fn the_tiny_model_parses_with_its_figures() {
    let blob = tiny_blob();
    let model = McuModel::parse(&blob).unwrap();
    assert_eq!(model.op_count(), 15);
    assert_eq!(model.tensor_count(), 16);
    assert_eq!(model.model_sha256(), &[0xAB; 32]);
    assert_eq!(model.blob_bytes(), blob.len());
    // The convolution's 576 output pixels fit one tile: 578 patches and filters of 9 taps
    // (5 packed words).
    let scratch_bytes = 578 * 5 * 4;
    assert_eq!(model.scratch_bytes(), scratch_bytes);
    assert_eq!(model.arena_bytes(), tiny_tensors().1 + scratch_bytes);
}

#[test]
fn the_engine_computes_what_the_kernels_compute_one_by_one() {
    let data = TinyData::new();
    let blob = write_blob(&tiny_contents(&data));
    let mut engine = McuEngine::new(McuModel::parse(&blob).unwrap());
    let input = ramp_input();

    let inference = engine.infer(&input).unwrap();
    let (keypoints, probabilities) = reference_inference(&data, &input);
    assert_eq!(inference.keypoints, keypoints);
    assert_eq!(inference.probabilities, probabilities);
    let total: f32 = probabilities.iter().sum();
    assert!((total - 1.0).abs() < 1e-5, "{probabilities:?}");
    assert!(keypoints.iter().any(|&value| value != keypoints[0]));

    assert_eq!(engine.infer(&input).unwrap(), inference);
}

#[test]
fn every_truncated_copy_is_refused() {
    let blob = tiny_blob();
    for length in 0..blob.len() {
        let error = McuModel::parse(&blob[..length]).unwrap_err();
        let expected = if length < HEADER_BYTES {
            BlobError::NoHeader { present: length }
        } else {
            BlobError::Truncated {
                declared: blob.len(),
                present: length,
            }
        };
        assert_eq!(error, expected);
    }
}

#[test]
fn every_flipped_byte_is_refused() {
    let blob = tiny_blob();
    for index in 0..blob.len() {
        for mask in [0x01, 0x80, 0xFF] {
            let mut corrupt = blob.clone();
            corrupt[index] ^= mask;
            assert!(
                McuModel::parse(&corrupt).is_err(),
                "byte {index} ^ {mask:#x} was accepted"
            );
        }
    }
}

#[test]
fn dead_tensors_may_share_bytes() {
    let data = TinyData::new();
    let mut contents = tiny_contents(&data);
    // Tensor 1 is last read by op 1 and tensor 5 first written by op 4; tensor 4 is last
    // read by op 5 and tensor 8 first written by op 7.
    contents.tensors[5].offset = contents.tensors[1].offset;
    contents.tensors[8].offset = contents.tensors[4].offset;
    assert!(McuModel::parse(&write_blob(&contents)).is_ok());
}

#[test]
fn a_plan_that_overwrites_a_live_tensor_is_refused() {
    let data = TinyData::new();
    let mut contents = tiny_contents(&data);
    // The keypoints (tensor 12) must live to the end, but op 13 writes tensor 14 on them.
    contents.tensors[14].offset = contents.tensors[12].offset;
    assert_eq!(
        McuModel::parse(&write_blob(&contents)).unwrap_err(),
        BlobError::StaleRead {
            op: 15,
            tensor: 12,
            overwritten_by: 13
        }
    );

    let mut contents = tiny_contents(&data);
    // Op 4 reads tensor 6, which only op 5 writes.
    contents.ops[4].input = 6;
    assert_eq!(
        McuModel::parse(&write_blob(&contents)).unwrap_err(),
        BlobError::Unwritten { op: 4, tensor: 6 }
    );

    let mut contents = tiny_contents(&data);
    contents.tensors[5].offset = contents.tensors[4].offset;
    assert_eq!(
        McuModel::parse(&write_blob(&contents)).unwrap_err(),
        BlobError::OverlappingTensors {
            op: 4,
            input: 4,
            output: 5
        }
    );
}

#[test]
fn the_contract_and_the_label_count_are_checked() {
    let data = TinyData::new();
    let mut contents = tiny_contents(&data);
    contents.label_count = 7;
    assert_eq!(
        McuModel::parse(&write_blob(&contents)).unwrap_err(),
        BlobError::LabelCount {
            found: 7,
            expected: 5
        }
    );

    for (keypoints, input) in [(10, 0), (99, 0), (12, 1)] {
        let mut contents = tiny_contents(&data);
        contents.keypoints_tensor = keypoints;
        contents.input_tensor = input;
        let error = McuModel::parse(&write_blob(&contents)).unwrap_err();
        assert!(matches!(error, BlobError::Contract { .. }), "{error}");
    }
}

#[test]
fn a_wrong_arena_size_is_refused() {
    let data = TinyData::new();
    let mut contents = tiny_contents(&data);
    contents.arena_bytes += 4;
    assert!(matches!(
        McuModel::parse(&write_blob(&contents)),
        Err(BlobError::ArenaSize { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A corrupted blob whose CRC was recomputed (so only the deeper checks stand between
    /// it and the engine) is refused or, if it still passes, runs without panicking.
    #[test]
    fn resealed_corruption_never_panics(
        changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)
    ) {
        let mut blob = tiny_blob();
        let body = blob.len() - HEADER_BYTES;
        for (index, value) in changes {
            let at = HEADER_BYTES + index.index(body);
            blob[at] = value;
        }
        seal(&mut blob);

        if let Ok(model) = McuModel::parse(&blob) {
            let mut engine = McuEngine::new(model);
            let _ = engine.infer(&ramp_input());
        }
    }

    /// Header fields changed and resealed are refused or harmless.
    #[test]
    fn resealed_header_changes_never_panic(field in 4_usize..24, value in any::<u32>()) {
        let mut blob = tiny_blob();
        if field != 3 {
            blob[field * 4..field * 4 + 4].copy_from_slice(&value.to_le_bytes());
        }
        seal(&mut blob);
        if let Ok(model) = McuModel::parse(&blob) {
            prop_assert_eq!(model.blob_bytes(), blob.len());
        }
    }
}
