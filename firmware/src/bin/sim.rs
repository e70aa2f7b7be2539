//! `sim`: the emotion-edge firmware on the host, with image files as the camera, tract as the
//! engine and stdout, a file or a pty as the UART.
//!
//! Logs go to stderr; the readout goes to the serial target.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use firmware::sim::{
    CameraOptions, CameraPixels, HostClock, HostSerial, ImageCamera, SerialTarget, TractEngine,
};
use firmware::{AppConfig, Application, StepOutcome};
use shared::labels::EmotionLabelSet;
use shared::postprocess::SmootherConfig;
use tracing_subscriber::EnvFilter;

/// The default model, relative to the workspace root.
const DEFAULT_MODEL: &str = "models/emotion-edge.int8.onnx";

/// The default camera: the bundled sample faces, relative to the firmware crate.
const DEFAULT_CAMERA: &str = "samples";

/// Runs the emotion-edge firmware on the host.
#[derive(Debug, Parser)]
#[command(name = "sim", version, about)]
struct Args {
    /// An image file or a folder of images (.png, .jpg) to use as the camera
    /// [default: the firmware's bundled samples/].
    #[arg(long)]
    camera: Option<PathBuf>,

    /// Pixel format the simulated camera delivers.
    #[arg(long, value_enum, default_value = "grey8")]
    pixel_format: CameraPixels,

    /// Where the readout goes: `stdout`, a file path, or a pty / tty device.
    #[arg(long, default_value = "stdout")]
    serial: String,

    /// The combined ONNX model [default: models/emotion-edge.int8.onnx in the workspace].
    #[arg(long)]
    model: Option<PathBuf>,

    /// Camera frames per second; 0 runs as fast as possible.
    #[arg(long, default_value_t = 0.0)]
    fps: f64,

    /// Stop after this many frames [default: every camera image once].
    #[arg(long)]
    frames: Option<u64>,

    /// Play the camera images over and over (until --frames, if given).
    #[arg(long = "loop")]
    looping: bool,
}

fn main() -> std::process::ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    match run(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Loads the parts, announces the firmware and plays the camera to its end.
fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    if !(args.fps >= 0.0 && args.fps.is_finite()) {
        bail!("--fps must be 0 or a positive number, not {}", args.fps);
    }

    let model_path = model_path(args.model.as_deref())?;
    let engine = TractEngine::load(&model_path)?;
    let labels = engine
        .card()
        .and_then(|card| card.labels)
        .unwrap_or(EmotionLabelSet::DEFAULT);

    let camera_path = args
        .camera
        .clone()
        .unwrap_or_else(|| firmware_dir().join(DEFAULT_CAMERA));
    let options = CameraOptions {
        pixels: args.pixel_format,
        fps: args.fps,
        frames: args.frames,
        looping: args.looping,
    };
    let camera = ImageCamera::open(&camera_path, options)?;

    let target = SerialTarget::parse(&args.serial);
    let serial = HostSerial::open(&target)
        .with_context(|| format!("cannot open serial target {target} for writing"))?;
    tracing::info!(serial = %target, "serial open");

    let config = AppConfig {
        firmware: firmware::firmware_version()?,
        labels,
        smoothing: SmootherConfig::DEFAULT,
        crop: None,
    };
    let mut app = Application::new(camera, engine, serial, HostClock::new(), config);
    app.boot()
        .with_context(|| format!("cannot write to serial target {target}"))?;

    play(&mut app, started).with_context(|| format!("cannot write to serial target {target}"))
}

/// Steps until the camera ends and logs what happened.
fn play(
    app: &mut Application<ImageCamera, TractEngine, HostSerial, HostClock>,
    started: Instant,
) -> std::io::Result<()> {
    let mut readouts = 0_u64;
    let mut faults = 0_u64;
    let mut infer_ms_total = 0_u64;
    let mut first_readout = None;
    let loop_started = Instant::now();

    loop {
        match app.step()? {
            StepOutcome::Readout { infer_ms, .. } => {
                readouts += 1;
                infer_ms_total += u64::from(infer_ms);
                first_readout.get_or_insert_with(|| started.elapsed());
            }
            StepOutcome::Fault { .. } => faults += 1,
            StepOutcome::SourceEnded => break,
        }
    }

    let seconds = loop_started.elapsed().as_secs_f64();
    let frames = readouts + faults;
    tracing::info!(
        frames,
        readouts,
        faults,
        frames_per_second = format!("{:.1}", frames as f64 / seconds.max(1e-9)),
        mean_infer_ms = format!("{:.2}", infer_ms_total as f64 / readouts.max(1) as f64),
        first_readout_ms = first_readout.map(|elapsed| elapsed.as_millis() as u64),
        "camera ended"
    );
    Ok(())
}

/// The model to load: the one given, or the workspace default when it exists.
fn model_path(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(path) = given {
        return Ok(path.to_path_buf());
    }

    let default = workspace_dir().join(DEFAULT_MODEL);
    if !default.is_file() {
        bail!(
            "no model at {}: pass --model <combined.onnx>, or train and export one with the \
             `emotion-edge` command first",
            default.display()
        );
    }
    Ok(default)
}

/// The firmware crate's folder, where `samples/` lives.
fn firmware_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace root: the firmware crate's parent folder.
fn workspace_dir() -> PathBuf {
    let firmware = firmware_dir();
    firmware.parent().map(Path::to_path_buf).unwrap_or(firmware)
}
