//! The Linux camera board's camera (feature `v4l2`, Linux only): a V4L2 capture device such
//! as a USB webcam or a camera driver that offers single-planar grey or YUV frames.
//!
//! - [`fourcc`]: V4L2 pixel format codes and the frame formats they stand for;
//! - [`negotiation`]: choosing a pixel format the device offers and checking what the driver
//!   settled on;
//! - [`capture_layout`]: the settled frame geometry, and row-padded driver buffers packed into
//!   the rows the application core reads;
//! - [`v4l2_camera`]: the device itself as a [`crate::FrameSource`].
//!
//! The board's UART is the simulator's serial port on a tty path (`sim::serial`, raw mode at
//! a baud rate), and its engine the simulator's tract engine.

pub mod capture_layout;
pub mod fourcc;
pub mod negotiation;
pub mod v4l2_camera;

pub use capture_layout::{CaptureLayout, ShortFrame};
pub use fourcc::FourCc;
pub use negotiation::{NegotiationError, SettledFormat};
pub use v4l2_camera::{CaptureError, V4l2Camera, V4l2Error, V4l2Options};
