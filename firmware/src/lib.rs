//! The emotion-edge device program.
//!
//! The application core ([`app::Application`]) is `#![no_std]` and generic over three
//! device parts:
//!
//! - a [`source::FrameSource`]: the camera, yielding raw frames of any size and format;
//! - an [`engine::Engine`]: the combined model, turning a 96x96 input into 15 keypoints and
//!   5 emotion probabilities;
//! - an [`embedded_io::Write`] serial port, which receives the `$EE...` readout lines;
//!
//! plus a [`clock::Clock`] that times inference. Each step captures a frame, preprocesses it
//! with `shared` (centre square, 96x96, grey, [0, 1]), runs the engine, smooths the
//! probabilities and writes one `$EEEMO` and one `$EEKPT` line; a bad frame or a failed
//! inference writes one `$EEERR` line instead and the loop goes on. The core never panics on
//! any frame or engine output.
//!
//! [`mcu`] is the engine of Cortex-M boards: an int8 interpreter for the combined model, fed
//! by a model blob converted on the host.
//!
//! Without the `std` feature the crate is `#![no_std]` (it needs `alloc` for one buffer);
//! the `sim` feature (default, needs `std`) adds the host simulator in [`sim`]: image files
//! as the camera, tract as the engine, stdout / a file / a pty as the UART. The `v4l2`
//! feature (default, Linux only) adds [`linux`]: a V4L2 capture device as the camera, so the
//! same `sim` program runs on a Linux camera board with its UART as the serial port. The
//! `defmt` feature logs device events through `defmt`.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

#[cfg(all(test, not(feature = "std")))]
extern crate std;

#[macro_use]
mod log;

pub mod app;
pub mod clock;
pub mod engine;
pub mod mcu;
pub mod readout;
pub mod source;

#[cfg(feature = "sim")]
pub mod sim;

#[cfg(all(feature = "v4l2", target_os = "linux"))]
pub mod linux;

pub use app::{AppConfig, Application, RunSummary, StepOutcome};
pub use clock::Clock;
pub use engine::{Engine, Inference};
pub use source::{FrameSource, RawFrame};

use shared::protocol::{FirmwareVersion, InvalidFirmwareVersion};

/// This firmware's version, as sent in `$EEHLO`: the crate version.
pub const FIRMWARE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// [`FIRMWARE_VERSION`] as a protocol field.
pub fn firmware_version() -> Result<FirmwareVersion, InvalidFirmwareVersion> {
    FirmwareVersion::new(FIRMWARE_VERSION)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_crate_version_is_a_valid_protocol_field() {
        let version = super::firmware_version().unwrap();
        assert_eq!(version.as_str(), super::FIRMWARE_VERSION);
    }
}
