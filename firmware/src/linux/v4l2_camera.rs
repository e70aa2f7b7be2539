//! A V4L2 capture device as the camera: a USB webcam, or a board camera whose driver offers
//! single-planar grey, YUYV or RGB 5-6-5 frames, captured by memory-mapped streaming.

use std::io;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use linuxvideo::format::{PixFormat, PixelFormat as V4l2PixelFormat};
use linuxvideo::stream::ReadStream;
use linuxvideo::{BufType, CapabilityFlags, Device, Fract, VideoCaptureDevice};
use rustix::event::{PollFd, PollFlags, Timespec};
use rustix::io::Errno;
use shared::frame::PixelFormat;

use crate::source::{FrameSource, RawFrame};

use super::capture_layout::{CaptureLayout, ShortFrame};
use super::fourcc::FourCc;
use super::negotiation::{NegotiationError, SettledFormat, check_settled, choose_format};

/// How long a capture waits for a frame at least, whatever the frame rate.
pub const MIN_FRAME_TIMEOUT: Duration = Duration::from_secs(2);

/// Frame periods a capture waits for a frame at a requested frame rate.
const FRAME_TIMEOUT_PERIODS: f64 = 3.0;

/// What to ask the device for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct V4l2Options {
    /// The pixel format to capture, or `None` for the first of [`FourCc::READABLE`] that the
    /// device offers.
    pub pixels: Option<PixelFormat>,
    /// Requested width in pixels; the driver settles on the nearest size it supports.
    pub width: u32,
    /// Requested height in pixels.
    pub height: u32,
    /// Frames per second to request; 0 keeps the driver's rate.
    pub fps: f64,
    /// Stop after this many frames; `None` captures until the device goes away.
    pub frames: Option<u64>,
}

impl V4l2Options {
    /// How long one capture waits for a frame before it reports a camera error: three frame
    /// periods at the requested rate, and never less than [`MIN_FRAME_TIMEOUT`].
    pub fn frame_timeout(&self) -> Duration {
        if !(self.fps > 0.0 && self.fps.is_finite()) {
            return MIN_FRAME_TIMEOUT;
        }
        Duration::try_from_secs_f64(FRAME_TIMEOUT_PERIODS / self.fps)
            .map_or(MIN_FRAME_TIMEOUT, |periods| periods.max(MIN_FRAME_TIMEOUT))
    }
}

/// Why a video device could not be set up for capture; every message names the device.
#[derive(Debug, thiserror::Error)]
pub enum V4l2Error {
    /// Nothing exists at the path.
    #[error("no video device at {device}")]
    Missing {
        /// The path given.
        device: PathBuf,
    },
    /// The user may not open the device.
    #[error(
        "no permission to open video device {device}: add the user to the `video` group or \
         run as root"
    )]
    Denied {
        /// The path given.
        device: PathBuf,
    },
    /// Another program holds the device.
    #[error("video device {device} is busy: another program is capturing from it")]
    Busy {
        /// The path given.
        device: PathBuf,
    },
    /// The path is a file, or a device that does not answer V4L2 queries.
    #[error("{device} is not a V4L2 video device: {reason}")]
    NotVideoDevice {
        /// The path given.
        device: PathBuf,
        /// What gave it away.
        reason: &'static str,
    },
    /// A V4L2 node that cannot capture single-planar video (an output, codec or metadata
    /// node, or a multi-planar-only driver).
    #[error(
        "video device {device} cannot capture single-planar video (it is an output, codec, \
         metadata or multi-planar-only node)"
    )]
    NoCapture {
        /// The path given.
        device: PathBuf,
    },
    /// A capture node without streaming I/O.
    #[error("video device {device} does not support streaming capture")]
    NoStreaming {
        /// The path given.
        device: PathBuf,
    },
    /// The device's pixel formats could not be listed.
    #[error("cannot list the pixel formats of video device {device}: {cause}")]
    Query {
        /// The path given.
        device: PathBuf,
        /// The operating system's reason.
        cause: io::Error,
    },
    /// No usable format could be agreed.
    #[error("video device {device}: {cause}")]
    Negotiation {
        /// The path given.
        device: PathBuf,
        /// What went wrong.
        cause: NegotiationError,
    },
    /// The driver refused the format request outright.
    #[error("video device {device} refused {width}x{height} {fourcc}: {cause}")]
    FormatRefused {
        /// The path given.
        device: PathBuf,
        /// The pixel format asked for.
        fourcc: FourCc,
        /// The width asked for.
        width: u32,
        /// The height asked for.
        height: u32,
        /// The operating system's reason.
        cause: io::Error,
    },
    /// Buffers could not be mapped or streaming could not start.
    #[error("cannot start streaming from video device {device}: {cause}")]
    Stream {
        /// The path given.
        device: PathBuf,
        /// The operating system's reason.
        cause: io::Error,
    },
    /// The device could not be opened for another reason.
    #[error("cannot open video device {device}: {cause}")]
    Open {
        /// The path given.
        device: PathBuf,
        /// The operating system's reason.
        cause: io::Error,
    },
}

