//! Build script of the STM32H747I-DISCO binary: links with cortex-m-rt's and defmt's
//! scripts and this board's memory map, and names the model blob to embed:
//! `models/emotion-edge.int8.eeb`, or the file `EMOTION_EDGE_MODEL_BLOB` names.

use std::env;
use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

/// Environment variable naming another model blob to embed.
const MODEL_BLOB_VAR: &str = "EMOTION_EDGE_MODEL_BLOB";

/// The embedded default's blob, relative to this crate.
const DEFAULT_MODEL_BLOB: &str = "../../../models/emotion-edge.int8.eeb";

fn main() -> Result<(), Box<dyn Error>> {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);

    fs::copy(manifest_dir.join("memory.x"), out_dir.join("memory.x"))?;
    println!("cargo:rustc-link-search={}", out_dir.display());
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo:rustc-link-arg-bins=-Tdefmt.x");
    println!("cargo:rerun-if-changed=memory.x");

    let blob = model_blob(&manifest_dir)?;
    println!(
        "cargo:rustc-env=EMOTION_EDGE_MODEL_BLOB_PATH={}",
        blob.display()
    );
    Ok(())
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
