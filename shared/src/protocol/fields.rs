//! Typed values of the readout fields, each bounded so that every sentence has a fixed
//! maximum length.
//!
//! Numbers travel as fixed-point integers ([`Permille`], [`Decipixels`], [`Percent`]), so a
//! decoded sentence equals the encoded one exactly and no float formatting is needed on the
//! device. Texts are `heapless` strings of a checked alphabet: printable ASCII without the
//! protocol's delimiters `$`, `*` and `,`.

use core::fmt;

use crate::labels::{EMOTION_CLASSES, EmotionLabelSet};
use crate::postprocess::Decision;

use super::UNCERTAIN;

/// Longest firmware version in `$EEHLO`: what is left of 82 characters when the model
/// digest and the longest label set of distinct classes (36 characters) are written.
pub const FIRMWARE_VERSION_MAX_LEN: usize = 24;

/// Longest error text in `$EEERR`: what is left of 82 characters after a 10-digit sequence
/// number and the longest [`ErrorCode`].
pub const ERROR_TEXT_MAX_LEN: usize = 52;

/// Hex digits of the model digest in `$EEHLO` (the first 4 bytes of its SHA-256).
pub const MODEL_DIGEST_HEX_LEN: usize = 8;

/// Index into a label set, always below [`EMOTION_CLASSES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ClassIndex(u8);

impl ClassIndex {
    /// The index, or `None` when it is not below [`EMOTION_CLASSES`].
    pub fn new(index: usize) -> Option<ClassIndex> {
        (index < EMOTION_CLASSES).then_some(ClassIndex(index as u8))
    }

    /// The index as a `usize`.
    pub fn get(self) -> usize {
        usize::from(self.0)
    }
}

/// The decision an `$EEEMO` sentence reports: a label of the set, or `uncertain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ReadoutLabel {
    /// The class at this index of the label set.
    Class(ClassIndex),
    /// The readout is not sure enough to name a class.
    Uncertain,
}

impl ReadoutLabel {
    /// The label of a post-processing decision; an index outside the set reads `uncertain`.
    pub fn from_decision(decision: &Decision) -> ReadoutLabel {
        match decision.index().and_then(ClassIndex::new) {
            Some(index) => ReadoutLabel::Class(index),
            None => ReadoutLabel::Uncertain,
        }
    }

    /// The word written on the wire: the class name in `labels`, or `uncertain`.
    pub fn name(self, labels: &EmotionLabelSet) -> &'static str {
        match self {
            ReadoutLabel::Class(index) => labels.classes[index.get()].name(),
            ReadoutLabel::Uncertain => UNCERTAIN,
        }
    }
}

/// A whole percentage, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Percent(u8);

impl Percent {
    /// The percentage, or `None` above 100.
    pub fn new(percent: u8) -> Option<Percent> {
        (percent <= 100).then_some(Percent(percent))
    }

    /// A probability rounded to whole percent, saturating to 0..=100; NaN reads 0.
    pub fn from_probability(probability: f32) -> Percent {
        Percent(round_saturating(probability * 100.0, 0, 100) as u8)
    }

    /// The percentage.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A probability in thousandths, 0 to 1000, written with three decimals (`0.123`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Permille(u16);

impl Permille {
    /// Probability 0.
    pub const ZERO: Permille = Permille(0);

    /// The value in thousandths, or `None` above 1000.
    pub fn new(permille: u16) -> Option<Permille> {
        (permille <= 1000).then_some(Permille(permille))
    }

    /// A probability rounded to thousandths, saturating to [0, 1]; NaN reads 0.
    pub fn from_probability(probability: f32) -> Permille {
        Permille(round_saturating(probability * 1000.0, 0, 1000) as u16)
    }

    /// The value in thousandths.
    pub fn get(self) -> u16 {
        self.0
    }

    /// The probability as a float.
    pub fn probability(self) -> f32 {
        f32::from(self.0) / 1000.0
    }

    /// Parses `0.123`-style text (at most 3 decimals) within [0, 1].
    pub fn parse(field: &[u8]) -> Option<Permille> {
        let value = parse_fixed(field, 3)?;
        Permille::new(u16::try_from(value).ok()?)
    }
}

impl fmt::Display for Permille {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}", self.0 / 1000, self.0 % 1000)
    }
}

/// A keypoint coordinate in tenths of a pixel of the 96x96 input, written with one decimal.
///
/// The range is -99.9 to 999.9 pixels, so a coordinate takes at most 5 characters; a model
/// may place a point slightly outside the frame, and values beyond the range saturate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Decipixels(i16);

impl Decipixels {
    /// Smallest coordinate, -99.9 pixels.
    pub const MIN: Decipixels = Decipixels(-999);

