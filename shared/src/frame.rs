//! Camera frames: a borrowed pixel buffer with its format and size.

/// How the bytes of a [`Frame`] encode its pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PixelFormat {
    /// One byte of luminance per pixel.
    Grey8,
    /// RGB 5-6-5, two bytes per pixel, little-endian (low byte first).
    Rgb565Le,
    /// RGB 5-6-5, two bytes per pixel, big-endian (high byte first), as many camera
    /// sensors send it over a parallel port.
    Rgb565Be,
    /// YUV 4:2:2 packed as `Y0 U Y1 V`, two bytes per pixel; the width must be even.
    Yuyv422,
}

impl PixelFormat {
    /// Bytes that one pixel takes on average.
    pub const fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Grey8 => 1,
            PixelFormat::Rgb565Le | PixelFormat::Rgb565Be | PixelFormat::Yuyv422 => 2,
        }
    }
}

/// Why a buffer is not a valid frame, or a crop box does not fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum FrameError {
    /// Width or height is zero.
    Empty,
    /// The buffer holds `actual` bytes where the size and format need `expected`.
    WrongLength {
        /// Bytes the size and format need.
        expected: usize,
        /// Bytes the buffer holds.
        actual: usize,
    },
    /// A YUYV frame with an odd width.
    OddYuyvWidth,
    /// The crop box is empty or reaches past the frame's edge.
    CropOutsideFrame,
}

impl core::fmt::Display for FrameError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FrameError::Empty => write!(f, "frame has zero width or height"),
            FrameError::WrongLength { expected, actual } => {
                write!(
                    f,
                    "frame holds {actual} bytes, its size and format need {expected}"
                )
            }
            FrameError::OddYuyvWidth => write!(f, "YUYV frame width must be even"),
            FrameError::CropOutsideFrame => write!(f, "crop box is empty or outside the frame"),
        }
    }
}

impl core::error::Error for FrameError {}

/// A rectangle of a frame, in pixels: the face box to read, or a centre square.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CropBox {
    /// Left edge.
    pub x: usize,
    /// Top edge.
    pub y: usize,
    /// Width.
    pub width: usize,
    /// Height.
    pub height: usize,
}

/// A camera frame that borrows its pixels. Its length is checked when it is made, so every
/// pixel lookup afterwards is in bounds.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    format: PixelFormat,
    width: usize,
    height: usize,
    data: &'a [u8],
}

impl<'a> Frame<'a> {
    /// Wraps `data` as a `width` x `height` frame in `format`, row-major without padding.
    ///
    /// Fails when the size is zero, the length does not match, or a YUYV width is odd.
    pub fn new(
        format: PixelFormat,
        width: usize,
        height: usize,
        data: &'a [u8],
    ) -> Result<Frame<'a>, FrameError> {
        if width == 0 || height == 0 {
            return Err(FrameError::Empty);
        }
        if format == PixelFormat::Yuyv422 && !width.is_multiple_of(2) {
            return Err(FrameError::OddYuyvWidth);
        }

        let expected = width
            .checked_mul(height)
            .and_then(|pixels| pixels.checked_mul(format.bytes_per_pixel()))
            .ok_or(FrameError::WrongLength {
                expected: usize::MAX,
                actual: data.len(),
            })?;
        if data.len() != expected {
            return Err(FrameError::WrongLength {
                expected,
                actual: data.len(),
            });
        }

