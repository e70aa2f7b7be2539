//! The simulator runs the fixture model on the sample faces and its readout crosses a pty
//! pair to `emotion-edge monitor`, as it would cross a USB serial cable.
//!
//! Needs `socat` and the `sim` and `emotion-edge` binaries (see `binaries`).

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use emotion_edge_tests::binaries::{Program, command};
use emotion_edge_tests::fixture::{FixtureVariant, write_fixture_model};
use emotion_edge_tests::model_card::{sha256_hex, write_true_model_card};
use emotion_edge_tests::pty::PtyPair;
use shared::protocol::{Sentence, decode};

/// The sample faces bundled with the firmware.
fn samples_dir() -> PathBuf {
    emotion_edge_tests::workspace_dir().join("firmware/samples")
}

fn sample_count() -> usize {
    std::fs::read_dir(samples_dir())
        .unwrap()
        .filter(|entry| {
            entry
                .as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|e| e == "png")
        })
        .count()
}

/// The fixture model with a truthful card, in `dir`.
fn fixture_in(dir: &Path) -> PathBuf {
    let model = dir.join("fixture.onnx");
    write_fixture_model(&model, FixtureVariant::Contract).unwrap();
    write_true_model_card(&model, "fixture").unwrap();
    model
}

fn assert_success(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed: {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs the simulator with `extra` arguments, writing the readout to `serial`.
fn run_sim(model: &Path, serial: &Path, extra: &[&str]) -> Output {
    let output = command(Program::Sim)
        .arg("--model")
        .arg(model)
        .arg("--camera")
        .arg(samples_dir())
        .arg("--serial")
        .arg(serial)
        .args(extra)
        .output()
        .unwrap();
    assert_success(&output, "sim");
    output
}

/// Decodes every line of a readout file; fails on any bad line.
fn decode_readout(path: &Path) -> Vec<Sentence> {
    let text = std::fs::read_to_string(path).unwrap();
    text.split_inclusive("\r\n")
        .map(|line| decode(line.as_bytes()).unwrap_or_else(|error| panic!("{line:?}: {error}")))
        .collect()
}

/// HLO first, then one EMO and one KPT per frame with matching sequence numbers.
fn assert_frame_order(sentences: &[Sentence], frames: usize) {
    assert_eq!(sentences.len(), 1 + 2 * frames, "{sentences:?}");
    assert!(
        matches!(sentences[0], Sentence::Hello(_)),
        "{:?}",
        sentences[0]
    );
    for (seq, pair) in sentences[1..].chunks(2).enumerate() {
        match pair {
            [Sentence::Emotion(emotion), Sentence::Keypoints(keypoints)] => {
                assert_eq!((emotion.seq, keypoints.seq), (seq as u32, seq as u32));
            }
            other => panic!("frame {seq}: {other:?}"),
        }
    }
}

#[test]
fn the_readout_crosses_a_pty_to_the_monitor_intact() {
    let dir = tempfile::tempdir().unwrap();
    let model = fixture_in(dir.path());
    let csv = dir.path().join("readout.csv");
    let frames = sample_count();
    let pty = PtyPair::open();

    let monitor = command(Program::Cli)
        .args(["monitor", "--timeout", "30", "--port"])
        .arg(pty.host_end())
        .arg("--csv")
        .arg(&csv)
        .arg("--max-lines")
        .arg((1 + 2 * frames).to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The monitor must hold its end open before the first byte crosses.
    std::thread::sleep(Duration::from_millis(500));

    run_sim(&model, pty.device_end(), &["--fps", "50"]);
    let output = monitor.wait_with_output().unwrap();
    assert_success(&output, "monitor");
    let stdout = String::from_utf8(output.stdout).unwrap();

    let digest = &sha256_hex(&std::fs::read(&model).unwrap())[..8];
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("device: firmware ") && first.contains(digest),
        "{stdout}"
    );
    let expected = format!(
        "summary: lines ok {}, bad 0; HLO 1, EMO {frames}, KPT {frames}, ERR 0; dropped bytes 0",
        1 + 2 * frames
    );
    assert!(
        stdout.contains(&expected),
        "expected {expected:?} in\n{stdout}"
    );

    let rows: Vec<String> = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(rows.len(), 1 + frames, "{rows:?}");
    for (seq, row) in rows[1..].iter().enumerate() {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[0], seq.to_string());
        assert!(
            cells.iter().all(|cell| !cell.is_empty()),
            "frame {seq} lacks a value: {row}"
        );
    }
}

#[test]
fn every_line_is_checksummed_and_frames_come_in_order_in_every_pixel_format() {
    let dir = tempfile::tempdir().unwrap();
    let model = fixture_in(dir.path());
    let frames = sample_count();
    let digest: [u8; 4] = {
        let bytes = std::fs::read(&model).unwrap();
        let hex = sha256_hex(&bytes);
        std::array::from_fn(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
    };

    let mut probabilities = Vec::new();
    for format in ["grey8", "rgb565", "yuyv"] {
        let serial = dir.path().join(format!("{format}.log"));
        run_sim(&model, &serial, &["--pixel-format", format]);
        let sentences = decode_readout(&serial);
        assert_frame_order(&sentences, frames);

        let Sentence::Hello(hello) = &sentences[0] else {
            unreachable!()
        };
        assert_eq!(hello.model.0, digest);
        assert_eq!(hello.firmware.as_str(), env!("CARGO_PKG_VERSION"));
        let first_emotion = match &sentences[1] {
            Sentence::Emotion(emotion) => emotion.probabilities.map(|p| p.probability()),
            other => panic!("{other:?}"),
        };
        probabilities.push(first_emotion);
    }

    // Grey sample faces read the same through every sensor format, up to RGB 5-6-5's loss.
    for other in &probabilities[1..] {
        for (a, b) in probabilities[0].iter().zip(other) {
            assert!((a - b).abs() < 0.02, "{probabilities:?}");
        }
    }
}

#[test]
fn frame_limit_and_looping_play_past_the_last_image() {
    let dir = tempfile::tempdir().unwrap();
    let model = fixture_in(dir.path());
    let serial = dir.path().join("loop.log");
    let frames = sample_count() + 3;

    let output = run_sim(
        &model,
        &serial,
        &["--loop", "--frames", &frames.to_string()],
    );
    assert_frame_order(&decode_readout(&serial), frames);
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("camera ended") && log.contains(&format!("readouts={frames}")),
        "{log}"
    );
}

/// Every sample face, in the order the simulator's folder camera plays them.
fn sample_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(samples_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "png"))
        .collect();
    files.sort();
    files
}

