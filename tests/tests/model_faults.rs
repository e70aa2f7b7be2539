//! The simulator refuses a broken model with a message that names the file and the fault.

use std::path::Path;

use emotion_edge_tests::binaries::{Program, command};
use emotion_edge_tests::fixture::{FixtureVariant, write_fixture_model, write_truncated_model};
use emotion_edge_tests::model_card::{write_model_card, write_true_model_card};

/// Runs the simulator on `model` and returns its stderr, requiring it to fail.
fn sim_refuses(model: &Path) -> String {
    let serial = model.with_extension("log");
    let output = command(Program::Sim)
        .arg("--model")
        .arg(model)
        .arg("--serial")
        .arg(&serial)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !output.status.success(),
        "sim accepted {}:\n{stderr}",
        model.display()
    );
    assert!(
        stderr.contains(&model.display().to_string()),
        "the file is not named:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn a_truncated_model_without_a_card_is_not_onnx() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("truncated.onnx");
    write_truncated_model(&model, 0.5).unwrap();

    let stderr = sim_refuses(&model);
    assert!(stderr.contains("is not a readable ONNX model"), "{stderr}");
}

#[test]
fn a_truncated_model_with_its_card_fails_the_digest_check() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.onnx");
    write_fixture_model(&model, FixtureVariant::Contract).unwrap();
    write_true_model_card(&model, "fixture").unwrap();
    write_truncated_model(&model, 0.9).unwrap();

    let stderr = sim_refuses(&model);
    assert!(stderr.contains("model.json records"), "{stderr}");
    assert!(stderr.contains("truncated, corrupt"), "{stderr}");
}

#[test]
fn a_card_for_another_model_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.onnx");
    write_fixture_model(&model, FixtureVariant::Contract).unwrap();
    write_model_card(&model, "other", &"0".repeat(64)).unwrap();

    let stderr = sim_refuses(&model);
    assert!(
        stderr.contains(&format!("records {}", "0".repeat(64))),
        "{stderr}"
    );
}

#[test]
fn a_wrong_input_shape_breaks_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("small-input.onnx");
    write_fixture_model(&model, FixtureVariant::WrongInputShape).unwrap();

    let stderr = sim_refuses(&model);
    assert!(stderr.contains("breaks the model contract"), "{stderr}");
    assert!(
        stderr.contains("input `input` has shape [1, 1, 48, 48]"),
        "{stderr}"
    );
}

#[test]
fn a_renamed_output_breaks_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("renamed.onnx");
    write_fixture_model(&model, FixtureVariant::RenamedEmotionOutput).unwrap();

    let stderr = sim_refuses(&model);
    assert!(
        stderr.contains("the contract needs `keypoints` and `emotion`"),
        "{stderr}"
    );
}

#[test]
fn a_missing_model_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = sim_refuses(&dir.path().join("absent.onnx"));
    assert!(stderr.contains("cannot read model file"), "{stderr}");
}
