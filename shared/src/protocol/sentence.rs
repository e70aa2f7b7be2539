//! The four readout sentences and their encoder.

use core::fmt::{self, Write};

use crate::keypoints::KEYPOINT_COORDS;
use crate::labels::{EMOTION_CLASSES, EmotionLabelSet};
use crate::postprocess::Decision;

use super::checksum::ChecksumWriter;
use super::fields::{
    Decipixels, ErrorCode, ErrorText, FirmwareVersion, ModelDigest, Percent, Permille,
    ReadoutLabel,
};
use super::{LABEL_SEPARATOR, LINE_END, MAX_SENTENCE_LEN, TALKER};

/// One encoded line, CRLF included.
pub type ReadoutLine = heapless::String<MAX_SENTENCE_LEN>;

/// `$EEHLO`: sent once at start-up, so a monitor knows what it is talking to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelloSentence {
    /// The firmware's version.
    pub firmware: FirmwareVersion,
    /// Which model runs: the first bytes of the model file's SHA-256.
    pub model: ModelDigest,
    /// The label set of the model, whose order the `$EEEMO` probabilities follow.
    pub labels: EmotionLabelSet,
}

#[cfg(feature = "defmt")]
impl defmt::Format for HelloSentence {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "HelloSentence {{ firmware: {}, model: {}, labels: {} }}",
            self.firmware,
            self.model,
            self.labels.classes
        );
    }
}

/// `$EEEMO`: the emotion readout of one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct EmotionSentence {
    /// Frame sequence number.
    pub seq: u32,
    /// The (smoothed) decision: a label or `uncertain`.
    pub label: ReadoutLabel,
    /// Confidence of the decision, in percent.
    pub confidence: Percent,
    /// The current frame's raw (unsmoothed) probabilities, in label-set order.
    pub probabilities: [Permille; EMOTION_CLASSES],
    /// Inference time of the frame, in milliseconds.
    pub infer_ms: u32,
}

impl EmotionSentence {
    /// The sentence for one frame: the readout's `decision` (its confidence in percent, 0
    /// when uncertain) and the frame's `raw` probabilities rounded to thousandths.
    pub fn from_decision(
        seq: u32,
        decision: &Decision,
        raw: &[f32; EMOTION_CLASSES],
        infer_ms: u32,
    ) -> EmotionSentence {
        EmotionSentence {
            seq,
            label: ReadoutLabel::from_decision(decision),
            confidence: Percent::from_probability(decision.confidence().unwrap_or(0.0)),
            probabilities: raw.map(Permille::from_probability),
            infer_ms,
        }
    }
}

/// `$EEKPT`: the 15 keypoints of one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct KeypointSentence {
    /// Frame sequence number.
    pub seq: u32,
    /// x then y of each keypoint, in the Kaggle column order, in pixels of the 96x96 input.
    pub coords: [Decipixels; KEYPOINT_COORDS],
}

impl KeypointSentence {
    /// The sentence for one frame's model output, in pixels (see [`Decipixels::from_pixels`]
    /// for rounding and saturation).
    pub fn from_pixels(seq: u32, coords: &[f32; KEYPOINT_COORDS]) -> KeypointSentence {
        KeypointSentence {
            seq,
            coords: coords.map(Decipixels::from_pixels),
        }
    }
}

/// `$EEERR`: something went wrong with a frame or the device.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ErrorSentence {
    /// Sequence number of the frame concerned.
    pub seq: u32,
    /// What kind of failure.
    pub code: ErrorCode,
    /// A short human-readable detail.
    pub text: ErrorText,
}

/// One readout sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Sentence {
    /// `$EEHLO`.
    Hello(HelloSentence),
    /// `$EEEMO`.
    Emotion(EmotionSentence),
    /// `$EEKPT`.
    Keypoints(KeypointSentence),
    /// `$EEERR`.
    Error(ErrorSentence),
}

impl Sentence {
    /// The tag after the talker, e.g. `EMO`.
    pub fn kind(&self) -> &'static str {
        match self {
            Sentence::Hello(_) => "HLO",
            Sentence::Emotion(_) => "EMO",
            Sentence::Keypoints(_) => "KPT",
            Sentence::Error(_) => "ERR",
        }
    }

    /// The whole line, `$` to CRLF; `labels` names the `$EEEMO` decision (a `$EEHLO`
    /// writes its own label set).
    ///
    /// Every field is bounded, so the line always fits [`ReadoutLine`]: at most
    /// [`super::MAX_KEYPOINT_LINE_LEN`] for `$EEKPT` and [`super::MAX_LINE_LEN`] for the
    /// others (for `$EEHLO`, when its label set has distinct classes).
    pub fn encode(&self, labels: &EmotionLabelSet) -> ReadoutLine {
        let mut line = ReadoutLine::new();
        let written = self.write_to(labels, &mut line);
        debug_assert!(
            written.is_ok(),
            "a readout sentence outgrew its line buffer"
        );
        line
    }

    /// Writes the whole line, `$` to CRLF, to `out` (e.g. a UART adapter).
    pub fn write_to<W: Write>(&self, labels: &EmotionLabelSet, out: &mut W) -> fmt::Result {
        out.write_char('$')?;

        let mut body = ChecksumWriter::new(out);
        self.write_body(labels, &mut body)?;
        let checksum = body.checksum();

        write!(out, "*{checksum:02X}{LINE_END}")
    }

    /// Writes the text between `$` and `*`.
    fn write_body<W: Write>(&self, labels: &EmotionLabelSet, out: &mut W) -> fmt::Result {
        write!(out, "{TALKER}{}", self.kind())?;
        match self {
            Sentence::Hello(hello) => write_hello(hello, out),
            Sentence::Emotion(emotion) => write_emotion(emotion, labels, out),
            Sentence::Keypoints(keypoints) => write_keypoints(keypoints, out),
            Sentence::Error(error) => write_error(error, out),
        }
    }
}

/// `,<firmware>,<model>,<name|name|...>`.
fn write_hello<W: Write>(hello: &HelloSentence, out: &mut W) -> fmt::Result {
    write!(out, ",{},{},", hello.firmware, hello.model)?;

    for (position, name) in hello.labels.names().into_iter().enumerate() {
        if position > 0 {
            out.write_char(LABEL_SEPARATOR)?;
        }
        out.write_str(name)?;
    }
    Ok(())
}

/// `,<seq>,<label>,<confidence>,<p0>,..,<p4>,<infer ms>`.
fn write_emotion<W: Write>(
    emotion: &EmotionSentence,
    labels: &EmotionLabelSet,
    out: &mut W,
) -> fmt::Result {
    let label = emotion.label.name(labels);
    write!(out, ",{},{label},{}", emotion.seq, emotion.confidence)?;

    for probability in emotion.probabilities {
        write!(out, ",{probability}")?;
    }
    write!(out, ",{}", emotion.infer_ms)
}

/// `,<seq>,<x0>,<y0>,..,<x14>,<y14>`.
fn write_keypoints<W: Write>(keypoints: &KeypointSentence, out: &mut W) -> fmt::Result {
    write!(out, ",{}", keypoints.seq)?;
    keypoints
        .coords
        .iter()
        .try_for_each(|coord| write!(out, ",{coord}"))
}

/// `,<seq>,<code>,<text>`.
fn write_error<W: Write>(error: &ErrorSentence, out: &mut W) -> fmt::Result {
    write!(
        out,
        ",{},{},{}",
        error.seq,
        error.code.wire_name(),
        error.text
    )
}
