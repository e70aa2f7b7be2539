//! The serial readout: `$EE...` sentences encoded by `shared` and written to the UART.

use core::fmt::{self, Write as _};

use embedded_io::Write;
use shared::labels::EmotionLabelSet;
use shared::protocol::fields::ERROR_TEXT_MAX_LEN;
use shared::protocol::{ErrorCode, ErrorSentence, ErrorText, Sentence};

/// The UART and the label set that names the `$EEEMO` decisions written to it.
#[derive(Debug)]
pub struct ReadoutPort<W> {
    serial: W,
    labels: EmotionLabelSet,
}

impl<W: Write> ReadoutPort<W> {
    /// Writes sentences to `serial`, naming classes from `labels`.
    pub fn new(serial: W, labels: EmotionLabelSet) -> Self {
        ReadoutPort { serial, labels }
    }

    /// The label set.
    pub fn labels(&self) -> &EmotionLabelSet {
        &self.labels
    }

    /// Writes one sentence as a whole line, CRLF included.
    pub fn send(&mut self, sentence: &Sentence) -> Result<(), W::Error> {
        let line = sentence.encode(&self.labels);
        self.serial.write_all(line.as_bytes())
    }

    /// Writes an `$EEERR` line whose text is `detail`, made safe and cut to the limit.
    pub fn send_error(
        &mut self,
        seq: u32,
        code: ErrorCode,
        detail: &dyn fmt::Display,
    ) -> Result<(), W::Error> {
        let error = ErrorSentence {
            seq,
            code,
            text: error_text(detail),
        };
        self.send(&Sentence::Error(error))
    }

    /// Pushes buffered bytes out to the line.
    pub fn flush(&mut self) -> Result<(), W::Error> {
        self.serial.flush()
    }

    /// Gives the serial port back.
    pub fn into_inner(self) -> W {
        self.serial
    }
}

/// `detail` rendered and sanitised into an `$EEERR` text (its first
/// [`ERROR_TEXT_MAX_LEN`] characters).
pub fn error_text(detail: &dyn fmt::Display) -> ErrorText {
    let mut text = TruncatingText::default();
    // A full buffer ends the rendering early on purpose; what fits is kept.
    let _ = write!(text, "{detail}");
    ErrorText::sanitised(&text.text)
}

/// A `fmt::Write` sink that keeps the first [`ERROR_TEXT_MAX_LEN`] characters and then
/// stops the rendering.
#[derive(Default)]
struct TruncatingText {
    text: heapless::String<ERROR_TEXT_MAX_LEN>,
}

impl fmt::Write for TruncatingText {
    fn write_str(&mut self, part: &str) -> fmt::Result {
        for character in part.chars() {
            self.text.push(character).map_err(|_| fmt::Error)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;
    use std::vec::Vec;

    #[test]
    fn long_details_are_cut_and_made_safe() {
        let detail = "frame holds 10 bytes, its size and format need 12, and more words here";
        let text = error_text(&detail);
        assert_eq!(text.as_str().len(), ERROR_TEXT_MAX_LEN);
        assert!(text.as_str().starts_with("frame holds 10 bytes; its size"));
    }

    #[test]
    fn an_error_line_carries_code_and_checksum() {
        let mut port = ReadoutPort::new(Vec::new(), EmotionLabelSet::DEFAULT);
        port.send_error(7, ErrorCode::Camera, &"lens cap on")
            .unwrap();
        let line = String::from_utf8(port.into_inner()).unwrap();
        assert!(line.starts_with("$EEERR,7,CAMERA,lens cap on*"), "{line}");
        assert!(line.ends_with("\r\n"));
    }
}
