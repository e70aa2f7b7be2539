//! What the monitor reads from: a serial device, a pty, a file, or stdin.

use std::fmt;
use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;

/// How long one read of a serial device waits before the reader checks again.
const SERIAL_READ_TIMEOUT: Duration = Duration::from_millis(100);

/// The byte source named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSpec {
    /// Standard input (`-`).
    Stdin,
    /// A serial device, a pty, a FIFO or a plain file.
    Path(PathBuf),
}

impl PortSpec {
    /// `-` for stdin, anything else a path.
    pub fn parse(text: &str) -> PortSpec {
        match text {
            "-" => PortSpec::Stdin,
            path => PortSpec::Path(PathBuf::from(path)),
        }
    }
}

impl fmt::Display for PortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortSpec::Stdin => write!(f, "stdin"),
            PortSpec::Path(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Opens the source: character devices as serial ports at `baud` (falling back to a plain
/// read when the device refuses serial settings, as some ptys do), anything else as a file.
pub fn open(spec: &PortSpec, baud: u32) -> anyhow::Result<Box<dyn Read + Send>> {
    let path = match spec {
        PortSpec::Stdin => return Ok(Box::new(std::io::stdin())),
        PortSpec::Path(path) => path,
    };

    let metadata =
        std::fs::metadata(path).with_context(|| format!("cannot open port {}", path.display()))?;
    if !metadata.file_type().is_char_device() {
        return open_file(path);
    }

    match serialport::new(path.to_string_lossy(), baud)
        .timeout(SERIAL_READ_TIMEOUT)
        .open()
    {
        Ok(serial) => Ok(Box::new(serial)),
        Err(error) => {
            let port = path.display();
            tracing::warn!(%port, %error, "not a serial port; reading it as a file");
            open_file(path)
        }
    }
}

/// Opens a file, FIFO or device for plain reading.
fn open_file(path: &Path) -> anyhow::Result<Box<dyn Read + Send>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot open port {} for reading", path.display()))?;
    Ok(Box::new(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_is_stdin_and_anything_else_a_path() {
        assert_eq!(PortSpec::parse("-"), PortSpec::Stdin);
        assert_eq!(
            PortSpec::parse("/dev/ttyACM0"),
            PortSpec::Path("/dev/ttyACM0".into())
        );
        assert_eq!(PortSpec::parse("-").to_string(), "stdin");
    }

    #[test]
    fn a_missing_port_is_named_in_the_error() {
        let error = open(&PortSpec::parse("/nonexistent/tty"), 115_200)
            .err()
            .unwrap();
        assert!(
            format!("{error:#}").contains("/nonexistent/tty"),
            "{error:#}"
        );
    }

    #[test]
    fn a_plain_file_is_read_as_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("capture.log");
        std::fs::write(&path, b"$EEHLO").unwrap();
        let mut bytes = Vec::new();
        open(&PortSpec::Path(path), 9600)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        assert_eq!(bytes, b"$EEHLO");
    }
}
