//! Format negotiation with a V4L2 capture device: which pixel format to ask for, and whether
//! what the driver settled on (drivers may change any field of a request) can be read.

use shared::frame::PixelFormat;

use super::capture_layout::CaptureLayout;
use super::fourcc::{self, FourCc};

/// What the driver answered to a format request (`VIDIOC_S_FMT`): the frames it will deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettledFormat {
    /// Pixel format code.
    pub fourcc: FourCc,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes from the start of one row to the next (0: rows without padding).
    pub bytes_per_line: u32,
    /// Bytes of one whole frame buffer (0: not reported).
    pub size_image: u32,
}

/// Why no usable capture format could be agreed with a device. The text completes a sentence
/// that names the device.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NegotiationError {
    /// The user asked for a pixel format the device does not list.
    #[error("it does not offer {wanted}; it offers {}", fourcc::list(.offered))]
    NotOffered {
        /// The code asked for.
        wanted: FourCc,
        /// The codes the device lists.
        offered: Vec<FourCc>,
    },
    /// The device lists none of [`FourCc::READABLE`] (e.g. only MJPEG or raw Bayer).
    #[error(
        "it offers none of the pixel formats this program reads ({}); it offers {}",
        fourcc::list(&FourCc::READABLE),
        fourcc::list(.offered)
    )]
    NoneReadable {
        /// The codes the device lists.
        offered: Vec<FourCc>,
    },
    /// The driver answered with another pixel format than the one requested.
    #[error("its driver delivers {settled} instead of the requested {requested}")]
    FormatSwapped {
        /// The code asked for.
        requested: FourCc,
        /// The code the driver settled on.
        settled: FourCc,
    },
    /// The driver settled on a zero width or height.
    #[error("its driver settled on an empty {width}x{height} frame")]
    EmptyFrame {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// A YUYV frame must have an even width (two pixels share their chroma).
    #[error("its driver settled on an odd YUYV width of {width} pixels")]
    OddYuyvWidth {
        /// Width in pixels.
        width: u32,
    },
    /// The driver's row pitch is shorter than one row of pixels.
    #[error(
        "its driver's rows of {bytes_per_line} bytes are shorter than {width} pixels of \
         {fourcc} ({row_bytes} bytes)"
    )]
    RowsTooShort {
        /// Pixel format code.
        fourcc: FourCc,
        /// Width in pixels.
        width: u32,
        /// The driver's row pitch.
        bytes_per_line: u32,
        /// Bytes that one row of pixels takes.
        row_bytes: u64,
    },
    /// The driver's frame buffers cannot hold the frame it settled on.
    #[error(
        "its driver's {size_image}-byte buffers cannot hold a {width}x{height} frame \
         ({needed} bytes)"
    )]
    BufferTooSmall {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The driver's buffer size.
        size_image: u32,
        /// Bytes the frame needs.
        needed: u64,
    },
    /// The frame's byte count does not fit this machine's address space.
    #[error("its driver settled on a {width}x{height} frame too large to address")]
    TooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
}

/// The pixel format to request: `wanted` when the device offers it, otherwise the first of
/// [`FourCc::READABLE`] that it offers.
pub fn choose_format(
    offered: &[FourCc],
    wanted: Option<PixelFormat>,
) -> Result<FourCc, NegotiationError> {
    if let Some(format) = wanted {
        let wanted = FourCc::of(format);
        if !offered.contains(&wanted) {
            return Err(NegotiationError::NotOffered {
                wanted,
                offered: offered.to_vec(),
            });
        }
        return Ok(wanted);
    }

    FourCc::READABLE
        .into_iter()
        .find(|code| offered.contains(code))
        .ok_or_else(|| NegotiationError::NoneReadable {
            offered: offered.to_vec(),
        })
}

