//! The application core with test doubles: a scripted camera, a scripted engine, a clock that
//! advances on every reading and a `Vec` as the serial port.

use std::collections::VecDeque;
use std::fmt;

use firmware::{AppConfig, Application, Engine, FrameSource, Inference, RawFrame, StepOutcome};
use shared::frame::PixelFormat;
use shared::labels::EmotionLabelSet;
use shared::postprocess::SmootherConfig;
use shared::preprocess::ModelInput;
use shared::protocol::{ClassIndex, ErrorCode, ModelDigest, ReadoutLabel, Sentence, decode};

const SHA256: [u8; 32] = [0xab; 32];
const HAPPY: [f32; 5] = [0.05, 0.05, 0.05, 0.8, 0.05];
const SAD: [f32; 5] = [0.05, 0.05, 0.8, 0.05, 0.05];

/// One scripted capture.
#[derive(Debug, Clone)]
enum Shot {
    Frame {
        format: PixelFormat,
        width: usize,
        height: usize,
        data: Vec<u8>,
    },
    Failure(&'static str),
}

/// A camera that plays a script, then ends.
struct ScriptedCamera {
    shots: VecDeque<Shot>,
    current: Vec<u8>,
}

impl ScriptedCamera {
    fn new(shots: Vec<Shot>) -> Self {
        ScriptedCamera {
            shots: shots.into(),
            current: Vec::new(),
        }
    }
}

impl FrameSource for ScriptedCamera {
    type Error = &'static str;

    fn capture(&mut self) -> Result<Option<RawFrame<'_>>, &'static str> {
        match self.shots.pop_front() {
            None => Ok(None),
            Some(Shot::Failure(reason)) => Err(reason),
            Some(Shot::Frame {
                format,
                width,
                height,
                data,
            }) => {
                self.current = data;
                Ok(Some(RawFrame {
                    format,
                    width,
                    height,
                    data: &self.current,
                }))
            }
        }
    }
}

fn grey_frame(width: usize, height: usize, level: u8) -> Shot {
    Shot::Frame {
        format: PixelFormat::Grey8,
        width,
        height,
        data: vec![level; width * height],
    }
}

/// An engine failure for the script.
#[derive(Debug)]
struct EngineFailure;

impl fmt::Display for EngineFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "accelerator timed out")
    }
}

/// An engine that answers from a script and records the mean of every input it saw.
struct ScriptedEngine {
    answers: VecDeque<Result<Inference, EngineFailure>>,
    input_means: Vec<f32>,
}

impl ScriptedEngine {
    fn new(answers: Vec<Result<Inference, EngineFailure>>) -> Self {
        ScriptedEngine {
            answers: answers.into(),
            input_means: Vec::new(),
        }
    }
}

impl Engine for ScriptedEngine {
    type Error = EngineFailure;

    fn model_sha256(&self) -> &[u8; 32] {
        &SHA256
    }

    fn infer(&mut self, input: &ModelInput) -> Result<Inference, EngineFailure> {
        self.input_means
            .push(input.iter().sum::<f32>() / input.len() as f32);
        self.answers.pop_front().unwrap_or(Err(EngineFailure))
    }
}

fn inference(probabilities: [f32; 5]) -> Inference {
    let keypoints = std::array::from_fn(|index| 10.0 + index as f32);
    Inference {
        keypoints,
        probabilities,
    }
}

/// A clock that moves 7 ms every time it is read.
fn ticking_clock() -> impl FnMut() -> u64 {
    let mut now = 0;
    move || {
        now += 7;
        now
    }
}

type TestApp = Application<ScriptedCamera, ScriptedEngine, Vec<u8>, Box<dyn FnMut() -> u64>>;

fn app(shots: Vec<Shot>, answers: Vec<Result<Inference, EngineFailure>>) -> TestApp {
    let config = AppConfig {
        firmware: firmware::firmware_version().unwrap(),
        labels: EmotionLabelSet::DEFAULT,
        smoothing: SmootherConfig::DEFAULT,
        crop: None,
    };
    let clock: Box<dyn FnMut() -> u64> = Box::new(ticking_clock());
    Application::new(
        ScriptedCamera::new(shots),
        ScriptedEngine::new(answers),
        Vec::new(),
        clock,
        config,
    )
}

