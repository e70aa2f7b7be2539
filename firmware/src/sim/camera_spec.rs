//! Which camera the program reads, as the command line names it: image files, or a V4L2
//! device (`v4l2:/dev/video0`) at a chosen frame size.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

/// The prefix that marks a V4L2 device in `--camera`.
pub const V4L2_PREFIX: &str = "v4l2:";

/// The camera named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraSpec {
    /// An image file, or a folder whose images play in name order.
    Images(PathBuf),
    /// A V4L2 capture device such as `/dev/video0`.
    V4l2(PathBuf),
}

/// Why a camera or frame size argument cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CameraSpecError {
    /// `v4l2:` without a path.
    #[error("`{V4L2_PREFIX}` needs a device path, e.g. `{V4L2_PREFIX}/dev/video0`")]
    MissingDevice,
    /// A frame size that is not `WIDTHxHEIGHT`.
    #[error("`{0}` is not a frame size: expected WIDTHxHEIGHT, e.g. 320x240")]
    NotASize(String),
    /// A frame size with a zero side.
    #[error("`{0}` has a zero side: width and height must be positive")]
    ZeroSize(String),
}

impl FromStr for CameraSpec {
    type Err = CameraSpecError;

    /// `v4l2:<device>` for a V4L2 device, anything else an image file or folder.
    fn from_str(text: &str) -> Result<CameraSpec, CameraSpecError> {
        match text.strip_prefix(V4L2_PREFIX) {
            Some("") => Err(CameraSpecError::MissingDevice),
            Some(device) => Ok(CameraSpec::V4l2(PathBuf::from(device))),
            None => Ok(CameraSpec::Images(PathBuf::from(text))),
        }
    }
}

impl fmt::Display for CameraSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CameraSpec::Images(path) => write!(f, "{}", path.display()),
            CameraSpec::V4l2(device) => write!(f, "{V4L2_PREFIX}{}", device.display()),
        }
    }
}

/// A frame size to ask a camera for, written `WIDTHxHEIGHT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptureSize {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl FromStr for CaptureSize {
    type Err = CameraSpecError;

    fn from_str(text: &str) -> Result<CaptureSize, CameraSpecError> {
        let not_a_size = || CameraSpecError::NotASize(text.to_owned());
        let (width, height) = text.split_once(['x', 'X']).ok_or_else(not_a_size)?;
        let side = |side: &str| side.trim().parse::<u32>().map_err(|_| not_a_size());
        let size = CaptureSize {
            width: side(width)?,
            height: side(height)?,
        };

        if size.width == 0 || size.height == 0 {
            return Err(CameraSpecError::ZeroSize(text.to_owned()));
        }
        Ok(size)
    }
}

impl fmt::Display for CaptureSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v4l2_prefix_names_a_device_and_anything_else_images() {
        assert_eq!(
            "v4l2:/dev/video0".parse(),
            Ok(CameraSpec::V4l2("/dev/video0".into()))
        );
        assert_eq!("faces/".parse(), Ok(CameraSpec::Images("faces/".into())));
        assert_eq!(
            "v4l2:".parse::<CameraSpec>(),
            Err(CameraSpecError::MissingDevice)
        );
        let spec: CameraSpec = "v4l2:/dev/video2".parse().unwrap();
        assert_eq!(spec.to_string(), "v4l2:/dev/video2");
    }

    #[test]
    fn sizes_read_width_by_height() {
        let size: CaptureSize = "640x480".parse().unwrap();
        assert_eq!((size.width, size.height), (640, 480));
        assert_eq!(
            "320X240".parse::<CaptureSize>().unwrap().to_string(),
            "320x240"
        );
        for bad in ["640", "x480", "640x", "640x-1", "axb"] {
            let error = bad.parse::<CaptureSize>().unwrap_err();
            assert_eq!(error, CameraSpecError::NotASize(bad.to_owned()));
        }
        let error = "0x240".parse::<CaptureSize>().unwrap_err();
        assert!(error.to_string().contains("zero side"), "{error}");
    }
}
