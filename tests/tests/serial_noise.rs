//! Line noise in front of `emotion-edge monitor`: random bytes between the sentences and a
//! corrupted sentence. The monitor counts them as dropped bytes and bad lines and still
//! reads every good line.

use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

use emotion_edge_tests::binaries::{Program, command};
use emotion_edge_tests::fixture::{FixtureVariant, write_fixture_model};
use emotion_edge_tests::pty::PtyPair;

/// A deterministic byte generator (64-bit LCG, high bits).
struct Noise(u64);

impl Noise {
    fn byte(&mut self) -> u8 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 56) as u8
    }

    /// `count` bytes, none of them `$`, CR or LF, so they cannot start or end a line.
    fn inert(&mut self, count: usize) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(count);
        while bytes.len() < count {
            let byte = self.byte();
            if !matches!(byte, b'$' | b'\r' | b'\n') {
                bytes.push(byte);
            }
        }
        bytes
    }

    /// `count` bytes of anything, `$` and line endings included.
    fn any(&mut self, count: usize) -> Vec<u8> {
        (0..count).map(|_| self.byte()).collect()
    }
}

/// A clean simulator readout of the sample faces, as lines with their CRLF.
fn clean_readout(dir: &Path) -> Vec<Vec<u8>> {
    let model = dir.join("fixture.onnx");
    write_fixture_model(&model, FixtureVariant::Contract).unwrap();
    let serial = dir.join("clean.log");
    let output = command(Program::Sim)
        .arg("--model")
        .arg(&model)
        .arg("--serial")
        .arg(&serial)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let text = std::fs::read(&serial).unwrap();
    text.split_inclusive(|&byte| byte == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn monitor_file(port: &Path) -> Output {
    command(Program::Cli)
        .args(["monitor", "--port"])
        .arg(port)
        .output()
        .unwrap()
}

/// The `summary:` line of the monitor's output.
fn summary(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "monitor failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find(|line| line.starts_with("summary:"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn inert_noise_is_dropped_and_a_corrupted_line_is_bad() {
    let dir = tempfile::tempdir().unwrap();
    let lines = clean_readout(dir.path());
    let mut noise = Noise(7);

    let mut stream = Vec::new();
    let mut noise_bytes = 0;
    for (index, line) in lines.iter().enumerate() {
        let garbage = noise.inert(1 + index % 13);
        noise_bytes += garbage.len();
        stream.extend(garbage);
        if index == 3 {
            // One flipped digit: the checksum no longer matches.
            let mut corrupted = line.clone();
            let digit = corrupted.iter().position(u8::is_ascii_digit).unwrap();
            corrupted[digit] = if corrupted[digit] == b'9' {
                b'8'
            } else {
                corrupted[digit] + 1
            };
            stream.extend(corrupted);
        } else {
            stream.extend(line);
        }
    }
    let port = dir.path().join("noisy.log");
    std::fs::write(&port, &stream).unwrap();

    let summary = summary(&monitor_file(&port));
    let expected = format!(
        "summary: lines ok {}, bad 1; HLO 1, EMO {}, KPT {}, ERR 0; dropped bytes {noise_bytes} ",
        lines.len() - 1,
        (lines.len() - 1) / 2 - 1,
        (lines.len() - 1) / 2,
    );
    assert!(
        summary.starts_with(&expected),
        "expected {expected:?}, got {summary:?}"
    );
}

#[test]
fn random_bytes_on_a_pty_do_not_cost_a_good_line() {
    let dir = tempfile::tempdir().unwrap();
    let lines = clean_readout(dir.path());
    let pty = PtyPair::open();
    let mut noise = Noise(11);

    let monitor = command(Program::Cli)
        .args(["monitor", "--timeout", "5", "--port"])
        .arg(pty.host_end())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));

    let mut device = std::fs::OpenOptions::new()
        .write(true)
        .open(pty.device_end())
        .unwrap();
    for line in &lines {
        let mut garbage = noise.any(24);
        // Random noise may open a line with `$`; a line ending closes it as a bad line
        // before the real sentence starts.
        garbage.extend_from_slice(b"\r\n");
        device.write_all(&garbage).unwrap();
        device.write_all(line).unwrap();
        device.flush().unwrap();
    }
    drop(device);
    let output = monitor.wait_with_output().unwrap();

    let summary = summary(&output);
    let counts: Vec<u64> = summary_numbers(&summary);
    // ok, bad, HLO, EMO, KPT, ERR, dropped, overlong
    assert_eq!(counts[0], lines.len() as u64, "{summary}");
    assert_eq!(
        (counts[2], counts[3], counts[4]),
        (
            1,
            (lines.len() as u64 - 1) / 2,
            (lines.len() as u64 - 1) / 2
        ),
        "{summary}"
    );
    assert!(counts[6] > 0, "noise must be counted as dropped: {summary}");
}

/// The numbers of a summary line, in order.
fn summary_numbers(summary: &str) -> Vec<u64> {
    summary
        .split(|c: char| !c.is_ascii_digit() && c != '.')
        .filter(|word| !word.is_empty() && !word.contains('.'))
        .filter_map(|word| word.parse().ok())
        .collect()
}
