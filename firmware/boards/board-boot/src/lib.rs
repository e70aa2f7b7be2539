//! How the emotion-edge Cortex-M binaries start, shared by the STM32H747I-DISCO board and
//! its QEMU twin so both refuse exactly the same models.
//!
//! - [`ModelBlob`]: the blob in flash, 4-byte aligned so the engine reads it in place;
//! - [`load_engine`]: parses the blob and builds the engine once the heap is known to hold
//!   its arena, or says why not ([`ModelRefusal`]);
//! - [`report_refusal`]: the refusal as an `$EEERR` `MODEL` line on the serial port;
//! - [`app_config`]: the application settings both binaries use;
//! - [`board_heap!`]: a binary's global allocator over a static buffer of its size.

#![no_std]

mod blob;
mod heap;
mod refusal;

pub use blob::ModelBlob;
pub use refusal::{ModelRefusal, report_refusal};

/// What [`board_heap!`] expands to refers to; not part of the crate's interface.
#[doc(hidden)]
pub mod __private {
    pub use embedded_alloc;
}

use firmware::AppConfig;
use firmware::mcu::{McuEngine, McuModel};
use shared::labels::EmotionLabelSet;
use shared::postprocess::SmootherConfig;
use shared::preprocess::ModelInput;

/// Parses `blob` and builds its engine, if `heap_free` bytes hold the engine's arena and the
/// application's model input (the only other allocation that follows).
pub fn load_engine(blob: &[u8], heap_free: usize) -> Result<McuEngine<'_>, ModelRefusal> {
    let model = McuModel::parse(blob).map_err(ModelRefusal::Blob)?;

    let needed = model.arena_bytes().saturating_add(size_of::<ModelInput>());
    if needed > heap_free {
        return Err(ModelRefusal::HeapTooSmall {
            needed,
            free: heap_free,
        });
    }
    Ok(McuEngine::new(model))
}

/// The application's settings on a board: the default label set and smoothing, and the
/// centre square of every frame.
pub fn app_config() -> Result<AppConfig, ModelRefusal> {
    let firmware = firmware::firmware_version().map_err(ModelRefusal::FirmwareVersion)?;
    Ok(AppConfig {
        firmware,
        labels: EmotionLabelSet::DEFAULT,
        smoothing: SmootherConfig::DEFAULT,
        crop: None,
    })
}
