//! V4L2 pixel format codes ("fourcc") and the frame formats of `shared` they stand for.

use core::fmt;

use shared::frame::PixelFormat;

/// A V4L2 pixel format code: four ASCII bytes, e.g. `YUYV`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FourCc(pub [u8; 4]);

impl FourCc {
    /// `GREY`: 8-bit luminance.
    pub const GREY: FourCc = FourCc(*b"GREY");
    /// `YUYV`: packed YUV 4:2:2, `Y0 U Y1 V`.
    pub const YUYV: FourCc = FourCc(*b"YUYV");
    /// `RGBP`: RGB 5-6-5, low byte first.
    pub const RGB565_LE: FourCc = FourCc(*b"RGBP");
    /// `RGBR`: RGB 5-6-5, high byte first.
    pub const RGB565_BE: FourCc = FourCc(*b"RGBR");

    /// The codes this program reads, in the order it prefers them when the user names none:
    /// grey first (what the model reads, one byte a pixel), then YUYV (what almost every USB
    /// camera offers), then RGB 5-6-5.
    pub const READABLE: [FourCc; 4] = [
        FourCc::GREY,
        FourCc::YUYV,
        FourCc::RGB565_LE,
        FourCc::RGB565_BE,
    ];

    /// The frame format this code delivers, or `None` when this program cannot read it.
    pub fn pixel_format(self) -> Option<PixelFormat> {
        match self {
            FourCc::GREY => Some(PixelFormat::Grey8),
            FourCc::YUYV => Some(PixelFormat::Yuyv422),
            FourCc::RGB565_LE => Some(PixelFormat::Rgb565Le),
            FourCc::RGB565_BE => Some(PixelFormat::Rgb565Be),
            _ => None,
        }
    }

    /// The code that delivers `format`.
    pub fn of(format: PixelFormat) -> FourCc {
        match format {
            PixelFormat::Grey8 => FourCc::GREY,
            PixelFormat::Yuyv422 => FourCc::YUYV,
            PixelFormat::Rgb565Le => FourCc::RGB565_LE,
            PixelFormat::Rgb565Be => FourCc::RGB565_BE,
        }
    }
}

impl fmt::Display for FourCc {
    /// The four characters, with anything unprintable escaped (`\x00`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{}", byte.escape_ascii())?;
        }
        Ok(())
    }
}

/// `codes` as a comma-separated list for messages, or `nothing` when empty.
pub fn list(codes: &[FourCc]) -> String {
    if codes.is_empty() {
        return "nothing".to_owned();
    }
    codes
        .iter()
        .map(FourCc::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_readable_code_maps_to_a_format_and_back() {
        for code in FourCc::READABLE {
            let format = code.pixel_format().unwrap();
            assert_eq!(FourCc::of(format), code);
        }
        assert_eq!(FourCc(*b"MJPG").pixel_format(), None);
    }

    #[test]
    fn codes_print_as_text_with_odd_bytes_escaped() {
        assert_eq!(FourCc::YUYV.to_string(), "YUYV");
        assert_eq!(FourCc(*b"Y10\0").to_string(), "Y10\\x00");
        assert_eq!(list(&[FourCc::GREY, FourCc(*b"MJPG")]), "GREY, MJPG");
        assert_eq!(list(&[]), "nothing");
    }
}