/// Why one frame could not be captured; the camera goes on with the next. The texts are short
/// because they travel in an `$EEERR` line.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// No frame arrived in time.
    #[error("no frame within {waited_ms} ms")]
    Timeout {
        /// How long the capture waited.
        waited_ms: u128,
    },
    /// Waiting for the device failed.
    #[error("cannot wait for a frame: {0}")]
    Wait(io::Error),
    /// The driver did not hand over a filled buffer.
    #[error("frame not dequeued: {0}")]
    Dequeue(io::Error),
    /// The driver flagged the buffer as damaged.
    #[error("driver marked the frame damaged")]
    Damaged,
    /// The buffer is shorter than the settled frame.
    #[error(transparent)]
    Short(ShortFrame),
    /// The device went away (unplugged); the camera ends after this frame.
    #[error("camera disconnected")]
    Gone,
}

/// A streaming V4L2 capture device whose frames are packed into one reused buffer.
pub struct V4l2Camera {
    device: PathBuf,
    stream: ReadStream,
    layout: CaptureLayout,
    frame_timeout: Duration,
    frames: Option<u64>,
    delivered: u64,
    gone: bool,
    frame: Vec<u8>,
}

impl V4l2Camera {
    /// Opens `device`, negotiates a format from `options` and starts streaming.
    pub fn open(device: &Path, options: V4l2Options) -> Result<V4l2Camera, V4l2Error> {
        let video = open_capture_node(device)?;
        let fourcc = choose_format(&offered_formats(device, &video)?, options.pixels)
            .map_err(|cause| negotiation_error(device, cause))?;
        let capture = request_format(device, video, fourcc, &options)?;
        let layout = check_settled(fourcc, settled_format(capture.format()))
            .map_err(|cause| negotiation_error(device, cause))?;
        request_frame_rate(device, &capture, options.fps);

        let stream =
            capture
                .into_stream()
                .map_err(|cause| match Errno::from_io_error(&cause) {
                    Some(Errno::BUSY) => V4l2Error::Busy {
                        device: device.to_path_buf(),
                    },
                    _ => V4l2Error::Stream {
                        device: device.to_path_buf(),
                        cause,
                    },
                })?;
        tracing::info!(
            camera = %device.display(),
            %fourcc,
            width = layout.width(),
            height = layout.height(),
            bytes_per_line = layout.bytes_per_line(),
            "video device streaming"
        );

        Ok(V4l2Camera {
            device: device.to_path_buf(),
            stream,
            layout,
            frame_timeout: options.frame_timeout(),
            frames: options.frames,
            delivered: 0,
            gone: false,
            frame: Vec::with_capacity(layout.packed_bytes()),
        })
    }

    /// The device path.
    pub fn device(&self) -> &Path {
        &self.device
    }

    /// The frames the device delivers.
    pub fn layout(&self) -> CaptureLayout {
        self.layout
    }

