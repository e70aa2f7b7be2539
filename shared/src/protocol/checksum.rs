//! The NMEA checksum: XOR of every byte between `$` and `*`.

use core::fmt;

/// XOR of all bytes of a sentence body.
pub fn checksum(body: &[u8]) -> u8 {
    body.iter().fold(0, |sum, byte| sum ^ byte)
}

/// Value of one hexadecimal digit (either case), or `None`.
pub fn hex_digit_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        _ => None,
    }
}

/// The checksum written as two hex digits, or `None` when they are not hex.
pub fn parse_checksum(digits: [u8; 2]) -> Option<u8> {
    Some(hex_digit_value(digits[0])? << 4 | hex_digit_value(digits[1])?)
}

/// A [`fmt::Write`] adapter that forwards text and XORs its bytes into a checksum.
pub struct ChecksumWriter<'a, W: fmt::Write> {
    out: &'a mut W,
    checksum: u8,
}

impl<'a, W: fmt::Write> ChecksumWriter<'a, W> {
    /// Starts a body with checksum 0.
    pub fn new(out: &'a mut W) -> Self {
        ChecksumWriter { out, checksum: 0 }
    }

    /// The checksum of everything written so far.
    pub fn checksum(&self) -> u8 {
        self.checksum
    }
}

impl<W: fmt::Write> fmt::Write for ChecksumWriter<'_, W> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.checksum ^= checksum(text.as_bytes());
        self.out.write_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    #[test]
    fn checksum_of_a_known_nmea_sentence() {
        // The GPGGA example found in NMEA 0183 references, which ends in `*47`.
        let body = b"GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,";
        assert_eq!(checksum(body), 0x47);
    }

    #[test]
    fn hex_digits_parse_in_either_case() {
        assert_eq!(parse_checksum(*b"4B"), Some(0x4B));
        assert_eq!(parse_checksum(*b"4b"), Some(0x4B));
        assert_eq!(parse_checksum(*b"4G"), None);
    }

    #[test]
    fn the_writer_forwards_text_and_sums_it() {
        let mut text: heapless::String<16> = heapless::String::new();
        let mut writer = ChecksumWriter::new(&mut text);
        write!(writer, "AB{}", 7).unwrap();
        let sum = writer.checksum();
        assert_eq!(text.as_str(), "AB7");
        assert_eq!(sum, b'A' ^ b'B' ^ b'7');
    }
}
