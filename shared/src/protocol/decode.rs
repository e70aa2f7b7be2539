//! Decoding one received line into a [`Sentence`].
//!
//! The decoder checks, in order: length, the leading `$`, the alphabet (printable ASCII),
//! the `*CS` trailer, the checksum, the sentence tag, the field count and each field. It
//! accepts a line with or without its CRLF, never panics and never allocates.

use core::fmt;

use crate::keypoints::KEYPOINT_COORDS;
use crate::labels::{EMOTION_CLASSES, EmotionLabelSet, FerClass};

use super::checksum::{checksum, parse_checksum};
use super::fields::{
    ClassIndex, Decipixels, ErrorCode, ErrorText, FirmwareVersion, ModelDigest, Percent, Permille,
    ReadoutLabel, parse_u32,
};
use super::sentence::{EmotionSentence, ErrorSentence, HelloSentence, KeypointSentence, Sentence};
use super::{LABEL_SEPARATOR, LINE_END, MAX_KEYPOINT_LINE_LEN, MAX_LINE_LEN, UNCERTAIN};

/// Fields of a `$EEHLO` line, the tag included.
const HELLO_FIELDS: usize = 4;

/// Fields of a `$EEEMO` line, the tag included.
const EMOTION_FIELDS: usize = 5 + EMOTION_CLASSES;

/// Fields of a `$EEKPT` line, the tag included.
const KEYPOINT_FIELDS: usize = 2 + KEYPOINT_COORDS;

/// Fields of a `$EEERR` line, the tag included.
const ERROR_FIELDS: usize = 4;

/// Why a line is not a valid readout sentence. Field numbers count the tag as field 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DecodeError {
    /// The line is empty (or only a line ending).
    Empty,
    /// The line, counted with CRLF, is longer than its sentence allows.
    TooLong {
        /// The limit: [`MAX_LINE_LEN`], or [`MAX_KEYPOINT_LINE_LEN`] for `$EEKPT`.
        max: usize,
        /// The line's length with CRLF.
        found: usize,
    },
    /// The line does not start with `$`.
    MissingStart,
    /// The byte at `position` is not ASCII.
    NotAscii {
        /// Byte offset in the line.
        position: usize,
    },
    /// The byte at `position` is a control character (CR and LF only end a line).
    ControlCharacter {
        /// Byte offset in the line.
        position: usize,
    },
    /// The line does not end in `*` and two hex digits.
    MissingChecksum,
    /// A `$` or `*` appears inside the body, at `position`.
    MisplacedDelimiter {
        /// Byte offset in the line.
        position: usize,
    },
    /// The checksum written on the line differs from the body's.
    BadChecksum {
        /// XOR of the received body.
        expected: u8,
        /// The value written after `*`.
        found: u8,
    },
    /// The tag is not one of `EEHLO`, `EEEMO`, `EEKPT`, `EEERR`.
    UnknownSentence,
    /// The sentence has the wrong number of comma-separated fields (tag included).
    WrongFieldCount {
        /// Fields the sentence has.
        expected: usize,
        /// Fields the line has.
        found: usize,
    },
    /// A numeric field is not a number of the field's format and range.
    BadNumber {
        /// Field number.
        field: usize,
    },
    /// A label is not in the label set (nor `uncertain`), or a `$EEHLO` label set is not
    /// five distinct class names.
    BadLabel {
        /// Field number.
        field: usize,
    },
    /// An `$EEERR` code is not one of the known codes.
    BadErrorCode {
        /// Field number.
        field: usize,
    },
    /// A text field (firmware version, model digest, error text) is malformed or too long.
    BadText {
        /// Field number.
        field: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Empty => write!(f, "empty line"),
            DecodeError::TooLong { max, found } => {
                write!(f, "line has {found} characters, at most {max} allowed")
            }
            DecodeError::MissingStart => write!(f, "line does not start with `$`"),
            DecodeError::NotAscii { position } => write!(f, "non-ASCII byte at {position}"),
            DecodeError::ControlCharacter { position } => {
                write!(f, "control character at byte {position}")
            }
            DecodeError::MissingChecksum => write!(f, "line does not end in `*` and 2 hex digits"),
            DecodeError::MisplacedDelimiter { position } => {
                write!(f, "`$` or `*` inside the sentence at byte {position}")
            }
            DecodeError::BadChecksum { expected, found } => {
                write!(
                    f,
                    "checksum {found:02X} does not match the body's {expected:02X}"
                )
            }
            DecodeError::UnknownSentence => write!(f, "unknown sentence tag"),
            DecodeError::WrongFieldCount { expected, found } => {
                write!(f, "{found} fields where the sentence has {expected}")
            }
            DecodeError::BadNumber { field } => write!(f, "field {field}: bad number"),
            DecodeError::BadLabel { field } => write!(f, "field {field}: unknown label"),
            DecodeError::BadErrorCode { field } => write!(f, "field {field}: unknown error code"),
            DecodeError::BadText { field } => write!(f, "field {field}: malformed text"),
        }
    }
}

impl core::error::Error for DecodeError {}

