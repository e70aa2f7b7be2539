//! CSV fields: the header's column positions, splitting rows, and parsing pixel lists.
//!
//! Limitation: fields are split at every comma; a quoted field holding a comma is not
//! supported. The Kaggle formats never quote (their only text field, the pixel list, has no
//! commas), and surrounding double quotes around a field are removed.

use std::path::Path;

use super::error::DataError;

/// The positions of the named columns in a header line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The column names as written.
    pub names: Vec<String>,
}

impl Header {
    /// Parses header line `line` (number `line_number`) of `path`, rejecting blank and
    /// repeated names, and any name not in `required` or `optional`.
    pub fn parse(
        path: &Path,
        line_number: u64,
        line: &[u8],
        required: &[&str],
        optional: &[&str],
    ) -> Result<Header, DataError> {
        let header_error = |column: &str, message: String| DataError::Header {
            path: path.to_owned(),
            line: line_number,
            column: column.to_owned(),
            message,
        };
        let text = std::str::from_utf8(line)
            .map_err(|_| header_error("(header)", "header is not UTF-8 text".to_owned()))?;
        let names: Vec<String> = text
            .split(',')
            .map(|name| unquote(name.trim()).to_owned())
            .collect();
        let known = required.iter().chain(optional);
        let expected = known.clone().copied().collect::<Vec<_>>().join(",");

        for (index, name) in names.iter().enumerate() {
            if !known
                .clone()
                .any(|column| column.eq_ignore_ascii_case(name))
            {
                let message = format!("unknown column {name:?}; expected columns: {expected}");
                return Err(header_error(name, message));
            }
            if names[..index]
                .iter()
                .any(|earlier| earlier.eq_ignore_ascii_case(name))
            {
                return Err(header_error(name, "column appears twice".to_owned()));
            }
        }

        let header = Header { names };
        for column in required {
            if header.position(column).is_none() {
                let message = format!("missing from the header \"{text}\"");
                return Err(header_error(column, message));
            }
        }
        Ok(header)
    }

    /// Index of column `name` (case-insensitive), if present.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.names
            .iter()
            .position(|known| known.eq_ignore_ascii_case(name))
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the header has no columns (never true for a parsed header).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Splits a row into its comma-separated fields, trimmed, without surrounding double quotes.
pub fn split_fields(line: &[u8]) -> Vec<&[u8]> {
    line.split(|byte| *byte == b',')
        .map(|field| unquote_bytes(field.trim_ascii()))
        .collect()
}

/// Parses a space-separated list of integers 0..=255 into `out` (cleared first), checking
/// that there are exactly `expected` of them. The error is the message for a report.
pub fn parse_pixels(field: &[u8], expected: usize, out: &mut Vec<u8>) -> Result<(), String> {
    out.clear();
    out.reserve(expected);
    let mut count = 0usize;

    for token in field.split(|byte| *byte == b' ' || *byte == b'\t') {
        if token.is_empty() {
            continue;
        }
        count += 1;
        if count > expected {
            continue;
        }
        out.push(parse_pixel(token).map_err(|reason| {
            format!(
                "value {:?} at position {count} {reason}",
                String::from_utf8_lossy(token)
            )
        })?);
    }

    if count != expected {
        return Err(format!("{count} values, expected {expected}"));
    }
    Ok(())
}

/// One pixel value: decimal digits with a value of at most 255.
fn parse_pixel(token: &[u8]) -> Result<u8, &'static str> {
    if token.len() > 3 {
        return Err(if token.iter().all(u8::is_ascii_digit) {
            "is out of range 0..=255"
        } else {
            "is not an integer 0..=255"
        });
    }

    let mut value = 0u16;
    for byte in token {
        if !byte.is_ascii_digit() {
            return Err("is not an integer 0..=255");
        }
        value = value * 10 + u16::from(byte - b'0');
    }
    u8::try_from(value).map_err(|_| "is out of range 0..=255")
}

/// A field as text, for messages and number parsing.
pub fn field_text(field: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(field)
}

fn unquote(name: &str) -> &str {
    name.strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(name)
}

fn unquote_bytes(field: &[u8]) -> &[u8] {
    field
        .strip_prefix(b"\"")
        .and_then(|inner| inner.strip_suffix(b"\""))
        .unwrap_or(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_parse_with_exact_count() {
        let mut out = Vec::new();
        parse_pixels(b"0 12 255", 3, &mut out).unwrap();
        assert_eq!(out, [0, 12, 255]);
    }

    #[test]
    fn bad_pixels_are_named() {
        let mut out = Vec::new();
        let cases: [(&[u8], &str); 5] = [
            (b"1 2", "2 values, expected 3"),
            (b"1 2 3 4", "4 values, expected 3"),
            (b"1 25x 3", "\"25x\" at position 2 is not an integer"),
            (b"1 300 3", "\"300\" at position 2 is out of range"),
            (b"-1 2 3", "\"-1\" at position 1 is not an integer"),
        ];
        for (field, expected) in cases {
            let message = parse_pixels(field, 3, &mut out).unwrap_err();
            assert!(message.contains(expected), "{message:?} lacks {expected:?}");
        }
    }

    #[test]
    fn fields_split_and_unquote() {
        let fields = split_fields(b"3,\"1 2\", Training ");
        assert_eq!(fields, [&b"3"[..], b"1 2", b"Training"]);
    }
}
