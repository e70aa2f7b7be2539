//! A connected pair of pseudo-terminals, made by `socat`: what one end receives, the other
//! reads, like the two ends of a serial cable.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;

/// Two linked pty device paths and the `socat` process that links them (ended on drop).
pub struct PtyPair {
    socat: Child,
    ends: [PathBuf; 2],
}

impl PtyPair {
    /// Starts `socat -d -d pty,raw,echo=0 pty,raw,echo=0` and waits until it names both
    /// ends.
    ///
    /// # Panics
    /// When `socat` is not installed or does not report two ptys.
    pub fn open() -> PtyPair {
        let mut socat = Command::new("socat")
            .args(["-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| {
                panic!("cannot run socat ({error}); install it, e.g. `apt-get install socat`")
            });

        let stderr = socat.stderr.take().expect("socat's stderr is piped");
        let mut lines = BufReader::new(stderr).lines();
        let mut ends = Vec::new();
        while ends.len() < 2 {
            let Some(Ok(line)) = lines.next() else {
                let _ = socat.kill();
                panic!("socat ended before naming two ptys (found {ends:?})");
            };
            if let Some((_, path)) = line.split_once("PTY is ") {
                ends.push(PathBuf::from(path.trim()));
            }
        }
        // Keep reading socat's log so it never blocks on a full pipe.
        thread::spawn(move || lines.for_each(drop));

        let [first, second]: [PathBuf; 2] = ends.try_into().expect("exactly two ends");
        PtyPair {
            socat,
            ends: [first, second],
        }
    }

    /// The end the device (simulator) writes to.
    pub fn device_end(&self) -> &Path {
        &self.ends[0]
    }

    /// The end the host (monitor) reads from.
    pub fn host_end(&self) -> &Path {
        &self.ends[1]
    }
}

impl Drop for PtyPair {
    fn drop(&mut self) {
        let _ = self.socat.kill();
        let _ = self.socat.wait();
    }
}