    /// Largest coordinate, 999.9 pixels.
    pub const MAX: Decipixels = Decipixels(9999);

    /// The value in tenths of a pixel, or `None` outside [`Self::MIN`]..=[`Self::MAX`].
    pub fn new(decipixels: i16) -> Option<Decipixels> {
        (Self::MIN.0..=Self::MAX.0)
            .contains(&decipixels)
            .then_some(Decipixels(decipixels))
    }

    /// A pixel coordinate rounded to tenths, saturating to the range.
    ///
    /// Limitation: NaN reads 0; a model that outputs NaN has failed, and the device reports
    /// that with an `$EEERR` ENGINE sentence rather than a keypoint line.
    pub fn from_pixels(pixels: f32) -> Decipixels {
        Decipixels(round_saturating(pixels * 10.0, Self::MIN.0.into(), Self::MAX.0.into()) as i16)
    }

    /// The value in tenths of a pixel.
    pub fn get(self) -> i16 {
        self.0
    }

    /// The coordinate in pixels.
    pub fn pixels(self) -> f32 {
        f32::from(self.0) / 10.0
    }

    /// Parses `-12.3`-style text (at most one decimal) within the range.
    pub fn parse(field: &[u8]) -> Option<Decipixels> {
        let value = parse_fixed(field, 1)?;
        Decipixels::new(i16::try_from(value).ok()?)
    }
}

impl fmt::Display for Decipixels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let magnitude = self.0.unsigned_abs();
        write!(f, "{sign}{}.{}", magnitude / 10, magnitude % 10)
    }
}

/// The first 4 bytes of a model file's SHA-256, written as 8 lower-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ModelDigest(pub [u8; 4]);

impl ModelDigest {
    /// The prefix of a full SHA-256 digest.
    pub fn from_sha256(digest: &[u8; 32]) -> ModelDigest {
        ModelDigest([digest[0], digest[1], digest[2], digest[3]])
    }

    /// Parses exactly 8 lower-case hex digits.
    pub fn parse(field: &[u8]) -> Option<ModelDigest> {
        let digits: &[u8; MODEL_DIGEST_HEX_LEN] = field.try_into().ok()?;
        if digits.iter().any(u8::is_ascii_uppercase) {
            return None;
        }

        let mut bytes = [0; 4];
        for (byte, pair) in bytes.iter_mut().zip(digits.chunks_exact(2)) {
            *byte = super::checksum::parse_checksum([pair[0], pair[1]])?;
        }
        Some(ModelDigest(bytes))
    }
}

impl fmt::Display for ModelDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

/// Why a text cannot be a [`FirmwareVersion`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum InvalidFirmwareVersion {
    /// The version is empty.
    Empty,
    /// The version is longer than [`FIRMWARE_VERSION_MAX_LEN`] bytes.
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// The byte at `position` is not printable ASCII or is one of `$`, `*`, `,`.
    ForbiddenCharacter {
        /// Byte offset of the first bad character.
        position: usize,
    },
}

impl fmt::Display for InvalidFirmwareVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidFirmwareVersion::Empty => write!(f, "firmware version is empty"),
            InvalidFirmwareVersion::TooLong { len } => write!(
                f,
                "firmware version has {len} bytes, at most {FIRMWARE_VERSION_MAX_LEN} fit"
            ),
            InvalidFirmwareVersion::ForbiddenCharacter { position } => write!(
                f,
                "firmware version byte {position} is not printable ASCII or is `$`, `*`, `,`"
            ),
        }
    }
}

impl core::error::Error for InvalidFirmwareVersion {}

/// The firmware version in `$EEHLO`: 1 to [`FIRMWARE_VERSION_MAX_LEN`] printable ASCII
/// characters other than `$`, `*` and `,`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FirmwareVersion(heapless::String<FIRMWARE_VERSION_MAX_LEN>);

impl FirmwareVersion {
    /// Checks `version` against the alphabet and the length limit.
    pub fn new(version: &str) -> Result<FirmwareVersion, InvalidFirmwareVersion> {
        if version.is_empty() {
            return Err(InvalidFirmwareVersion::Empty);
        }
        if let Some(position) = version.bytes().position(|byte| !is_text_byte(byte)) {
            return Err(InvalidFirmwareVersion::ForbiddenCharacter { position });
        }

        let text = heapless::String::try_from(version)
            .map_err(|_| InvalidFirmwareVersion::TooLong { len: version.len() })?;
        Ok(FirmwareVersion(text))
    }

