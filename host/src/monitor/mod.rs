//! The serial monitor: reads the device's `$EE...` readout from a serial port, a pty, a file
//! or stdin, checks every line and shows the live readout.
//!
//! - [`port`]: what to read from and how to open it;
//! - [`stream`]: a reader thread, so the monitor can stop on an idle timeout;
//! - [`session`]: line assembly, checksum and field checks, counters and the frame rate;
//! - [`view`]: the text shown for each event and the final summary;
//! - [`csv_log`]: one CSV row per frame, emotion and keypoints joined by sequence number.

pub mod csv_log;
pub mod port;
pub mod session;
pub mod stream;
pub mod view;

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;

use self::csv_log::CsvLog;
use self::port::PortSpec;
use self::session::{MonitorEvent, ReadoutSession, SessionCounts};
use self::stream::{ByteStream, Received};

/// What the monitor reads and when it stops.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorOptions {
    /// The byte source.
    pub port: PortSpec,
    /// Baud rate for serial devices.
    pub baud: u32,
    /// Write one CSV row per frame here.
    pub csv: Option<PathBuf>,
    /// Stop after this many lines (good and bad).
    pub max_lines: Option<u32>,
    /// Stop when no byte arrives for this long.
    pub idle_timeout: Option<Duration>,
}

/// Why the monitor stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The source ended (end of file, or the other end of the line hung up).
    SourceEnded,
    /// `max_lines` lines were read.
    MaxLines,
    /// Nothing arrived within the idle timeout.
    IdleTimeout,
}

/// Reads until the source ends, `max_lines` lines were read or the idle timeout passes,
/// writing the live view to `out`; returns the counters.
pub fn run_monitor(
    options: &MonitorOptions,
    out: &mut dyn Write,
) -> anyhow::Result<(SessionCounts, StopReason)> {
    let reader = port::open(&options.port, options.baud)?;
    let stream = ByteStream::spawn(reader);
    let mut csv = options.csv.as_deref().map(CsvLog::create).transpose()?;
    let mut session = ReadoutSession::new();
    tracing::info!(port = %options.port, "monitor reading");

    let started = Instant::now();
    let reason = loop {
        if options
            .max_lines
            .is_some_and(|max| session.counts().lines() >= max)
        {
            break StopReason::MaxLines;
        }
        let chunk = match stream.next(options.idle_timeout) {
            Received::Bytes(chunk) => chunk,
            Received::Idle => break StopReason::IdleTimeout,
            Received::End => break StopReason::SourceEnded,
        };

        let events = session.feed(&chunk, started.elapsed(), options.max_lines);
        show_events(&events, out, csv.as_mut())?;
    };

    if let Some(csv) = csv.as_mut() {
        csv.finish()?;
    }
    let counts = session.counts();
    writeln!(out, "{}", view::summary(&counts, reason)).context("cannot write the summary")?;
    tracing::info!(ok = counts.ok, bad = counts.bad, ?reason, "monitor stopped");
    Ok((counts, reason))
}

/// Prints every event and logs frames to the CSV file.
fn show_events(
    events: &[MonitorEvent],
    out: &mut dyn Write,
    mut csv: Option<&mut CsvLog>,
) -> anyhow::Result<()> {
    for event in events {
        if let Some(text) = view::event_line(event) {
            writeln!(out, "{text}").context("cannot write the live view")?;
        }
        if let Some(csv) = csv.as_deref_mut() {
            csv.record(event)?;
        }
    }
    out.flush().context("cannot write the live view")
}
