//! A reader thread that hands byte chunks to the monitor, so it can wait with a timeout on
//! sources (ptys, stdin) whose reads block.

use std::io::{ErrorKind, Read};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Duration;

/// Bytes read at most per chunk.
const CHUNK_SIZE: usize = 4096;

/// What the reader thread delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// Some bytes.
    Bytes(Vec<u8>),
    /// Nothing within the timeout.
    Idle,
    /// The source ended or failed; nothing more will come.
    End,
}

/// Chunks read from a source by a background thread.
pub struct ByteStream {
    chunks: Receiver<Vec<u8>>,
}

impl ByteStream {
    /// Starts reading `source` on its own thread. The thread ends at end of file, on a read
    /// error (a hung-up pty reads as an error) or when the stream is dropped.
    pub fn spawn(mut source: Box<dyn Read + Send>) -> ByteStream {
        let (sender, chunks) = mpsc::channel();
        thread::spawn(move || {
            let mut buffer = vec![0; CHUNK_SIZE];
            loop {
                match source.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(count) => {
                        if sender.send(buffer[..count].to_vec()).is_err() {
                            break;
                        }
                    }
                    Err(error) if retryable(error.kind()) => continue,
                    Err(error) => {
                        tracing::info!(%error, "port closed");
                        break;
                    }
                }
            }
        });
        ByteStream { chunks }
    }

    /// The next chunk, waiting at most `timeout` (forever when `None`).
    pub fn next(&self, timeout: Option<Duration>) -> Received {
        let received = match timeout {
            Some(timeout) => self.chunks.recv_timeout(timeout),
            None => self
                .chunks
                .recv()
                .map_err(|_| RecvTimeoutError::Disconnected),
        };
        match received {
            Ok(chunk) => Received::Bytes(chunk),
            Err(RecvTimeoutError::Timeout) => Received::Idle,
            Err(RecvTimeoutError::Disconnected) => Received::End,
        }
    }
}

/// Read errors that only mean "no data yet".
fn retryable(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::TimedOut | ErrorKind::WouldBlock | ErrorKind::Interrupted
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finite_source_delivers_its_bytes_then_ends() {
        let stream = ByteStream::spawn(Box::new(&b"$EEHLO\r\n"[..]));
        let mut bytes = Vec::new();
        loop {
            match stream.next(Some(Duration::from_secs(5))) {
                Received::Bytes(chunk) => bytes.extend(chunk),
                Received::End => break,
                Received::Idle => panic!("a byte slice never idles"),
            }
        }
        assert_eq!(bytes, b"$EEHLO\r\n");
    }

    #[test]
    fn a_silent_source_reads_as_idle() {
        let (reader, _writer) = std::io::pipe().unwrap();
        let stream = ByteStream::spawn(Box::new(reader));
        assert_eq!(stream.next(Some(Duration::from_millis(50))), Received::Idle);
    }
}
