//! The camera side of the device: raw frames of any size and pixel format.

use core::fmt;

use shared::frame::{Frame, FrameError, PixelFormat};

/// One captured frame as the camera delivered it, not yet checked.
///
/// The bytes are borrowed from the source's own buffer and stay valid until the next
/// capture. Nothing is checked here: [`RawFrame::to_frame`] checks that `data` holds exactly
/// `width * height` pixels of `format`.
#[derive(Debug, Clone, Copy)]
pub struct RawFrame<'a> {
    /// How the bytes encode pixels.
    pub format: PixelFormat,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// The pixels, row-major without padding.
    pub data: &'a [u8],
}

impl<'a> RawFrame<'a> {
    /// The checked frame, or why the bytes do not make one.
    pub fn to_frame(&self) -> Result<Frame<'a>, FrameError> {
        Frame::new(self.format, self.width, self.height, self.data)
    }
}

/// A camera: yields one frame per call.
pub trait FrameSource {
    /// Why a capture failed (sensor timeout, unreadable file, ...). Its text is sent in an
    /// `$EEERR` line, cut to the protocol's length limit.
    type Error: fmt::Display;

    /// Captures the next frame; `Ok(None)` when the source has no more frames (a file list
    /// played to its end). A live camera never ends.
    fn capture(&mut self) -> Result<Option<RawFrame<'_>>, Self::Error>;
}
