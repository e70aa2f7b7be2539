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
//! 3. when that binary is missing or older than any file of its package's `src/`, its
//!    `Cargo.toml`, `shared/src/` or `Cargo.lock`, `cargo build -p <package> --bin <name>`
//!    (with the cargo running the tests, `$CARGO`) rebuilds it there first, once per process.
//!
//! `cargo test --workspace` builds `sim` itself (its package has integration tests). A
//! binary built by step 3 is built for its package alone, so cargo may compile some
//! dependencies a second time with other features: build both binaries beforehand
//! (`cargo build -p emotion-edge-firmware --bin sim -p emotion-edge-host --bin emotion-edge`)
//! to avoid that in CI.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::SystemTime;

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

    /// The folders and files its binary is built from, relative to the workspace root.
    fn sources(self) -> [&'static str; 5] {
        let (src, manifest) = match self {
            Program::Sim => ("firmware/src", "firmware/Cargo.toml"),
            Program::Cli => ("host/src", "host/Cargo.toml"),
        };
        [src, manifest, "shared/src", "Cargo.lock", "Cargo.toml"]
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
    if is_stale(program, &path) {
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

/// Whether the binary at `path` is missing or older than one of its sources.
fn is_stale(program: Program, path: &Path) -> bool {
    let Ok(built) = path.metadata().and_then(|metadata| metadata.modified()) else {
        return true;
    };
    let root = crate::workspace_dir();
    program
        .sources()
        .iter()
        .any(|source| newer_than(&root.join(source), built))
}

/// Whether `path`, or any file below it, was modified after `time`.
fn newer_than(path: &Path, time: SystemTime) -> bool {
    let Ok(metadata) = path.metadata() else {
        return false;
    };
    if metadata.modified().is_ok_and(|modified| modified > time) {
        return true;
    }
    metadata.is_dir()
        && std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| newer_than(&entry.path(), time))
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
