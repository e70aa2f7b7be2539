//! Timing of reading: decompressing and splitting lines alone, and full parsing.

use std::path::Path;
use std::time::{Duration, Instant};

use shared::labels::EmotionLabelSet;

use super::detect::DataKind;
use super::emotions::read_emotions;
use super::error::DataError;
use super::keypoints::read_keypoints;
use super::options::ReadOptions;
use super::source::{LineScan, scan_lines};

/// Timings of reading one input several times.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReadBench {
    /// Times each pass ran.
    pub runs: u32,
    /// Lines in the input (header included).
    pub lines: u64,
    /// Bytes of decompressed text.
    pub text_bytes: u64,
    /// Data rows read by the parser in one pass.
    pub rows: u64,
    /// Fastest pass that only decompresses and splits lines, in seconds.
    pub scan_seconds: f64,
    /// Fastest pass that parses and validates everything, in seconds.
    pub parse_seconds: f64,
}

impl ReadBench {
    /// Rows per second of the full parse.
    pub fn rows_per_second(&self) -> f64 {
        self.rows as f64 / self.parse_seconds
    }

    /// Megabytes (10^6 bytes) of text per second of the full parse.
    pub fn parse_mb_per_second(&self) -> f64 {
        self.text_bytes as f64 / 1e6 / self.parse_seconds
    }

    /// Megabytes of text per second of the line scan alone.
    pub fn scan_mb_per_second(&self) -> f64 {
        self.text_bytes as f64 / 1e6 / self.scan_seconds
    }
}

/// Reads `path` as `kind` `runs` times in each of two ways, keeping the fastest time of
/// each: a line scan without parsing, and a full parse with `options`.
pub fn bench_read(
    path: &Path,
    kind: DataKind,
    options: &ReadOptions,
    runs: u32,
) -> Result<ReadBench, DataError> {
    let runs = runs.max(1);
    let mut scan = LineScan { lines: 0, bytes: 0 };
    let mut scan_time = Duration::MAX;
    let mut parse_time = Duration::MAX;
    let mut rows = 0;

    for _ in 0..runs {
        let start = Instant::now();
        scan = scan_lines(path)?;
        scan_time = scan_time.min(start.elapsed());

        let start = Instant::now();
        rows = match kind {
            DataKind::Emotion => read_emotions(path, &EmotionLabelSet::DEFAULT, options)?.report,
            DataKind::Keypoints => read_keypoints(path, options)?.report,
        }
        .rows_read;
        parse_time = parse_time.min(start.elapsed());
    }

    Ok(ReadBench {
        runs,
        lines: scan.lines,
        text_bytes: scan.bytes,
        rows,
        scan_seconds: scan_time.as_secs_f64(),
        parse_seconds: parse_time.as_secs_f64(),
    })
}
