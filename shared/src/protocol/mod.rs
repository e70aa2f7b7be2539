//! The `$EE...` serial readout protocol: NMEA-style ASCII sentences, encoder and decoder.
//!
//! Every line is `$`, a body of comma-separated fields, `*`, two upper-case hex digits of
//! the XOR of the body bytes, and CRLF:
//!
//! ```text
//! $EEHLO,<firmware version>,<model sha256 first 8 hex>,<label|set|names>*CS
//! $EEEMO,<seq>,<label or uncertain>,<confidence 0..100>,<p0>,..,<p4>,<infer ms>*CS
//! $EEKPT,<seq>,<x0>,<y0>,..,<x14>,<y14>*CS
//! $EEERR,<seq>,<code>,<short text>*CS
//! ```
//!
//! - [`checksum`]: the XOR checksum and a writer that computes it on the fly;
//! - [`fields`]: the typed field values (fixed-point numbers, bounded texts, codes);
//! - [`sentence`]: the four sentences and their encoder;
//! - [`decode`]: the decoder and its typed errors; it never panics on any input;
//! - [`line`]: reassembly of candidate lines from a noisy byte stream.
//!
//! Field numbers in errors count the sentence tag (`EEEMO`, ...) as field 0, so the first
//! value after it is field 1. Nothing here allocates.

pub mod checksum;
pub mod decode;
pub mod fields;
pub mod line;
pub mod sentence;

pub use decode::{DecodeError, decode, decode_with};
pub use fields::{
    ClassIndex, Decipixels, ErrorCode, ErrorText, FirmwareVersion, InvalidFirmwareVersion,
    ModelDigest, Percent, Permille, ReadoutLabel,
};
pub use line::{LineAssembler, LineStats};
pub use sentence::{
    EmotionSentence, ErrorSentence, HelloSentence, KeypointSentence, ReadoutLine, Sentence,
};

/// Longest line, CRLF included, of every sentence except `$EEKPT` (the NMEA limit).
pub const MAX_LINE_LEN: usize = 82;

/// Longest `$EEKPT` line, CRLF included: `$EEKPT,` (7), a 10-digit sequence number, 30
/// coordinates of at most 5 characters each behind a comma (180), `*CS` and CRLF (5).
pub const MAX_KEYPOINT_LINE_LEN: usize = 202;

/// The longest line of any sentence; the capacity of [`ReadoutLine`] and [`LineAssembler`].
pub const MAX_SENTENCE_LEN: usize = MAX_KEYPOINT_LINE_LEN;

/// Line terminator written after every sentence.
pub const LINE_END: &str = "\r\n";

/// Talker identifier that starts every sentence tag.
pub const TALKER: &str = "EE";

/// The word an `$EEEMO` sentence carries instead of a label when the readout is unsure.
pub const UNCERTAIN: &str = "uncertain";

/// Separator of label names in the `$EEHLO` sentence.
pub const LABEL_SEPARATOR: char = '|';

#[cfg(test)]
mod tests;
