//! The camera of the QEMU twin: the bundled sample faces, compiled in as grey8 frames and
//! played once in file-name order.

use core::convert::Infallible;

use cortex_m_semihosting::hprintln;
use firmware::{FrameSource, RawFrame};
use shared::frame::PixelFormat;

/// One sample face as `build.rs` decoded it.
#[derive(Debug, Clone, Copy)]
pub struct SampleFrame {
    /// The PNG's file name.
    pub name: &'static str,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// One BT.601 grey byte per pixel, row-major.
    pub grey: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/sample_frames.rs"));

/// Plays [`SAMPLE_FRAMES`] once, then ends.
#[derive(Debug, Default)]
pub struct CompiledCamera {
    next: usize,
}

impl CompiledCamera {
    /// How many frames the camera plays.
    pub fn frame_count(&self) -> usize {
        SAMPLE_FRAMES.len()
    }
}

impl FrameSource for CompiledCamera {
    type Error = Infallible;

    fn capture(&mut self) -> Result<Option<RawFrame<'_>>, Infallible> {
        let Some(sample) = SAMPLE_FRAMES.get(self.next) else {
            return Ok(None);
        };

        hprintln!(
            "frame {}: {} ({}x{} grey)",
            self.next,
            sample.name,
            sample.width,
            sample.height
        );
        self.next += 1;
        Ok(Some(RawFrame {
            format: PixelFormat::Grey8,
            width: sample.width,
            height: sample.height,
            data: sample.grey,
        }))
    }
}
