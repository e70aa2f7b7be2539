//! Build script of the STM32H747I-DISCO binary: links with cortex-m-rt's and defmt's
//! scripts and this board's memory map, and names the model blob to embed:
//! `models/emotion-edge.int8.eeb`, or the file `EMOTION_EDGE_MODEL_BLOB` names.

use std::env;
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);

    board_build::link_with_memory_map(&manifest_dir, &out_dir, &["link.x", "defmt.x"])?;
    board_build::embed_model_blob(&manifest_dir)?;
    Ok(())
}
