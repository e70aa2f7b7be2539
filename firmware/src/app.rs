//! The application core: capture -> preprocess -> infer -> smooth -> readout, one frame per
//! step.

use alloc::boxed::Box;
use alloc::vec;
use core::fmt;

use embedded_io::Write;
use shared::INPUT_LEN;
use shared::frame::{CropBox, FrameError};
use shared::labels::EmotionLabelSet;
use shared::postprocess::{Decision, RejectedFrame, Smoother, SmootherConfig};
use shared::preprocess::{ModelInput, frame_to_input};
use shared::protocol::{
    EmotionSentence, ErrorCode, FirmwareVersion, HelloSentence, KeypointSentence, ModelDigest,
    Sentence,
};

use crate::clock::Clock;
use crate::engine::{Engine, Inference};
use crate::readout::ReadoutPort;
use crate::source::FrameSource;

/// What the application is told at start-up.
#[derive(Debug, Clone, PartialEq)]
pub struct AppConfig {
    /// Version sent in `$EEHLO` (normally [`crate::firmware_version`]).
    pub firmware: FirmwareVersion,
    /// The model's label set, in its output order.
    pub labels: EmotionLabelSet,
    /// Decision threshold and temporal smoothing of the readout.
    pub smoothing: SmootherConfig,
    /// The face box to read from every frame, or `None` for the centre square.
    pub crop: Option<CropBox>,
}

/// What one [`Application::step`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepOutcome {
    /// A frame was read: `$EEEMO` and `$EEKPT` lines were written.
    Readout {
        /// The frame's sequence number.
        seq: u32,
        /// The smoothed decision sent in `$EEEMO`.
        decision: Decision,
        /// Inference time in milliseconds.
        infer_ms: u32,
    },
    /// The frame could not be read: one `$EEERR` line was written.
    Fault {
        /// The frame's sequence number.
        seq: u32,
        /// The code sent.
        code: ErrorCode,
    },
    /// The frame source has no more frames; nothing was written.
    SourceEnded,
}

/// Counts of a [`Application::run`] until the source ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Frames that produced a readout.
    pub readouts: u32,
    /// Frames that produced an `$EEERR` line.
    pub faults: u32,
}

/// The device program, generic over its camera `S`, engine `E`, serial port `W` and
/// clock `C`.
///
/// Holds the 96x96 model input (36 KiB) on the heap, allocated once in [`Application::new`];
/// nothing else allocates.
pub struct Application<S, E, W, C> {
    source: S,
    engine: E,
    port: ReadoutPort<W>,
    clock: C,
    firmware: FirmwareVersion,
    crop: Option<CropBox>,
    smoother: Smoother,
    input: Box<ModelInput>,
    next_seq: u32,
}