    /// The version text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FirmwareVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What went wrong, in an `$EEERR` sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ErrorCode {
    /// `FRAME`: the camera frame was unusable (wrong size, bad crop).
    Frame,
    /// `ENGINE`: inference failed or produced non-finite values.
    Engine,
    /// `MODEL`: the model was rejected (missing, wrong shape, wrong label set).
    Model,
    /// `CAMERA`: capturing a frame failed.
    Camera,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 4] = [
        ErrorCode::Frame,
        ErrorCode::Engine,
        ErrorCode::Model,
        ErrorCode::Camera,
    ];

    /// The upper-case word written on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            ErrorCode::Frame => "FRAME",
            ErrorCode::Engine => "ENGINE",
            ErrorCode::Model => "MODEL",
            ErrorCode::Camera => "CAMERA",
        }
    }

    /// The code whose wire name is exactly `field`.
    pub fn from_wire(field: &[u8]) -> Option<ErrorCode> {
        ErrorCode::ALL
            .into_iter()
            .find(|code| code.wire_name().as_bytes() == field)
    }
}

/// The short text of an `$EEERR` sentence: at most [`ERROR_TEXT_MAX_LEN`] printable ASCII
/// characters other than `$`, `*` and `,`; may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ErrorText(heapless::String<ERROR_TEXT_MAX_LEN>);

impl ErrorText {
    /// Makes any text safe to send: `,` becomes `;`, CR, LF and tab become spaces, every
    /// other forbidden or non-ASCII character becomes `?`, and the result is cut after
    /// [`ERROR_TEXT_MAX_LEN`] characters.
    pub fn sanitised(text: &str) -> ErrorText {
        let mut safe = heapless::String::new();
        for character in text.chars().map(sanitise_char) {
            if safe.push(character).is_err() {
                break;
            }
        }
        ErrorText(safe)
    }

    /// Accepts a received field only when it is already in the safe alphabet and fits.
    pub fn parse(field: &[u8]) -> Option<ErrorText> {
        if !field.iter().all(|&byte| is_text_byte(byte)) {
            return None;
        }

        let text = core::str::from_utf8(field).ok()?;
        heapless::String::try_from(text).ok().map(ErrorText)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ErrorText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `byte` may appear in a text field: printable ASCII except `$`, `*`, `,`.
pub fn is_text_byte(byte: u8) -> bool {
    matches!(byte, b' '..=b'~') && !matches!(byte, b'$' | b'*' | b',')
}

/// The replacement of one character in [`ErrorText::sanitised`].
fn sanitise_char(character: char) -> char {
    match character {
        ',' => ';',
        '\r' | '\n' | '\t' => ' ',
        _ if character.is_ascii() && is_text_byte(character as u8) => character,
        _ => '?',
    }
}

/// A decimal field as an unsigned 32-bit integer: 1 to 10 digits, no sign.
pub fn parse_u32(field: &[u8]) -> Option<u32> {
    if field.is_empty() || field.len() > 10 {
        return None;
    }

    field.iter().try_fold(0_u32, |value, &byte| {
        let digit = char::from(byte).to_digit(10)?;
        value.checked_mul(10)?.checked_add(digit)
    })
}

/// Most decimals [`parse_fixed`] handles, so that its arithmetic cannot overflow.
const MAX_FIXED_DECIMALS: u32 = 4;

/// A fixed-point decimal field scaled by `10^decimals`: an optional `-`, 1 to 5 integer
/// digits, and optionally `.` followed by 1 to `decimals` digits.
fn parse_fixed(field: &[u8], decimals: u32) -> Option<i32> {
    let (negative, unsigned) = match field.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, field),
    };
    let (integer, fraction) = split_fraction(unsigned)?;
    if decimals > MAX_FIXED_DECIMALS || integer.len() > 5 || fraction.len() > decimals as usize {
        return None;
    }

    let whole = parse_u32(integer)?;
    let fraction_value = if fraction.is_empty() {
        0
    } else {
        parse_u32(fraction)?
    };
    let fraction_scale = 10_u32.pow(decimals - fraction.len() as u32);

    let magnitude = whole * 10_u32.pow(decimals) + fraction_value * fraction_scale;
    let magnitude = i32::try_from(magnitude).ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// Splits `12.34` into `12` and `34`; a number without `.` has an empty fraction, and a
/// `.` with no digits after it is rejected.
fn split_fraction(number: &[u8]) -> Option<(&[u8], &[u8])> {
    match number.iter().position(|&byte| byte == b'.') {
        Some(dot) => {
            let (integer, fraction) = (&number[..dot], &number[dot + 1..]);
            (!fraction.is_empty()).then_some((integer, fraction))
        }
        None => Some((number, &[])),
    }
}

/// `value` rounded to the nearest integer and clamped to `min..=max`; NaN gives 0 clamped.
fn round_saturating(value: f32, min: i32, max: i32) -> i32 {
    if value.is_nan() {
        return 0_i32.clamp(min, max);
    }
    (libm::roundf(value.clamp(min as f32, max as f32)) as i32).clamp(min, max)
}
