//! Reassembling candidate lines from a serial byte stream.
//!
//! A serial port delivers sentences in arbitrary chunks, with line noise, partial lines
//! (e.g. when the monitor attaches mid-sentence) and garbage between lines. The assembler
//! keeps one line in a fixed buffer: a `$` starts a line (abandoning any unfinished one),
//! CR or LF ends it, and everything else outside a line is dropped and counted. A run longer
//! than the buffer is dropped whole. Lines it yields are only candidates: the decoder checks
//! them.

use super::MAX_SENTENCE_LEN;

/// Counters of what a [`LineAssembler`] has seen; all saturate instead of wrapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LineStats {
    /// Candidate lines yielded.
    pub lines: u32,
    /// Bytes thrown away: outside any line (line endings excepted), in abandoned partial
    /// lines, and in overlong runs.
    pub dropped_bytes: u32,
    /// Runs that outgrew the buffer.
    pub overlong_runs: u32,
}

/// Where the assembler is in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
enum Position {
    /// Between lines, waiting for `$`.
    BetweenLines,
    /// Inside a line that started with `$`.
    InLine,
    /// Inside a run that outgrew the buffer, waiting for `$` or a line ending.
    Overlong,
}

/// Cuts a byte stream into candidate lines (from `$`, without the CR/LF) of at most `N`
/// bytes, using only a fixed buffer.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LineAssembler<const N: usize = MAX_SENTENCE_LEN> {
    buffer: heapless::Vec<u8, N>,
    position: Position,
    stats: LineStats,
}

impl<const N: usize> LineAssembler<N> {
    /// An assembler between lines, with zeroed counters.
    pub const fn new() -> Self {
        LineAssembler {
            buffer: heapless::Vec::new(),
            position: Position::BetweenLines,
            stats: LineStats {
                lines: 0,
                dropped_bytes: 0,
                overlong_runs: 0,
            },
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> LineStats {
        self.stats
    }

    /// Takes one byte; returns the line it completes, if any (from `$`, without CR/LF).
    pub fn push(&mut self, byte: u8) -> Option<&[u8]> {
        match (byte, self.position) {
            (b'$', _) => {
                self.start_line();
                None
            }
            (b'\r' | b'\n', Position::InLine) => {
                self.position = Position::BetweenLines;
                self.stats.lines = self.stats.lines.saturating_add(1);
                Some(&self.buffer)
            }
            (b'\r' | b'\n', _) => {
                self.position = Position::BetweenLines;
                None
            }
            (_, Position::InLine) => {
                self.extend_line(byte);
                None
            }
            (_, Position::BetweenLines | Position::Overlong) => {
                self.drop_bytes(1);
                None
            }
        }
    }

    /// Feeds a chunk of bytes, calling `on_line` with every line it completes.
    pub fn feed(&mut self, chunk: &[u8], mut on_line: impl FnMut(&[u8])) {
        for &byte in chunk {
            if let Some(line) = self.push(byte) {
                on_line(line);
            }
        }
    }

    /// Abandons any unfinished line and starts a new one with `$`.
    fn start_line(&mut self) {
        if self.position == Position::InLine {
            self.drop_bytes(self.buffer.len());
        }

        self.buffer.clear();
        self.position = Position::InLine;
        self.extend_line(b'$');
    }

    /// Appends a byte to the line, or drops the line when the buffer is full.
    fn extend_line(&mut self, byte: u8) {
        if self.buffer.push(byte).is_ok() {
            return;
        }

        self.drop_bytes(self.buffer.len() + 1);
        self.buffer.clear();
        self.stats.overlong_runs = self.stats.overlong_runs.saturating_add(1);
        self.position = Position::Overlong;
    }

    /// Counts `count` dropped bytes.
    fn drop_bytes(&mut self, count: usize) {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        self.stats.dropped_bytes = self.stats.dropped_bytes.saturating_add(count);
    }
}

impl<const N: usize> Default for LineAssembler<N> {
    fn default() -> Self {
        LineAssembler::new()
    }
}