/// Decodes `line` with the product's default label set; see [`decode_with`].
pub fn decode(line: &[u8]) -> Result<Sentence, DecodeError> {
    decode_with(line, &EmotionLabelSet::DEFAULT)
}

/// Decodes one line, with or without its trailing CR/LF, mapping `$EEEMO` label names to
/// indices of `labels` (the set a `$EEHLO` announced).
pub fn decode_with(line: &[u8], labels: &EmotionLabelSet) -> Result<Sentence, DecodeError> {
    let line = trim_line_end(line);
    let body = checked_body(line)?;

    let mut fields = body.split(|&byte| byte == b',');
    let tag = fields.next().unwrap_or_default();
    let kind = SentenceKind::from_tag(tag).ok_or(DecodeError::UnknownSentence)?;

    let found = line.len() + LINE_END.len();
    if found > kind.max_len() {
        return Err(DecodeError::TooLong {
            max: kind.max_len(),
            found,
        });
    }

    let found = 1 + fields.clone().count();
    if found != kind.field_count() {
        return Err(DecodeError::WrongFieldCount {
            expected: kind.field_count(),
            found,
        });
    }

    let mut values: heapless::Vec<&[u8], KEYPOINT_FIELDS> = heapless::Vec::new();
    for field in core::iter::once(tag).chain(fields) {
        values
            .push(field)
            .map_err(|_| DecodeError::WrongFieldCount {
                expected: kind.field_count(),
                found,
            })?;
    }
    kind.parse(&values, labels)
}

/// The line without its trailing CR and LF bytes.
fn trim_line_end(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|&byte| byte != b'\r' && byte != b'\n')
        .map_or(0, |last| last + 1);
    &line[..end]
}

/// The body between `$` and `*CS`, after the framing, alphabet and checksum checks.
fn checked_body(line: &[u8]) -> Result<&[u8], DecodeError> {
    if line.is_empty() {
        return Err(DecodeError::Empty);
    }
    if line.len() + LINE_END.len() > MAX_KEYPOINT_LINE_LEN {
        return Err(DecodeError::TooLong {
            max: MAX_KEYPOINT_LINE_LEN,
            found: line.len() + LINE_END.len(),
        });
    }
    if line[0] != b'$' {
        return Err(DecodeError::MissingStart);
    }
    check_alphabet(line)?;

    let Some((framed, &[b'*', high, low])) = line.split_at_checked(line.len().saturating_sub(3))
    else {
        return Err(DecodeError::MissingChecksum);
    };
    let found = parse_checksum([high, low]).ok_or(DecodeError::MissingChecksum)?;
    let body = framed.get(1..).unwrap_or_default();

    if let Some(offset) = body.iter().position(|&byte| byte == b'$' || byte == b'*') {
        return Err(DecodeError::MisplacedDelimiter {
            position: 1 + offset,
        });
    }

    let expected = checksum(body);
    if expected != found {
        return Err(DecodeError::BadChecksum { expected, found });
    }
    Ok(body)
}

/// Rejects the first non-ASCII or control byte.
fn check_alphabet(line: &[u8]) -> Result<(), DecodeError> {
    match line.iter().position(|byte| !matches!(byte, b' '..=b'~')) {
        Some(position) if !line[position].is_ascii() => Err(DecodeError::NotAscii { position }),
        Some(position) => Err(DecodeError::ControlCharacter { position }),
        None => Ok(()),
    }
}

/// The four sentence kinds and their shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SentenceKind {
    Hello,
    Emotion,
    Keypoints,
    Error,
}

impl SentenceKind {
    /// The kind named by a tag such as `EEEMO`.
    fn from_tag(tag: &[u8]) -> Option<SentenceKind> {
        match tag {
            b"EEHLO" => Some(SentenceKind::Hello),
            b"EEEMO" => Some(SentenceKind::Emotion),
            b"EEKPT" => Some(SentenceKind::Keypoints),
            b"EEERR" => Some(SentenceKind::Error),
            _ => None,
        }
    }

    /// Longest line of this kind, CRLF included.
    fn max_len(self) -> usize {
        match self {
            SentenceKind::Keypoints => MAX_KEYPOINT_LINE_LEN,
            _ => MAX_LINE_LEN,
        }
    }

    /// Number of fields, the tag included.
    fn field_count(self) -> usize {
        match self {
            SentenceKind::Hello => HELLO_FIELDS,
            SentenceKind::Emotion => EMOTION_FIELDS,
            SentenceKind::Keypoints => KEYPOINT_FIELDS,
            SentenceKind::Error => ERROR_FIELDS,
        }
    }

    /// Parses the fields (already counted) into a sentence.
    fn parse(self, fields: &[&[u8]], labels: &EmotionLabelSet) -> Result<Sentence, DecodeError> {
        match self {
            SentenceKind::Hello => parse_hello(fields).map(Sentence::Hello),
            SentenceKind::Emotion => parse_emotion(fields, labels).map(Sentence::Emotion),
            SentenceKind::Keypoints => parse_keypoints(fields).map(Sentence::Keypoints),
            SentenceKind::Error => parse_error(fields).map(Sentence::Error),
        }
    }
}