impl<S, E, W, C> Application<S, E, W, C>
where
    S: FrameSource,
    E: Engine,
    W: Write,
    C: Clock,
{
    /// Assembles the application; nothing is written until [`Application::boot`].
    pub fn new(source: S, engine: E, serial: W, clock: C, config: AppConfig) -> Self {
        Application {
            source,
            engine,
            port: ReadoutPort::new(serial, config.labels),
            clock,
            firmware: config.firmware,
            crop: config.crop,
            smoother: Smoother::new(config.smoothing),
            input: zeroed_input(),
            next_seq: 0,
        }
    }

    /// Announces the firmware, the model and the label set with `$EEHLO`.
    pub fn boot(&mut self) -> Result<(), W::Error> {
        let model = ModelDigest::from_sha256(self.engine.model_sha256());
        let hello = HelloSentence {
            firmware: self.firmware.clone(),
            model,
            labels: *self.port.labels(),
        };
        device_info!(
            "emotion-edge {=str}, model {}",
            crate::FIRMWARE_VERSION,
            model
        );

        self.port.send(&Sentence::Hello(hello))?;
        self.port.flush()
    }

    /// Reads one frame and writes its readout, or one `$EEERR` line when the frame, the
    /// camera or the engine fails. Only a failing serial port is an error.
    pub fn step(&mut self) -> Result<StepOutcome, W::Error> {
        let seq = self.next_seq;

        let outcome = match self.read_frame() {
            Ok(None) => return Ok(StepOutcome::SourceEnded),
            Ok(Some(reading)) => {
                self.send_reading(seq, &reading)?;
                StepOutcome::Readout {
                    seq,
                    decision: reading.decision,
                    infer_ms: reading.infer_ms,
                }
            }
            Err(fault) => {
                let code = fault.code();
                device_warn!("frame {=u32}: {} fault", seq, code);
                self.port.send_error(seq, code, &fault)?;
                StepOutcome::Fault { seq, code }
            }
        };

        self.next_seq = seq.wrapping_add(1);
        self.port.flush()?;
        Ok(outcome)
    }

    /// Steps until the frame source ends (a live camera never does).
    pub fn run(&mut self) -> Result<RunSummary, W::Error> {
        let mut summary = RunSummary::default();
        loop {
            match self.step()? {
                StepOutcome::Readout { .. } => {
                    summary.readouts = summary.readouts.saturating_add(1)
                }
                StepOutcome::Fault { .. } => summary.faults = summary.faults.saturating_add(1),
                StepOutcome::SourceEnded => return Ok(summary),
            }
        }
    }

    /// Takes the application apart, e.g. to inspect what a test serial port received.
    pub fn into_parts(self) -> (S, E, W, C) {
        (self.source, self.engine, self.port.into_inner(), self.clock)
    }

    /// Captures, preprocesses and infers one frame; `Ok(None)` when the source ended.
    fn read_frame(&mut self) -> Result<Option<Reading>, Fault<S::Error, E::Error>> {
        let captured = self.source.capture().map_err(Fault::Camera)?;
        let Some(raw) = captured else {
            return Ok(None);
        };
        let frame = raw.to_frame().map_err(Fault::Frame)?;
        frame_to_input(&frame, self.crop, &mut self.input).map_err(Fault::Frame)?;

        let started = self.clock.now_ms();
        let inference = self.engine.infer(&self.input).map_err(Fault::Engine)?;
        let finished = self.clock.now_ms();

        check_keypoints(&inference)?;
        let decision = self
            .smoother
            .update(&inference.probabilities)
            .map_err(Fault::Output)?;
        let infer_ms = u32::try_from(finished.saturating_sub(started)).unwrap_or(u32::MAX);
        Ok(Some(Reading {
            inference,
            decision,
            infer_ms,
        }))
    }

    /// Writes the `$EEEMO` and `$EEKPT` lines of one frame.
    fn send_reading(&mut self, seq: u32, reading: &Reading) -> Result<(), W::Error> {
        let Reading {
            inference,
            decision,
            infer_ms,
        } = reading;
        let emotion =
            EmotionSentence::from_decision(seq, decision, &inference.probabilities, *infer_ms);
        let keypoints = KeypointSentence::from_pixels(seq, &inference.keypoints);

        self.port.send(&Sentence::Emotion(emotion))?;
        self.port.send(&Sentence::Keypoints(keypoints))
    }
}

/// The model's answer for one frame and what the readout makes of it.
struct Reading {
    inference: Inference,
    decision: Decision,
    infer_ms: u32,
}

/// Why a frame produced no readout.
#[derive(Debug)]
enum Fault<CameraError, EngineError> {
    /// The camera failed to capture.
    Camera(CameraError),
    /// The frame's bytes do not match its size and format, or the crop box does not fit.
    Frame(FrameError),
    /// The engine failed.
    Engine(EngineError),
    /// The engine returned probabilities that are not a distribution.
    Output(RejectedFrame),
    /// The engine returned a NaN or infinite keypoint coordinate at this index.
    Keypoint(usize),
}

impl<CameraError, EngineError> Fault<CameraError, EngineError> {
    /// The `$EEERR` code of this fault.
    fn code(&self) -> ErrorCode {
        match self {
            Fault::Camera(_) => ErrorCode::Camera,
            Fault::Frame(_) => ErrorCode::Frame,
            Fault::Engine(_) | Fault::Output(_) | Fault::Keypoint(_) => ErrorCode::Engine,
        }
    }
}

impl<CameraError: fmt::Display, EngineError: fmt::Display> fmt::Display
    for Fault<CameraError, EngineError>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Camera(error) => write!(f, "{error}"),
            Fault::Frame(error) => write!(f, "{error}"),
            Fault::Engine(error) => write!(f, "{error}"),
            Fault::Output(error) => write!(f, "{error}"),
            Fault::Keypoint(index) => write!(f, "keypoint value {index} is not finite"),
        }
    }
}

/// Rejects an inference with a NaN or infinite keypoint coordinate.
fn check_keypoints<CameraError, EngineError>(
    inference: &Inference,
) -> Result<(), Fault<CameraError, EngineError>> {
    match inference
        .keypoints
        .iter()
        .position(|value| !value.is_finite())
    {
        Some(index) => Err(Fault::Keypoint(index)),
        None => Ok(()),
    }
}

/// A zeroed model input built on the heap, so its 36 KiB never pass through the stack.
fn zeroed_input() -> Box<ModelInput> {
    let values = vec![0.0_f32; INPUT_LEN].into_boxed_slice();
    // The slice has exactly INPUT_LEN values, so the conversion always succeeds.
    values
        .try_into()
        .unwrap_or_else(|_| Box::new([0.0; INPUT_LEN]))
}
