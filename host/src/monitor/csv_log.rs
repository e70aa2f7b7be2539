//! The monitor's CSV log: one row per frame, its `$EEEMO` and `$EEKPT` joined by sequence
//! number.
//!
//! A row is written when both sentences of a frame have arrived, or with empty keypoint cells
//! when the next frame's emotion arrives (or the monitor stops) first.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use shared::keypoints::KEYPOINT_COLUMNS;
use shared::protocol::KeypointSentence;

use super::session::{EmotionReadout, MonitorEvent};

/// A CSV file receiving one row per frame.
pub struct CsvLog {
    path: PathBuf,
    out: BufWriter<File>,
    pending: Option<EmotionReadout>,
    header_written: bool,
}

impl CsvLog {
    /// Creates (or truncates) the file at `path`.
    pub fn create(path: &Path) -> anyhow::Result<CsvLog> {
        let file = File::create(path)
            .with_context(|| format!("cannot create CSV log {}", path.display()))?;
        Ok(CsvLog {
            path: path.to_path_buf(),
            out: BufWriter::new(file),
            pending: None,
            header_written: false,
        })
    }

    /// Takes one event; emotion and keypoint sentences make rows, others are ignored.
    pub fn record(&mut self, event: &MonitorEvent) -> anyhow::Result<()> {
        match event {
            MonitorEvent::Emotion(readout) => {
                self.flush_pending(None)?;
                self.pending = Some(*readout);
            }
            MonitorEvent::Keypoints(keypoints) => {
                let matches = self
                    .pending
                    .is_some_and(|pending| pending.sentence.seq == keypoints.seq);
                if matches {
                    self.flush_pending(Some(keypoints))?;
                }
            }
            MonitorEvent::Hello(_)
            | MonitorEvent::DeviceError(_)
            | MonitorEvent::BadLine { .. } => {}
        }
        Ok(())
    }

    /// Writes any half-complete row and flushes the file.
    pub fn finish(&mut self) -> anyhow::Result<()> {
        self.flush_pending(None)?;
        self.out
            .flush()
            .with_context(|| format!("cannot write CSV log {}", self.path.display()))
    }

    /// Writes the pending emotion row, with `keypoints` or empty keypoint cells.
    fn flush_pending(&mut self, keypoints: Option<&KeypointSentence>) -> anyhow::Result<()> {
        let Some(readout) = self.pending.take() else {
            return Ok(());
        };
        if !self.header_written {
            let header = header(&readout);
            self.write_line(&header)?;
            self.header_written = true;
        }
        let row = row(&readout, keypoints);
        self.write_line(&row)
    }

    /// Writes one line.
    fn write_line(&mut self, line: &str) -> anyhow::Result<()> {
        writeln!(self.out, "{line}")
            .with_context(|| format!("cannot write CSV log {}", self.path.display()))
    }
}

/// Column names, the probability columns named after the label set of the first frame.
fn header(readout: &EmotionReadout) -> String {
    let mut columns: Vec<String> = [
        "seq",
        "host_ms",
        "live_label",
        "live_p",
        "label",
        "confidence",
    ]
    .map(String::from)
    .to_vec();
    columns.extend(readout.labels.names().map(|name| format!("p_{name}")));
    columns.push("infer_ms".into());
    columns.extend(KEYPOINT_COLUMNS.map(String::from));
    columns.join(",")
}

/// One frame's values.
fn row(readout: &EmotionReadout, keypoints: Option<&KeypointSentence>) -> String {
    let sentence = &readout.sentence;
    let (live_label, live_p) = match readout.live() {
        Some((label, probability)) => (label.to_string(), format!("{probability:.3}")),
        None => (String::new(), String::new()),
    };

    let mut cells = vec![
        sentence.seq.to_string(),
        readout.arrived.as_millis().to_string(),
        live_label,
        live_p,
        readout.smoothed().to_string(),
        sentence.confidence.get().to_string(),
    ];
    cells.extend(
        sentence
            .probabilities
            .iter()
            .map(|permille| permille.to_string()),
    );
    cells.push(sentence.infer_ms.to_string());
    match keypoints {
        Some(keypoints) => cells.extend(keypoints.coords.iter().map(|coord| coord.to_string())),
        None => cells.extend(KEYPOINT_COLUMNS.map(|_| String::new())),
    }
    cells.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::session::ReadoutSession;
    use shared::labels::EmotionLabelSet;
    use shared::postprocess::Decision;
    use shared::protocol::{EmotionSentence, Sentence};
    use std::time::Duration;

    fn frame_lines(seq: u32, with_keypoints: bool) -> String {
        let labels = EmotionLabelSet::DEFAULT;
        let decision = Decision::Uncertain;
        let raw = [0.2; 5];
        let mut text = Sentence::Emotion(EmotionSentence::from_decision(seq, &decision, &raw, 3))
            .encode(&labels)
            .to_string();
        if with_keypoints {
            let keypoints = KeypointSentence::from_pixels(seq, &[48.25; 30]);
            text.push_str(&Sentence::Keypoints(keypoints).encode(&labels));
        }
        text
    }

    #[test]
    fn frames_become_rows_joined_by_sequence_number() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.csv");
        let mut log = CsvLog::create(&path).unwrap();
        let mut session = ReadoutSession::new();

        let stream = format!("{}{}", frame_lines(0, true), frame_lines(1, false));
        for event in session.feed(stream.as_bytes(), Duration::from_millis(5), None) {
            log.record(&event).unwrap();
        }
        log.finish().unwrap();

        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("seq,host_ms,live_label,live_p,label,confidence,p_angry"));
        assert_eq!(lines[0].split(',').count(), lines[1].split(',').count());
        assert!(
            lines[1].starts_with("0,5,angry,0.200,uncertain,0,0.200,"),
            "{}",
            lines[1]
        );
        assert!(lines[1].ends_with(",48.3"), "{}", lines[1]);
        assert!(
            lines[2].starts_with("1,") && lines[2].ends_with(",,"),
            "{}",
            lines[2]
        );
    }
}
