//! Where the programs under test are.
//!
//! The `sim` binary belongs to `emotion-edge-firmware` and `emotion-edge` to
//! `emotion-edge-host`, so cargo does not hand this crate their paths
//! (`CARGO_BIN_EXE_*` only covers a package's own binaries), and `cargo test -p
//! emotion-edge-tests` does not rebuild them. So:
//!
//! 1. `EMOTION_EDGE_SIM` / `EMOTION_EDGE_CLI`, when set, name the binary to use as it is;
//! 2. otherwise the binary lives in the profile folder this test executable was built into
//!    (`target/<profile>/`, the parent of the `deps/` folder that holds the test);
//! 3. under `cargo test` (`$CARGO` is set), `cargo build -p <package> --bin <name>` runs
//!    once per test process before the first use, so the binary matches the sources (a quick
//!    no-op when it is fresh); run directly, the test builds only a missing binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// A program of the workspace that the end-to-end tests run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Program {
    /// The firmware simulator, `sim` of `emotion-edge-firmware`.
    Sim,
    /// The host CLI, `emotion-edge` of `emotion-edge-host`.
    Cli,
}

impl Program {
    /// The binary's name.
    pub fn binary_name(self) -> &'static str {
        match self {
            Program::Sim => "sim",
            Program::Cli => "emotion-edge",
        }
    }

    /// The package that builds it.
    pub fn package(self) -> &'static str {
        match self {
            Program::Sim => "emotion-edge-firmware",
            Program::Cli => "emotion-edge-host",
        }
    }

    /// The environment variable that may name its path.
    pub fn override_variable(self) -> &'static str {
        match self {
            Program::Sim => "EMOTION_EDGE_SIM",
            Program::Cli => "EMOTION_EDGE_CLI",
        }
    }
}

/// The path of `program`, built from the current sources when cargo runs the tests.
///
/// # Panics
/// When it is neither found nor buildable; the message says what was tried.
pub fn program_path(program: Program) -> PathBuf {
    if let Some(path) = std::env::var_os(program.override_variable()) {
        return PathBuf::from(path);
    }

    let profile_dir = profile_dir();
    let path = profile_dir.join(program.binary_name());
    if std::env::var_os("CARGO").is_some() || !path.is_file() {
        build_once(program, &profile_dir);
    }
    assert!(
        path.is_file(),
        "`cargo build` succeeded but {} is missing",
        path.display()
    );
    path
}

/// Builds `program` the first time it is asked for in this process.
fn build_once(program: Program, profile_dir: &Path) {
    static SIM: OnceLock<()> = OnceLock::new();
    static CLI: OnceLock<()> = OnceLock::new();
    let built = match program {
        Program::Sim => &SIM,
        Program::Cli => &CLI,
    };
    built.get_or_init(|| build(program, profile_dir));
}

/// `target/<profile>/`: the parent of the `deps/` folder that holds this test executable.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path is known");
    let deps = exe.parent().expect("the test executable is in a folder");
    let dir = if deps.ends_with("deps") {
        deps.parent().unwrap_or(deps)
    } else {
        deps
    };
    dir.to_path_buf()
}

/// Builds `program` into `profile_dir` with the cargo running the tests.
fn build(program: Program, profile_dir: &Path) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target_dir = profile_dir.parent().unwrap_or(profile_dir);
    let mut command = Command::new(cargo);
    command
        .current_dir(crate::workspace_dir())
        .env("CARGO_TARGET_DIR", target_dir)
        .args([
            "build",
            "-p",
            program.package(),
            "--bin",
            program.binary_name(),
        ]);
    if profile_dir
        .file_name()
        .is_some_and(|name| name == "release")
    {
        command.arg("--release");
    }

    let status = command.status().unwrap_or_else(|error| {
        panic!(
            "cannot run cargo to build {}: {error}",
            program.binary_name()
        )
    });
    assert!(
        status.success(),
        "building {} failed; build it with `cargo build -p {} --bin {}` or set {}",
        program.binary_name(),
        program.package(),
        program.binary_name(),
        program.override_variable()
    );
}

/// A command for `program`, with `RUST_LOG` set so its log shows in a failing test's output.
pub fn command(program: Program) -> Command {
    let mut command = Command::new(program_path(program));
    command.env("RUST_LOG", "info");
    command
}
