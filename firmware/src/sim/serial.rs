//! The program's UART: stdout, a file, or a tty device (a board's UART, a USB serial adapter,
//! a pty), which is set to raw mode at the chosen baud rate.

use std::fmt;
use std::fs::OpenOptions;
use std::io::{self, BufWriter};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use rustix::fs::OFlags;

use super::uart;

/// Where the readout goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SerialTarget {
    /// The process's standard output.
    Stdout,
    /// A file (created or truncated), or a character device opened for writing as it is;
    /// a tty (UART, USB serial adapter, pty) is set to raw mode at the baud rate.
    Path(PathBuf),
}

impl SerialTarget {
    /// `stdout` or `-` for standard output, anything else a path.
    pub fn parse(text: &str) -> SerialTarget {
        match text {
            "stdout" | "-" => SerialTarget::Stdout,
            path => SerialTarget::Path(PathBuf::from(path)),
        }
    }
}

impl fmt::Display for SerialTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SerialTarget::Stdout => write!(f, "stdout"),
            SerialTarget::Path(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A std writer seen as an `embedded_io` serial port; bytes are buffered until a flush,
/// which the application does after every frame.
pub struct HostSerial {
    out: BufWriter<Box<dyn io::Write + Send>>,
}

impl HostSerial {
    /// Opens `target` for writing; a tty runs at `baud` (stdout and files ignore it).
    pub fn open(target: &SerialTarget, baud: u32) -> io::Result<HostSerial> {
        let out: Box<dyn io::Write + Send> = match target {
            SerialTarget::Stdout => Box::new(io::stdout()),
            SerialTarget::Path(path) => Box::new(open_path(path, baud)?),
        };
        Ok(HostSerial {
            out: BufWriter::new(out),
        })
    }

    /// A serial port over any writer (e.g. a buffer in tests).
    pub fn from_writer(out: Box<dyn io::Write + Send>) -> HostSerial {
        HostSerial {
            out: BufWriter::new(out),
        }
    }
}

/// Opens a device as it is (a tty in raw mode at `baud`, never as the controlling terminal),
/// or creates / truncates a regular file.
fn open_path(path: &Path, baud: u32) -> io::Result<std::fs::File> {
    let is_device =
        std::fs::metadata(path).is_ok_and(|metadata| metadata.file_type().is_char_device());
    if !is_device {
        return OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path);
    }

    let no_controlling_tty = OFlags::NOCTTY.bits() as i32;
    let device = OpenOptions::new()
        .write(true)
        .custom_flags(no_controlling_tty)
        .open(path)?;
    if uart::is_tty(&device) {
        uart::configure(&device, baud)?;
        tracing::info!(serial = %path.display(), baud, "tty set to raw 8N1");
    }
    Ok(device)
}

impl embedded_io::ErrorType for HostSerial {
    type Error = io::Error;
}

impl embedded_io::Write for HostSerial {
    fn write(&mut self, buf: &[u8]) -> Result<usize, io::Error> {
        io::Write::write(&mut self.out, buf)
    }

    fn flush(&mut self) -> Result<(), io::Error> {
        io::Write::flush(&mut self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_io::Write as _;

    #[test]
    fn targets_parse_stdout_and_paths() {
        assert_eq!(SerialTarget::parse("stdout"), SerialTarget::Stdout);
        assert_eq!(SerialTarget::parse("-"), SerialTarget::Stdout);
        assert_eq!(
            SerialTarget::parse("/dev/pts/3"),
            SerialTarget::Path("/dev/pts/3".into())
        );
    }

    #[test]
    fn a_file_target_is_truncated_and_receives_flushed_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("uart.log");
        std::fs::write(&path, "old content that must go").unwrap();

        let mut serial = HostSerial::open(&SerialTarget::Path(path.clone()), 9600).unwrap();
        serial.write_all(b"$EEHLO\r\n").unwrap();
        serial.flush().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"$EEHLO\r\n");
    }
}