/// Boots, runs to the end and decodes every line written.
fn run_to_end(mut app: TestApp) -> (Vec<Sentence>, ScriptedEngine) {
    app.boot().unwrap();
    app.run().unwrap();
    let (_, engine, serial, _) = app.into_parts();
    let text = String::from_utf8(serial).unwrap();
    assert!(text.ends_with("\r\n") && !text.contains("\n\n"), "{text:?}");
    let sentences = text
        .split_inclusive("\r\n")
        .map(|line| decode(line.as_bytes()).unwrap_or_else(|error| panic!("{line:?}: {error}")))
        .collect();
    (sentences, engine)
}

#[test]
fn hello_comes_first_with_version_model_and_labels() {
    let (sentences, _) = run_to_end(app(vec![grey_frame(4, 4, 9)], vec![Ok(inference(HAPPY))]));
    let Sentence::Hello(hello) = &sentences[0] else {
        panic!("{sentences:?}")
    };
    assert_eq!(hello.firmware.as_str(), env!("CARGO_PKG_VERSION"));
    assert_eq!(hello.model, ModelDigest([0xab; 4]));
    assert_eq!(hello.labels, EmotionLabelSet::DEFAULT);
}

#[test]
fn every_frame_gives_one_emotion_then_one_keypoint_line() {
    let shots = vec![
        grey_frame(4, 4, 0),
        grey_frame(6, 4, 255),
        grey_frame(96, 96, 51),
    ];
    let answers = vec![
        Ok(inference(HAPPY)),
        Ok(inference(HAPPY)),
        Ok(inference(SAD)),
    ];
    let (sentences, engine) = run_to_end(app(shots, answers));

    assert_eq!(sentences.len(), 1 + 2 * 3);
    for (seq, pair) in sentences[1..].chunks(2).enumerate() {
        let [Sentence::Emotion(emotion), Sentence::Keypoints(keypoints)] = pair else {
            panic!("frame {seq}: {pair:?}");
        };
        assert_eq!((emotion.seq, keypoints.seq), (seq as u32, seq as u32));
        assert_eq!(emotion.infer_ms, 7);
        assert_eq!(keypoints.coords[29].pixels(), 39.0);
    }
    // The frames reached the engine preprocessed: grey / 255 over the centre square.
    let expected = [0.0, 1.0, 0.2];
    assert_eq!(engine.input_means.len(), expected.len());
    for (mean, expected) in engine.input_means.iter().zip(expected) {
        assert!((mean - expected).abs() < 1e-4, "{:?}", engine.input_means);
    }
}

#[test]
fn the_label_is_smoothed_and_the_probabilities_are_raw() {
    let shots = vec![grey_frame(4, 4, 1), grey_frame(4, 4, 2)];
    let (sentences, _) = run_to_end(app(shots, vec![Ok(inference(HAPPY)), Ok(inference(SAD))]));

    let Sentence::Emotion(second) = &sentences[3] else {
        panic!("{sentences:?}")
    };
    // One sad frame after a happy one does not switch the smoothed label.
    assert_eq!(
        second.label,
        ReadoutLabel::Class(ClassIndex::new(3).unwrap())
    );
    assert_eq!(second.probabilities[2].get(), 800);
    assert!(second.confidence.get() < 80);
}

#[test]
fn a_frame_of_the_wrong_size_is_reported_and_the_loop_goes_on() {
    let short = Shot::Frame {
        format: PixelFormat::Rgb565Le,
        width: 4,
        height: 4,
        data: vec![0; 31],
    };
    let shots = vec![short, grey_frame(4, 4, 5)];
    let (sentences, engine) = run_to_end(app(shots, vec![Ok(inference(HAPPY))]));

    let Sentence::Error(error) = &sentences[1] else {
        panic!("{sentences:?}")
    };
    assert_eq!((error.seq, error.code), (0, ErrorCode::Frame));
    assert!(error.text.as_str().contains("31 bytes"), "{}", error.text);
    assert!(matches!(&sentences[2], Sentence::Emotion(emotion) if emotion.seq == 1));
    assert!(matches!(&sentences[3], Sentence::Keypoints(keypoints) if keypoints.seq == 1));
    assert_eq!(
        engine.input_means.len(),
        1,
        "a bad frame must not reach the engine"
    );
}