/// Checks the driver's answer to a request for `requested` and returns the layout of the
/// frames it will deliver.
pub fn check_settled(
    requested: FourCc,
    settled: SettledFormat,
) -> Result<CaptureLayout, NegotiationError> {
    let SettledFormat {
        fourcc,
        width,
        height,
        bytes_per_line,
        size_image,
    } = settled;
    let format = match (fourcc == requested, fourcc.pixel_format()) {
        (true, Some(format)) => format,
        _ => {
            return Err(NegotiationError::FormatSwapped {
                requested,
                settled: fourcc,
            });
        }
    };
    if width == 0 || height == 0 {
        return Err(NegotiationError::EmptyFrame { width, height });
    }
    if format == PixelFormat::Yuyv422 && !width.is_multiple_of(2) {
        return Err(NegotiationError::OddYuyvWidth { width });
    }

    let row_bytes = u64::from(width) * format.bytes_per_pixel() as u64;
    let pitch = match bytes_per_line {
        0 => row_bytes,
        pitch => u64::from(pitch),
    };
    if pitch < row_bytes {
        return Err(NegotiationError::RowsTooShort {
            fourcc,
            width,
            bytes_per_line,
            row_bytes,
        });
    }

    let needed = u64::from(height - 1) * pitch + row_bytes;
    if size_image != 0 && u64::from(size_image) < needed {
        return Err(NegotiationError::BufferTooSmall {
            width,
            height,
            size_image,
            needed,
        });
    }

    let address = |value: u64| usize::try_from(value).ok();
    let layout = match (
        address(u64::from(width)),
        address(u64::from(height)),
        address(pitch),
    ) {
        (Some(width), Some(height), Some(pitch)) => {
            CaptureLayout::new(format, width, height, pitch)
        }
        _ => None,
    };
    layout.ok_or(NegotiationError::TooLarge { width, height })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MJPG: FourCc = FourCc(*b"MJPG");

    fn settled(fourcc: FourCc, width: u32, height: u32, pitch: u32, size: u32) -> SettledFormat {
        SettledFormat {
            fourcc,
            width,
            height,
            bytes_per_line: pitch,
            size_image: size,
        }
    }

    #[test]
    fn without_a_wish_grey_beats_yuyv_and_yuyv_beats_rgb565() {
        let offered = [MJPG, FourCc::RGB565_LE, FourCc::YUYV];
        assert_eq!(choose_format(&offered, None), Ok(FourCc::YUYV));
        let offered = [FourCc::YUYV, FourCc::GREY];
        assert_eq!(choose_format(&offered, None), Ok(FourCc::GREY));
        assert_eq!(
            choose_format(&[FourCc::RGB565_BE], None),
            Ok(FourCc::RGB565_BE)
        );
    }

    #[test]
    fn a_wished_format_is_taken_only_when_offered() {
        let offered = [FourCc::GREY, FourCc::YUYV];
        let wanted = Some(PixelFormat::Yuyv422);
        assert_eq!(choose_format(&offered, wanted), Ok(FourCc::YUYV));

        let error = choose_format(&[MJPG, FourCc::GREY], wanted).unwrap_err();
        assert_eq!(
            error.to_string(),
            "it does not offer YUYV; it offers MJPG, GREY"
        );
    }

    #[test]
    fn a_device_with_only_compressed_formats_is_refused_with_its_list() {
        let error = choose_format(&[MJPG, FourCc(*b"H264")], None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "it offers none of the pixel formats this program reads \
             (GREY, YUYV, RGBP, RGBR); it offers MJPG, H264"
        );
        let error = choose_format(&[], None).unwrap_err();
        assert!(error.to_string().ends_with("it offers nothing"), "{error}");
    }

    #[test]
    fn a_tight_or_padded_answer_gives_its_layout() {
        let layout = check_settled(FourCc::YUYV, settled(FourCc::YUYV, 320, 240, 640, 153_600));
        let layout = layout.unwrap();
        assert_eq!((layout.width(), layout.height()), (320, 240));
        assert_eq!(layout.format(), PixelFormat::Yuyv422);
        assert_eq!((layout.row_bytes(), layout.bytes_per_line()), (640, 640));

        let padded = check_settled(FourCc::GREY, settled(FourCc::GREY, 100, 10, 128, 0));
        assert_eq!(padded.unwrap().bytes_per_line(), 128);
        let unreported = check_settled(FourCc::GREY, settled(FourCc::GREY, 100, 10, 0, 0));
        assert_eq!(unreported.unwrap().bytes_per_line(), 100);
    }

    #[test]
    fn a_driver_that_swaps_the_format_is_refused() {
        let error = check_settled(FourCc::GREY, settled(MJPG, 320, 240, 0, 0)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "its driver delivers MJPG instead of the requested GREY"
        );
        let error = check_settled(MJPG, settled(MJPG, 320, 240, 0, 0)).unwrap_err();
        assert!(matches!(error, NegotiationError::FormatSwapped { .. }));
    }

    #[test]
    fn impossible_geometries_are_refused() {
        let cases = [
            (settled(FourCc::GREY, 0, 240, 0, 0), "empty 0x240 frame"),
            (
                settled(FourCc::YUYV, 321, 240, 0, 0),
                "odd YUYV width of 321",
            ),
            (settled(FourCc::YUYV, 320, 240, 600, 0), "rows of 600 bytes"),
            (
                settled(FourCc::GREY, 320, 240, 320, 1000),
                "1000-byte buffers",
            ),
        ];
        for (answer, expected) in cases {
            let error = check_settled(answer.fourcc, answer).unwrap_err();
            assert!(error.to_string().contains(expected), "{error}");
        }
    }
}
