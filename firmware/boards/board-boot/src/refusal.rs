//! Why a board cannot start its application, and how it says so on the serial port.

use core::fmt;

use embedded_io::Write;
use firmware::mcu::BlobError;
use firmware::readout::ReadoutPort;
use shared::labels::EmotionLabelSet;
use shared::protocol::{ErrorCode, InvalidFirmwareVersion};

/// The `$EEERR` sequence number of a fault found before the first frame.
const BOOT_SEQ: u32 = 0;

/// Why the application cannot start.
#[derive(Debug)]
pub enum ModelRefusal {
    /// The blob failed one of its checks.
    Blob(BlobError),
    /// The engine's arena and the model input do not fit in the free heap.
    HeapTooSmall {
        /// Arena plus model input, in bytes.
        needed: usize,
        /// Free heap bytes.
        free: usize,
    },
    /// The crate version is not a valid `$EEHLO` field.
    FirmwareVersion(InvalidFirmwareVersion),
}

impl fmt::Display for ModelRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelRefusal::Blob(error) => write!(f, "{error}"),
            ModelRefusal::HeapTooSmall { needed, free } => {
                write!(f, "model needs {needed} bytes of heap; {free} free")
            }
            ModelRefusal::FirmwareVersion(error) => write!(f, "firmware version: {error}"),
        }
    }
}

/// Writes `refusal` as one `$EEERR,0,MODEL,...` line and flushes it.
pub fn report_refusal<W: Write>(serial: W, refusal: &ModelRefusal) -> Result<(), W::Error> {
    let mut port = ReadoutPort::new(serial, EmotionLabelSet::DEFAULT);
    port.send_error(BOOT_SEQ, ErrorCode::Model, refusal)?;
    port.flush()
}
