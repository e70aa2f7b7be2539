//! A tty as the device UART (a board's `/dev/ttyAMA0`, a USB serial adapter, a pty): raw
//! bytes, 8 data bits, no parity, one stop bit, no flow control, at a chosen baud rate.

use std::fs::File;
use std::io;

use rustix::termios::{self, ControlModes, OptionalActions};

/// The baud rate of the readout unless told otherwise: what serial terminals and the host
/// `monitor` command default to.
pub const DEFAULT_BAUD: u32 = 115_200;

/// Sets `port` to raw 8N1 at `baud`, without modem control or flow control, and checks that
/// the driver took the rate.
///
/// Raw mode matters on a real UART: a tty in its default (cooked) mode rewrites line ends,
/// echoes and interprets control bytes.
pub fn configure(port: &File, baud: u32) -> io::Result<()> {
    let mut settings = termios::tcgetattr(port)?;
    settings.make_raw();
    settings.control_modes -= ControlModes::CSTOPB | ControlModes::PARENB | ControlModes::CRTSCTS;
    settings.control_modes |= ControlModes::CS8 | ControlModes::CLOCAL | ControlModes::CREAD;
    settings.set_speed(baud).map_err(|errno| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("baud rate {baud} is not supported: {errno}"),
        )
    })?;
    termios::tcsetattr(port, OptionalActions::Now, &settings)?;

    let applied = termios::tcgetattr(port)?.output_speed();
    if applied != baud {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the port runs at {applied} baud after asking for {baud}"),
        ));
    }
    Ok(())
}

/// Whether `port` is a terminal (a UART, a USB serial adapter or a pty) rather than a file
/// or another kind of device.
pub fn is_tty(port: &File) -> bool {
    termios::isatty(port)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use rustix::fs::{Mode, OFlags};
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    use rustix::termios::{LocalModes, OutputModes};

    use super::*;

    /// A new pty pair in the kernel's default (cooked) mode: the controller and the device.
    fn pty() -> (File, File) {
        let controller = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
        grantpt(&controller).unwrap();
        unlockpt(&controller).unwrap();
        let name = ptsname(&controller, Vec::new()).unwrap();
        let flags = OFlags::RDWR | OFlags::NOCTTY;
        let device = rustix::fs::open(name.as_c_str(), flags, Mode::empty()).unwrap();
        (File::from(controller), File::from(device))
    }

    #[test]
    fn a_cooked_tty_becomes_raw_at_the_baud_rate() {
        let (mut controller, mut device) = pty();
        let cooked = termios::tcgetattr(&device).unwrap();
        assert!(cooked.output_modes.contains(OutputModes::OPOST));

        configure(&device, 9600).unwrap();
        let raw = termios::tcgetattr(&device).unwrap();
        assert_eq!(raw.output_speed(), 9600);
        assert!(!raw.output_modes.contains(OutputModes::OPOST));
        assert!(
            !raw.local_modes
                .intersects(LocalModes::ICANON | LocalModes::ECHO)
        );
        assert!(
            raw.control_modes
                .contains(ControlModes::CS8 | ControlModes::CLOCAL)
        );

        // Without OPOST a lone line feed crosses as it is instead of becoming CR LF.
        device.write_all(b"a\nb").unwrap();
        let mut received = [0; 3];
        controller.read_exact(&mut received).unwrap();
        assert_eq!(&received, b"a\nb");
    }

    #[test]
    fn files_are_not_ttys_and_ptys_are() {
        let file = tempfile::tempfile().unwrap();
        assert!(!is_tty(&file));
        assert!(is_tty(&pty().1));
        assert!(configure(&file, DEFAULT_BAUD).is_err());
    }
}
