//! What the build scripts of the emotion-edge Cortex-M binaries share, for the host:
//!
//! - [`link_with_memory_map`]: links with the crate's `memory.x` and the given linker
//!   scripts (cortex-m-rt's `link.x`, defmt's `defmt.x`);
//! - [`embed_model_blob`]: names the model blob the binary embeds, `EMOTION_EDGE_MODEL_BLOB`
//!   or the default `models/emotion-edge.int8.eeb`.

use std::env;
use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

/// Environment variable naming another model blob to embed.
pub const MODEL_BLOB_VAR: &str = "EMOTION_EDGE_MODEL_BLOB";

/// Compile-time environment variable that holds the embedded blob's absolute path, for
/// `include_bytes!(env!("EMOTION_EDGE_MODEL_BLOB_PATH"))`.
pub const MODEL_BLOB_PATH_VAR: &str = "EMOTION_EDGE_MODEL_BLOB_PATH";

/// The embedded default's blob, relative to a binary crate in this workspace.
const DEFAULT_MODEL_BLOB: &str = "../../../models/emotion-edge.int8.eeb";

/// Puts the crate's `memory.x` in `out_dir`, where cortex-m-rt's `link.x` includes it from,
/// and links the crate's binaries with `scripts` (`link.x` first), in that order.
pub fn link_with_memory_map(
    manifest_dir: &Path,
    out_dir: &Path,
    scripts: &[&str],
) -> Result<(), Box<dyn Error>> {
    fs::copy(manifest_dir.join("memory.x"), out_dir.join("memory.x"))?;
    println!("cargo:rustc-link-search={}", out_dir.display());
    for script in scripts {
        println!("cargo:rustc-link-arg-bins=-T{script}");
    }
    println!("cargo:rerun-if-changed=memory.x");
    Ok(())
}

/// Names the model blob to embed in [`MODEL_BLOB_PATH_VAR`], and returns its path.
pub fn embed_model_blob(manifest_dir: &Path) -> Result<PathBuf, Box<dyn Error>> {
    let blob = model_blob(manifest_dir)?;
    println!("cargo:rustc-env={MODEL_BLOB_PATH_VAR}={}", blob.display());
    Ok(blob)
}

/// The model blob to embed: `EMOTION_EDGE_MODEL_BLOB` or the embedded default.
fn model_blob(manifest_dir: &Path) -> Result<PathBuf, Box<dyn Error>> {
    println!("cargo:rerun-if-env-changed={MODEL_BLOB_VAR}");
    let path = match env::var_os(MODEL_BLOB_VAR) {
        Some(path) => PathBuf::from(path),
        None => manifest_dir.join(DEFAULT_MODEL_BLOB),
    };
    println!("cargo:rerun-if-changed={}", path.display());

    let path = path.canonicalize().map_err(|error| {
        format!(
            "model blob {}: {error}; make it with `emotion-edge convert --target mcu` or set \
             {MODEL_BLOB_VAR}",
            path.display()
        )
    })?;
    Ok(path)
}