/// `emotion-edge predict --json` on `images`: one JSON object per image.
fn predict(model: &Path, images: &[PathBuf]) -> Vec<serde_json::Value> {
    let output = command(Program::Cli)
        .arg("predict")
        .arg("--json")
        .arg("--model")
        .arg(model)
        .args(images)
        .output()
        .unwrap();
    assert_success(&output, "predict");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The f32 values of a JSON array field.
fn json_floats(value: &serde_json::Value, field: &str) -> Vec<f32> {
    value[field]
        .as_array()
        .unwrap_or_else(|| panic!("{field} missing in {value}"))
        .iter()
        .map(|number| number.as_f64().unwrap() as f32)
        .collect()
}

/// The simulator's raw readout of each frame equals `predict` on the same file, up to the
/// protocol's rounding (probabilities to 0.001, coordinates to 0.1 px), and the live
/// argmax names the same class.
fn assert_simulator_matches_predict(model: &Path, dir: &Path) {
    let serial = dir.join("readout.log");
    run_sim(model, &serial, &[]);
    let sentences = decode_readout(&serial);
    let files = sample_files();
    assert_frame_order(&sentences, files.len());
    let predictions = predict(model, &files);
    assert_eq!(predictions.len(), files.len());
    let labels = shared::labels::EmotionLabelSet::DEFAULT;

    for (frame, (pair, prediction)) in sentences[1..].chunks(2).zip(&predictions).enumerate() {
        let [Sentence::Emotion(emotion), Sentence::Keypoints(keypoints)] = pair else {
            panic!("frame {frame}: {pair:?}");
        };
        let probabilities = json_floats(prediction, "probabilities");
        for (sent, predicted) in emotion.probabilities.iter().zip(&probabilities) {
            assert!(
                (sent.probability() - predicted).abs() <= 0.000_6,
                "frame {frame}: readout {:?}, predict {probabilities:?}",
                emotion.probabilities
            );
        }
        let live: Vec<f32> = emotion
            .probabilities
            .iter()
            .map(|p| p.probability())
            .collect();
        let live_top = shared::postprocess::top_two(&live).unwrap();
        // Two classes within the protocol's rounding of each other have no defined order.
        if live_top.margin() > 0.0015 {
            let top = prediction["top"].as_str();
            assert_eq!(
                labels.name(live_top.best),
                top,
                "frame {frame}: {prediction}"
            );
        }

        let coords = json_floats(prediction, "keypoints");
        for (sent, predicted) in keypoints.coords.iter().zip(&coords) {
            assert!(
                (sent.pixels() - predicted).abs() <= 0.051,
                "frame {frame}: readout {:?}, predict {coords:?}",
                keypoints.coords
            );
        }
    }
}

#[test]
fn the_simulator_reports_what_predict_says_for_every_sample() {
    let dir = tempfile::tempdir().unwrap();
    let model = fixture_in(dir.path());
    assert_simulator_matches_predict(&model, dir.path());
}

#[test]
fn the_embedded_default_reports_what_predict_says_for_every_sample() {
    let dir = tempfile::tempdir().unwrap();
    let model = emotion_edge_tests::workspace_dir().join("models/emotion-edge.int8.onnx");
    assert_simulator_matches_predict(&model, dir.path());
}
