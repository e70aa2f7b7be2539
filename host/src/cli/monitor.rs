//! `emotion-edge monitor`: watch the device's serial readout.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;
use clap::Args;

use crate::monitor::port::PortSpec;
use crate::monitor::{MonitorOptions, run_monitor};

/// Reads the `$EE...` readout from a serial port, pty, file or stdin, checks every line and
/// shows the live label, confidence, smoothed label and frame rate.
#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// Serial device, pty, file, or `-` for stdin.
    #[arg(long)]
    port: String,

    /// Baud rate of a serial device.
    #[arg(long, default_value_t = 115_200)]
    baud: u32,

    /// Also log one CSV row per frame to this file.
    #[arg(long)]
    csv: Option<PathBuf>,

    /// Stop after this many lines, good or bad.
    #[arg(long)]
    max_lines: Option<u32>,

    /// Stop when nothing arrives for this many seconds.
    #[arg(long)]
    timeout: Option<f64>,
}

impl MonitorArgs {
    /// Runs the monitor until the source ends, the line limit or the idle timeout.
    pub fn run(self) -> anyhow::Result<()> {
        let idle_timeout = match self.timeout {
            Some(seconds) if seconds.is_finite() && seconds > 0.0 => {
                Some(Duration::from_secs_f64(seconds))
            }
            Some(seconds) => bail!("--timeout must be a positive number of seconds: {seconds}"),
            None => None,
        };
        let options = MonitorOptions {
            port: PortSpec::parse(&self.port),
            baud: self.baud,
            csv: self.csv,
            max_lines: self.max_lines,
            idle_timeout,
        };

        run_monitor(&options, &mut std::io::stdout().lock())?;
        Ok(())
    }
}
