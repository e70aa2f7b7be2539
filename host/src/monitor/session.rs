//! The monitor's state: assembles lines from the byte stream, decodes and checks them,
//! counts good and bad lines and measures the frame rate.

use std::collections::VecDeque;
use std::time::Duration;

use shared::labels::EmotionLabelSet;
use shared::postprocess::argmax;
use shared::protocol::{
    DecodeError, EmotionSentence, ErrorSentence, HelloSentence, KeypointSentence, LineAssembler,
    Sentence, decode_with,
};

/// `$EEEMO` arrivals the frame rate is measured over.
const RATE_WINDOW: usize = 16;

/// What the monitor has seen so far.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SessionCounts {
    /// Lines with a valid checksum and valid fields.
    pub ok: u32,
    /// Lines rejected by the decoder (bad checksum, bad field, unknown sentence, ...).
    pub bad: u32,
    /// `$EEHLO` lines.
    pub hello: u32,
    /// `$EEEMO` lines.
    pub emotion: u32,
    /// `$EEKPT` lines.
    pub keypoints: u32,
    /// `$EEERR` lines.
    pub errors: u32,
    /// Bytes thrown away outside lines, in abandoned partial lines and in overlong runs.
    pub dropped_bytes: u32,
    /// Runs longer than the longest sentence.
    pub overlong_runs: u32,
    /// Frames per second over the last `$EEEMO` arrivals.
    pub frames_per_second: Option<f32>,
}

impl SessionCounts {
    /// Every candidate line, good or bad.
    pub fn lines(&self) -> u32 {
        self.ok.saturating_add(self.bad)
    }
}

/// One `$EEEMO` with what the monitor derives from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmotionReadout {
    /// Arrival time since the monitor started.
    pub arrived: Duration,
    /// The sentence as sent.
    pub sentence: EmotionSentence,
    /// The label set it is named in (the one the device announced, else the default).
    pub labels: EmotionLabelSet,
    /// Frames per second at this arrival.
    pub frames_per_second: Option<f32>,
}

impl EmotionReadout {
    /// The frame's own top class (argmax of its raw probabilities) and probability.
    pub fn live(&self) -> Option<(&'static str, f32)> {
        let probabilities = self.probabilities();
        let best = argmax(&probabilities)?;
        Some((self.labels.name(best)?, *probabilities.get(best)?))
    }

    /// The device's smoothed decision: a class name or `uncertain`.
    pub fn smoothed(&self) -> &'static str {
        self.sentence.label.name(&self.labels)
    }

    /// The raw probabilities as floats.
    pub fn probabilities(&self) -> [f32; 5] {
        self.sentence
            .probabilities
            .map(|permille| permille.probability())
    }
}

/// Something the monitor shows or logs.
#[derive(Debug, Clone, PartialEq)]
pub enum MonitorEvent {
    /// The device announced itself.
    Hello(HelloSentence),
    /// An emotion readout.
    Emotion(EmotionReadout),
    /// Keypoints of a frame.
    Keypoints(KeypointSentence),
    /// The device reported a fault.
    DeviceError(ErrorSentence),
    /// A line failed its checks.
    BadLine {
        /// Why it was rejected.
        reason: DecodeError,
        /// The line, with non-printable bytes escaped.
        text: String,
    },
}

/// Line assembly, decoding and counting for one monitored stream.
pub struct ReadoutSession {
    assembler: LineAssembler,
    labels: EmotionLabelSet,
    counts: SessionCounts,
    arrivals: VecDeque<Duration>,
}

impl ReadoutSession {
    /// A session that has seen nothing; labels default until a `$EEHLO` names them.
    pub fn new() -> Self {
        ReadoutSession {
            assembler: LineAssembler::new(),
            labels: EmotionLabelSet::DEFAULT,
            counts: SessionCounts::default(),
            arrivals: VecDeque::with_capacity(RATE_WINDOW),
        }
    }

    /// The counters, including the assembler's dropped bytes.
    pub fn counts(&self) -> SessionCounts {
        let stats = self.assembler.stats();
        SessionCounts {
            dropped_bytes: stats.dropped_bytes,
            overlong_runs: stats.overlong_runs,
            ..self.counts
        }
    }

    /// Feeds a chunk that arrived at `now`; returns the events of the lines it completes.
    /// Stops consuming once `max_lines` lines have been read.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        now: Duration,
        max_lines: Option<u32>,
    ) -> Vec<MonitorEvent> {
        let mut events = Vec::new();
        for &byte in chunk {
            if max_lines.is_some_and(|max| self.counts.lines() >= max) {
                break;
            }
            let Some(line) = self.assembler.push(byte) else {
                continue;
            };
            let decoded = decode_with(line, &self.labels);
            let text = printable(line);
            events.push(self.record(decoded, text, now));
        }
        events
    }

    /// Counts one decoded line and turns it into an event.
    fn record(
        &mut self,
        decoded: Result<Sentence, DecodeError>,
        text: String,
        now: Duration,
    ) -> MonitorEvent {
        let sentence = match decoded {
            Ok(sentence) => sentence,
            Err(reason) => {
                self.counts.bad = self.counts.bad.saturating_add(1);
                return MonitorEvent::BadLine { reason, text };
            }
        };

        self.counts.ok = self.counts.ok.saturating_add(1);
        match sentence {
            Sentence::Hello(hello) => {
                self.counts.hello += 1;
                self.labels = hello.labels;
                MonitorEvent::Hello(hello)
            }
            Sentence::Emotion(sentence) => {
                self.counts.emotion += 1;
                let frames_per_second = self.frame_arrived(now);
                let labels = self.labels;
                MonitorEvent::Emotion(EmotionReadout {
                    arrived: now,
                    sentence,
                    labels,
                    frames_per_second,
                })
            }
            Sentence::Keypoints(keypoints) => {
                self.counts.keypoints += 1;
                MonitorEvent::Keypoints(keypoints)
            }
            Sentence::Error(error) => {
                self.counts.errors += 1;
                MonitorEvent::DeviceError(error)
            }
        }
    }

    /// Records a frame's arrival and returns the rate over the window.
    fn frame_arrived(&mut self, now: Duration) -> Option<f32> {
        // Limitation: the rate comes from host arrival times, since the sentences carry no
        // device timestamp; USB serial buffering can bunch arrivals and make it jitter.
        if self.arrivals.len() == RATE_WINDOW {
            self.arrivals.pop_front();
        }
        self.arrivals.push_back(now);

        let first = self.arrivals.front()?;
        let span = now.saturating_sub(*first).as_secs_f32();
        let rate = (self.arrivals.len() > 1 && span > 0.0)
            .then(|| (self.arrivals.len() - 1) as f32 / span);
        self.counts.frames_per_second = rate.or(self.counts.frames_per_second);
        rate
    }
}

