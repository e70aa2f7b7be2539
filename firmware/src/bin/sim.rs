//! `sim`: the emotion-edge firmware on a std host. As the simulator it reads image files as
//! the camera; on a Linux camera board it reads a V4L2 camera (`--camera v4l2:/dev/video0`)
//! and writes to the board's UART (`--serial /dev/ttyAMA0 --baud 115200`). tract is the
//! engine either way.
//!
//! Logs go to stderr; the readout goes to the serial target.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use firmware::sim::uart::DEFAULT_BAUD;
use firmware::sim::{
    CameraOptions, CameraPixels, CameraSpec, CaptureSize, HostClock, HostSerial, ImageCamera,
    SerialTarget, TractEngine,
};
use firmware::{AppConfig, Application, FrameSource, StepOutcome};
use shared::labels::EmotionLabelSet;
use shared::postprocess::SmootherConfig;
use tracing_subscriber::EnvFilter;

/// The default model, relative to the workspace root.
const DEFAULT_MODEL: &str = "models/emotion-edge.int8.onnx";

/// The default camera: the bundled sample faces, relative to the firmware crate.
const DEFAULT_CAMERA: &str = "samples";

/// Runs the emotion-edge firmware on the host or on a Linux camera board.
#[derive(Debug, Parser)]
#[command(name = "sim", version, about)]
struct Args {
    /// The camera: an image file or a folder of images (.png, .jpg), or `v4l2:<device>` for
    /// a V4L2 camera such as `v4l2:/dev/video0` [default: the firmware's bundled samples/].
    #[arg(long)]
    camera: Option<CameraSpec>,

    /// Pixel format the camera delivers [default: grey8 for image files; for a V4L2 camera
    /// the first of grey8, yuyv, rgb565 that it offers].
    #[arg(long, value_enum)]
    pixel_format: Option<CameraPixels>,

    /// Frame size to ask a V4L2 camera for, WIDTHxHEIGHT; the driver settles on the nearest
    /// size it supports.
    #[arg(long, default_value = "320x240")]
    capture_size: CaptureSize,

    /// Where the readout goes: `stdout`, a file path, or a pty / tty device.
    #[arg(long, default_value = "stdout")]
    serial: String,

    /// Baud rate of a tty serial target (a UART or USB serial adapter, set to raw 8N1);
    /// stdout and files ignore it.
    #[arg(long, default_value_t = DEFAULT_BAUD, value_parser = baud_rates())]
    baud: u32,

    /// The combined ONNX model [default: models/emotion-edge.int8.onnx in the workspace].
    #[arg(long)]
    model: Option<PathBuf>,

    /// Camera frames per second (asked of a V4L2 camera); 0 runs as fast as possible.
    #[arg(long, default_value_t = 0.0)]
    fps: f64,

    /// Stop after this many frames [default: every camera image once; a V4L2 camera never
    /// stops].
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
    let config = AppConfig {
        firmware: firmware::firmware_version()?,
        labels,
        smoothing: SmootherConfig::DEFAULT,
        crop: None,
    };

    let camera = args
        .camera
        .clone()
        .unwrap_or_else(|| CameraSpec::Images(firmware_dir().join(DEFAULT_CAMERA)));
    match camera {
        CameraSpec::Images(path) => {
            let options = CameraOptions {
                pixels: args.pixel_format.unwrap_or(CameraPixels::Grey8),
                fps: args.fps,
                frames: args.frames,
                looping: args.looping,
            };
            let camera = ImageCamera::open(&path, options)?;
            serve(camera, engine, config, &args, started)
        }
        CameraSpec::V4l2(device) => {
            if args.looping {
                bail!("--loop plays image files again; a V4L2 camera never ends");
            }
            let camera = video_camera::open(&device, &args)?;
            serve(camera, engine, config, &args, started)
        }
    }
}

/// Opens the serial target, announces the firmware and plays `camera` to its end.
fn serve<S: FrameSource>(
    camera: S,
    engine: TractEngine,
    config: AppConfig,
    args: &Args,
    started: Instant,
) -> anyhow::Result<()> {
    let target = SerialTarget::parse(&args.serial);
    let serial = HostSerial::open(&target, args.baud)
        .with_context(|| format!("cannot open serial target {target} for writing"))?;
    tracing::info!(serial = %target, "serial open");

    let mut app = Application::new(camera, engine, serial, HostClock::new(), config);
    app.boot()
        .with_context(|| format!("cannot write to serial target {target}"))?;

    play(&mut app, started).with_context(|| format!("cannot write to serial target {target}"))
}

/// Steps until the camera ends and logs what happened.
fn play<S: FrameSource>(
    app: &mut Application<S, TractEngine, HostSerial, HostClock>,
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

/// The V4L2 camera of a Linux build with the `v4l2` feature.
#[cfg(all(feature = "v4l2", target_os = "linux"))]
mod video_camera {
    use std::path::Path;

    use firmware::linux::{V4l2Camera, V4l2Options};

    use super::Args;

    /// Opens `device` with the command line's format, size, rate and frame limit.
    pub fn open(device: &Path, args: &Args) -> anyhow::Result<V4l2Camera> {
        let options = V4l2Options {
            pixels: args.pixel_format.map(|pixels| pixels.format()),
            width: args.capture_size.width,
            height: args.capture_size.height,
            fps: args.fps,
            frames: args.frames,
        };
        Ok(V4l2Camera::open(device, options)?)
    }
}

/// Stands in for the V4L2 camera in builds without it.
#[cfg(not(all(feature = "v4l2", target_os = "linux")))]
mod video_camera {
    use std::path::Path;

    use super::Args;

    /// Always refuses: this build cannot read a V4L2 camera.
    pub fn open(device: &Path, _args: &Args) -> anyhow::Result<super::ImageCamera> {
        anyhow::bail!(
            "cannot open video device {}: this build has no V4L2 camera (build `sim` on Linux \
             with the `v4l2` feature)",
            device.display()
        )
    }
}

/// Baud rates `--baud` accepts: from 50, the slowest standard rate, upwards.
fn baud_rates() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(50..)
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