    /// Waits until a filled buffer can be dequeued, at most the frame timeout.
    fn wait_for_frame(&self) -> Result<(), CaptureError> {
        let timeout = Timespec {
            tv_sec: self.frame_timeout.as_secs().try_into().unwrap_or(i64::MAX),
            tv_nsec: self.frame_timeout.subsec_nanos().into(),
        };
        let mut ready = [PollFd::new(&self.stream, PollFlags::IN)];

        match rustix::event::poll(&mut ready, Some(&timeout)) {
            Ok(0) => Err(CaptureError::Timeout {
                waited_ms: self.frame_timeout.as_millis(),
            }),
            Ok(_) => Ok(()),
            Err(errno) => Err(CaptureError::Wait(errno.into())),
        }
    }

    /// Dequeues one buffer and packs its rows into `self.frame`.
    fn dequeue_frame(&mut self) -> Result<(), CaptureError> {
        let layout = self.layout;
        let frame = &mut self.frame;
        let packed = self.stream.dequeue(|buffer| {
            if buffer.is_error() {
                return Ok(Err(CaptureError::Damaged));
            }
            Ok(layout.pack(&buffer, frame).map_err(CaptureError::Short))
        });

        match packed {
            Ok(result) => result,
            Err(cause) if Errno::from_io_error(&cause) == Some(Errno::NODEV) => {
                self.gone = true;
                Err(CaptureError::Gone)
            }
            Err(cause) => Err(CaptureError::Dequeue(cause)),
        }
    }
}

impl FrameSource for V4l2Camera {
    type Error = CaptureError;

    fn capture(&mut self) -> Result<Option<RawFrame<'_>>, CaptureError> {
        let limit_reached = self.frames.is_some_and(|limit| self.delivered >= limit);
        if limit_reached || self.gone {
            return Ok(None);
        }
        self.delivered += 1;

        // Limitation: a device that keeps failing (every buffer damaged, or no buffer queued
        // after a failed re-queue) gives one `$EEERR` per capture without reopening the device;
        // only a disconnect (ENODEV) ends the camera.
        self.wait_for_frame()?;
        self.dequeue_frame()?;

        Ok(Some(RawFrame {
            format: self.layout.format(),
            width: self.layout.width(),
            height: self.layout.height(),
            data: &self.frame,
        }))
    }
}

/// Opens `device` and checks that it is a V4L2 node that can stream single-planar video.
fn open_capture_node(device: &Path) -> Result<Device, V4l2Error> {
    let path = || device.to_path_buf();
    let metadata = std::fs::metadata(device).map_err(|cause| open_error(device, cause))?;
    if !metadata.file_type().is_char_device() {
        return Err(V4l2Error::NotVideoDevice {
            device: path(),
            reason: "it is not a character device",
        });
    }

    let video = Device::open(device).map_err(|cause| open_error(device, cause))?;
    let capabilities = video
        .capabilities()
        .map_err(|cause| open_error(device, cause))?
        .device_capabilities();
    if !capabilities.contains(CapabilityFlags::VIDEO_CAPTURE) {
        return Err(V4l2Error::NoCapture { device: path() });
    }
    if !capabilities.contains(CapabilityFlags::STREAMING) {
        return Err(V4l2Error::NoStreaming { device: path() });
    }
    Ok(video)
}

/// The pixel formats the device lists for single-planar capture.
fn offered_formats(device: &Path, video: &Device) -> Result<Vec<FourCc>, V4l2Error> {
    video
        .formats(BufType::VIDEO_CAPTURE)
        .map(|described| described.map(|format| FourCc(format.pixel_format().as_fourcc())))
        .collect::<io::Result<Vec<_>>>()
        .map_err(|cause| V4l2Error::Query {
            device: device.to_path_buf(),
            cause,
        })
}

/// Asks for `fourcc` at the requested size; the driver answers with what it will deliver.
fn request_format(
    device: &Path,
    video: Device,
    fourcc: FourCc,
    options: &V4l2Options,
) -> Result<VideoCaptureDevice, V4l2Error> {
    let (width, height) = (options.width, options.height);
    let request = PixFormat::new(width, height, V4l2PixelFormat::from_fourcc(fourcc.0));
    video
        .video_capture(request)
        .map_err(|cause| match Errno::from_io_error(&cause) {
            Some(Errno::BUSY) => V4l2Error::Busy {
                device: device.to_path_buf(),
            },
            _ => V4l2Error::FormatRefused {
                device: device.to_path_buf(),
                fourcc,
                width,
                height,
                cause,
            },
        })
}