impl Default for ReadoutSession {
    fn default() -> Self {
        ReadoutSession::new()
    }
}

/// The line as text, bytes outside printable ASCII escaped as `\xNN`.
fn printable(line: &[u8]) -> String {
    line.iter()
        .map(|&byte| match byte {
            b' '..=b'~' => char::from(byte).to_string(),
            _ => format!("\\x{byte:02x}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::postprocess::Decision;
    use shared::protocol::{ErrorCode, ErrorText, FirmwareVersion, ModelDigest};

    fn hello_line(labels: EmotionLabelSet) -> String {
        let hello = HelloSentence {
            firmware: FirmwareVersion::new("1.2.3").unwrap(),
            model: ModelDigest([0xde, 0xad, 0xbe, 0xef]),
            labels,
        };
        Sentence::Hello(hello).encode(&labels).to_string()
    }

    fn emotion_line(seq: u32, labels: &EmotionLabelSet) -> String {
        let decision = Decision::Label {
            index: 3,
            confidence: 0.7,
        };
        let raw = [0.1, 0.05, 0.6, 0.2, 0.05];
        Sentence::Emotion(EmotionSentence::from_decision(seq, &decision, &raw, 12))
            .encode(labels)
            .to_string()
    }

    #[test]
    fn good_lines_are_counted_and_named_by_the_announced_set() {
        let mut labels = EmotionLabelSet::DEFAULT;
        labels.classes.swap(2, 3);
        let stream = format!("{}{}", hello_line(labels), emotion_line(0, &labels));

        let mut session = ReadoutSession::new();
        let events = session.feed(stream.as_bytes(), Duration::ZERO, None);
        assert_eq!(events.len(), 2);
        let MonitorEvent::Emotion(readout) = &events[1] else {
            panic!("{events:?}")
        };
        assert_eq!(readout.smoothed(), "sad");
        assert_eq!(readout.live(), Some(("happy", 0.6)));
        assert_eq!(session.counts().ok, 2);
    }

    #[test]
    fn noise_and_corrupted_lines_are_counted_and_good_lines_survive() {
        let labels = EmotionLabelSet::DEFAULT;
        let good = emotion_line(1, &labels);
        let corrupted = good.replace("0.600", "0.700");
        let stream = format!("\u{1}garbage\r\n{corrupted}xx{good}$EEKPT,1,2*00\r\n");

        let mut session = ReadoutSession::new();
        let events = session.feed(stream.as_bytes(), Duration::ZERO, None);
        let counts = session.counts();
        assert_eq!((counts.ok, counts.bad, counts.emotion), (1, 2, 1));
        assert_eq!(counts.dropped_bytes, "\u{1}garbage".len() as u32 + 2);
        assert!(matches!(
            events[0],
            MonitorEvent::BadLine {
                reason: DecodeError::BadChecksum { .. },
                ..
            }
        ));
    }

    #[test]
    fn frame_rate_comes_from_arrival_times() {
        let labels = EmotionLabelSet::DEFAULT;
        let mut session = ReadoutSession::new();
        for seq in 0..5 {
            let at = Duration::from_millis(100 * u64::from(seq));
            session.feed(emotion_line(seq, &labels).as_bytes(), at, None);
        }
        let rate = session.counts().frames_per_second.unwrap();
        assert!((rate - 10.0).abs() < 0.01, "{rate}");
    }

    #[test]
    fn max_lines_stops_consumption() {
        let labels = EmotionLabelSet::DEFAULT;
        let stream: String = (0..4).map(|seq| emotion_line(seq, &labels)).collect();
        let mut session = ReadoutSession::new();
        session.feed(stream.as_bytes(), Duration::ZERO, Some(3));
        assert_eq!(session.counts().lines(), 3);
    }

    #[test]
    fn device_errors_are_counted_as_good_lines() {
        let error = ErrorSentence {
            seq: 4,
            code: ErrorCode::Frame,
            text: ErrorText::sanitised("bad"),
        };
        let line = Sentence::Error(error).encode(&EmotionLabelSet::DEFAULT);
        let mut session = ReadoutSession::new();
        session.feed(line.as_bytes(), Duration::ZERO, None);
        assert_eq!((session.counts().ok, session.counts().errors), (1, 1));
    }
}