#[test]
fn a_capture_failure_is_a_camera_error() {
    let shots = vec![Shot::Failure("sensor timeout"), grey_frame(2, 2, 5)];
    let (sentences, _) = run_to_end(app(shots, vec![Ok(inference(SAD))]));

    let Sentence::Error(error) = &sentences[1] else {
        panic!("{sentences:?}")
    };
    assert_eq!(
        (error.code, error.text.as_str()),
        (ErrorCode::Camera, "sensor timeout")
    );
    assert_eq!(sentences.len(), 4);
}

#[test]
fn engine_failures_and_bad_outputs_are_engine_errors_and_the_loop_goes_on() {
    let mut nan_keypoint = inference(HAPPY);
    nan_keypoint.keypoints[4] = f32::NAN;
    let answers = vec![
        Err(EngineFailure),
        Ok(inference([0.5, 0.5, 0.5, 0.5, f32::NAN])),
        Ok(nan_keypoint),
        Ok(inference([1.5, 0.0, 0.0, 0.0, 0.0])),
        Ok(inference(HAPPY)),
    ];
    let shots = (0..5).map(|level| grey_frame(3, 3, level)).collect();
    let (sentences, _) = run_to_end(app(shots, answers));

    let errors: Vec<_> = sentences[1..5]
        .iter()
        .map(|sentence| match sentence {
            Sentence::Error(error) => (error.seq, error.code, error.text.to_string()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        errors[0],
        (0, ErrorCode::Engine, "accelerator timed out".to_string())
    );
    assert!(errors[1].2.contains("not finite"), "{errors:?}");
    assert_eq!(errors[2].2, "keypoint value 4 is not finite");
    assert!(errors[3].2.contains("outside [0; 1]"), "{errors:?}");
    assert!(matches!(&sentences[5], Sentence::Emotion(emotion) if emotion.seq == 4));
}

#[test]
fn step_reports_each_outcome_and_the_end() {
    let mut app = app(
        vec![grey_frame(2, 2, 0), Shot::Failure("x")],
        vec![Ok(inference(HAPPY))],
    );
    app.boot().unwrap();
    assert!(matches!(
        app.step().unwrap(),
        StepOutcome::Readout {
            seq: 0,
            infer_ms: 7,
            ..
        }
    ));
    assert_eq!(
        app.step().unwrap(),
        StepOutcome::Fault {
            seq: 1,
            code: ErrorCode::Camera
        }
    );
    assert_eq!(app.step().unwrap(), StepOutcome::SourceEnded);
    assert_eq!(app.step().unwrap(), StepOutcome::SourceEnded);
}

/// A serial port whose line is broken.
struct BrokenSerial;

impl embedded_io::ErrorType for BrokenSerial {
    type Error = embedded_io::ErrorKind;
}

impl embedded_io::Write for BrokenSerial {
    fn write(&mut self, _: &[u8]) -> Result<usize, embedded_io::ErrorKind> {
        Err(embedded_io::ErrorKind::BrokenPipe)
    }

    fn flush(&mut self) -> Result<(), embedded_io::ErrorKind> {
        Ok(())
    }
}

#[test]
fn a_broken_serial_port_is_the_only_error() {
    let config = AppConfig {
        firmware: firmware::firmware_version().unwrap(),
        labels: EmotionLabelSet::DEFAULT,
        smoothing: SmootherConfig::DEFAULT,
        crop: None,
    };
    let engine = ScriptedEngine::new(vec![Ok(inference(HAPPY))]);
    let camera = ScriptedCamera::new(vec![grey_frame(2, 2, 0)]);
    let mut app = Application::new(camera, engine, BrokenSerial, ticking_clock(), config);
    assert_eq!(app.boot(), Err(embedded_io::ErrorKind::BrokenPipe));
    assert_eq!(app.step(), Err(embedded_io::ErrorKind::BrokenPipe));
}