/// The driver's answer in the negotiation's terms.
fn settled_format(format: &PixFormat) -> SettledFormat {
    SettledFormat {
        fourcc: FourCc(format.pixel_format().as_fourcc()),
        width: format.width(),
        height: format.height(),
        bytes_per_line: format.bytes_per_line(),
        size_image: format.size_image(),
    }
}

/// Asks for `fps` frames per second when it is positive; a driver without frame-rate control
/// keeps its own rate, which is logged, not fatal.
fn request_frame_rate(device: &Path, capture: &VideoCaptureDevice, fps: f64) {
    if !(fps > 0.0 && fps.is_finite()) {
        return;
    }

    // One frame every 1000 / (1000 fps) seconds, in the fraction V4L2 expects.
    let frames_per_kilosecond = (fps * 1000.0).round().clamp(1.0, f64::from(u32::MAX)) as u32;
    let period = Fract::new(1000, frames_per_kilosecond);
    match capture.set_frame_interval(period) {
        Ok(settled) => tracing::info!(
            camera = %device.display(),
            frames_per_second = format!("{:.2}", 1.0 / settled.as_f32().max(f32::EPSILON)),
            "frame rate set"
        ),
        Err(error) => tracing::warn!(
            camera = %device.display(),
            %error,
            "frame rate cannot be set; the driver keeps its own"
        ),
    }
}

/// The setup error for a failure to open or query `device`.
fn open_error(device: &Path, cause: io::Error) -> V4l2Error {
    let device = device.to_path_buf();
    match Errno::from_io_error(&cause) {
        Some(Errno::NOENT | Errno::NODEV | Errno::NXIO) => V4l2Error::Missing { device },
        Some(Errno::ACCESS | Errno::PERM) => V4l2Error::Denied { device },
        Some(Errno::BUSY) => V4l2Error::Busy { device },
        Some(Errno::NOTTY | Errno::INVAL) => V4l2Error::NotVideoDevice {
            device,
            reason: "it does not answer V4L2 capability queries",
        },
        _ => V4l2Error::Open { device, cause },
    }
}

/// A negotiation failure, naming the device.
fn negotiation_error(device: &Path, cause: NegotiationError) -> V4l2Error {
    V4l2Error::Negotiation {
        device: device.to_path_buf(),
        cause,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> V4l2Options {
        V4l2Options {
            pixels: None,
            width: 320,
            height: 240,
            fps: 0.0,
            frames: None,
        }
    }

    fn refusal(device: &Path) -> V4l2Error {
        match V4l2Camera::open(device, options()) {
            Ok(_) => panic!("{} was accepted as a camera", device.display()),
            Err(error) => error,
        }
    }

    #[test]
    fn a_missing_device_is_named() {
        let error = refusal(Path::new("/dev/video-that-does-not-exist"));
        assert!(matches!(error, V4l2Error::Missing { .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            "no video device at /dev/video-that-does-not-exist"
        );
    }

    #[test]
    fn a_regular_file_is_not_a_video_device() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let error = refusal(file.path());
        assert_eq!(
            error.to_string(),
            format!(
                "{} is not a V4L2 video device: it is not a character device",
                file.path().display()
            )
        );
    }

    #[test]
    fn a_character_device_that_is_not_v4l2_is_refused_by_its_answer() {
        let error = refusal(Path::new("/dev/null"));
        assert_eq!(
            error.to_string(),
            "/dev/null is not a V4L2 video device: it does not answer V4L2 capability queries"
        );
    }

    #[test]
    fn the_frame_timeout_covers_three_periods_and_at_least_the_minimum() {
        let at = |fps| V4l2Options { fps, ..options() }.frame_timeout();
        assert_eq!(at(0.0), MIN_FRAME_TIMEOUT);
        assert_eq!(at(30.0), MIN_FRAME_TIMEOUT);
        assert_eq!(at(0.5), Duration::from_secs(6));
        assert_eq!(at(f64::NAN), MIN_FRAME_TIMEOUT);
    }
}
