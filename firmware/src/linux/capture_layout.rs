//! The geometry of the frames a V4L2 driver delivers, and the packing of its buffers (rows
//! may be padded to a pitch) into the row-major, unpadded bytes of a [`crate::RawFrame`].

use shared::frame::PixelFormat;

/// The frames a capture device delivers: format, size and row pitch, checked so that every
/// byte count below fits in `usize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptureLayout {
    format: PixelFormat,
    width: usize,
    height: usize,
    bytes_per_line: usize,
    needed_bytes: usize,
    packed_bytes: usize,
}

/// A dequeued buffer too short for the settled frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("frame holds {got} bytes, {needed} expected")]
pub struct ShortFrame {
    /// Bytes the frame needs.
    pub needed: usize,
    /// Bytes the driver filled.
    pub got: usize,
}

impl CaptureLayout {
    /// The layout of `width` x `height` frames in `format` whose rows start `bytes_per_line`
    /// bytes apart; `None` when the size is zero, a row is longer than the pitch, or a byte
    /// count overflows.
    pub fn new(
        format: PixelFormat,
        width: usize,
        height: usize,
        bytes_per_line: usize,
    ) -> Option<CaptureLayout> {
        let row_bytes = width.checked_mul(format.bytes_per_pixel())?;
        if width == 0 || height == 0 || bytes_per_line < row_bytes {
            return None;
        }

        let needed_bytes = (height - 1)
            .checked_mul(bytes_per_line)?
            .checked_add(row_bytes)?;
        let packed_bytes = height.checked_mul(row_bytes)?;
        Some(CaptureLayout {
            format,
            width,
            height,
            bytes_per_line,
            needed_bytes,
            packed_bytes,
        })
    }

    /// Pixel format.
    pub fn format(&self) -> PixelFormat {
        self.format
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Bytes from the start of one row to the next in the driver's buffers.
    pub fn bytes_per_line(&self) -> usize {
        self.bytes_per_line
    }

    /// Bytes of one row of pixels, without padding.
    pub fn row_bytes(&self) -> usize {
        self.width * self.format.bytes_per_pixel()
    }

    /// Bytes of one packed frame.
    pub fn packed_bytes(&self) -> usize {
        self.packed_bytes
    }

    /// Replaces `frame` with the rows of `buffer`, padding dropped. `frame` keeps its
    /// capacity, so packing every frame into the same vector allocates only once.
    pub fn pack(&self, buffer: &[u8], frame: &mut Vec<u8>) -> Result<(), ShortFrame> {
        if buffer.len() < self.needed_bytes {
            return Err(ShortFrame {
                needed: self.needed_bytes,
                got: buffer.len(),
            });
        }

        frame.clear();
        let row_bytes = self.row_bytes();
        for row in buffer.chunks(self.bytes_per_line).take(self.height) {
            frame.extend_from_slice(&row[..row_bytes]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padded_rows_lose_their_padding() {
        let layout = CaptureLayout::new(PixelFormat::Yuyv422, 2, 3, 6).unwrap();
        let buffer = [1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 0, 0, 9, 10, 11, 12];
        let mut frame = vec![99; 40];
        layout.pack(&buffer, &mut frame).unwrap();
        assert_eq!(frame, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        assert_eq!(frame.len(), layout.packed_bytes());
    }

    #[test]
    fn a_tight_buffer_is_copied_as_it_is_and_trailing_bytes_are_ignored() {
        let layout = CaptureLayout::new(PixelFormat::Grey8, 3, 2, 3).unwrap();
        let mut frame = Vec::new();
        layout.pack(&[1, 2, 3, 4, 5, 6, 7, 7], &mut frame).unwrap();
        assert_eq!(frame, [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn a_short_buffer_is_an_error_not_a_panic() {
        let layout = CaptureLayout::new(PixelFormat::Grey8, 4, 2, 8).unwrap();
        let mut frame = Vec::new();
        for length in 0..12 {
            let error = layout.pack(&vec![0; length], &mut frame).unwrap_err();
            assert_eq!(
                error,
                ShortFrame {
                    needed: 12,
                    got: length
                }
            );
        }
        assert_eq!(
            ShortFrame { needed: 12, got: 3 }.to_string(),
            "frame holds 3 bytes, 12 expected"
        );
        assert!(layout.pack(&[0; 12], &mut frame).is_ok());
    }

    #[test]
    fn impossible_layouts_are_none() {
        assert_eq!(CaptureLayout::new(PixelFormat::Grey8, 0, 2, 8), None);
        assert_eq!(CaptureLayout::new(PixelFormat::Rgb565Le, 5, 2, 8), None);
        assert_eq!(
            CaptureLayout::new(PixelFormat::Grey8, 2, usize::MAX, 8),
            None
        );
    }
}
