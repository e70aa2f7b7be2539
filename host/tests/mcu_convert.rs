//! The Cortex-M engine against tract: int8 models converted with `convert --target mcu` give
//! the same emotion label on every frame and keypoints within 0.5 px; converter and parser
//! refuse what they cannot run.

mod onnx_support;

use std::path::{Path, PathBuf};

use firmware::Engine;
use firmware::mcu::{BlobError, McuEngine, McuModel};
use host::mcu::{McuBlob, convert_file, convert_to_mcu};
use host::onnx::pb::ModelProto;
use host::onnx::{
    EMOTION_NAME, KEYPOINTS_NAME, OnnxError, TractModel, combine_models, float_tensor, graph_mut,
};
use host::quantize::{CalibrationMethod, quantize_model};
use onnx_support::{head_model, random_image};
use rand::SeedableRng;
use rand::rngs::StdRng;
use sha2::Digest;
use shared::INPUT_LEN;
use shared::frame::{Frame, PixelFormat, bt601_luma};
use shared::preprocess::{ModelInput, frame_to_input};

/// Largest keypoint difference allowed between the engines, in pixels of the 96x96 input.
const KEYPOINT_TOLERANCE_PX: f32 = 0.5;

/// Largest emotion probability difference allowed between the engines.
const PROBABILITY_TOLERANCE: f32 = 0.02;

/// How the two engines compare on a set of inputs.
#[derive(Debug)]
struct Agreement {
    frames: usize,
    same_label: usize,
    max_keypoint_diff: f32,
    max_probability_diff: f32,
}

impl Agreement {
    fn assert_equivalent(&self, what: &str) {
        eprintln!("{what}: {self:?}");
        assert_eq!(
            self.same_label, self.frames,
            "{what}: labels differ: {self:?}"
        );
        assert!(
            self.max_keypoint_diff <= KEYPOINT_TOLERANCE_PX,
            "{what}: keypoints differ by more than {KEYPOINT_TOLERANCE_PX} px: {self:?}"
        );
        assert!(
            self.max_probability_diff <= PROBABILITY_TOLERANCE,
            "{what}: probabilities differ by more than {PROBABILITY_TOLERANCE}: {self:?}"
        );
    }
}

fn repository_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// The bundled sample faces, preprocessed as the firmware does: BT.601 grey frame, centre
/// square, 96x96, scaled to [0, 1].
fn sample_inputs() -> Vec<ModelInput> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repository_path("firmware/samples"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "png"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 10, "{files:?}");

    files
        .iter()
        .map(|path| {
            let image = image::open(path).unwrap().to_rgb8();
            let grey: Vec<u8> = image
                .pixels()
                .map(|pixel| {
                    let [red, green, blue] = pixel.0.map(u32::from);
                    bt601_luma(red, green, blue)
                })
                .collect();
            let (width, height) = (image.width() as usize, image.height() as usize);
            let frame = Frame::new(PixelFormat::Grey8, width, height, &grey).unwrap();
            let mut input = [0.0; INPUT_LEN];
            frame_to_input(&frame, None, &mut input).unwrap();
            input
        })
        .collect()
}

/// Seeded random images in [0, 1).
fn random_inputs(count: usize, seed: u64) -> Vec<ModelInput> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|_| random_image(&mut rng).try_into().unwrap())
        .collect()
}

/// A small combined int8 model made by the host's own pipeline: two generated float heads
/// (Conv, Relu, MaxPool, GlobalAveragePool, Flatten, MatMul, Add, Softmax), each quantised
/// on random images, then combined.
fn small_int8_model() -> ModelProto {
    let calibration: Vec<Vec<f32>> = random_inputs(12, 70)
        .iter()
        .map(|input| input.to_vec())
        .collect();
    let keypoints = head_model(71, 30, false, 13);
    let emotion = head_model(72, 5, true, 13);
    let (keypoints, _) =
        quantize_model(&keypoints, &calibration, CalibrationMethod::Minmax).unwrap();
    let (emotion, _) = quantize_model(&emotion, &calibration, CalibrationMethod::Minmax).unwrap();
    combine_models(&keypoints, &emotion).unwrap()
}

fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |best, (index, &value)| {
            if value > best.1 { (index, value) } else { best }
        })
        .0
}

