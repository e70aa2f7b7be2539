//! Build script of the QEMU twin: links with cortex-m-rt's script and this board's memory
//! map, compiles the sample faces in as raw grey8 frames, and names the model blob to embed.
//!
//! - `firmware/samples/*.png` become `OUT_DIR/frames/<n>.grey` (one BT.601 luma byte per
//!   pixel, as the host simulator's grey8 camera delivers them) and a table in
//!   `OUT_DIR/sample_frames.rs`, in file-name order like the simulator plays a folder.
//! - The model blob is `models/emotion-edge.int8.eeb`, or the file that
//!   `EMOTION_EDGE_MODEL_BLOB` names (a corrupted copy, another model).

use std::env;
use std::error::Error;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::BufReader;
use std::path::{Path, PathBuf};

use shared::frame::bt601_luma;

/// The bundled sample faces, relative to this crate.
const SAMPLES_DIR: &str = "../../samples";

/// One decoded sample face.
struct SampleImage {
    name: String,
    width: u32,
    height: u32,
    grey: Vec<u8>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);

    board_build::link_with_memory_map(&manifest_dir, &out_dir, &["link.x"])?;

    let samples = sample_files(&manifest_dir.join(SAMPLES_DIR))?;
    let images = samples
        .iter()
        .map(|path| decode_grey(path))
        .collect::<Result<Vec<_>, _>>()?;
    write_frame_table(&out_dir, &images)?;

    board_build::embed_model_blob(&manifest_dir)?;
    Ok(())
}

/// The `.png` files of the samples folder, in name order.
fn sample_files(dir: &Path) -> Result<Vec<PathBuf>, Box<dyn Error>> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let listing =
        fs::read_dir(dir).map_err(|error| format!("cannot list {}: {error}", dir.display()))?;

    let mut files = Vec::new();
    for entry in listing {
        let path = entry?.path();
        let is_png = path
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("png"));
        if is_png {
            println!("cargo:rerun-if-changed={}", path.display());
            files.push(path);
        }
    }
    files.sort();

    if files.is_empty() {
        return Err(format!("{} holds no .png sample face", dir.display()).into());
    }
    Ok(files)
}

/// Decodes one 8-bit PNG (grey, grey + alpha, RGB, RGBA or palette) to BT.601 grey.
fn decode_grey(path: &Path) -> Result<SampleImage, Box<dyn Error>> {
    let describe = |error: &dyn std::fmt::Display| format!("{}: {error}", path.display());
    let file = File::open(path).map_err(|error| describe(&error))?;

    let mut decoder = png::Decoder::new(BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(|error| describe(&error))?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| describe(&"image too large"))?;
    let mut buffer = vec![0; size];
    let info = reader
        .next_frame(&mut buffer)
        .map_err(|error| describe(&error))?;

    if info.bit_depth != png::BitDepth::Eight {
        let reason = format!(
            "{:?} bits per channel; samples must be 8-bit",
            info.bit_depth
        );
        return Err(describe(&reason).into());
    }
    let channels = info.color_type.samples();
    let pixels = &buffer[..info.buffer_size()];
    let grey = pixels
        .chunks_exact(info.line_size)
        .flat_map(|row| row.chunks_exact(channels).take(info.width as usize))
        .map(|pixel| luma(pixel, info.color_type))
        .collect();

    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(SampleImage {
        name,
        width: info.width,
        height: info.height,
        grey,
    })
}

/// BT.601 luma of one expanded pixel; alpha is ignored like the simulator ignores it.
fn luma(pixel: &[u8], color_type: png::ColorType) -> u8 {
    let channel = |index: usize| u32::from(pixel.get(index).copied().unwrap_or(0));
    match color_type {
        png::ColorType::Grayscale | png::ColorType::GrayscaleAlpha => {
            bt601_luma(channel(0), channel(0), channel(0))
        }
        _ => bt601_luma(channel(0), channel(1), channel(2)),
    }
}

/// Writes each frame's bytes and the Rust table that includes them.
fn write_frame_table(out_dir: &Path, images: &[SampleImage]) -> Result<(), Box<dyn Error>> {
    let frames_dir = out_dir.join("frames");
    fs::create_dir_all(&frames_dir)?;

    let mut table = String::new();
    writeln!(table, "/// The sample faces, in file-name order.")?;
    writeln!(
        table,
        "pub static SAMPLE_FRAMES: [SampleFrame; {}] = [",
        images.len()
    )?;
    for (index, image) in images.iter().enumerate() {
        let bytes_path = frames_dir.join(format!("{index:03}.grey"));
        fs::write(&bytes_path, &image.grey)?;
        writeln!(
            table,
            "    SampleFrame {{ name: {:?}, width: {}, height: {}, grey: include_bytes!({:?}) }},",
            image.name,
            image.width,
            image.height,
            bytes_path.display().to_string()
        )?;
    }
    writeln!(table, "];")?;

    fs::write(out_dir.join("sample_frames.rs"), table)?;
    Ok(())
}