        Ok(Frame {
            format,
            width,
            height,
            data,
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

    /// The raw bytes.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The largest square centred in the frame.
    pub fn centre_square(&self) -> CropBox {
        let side = self.width.min(self.height);
        CropBox {
            x: (self.width - side) / 2,
            y: (self.height - side) / 2,
            width: side,
            height: side,
        }
    }

    /// Checks that `crop` is non-empty and lies inside the frame.
    pub fn check_crop(&self, crop: CropBox) -> Result<CropBox, FrameError> {
        let right = crop.x.checked_add(crop.width);
        let bottom = crop.y.checked_add(crop.height);
        let inside =
            matches!((right, bottom), (Some(r), Some(b)) if r <= self.width && b <= self.height);
        if crop.width == 0 || crop.height == 0 || !inside {
            return Err(FrameError::CropOutsideFrame);
        }
        Ok(crop)
    }

    /// Grey level 0..=255 of pixel (`x`, `y`), with ITU-R BT.601 weights for colour formats.
    ///
    /// Coordinates past the edge are clamped to it.
    pub fn grey_at(&self, x: usize, y: usize) -> u8 {
        let x = x.min(self.width - 1);
        let y = y.min(self.height - 1);
        let pixel = y * self.width + x;

        match self.format {
            PixelFormat::Grey8 => self.data[pixel],
            PixelFormat::Rgb565Le => rgb565_grey(u16::from_le_bytes([
                self.data[2 * pixel],
                self.data[2 * pixel + 1],
            ])),
            PixelFormat::Rgb565Be => rgb565_grey(u16::from_be_bytes([
                self.data[2 * pixel],
                self.data[2 * pixel + 1],
            ])),
            PixelFormat::Yuyv422 => self.data[2 * pixel],
        }
    }
}

/// BT.601 luma of an RGB 5-6-5 pixel, channels widened to 8 bits by bit replication.
fn rgb565_grey(value: u16) -> u8 {
    let red5 = (value >> 11) & 0x1f;
    let green6 = (value >> 5) & 0x3f;
    let blue5 = value & 0x1f;

    let red = u32::from((red5 << 3) | (red5 >> 2));
    let green = u32::from((green6 << 2) | (green6 >> 4));
    let blue = u32::from((blue5 << 3) | (blue5 >> 2));

    bt601_luma(red, green, blue)
}

/// ITU-R BT.601 luma of 8-bit R, G, B: 0.299 R + 0.587 G + 0.114 B, rounded.
pub fn bt601_luma(red: u32, green: u32, blue: u32) -> u8 {
    let weighted = 299 * red + 587 * green + 114 * blue;
    ((weighted + 500) / 1000) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_length_is_reported_with_both_sizes() {
        let data = [0u8; 10];
        let err = Frame::new(PixelFormat::Rgb565Le, 2, 3, &data).unwrap_err();
        assert_eq!(
            err,
            FrameError::WrongLength {
                expected: 12,
                actual: 10
            }
        );
    }

    #[test]
    fn zero_size_and_odd_yuyv_are_rejected() {
        assert_eq!(
            Frame::new(PixelFormat::Grey8, 0, 3, &[]).unwrap_err(),
            FrameError::Empty
        );
        let data = [0u8; 6];
        let err = Frame::new(PixelFormat::Yuyv422, 3, 1, &data).unwrap_err();
        assert_eq!(err, FrameError::OddYuyvWidth);
    }

    #[test]
    fn rgb565_white_and_primaries_give_bt601_grey() {
        assert_eq!(rgb565_grey(0xffff), 255);
        assert_eq!(rgb565_grey(0x0000), 0);
        assert_eq!(rgb565_grey(0xf800), 76);
        assert_eq!(rgb565_grey(0x07e0), 150);
        assert_eq!(rgb565_grey(0x001f), 29);
    }

    #[test]
    fn byte_orders_and_yuyv_read_the_same_grey() {
        let le = [0x00, 0xf8];
        let be = [0xf8, 0x00];
        let red_le = Frame::new(PixelFormat::Rgb565Le, 1, 1, &le).unwrap();
        let red_be = Frame::new(PixelFormat::Rgb565Be, 1, 1, &be).unwrap();
        assert_eq!(red_le.grey_at(0, 0), red_be.grey_at(0, 0));

        let yuyv = [10, 128, 200, 128];
        let frame = Frame::new(PixelFormat::Yuyv422, 2, 1, &yuyv).unwrap();
        assert_eq!((frame.grey_at(0, 0), frame.grey_at(1, 0)), (10, 200));
    }

    #[test]
    fn centre_square_and_crop_checks() {
        let data = [0u8; 12];
        let frame = Frame::new(PixelFormat::Grey8, 4, 3, &data).unwrap();
        assert_eq!(
            frame.centre_square(),
            CropBox {
                x: 0,
                y: 0,
                width: 3,
                height: 3
            }
        );
        let outside = CropBox {
            x: 2,
            y: 0,
            width: 3,
            height: 1,
        };
        assert_eq!(frame.check_crop(outside), Err(FrameError::CropOutsideFrame));
        let huge = CropBox {
            x: usize::MAX,
            y: 0,
            width: 2,
            height: 1,
        };
        assert_eq!(frame.check_crop(huge), Err(FrameError::CropOutsideFrame));
    }
}
