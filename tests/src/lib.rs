//! Helpers for the end-to-end tests that cross the emotion-edge crates (the tests themselves
//! are in `tests/`).
//!
//! - [`fixture`]: a small, real combined ONNX model that follows the model contract, and
//!   variants that break it;
//! - [`model_card`]: model cards for fixture models;
//! - [`binaries`]: where the `sim` and `emotion-edge` programs under test are;
//! - [`pty`]: a connected pair of pseudo-terminals from `socat`, the test's serial cable.

pub mod binaries;
pub mod fixture;
pub mod model_card;
pub mod pty;

/// The workspace root (this crate's parent folder).
pub fn workspace_dir() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}
