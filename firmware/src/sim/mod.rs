//! The host simulator's device parts (feature `sim`, needs `std`).
//!
//! - [`camera_spec`]: the camera named on the command line (image files or a V4L2 device);
//! - [`camera`]: image files or a folder of them as the camera, paced and counted;
//! - [`pixels`]: decoded images converted to the camera's pixel formats;
//! - [`tract_engine`]: the combined ONNX model run by tract, checked against the contract;
//! - [`model_card`]: the `<model>.json` card beside a model and its SHA-256 check;
//! - [`serial`]: stdout, a file, a pty or a tty as the UART;
//! - [`uart`]: a tty set to raw 8N1 at a baud rate;
//! - [`clock`]: the host's monotonic clock.

pub mod camera;
pub mod camera_spec;
pub mod clock;
pub mod model_card;
pub mod pixels;
pub mod serial;
pub mod tract_engine;
pub mod uart;

pub use camera::{CameraError, CameraOptions, ImageCamera};
pub use camera_spec::{CameraSpec, CaptureSize};
pub use clock::HostClock;
pub use model_card::ModelCard;
pub use pixels::CameraPixels;
pub use serial::{HostSerial, SerialTarget};
pub use tract_engine::{InferenceError, ModelError, TractEngine};