/// `EEHLO,<firmware>,<model>,<labels>`.
fn parse_hello(fields: &[&[u8]]) -> Result<HelloSentence, DecodeError> {
    let &[_, firmware, model, labels] = fields else {
        return Err(wrong_count(HELLO_FIELDS, fields));
    };

    let firmware = core::str::from_utf8(firmware)
        .ok()
        .and_then(|text| FirmwareVersion::new(text).ok())
        .ok_or(DecodeError::BadText { field: 1 })?;
    let model = ModelDigest::parse(model).ok_or(DecodeError::BadText { field: 2 })?;
    let labels = parse_label_set(labels).ok_or(DecodeError::BadLabel { field: 3 })?;
    Ok(HelloSentence {
        firmware,
        model,
        labels,
    })
}

/// Five distinct class names separated by `|`.
fn parse_label_set(field: &[u8]) -> Option<EmotionLabelSet> {
    let mut classes: heapless::Vec<FerClass, EMOTION_CLASSES> = heapless::Vec::new();
    for name in field.split(|&byte| byte == LABEL_SEPARATOR as u8) {
        let class = FerClass::from_name(core::str::from_utf8(name).ok()?)?;
        if classes.contains(&class) {
            return None;
        }
        classes.push(class).ok()?;
    }

    let classes = classes.into_array().ok()?;
    Some(EmotionLabelSet { classes })
}

/// `EEEMO,<seq>,<label>,<confidence>,<p0>,..,<p4>,<infer ms>`.
fn parse_emotion(
    fields: &[&[u8]],
    labels: &EmotionLabelSet,
) -> Result<EmotionSentence, DecodeError> {
    let &[_, seq, label, confidence, p0, p1, p2, p3, p4, infer_ms] = fields else {
        return Err(wrong_count(EMOTION_FIELDS, fields));
    };

    let seq = parse_u32(seq).ok_or(DecodeError::BadNumber { field: 1 })?;
    let label = parse_readout_label(label, labels).ok_or(DecodeError::BadLabel { field: 2 })?;
    let confidence = parse_u32(confidence)
        .and_then(|value| Percent::new(u8::try_from(value).ok()?))
        .ok_or(DecodeError::BadNumber { field: 3 })?;

    let mut probabilities = [Permille::ZERO; EMOTION_CLASSES];
    for (index, (slot, field)) in probabilities
        .iter_mut()
        .zip([p0, p1, p2, p3, p4])
        .enumerate()
    {
        *slot = Permille::parse(field).ok_or(DecodeError::BadNumber { field: 4 + index })?;
    }

    let infer_ms = parse_u32(infer_ms).ok_or(DecodeError::BadNumber { field: 9 })?;
    Ok(EmotionSentence {
        seq,
        label,
        confidence,
        probabilities,
        infer_ms,
    })
}

/// `uncertain`, or a name of `labels`.
fn parse_readout_label(field: &[u8], labels: &EmotionLabelSet) -> Option<ReadoutLabel> {
    if field == UNCERTAIN.as_bytes() {
        return Some(ReadoutLabel::Uncertain);
    }

    let index = labels.index_of_name(core::str::from_utf8(field).ok()?)?;
    ClassIndex::new(index).map(ReadoutLabel::Class)
}

/// `EEKPT,<seq>,<x0>,<y0>,..,<x14>,<y14>`.
fn parse_keypoints(fields: &[&[u8]]) -> Result<KeypointSentence, DecodeError> {
    let [_, seq, coord_fields @ ..] = fields else {
        return Err(wrong_count(KEYPOINT_FIELDS, fields));
    };
    if coord_fields.len() != KEYPOINT_COORDS {
        return Err(wrong_count(KEYPOINT_FIELDS, fields));
    }

    let seq = parse_u32(seq).ok_or(DecodeError::BadNumber { field: 1 })?;
    let mut coords = [Decipixels::MIN; KEYPOINT_COORDS];
    for (index, (slot, field)) in coords.iter_mut().zip(coord_fields).enumerate() {
        *slot = Decipixels::parse(field).ok_or(DecodeError::BadNumber { field: 2 + index })?;
    }
    Ok(KeypointSentence { seq, coords })
}

/// `EEERR,<seq>,<code>,<text>`.
fn parse_error(fields: &[&[u8]]) -> Result<ErrorSentence, DecodeError> {
    let &[_, seq, code, text] = fields else {
        return Err(wrong_count(ERROR_FIELDS, fields));
    };

    let seq = parse_u32(seq).ok_or(DecodeError::BadNumber { field: 1 })?;
    let code = ErrorCode::from_wire(code).ok_or(DecodeError::BadErrorCode { field: 2 })?;
    let text = ErrorText::parse(text).ok_or(DecodeError::BadText { field: 3 })?;
    Ok(ErrorSentence { seq, code, text })
}

/// The field-count error for a sentence of `expected` fields.
fn wrong_count(expected: usize, fields: &[&[u8]]) -> DecodeError {
    DecodeError::WrongFieldCount {
        expected,
        found: fields.len(),
    }
}