/// Runs every input through tract on `model` and through the MCU engine on `blob`.
fn compare_engines(model: &ModelProto, blob: &[u8], inputs: &[ModelInput]) -> Agreement {
    let tract = TractModel::new(model).unwrap();
    let mut engine = McuEngine::new(McuModel::parse(blob).unwrap());
    let mut agreement = Agreement {
        frames: inputs.len(),
        same_label: 0,
        max_keypoint_diff: 0.0,
        max_probability_diff: 0.0,
    };

    for input in inputs {
        let outputs = tract.run(input).unwrap();
        let output = |name: &str| {
            let found = outputs.iter().find(|output| output.name == name);
            found.unwrap().values.clone()
        };
        let (keypoints, emotion) = (output(KEYPOINTS_NAME), output(EMOTION_NAME));
        let inference = engine.infer(input).unwrap();

        if argmax(&emotion) == argmax(&inference.probabilities) {
            agreement.same_label += 1;
        }
        let diff = |a: &[f32], b: &[f32]| -> f32 {
            a.iter()
                .zip(b)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f32::max)
        };
        agreement.max_keypoint_diff = agreement
            .max_keypoint_diff
            .max(diff(&keypoints, &inference.keypoints));
        agreement.max_probability_diff = agreement
            .max_probability_diff
            .max(diff(&emotion, &inference.probabilities));
    }
    agreement
}

fn default_int8_model() -> (ModelProto, McuBlob) {
    let path = repository_path("models/emotion-edge.int8.onnx");
    let model = host::onnx::load_model(&path).unwrap();
    (model, convert_file(&path).unwrap())
}

#[test]
fn a_small_generated_model_gives_tract_s_labels_and_keypoints() {
    let model = small_int8_model();
    let blob = convert_to_mcu(&model, [1; 32]).unwrap();

    let mut inputs = sample_inputs();
    inputs.extend(random_inputs(20, 75));
    compare_engines(&model, &blob.bytes, &inputs).assert_equivalent("small int8 model");
}

#[test]
fn the_default_model_gives_tract_s_labels_and_keypoints_on_the_samples() {
    let (model, blob) = default_int8_model();
    eprintln!("default model blob: {:?}", blob.summary);

    compare_engines(&model, &blob.bytes, &sample_inputs())
        .assert_equivalent("models/emotion-edge.int8.onnx");
}

#[test]
fn the_default_model_s_blob_records_the_file_and_reuses_arena_bytes() {
    let (_, blob) = default_int8_model();
    let onnx = std::fs::read(repository_path("models/emotion-edge.int8.onnx")).unwrap();
    let model = McuModel::parse(&blob.bytes).unwrap();

    let digest: [u8; 32] = sha2::Sha256::digest(&onnx).into();
    assert_eq!(model.model_sha256(), &digest);
    assert!(
        blob.summary.arena_bytes < blob.summary.unshared_tensor_bytes / 2,
        "{:?}",
        blob.summary
    );
    assert!(blob.summary.arena_bytes <= 512 * 1024, "{:?}", blob.summary);
}

#[test]
fn a_corrupted_or_truncated_blob_is_refused_with_its_reason() {
    let (_, blob) = default_int8_model();
    let bytes = blob.bytes;

    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x01;
    assert!(matches!(
        McuModel::parse(&flipped),
        Err(BlobError::ChecksumMismatch { .. })
    ));

    let truncated = &bytes[..bytes.len() - 1];
    assert_eq!(
        McuModel::parse(truncated).unwrap_err(),
        BlobError::Truncated {
            declared: bytes.len(),
            present: bytes.len() - 1
        }
    );
    assert!(matches!(
        McuModel::parse(&bytes[..40]),
        Err(BlobError::NoHeader { present: 40 })
    ));
}

#[test]
fn a_float_op_is_refused_naming_its_node() {
    let float =
        combine_models(&head_model(81, 30, false, 13), &head_model(82, 5, true, 13)).unwrap();

    let error = convert_to_mcu(&float, [0; 32]).unwrap_err();
    let OnnxError::Node { node, op_type, .. } = &error else {
        panic!("{error}");
    };
    assert_eq!(
        (node.as_str(), op_type.as_str()),
        ("keypoints/conv", "Conv")
    );
    assert!(error.to_string().contains("no Conv op"), "{error}");
}

#[test]
fn a_per_channel_activation_scale_is_refused_naming_its_node() {
    let mut model = small_int8_model();
    let graph = graph_mut(&mut model, "test").unwrap();
    let quantize = graph
        .node
        .iter()
        .find(|node| node.op_type == "QuantizeLinear")
        .unwrap()
        .clone();
    let scale_name = quantize.input[1].clone();
    let scale = graph
        .initializer
        .iter_mut()
        .find(|init| init.name == scale_name)
        .unwrap();
    *scale = float_tensor(scale_name.as_str(), &[2], &[0.1, 0.2]);

    let error = convert_to_mcu(&model, [0; 32]).unwrap_err();
    let message = error.to_string();
    assert!(message.contains(&quantize.name), "{message}");
    assert!(message.contains("per tensor"), "{message}");
}
