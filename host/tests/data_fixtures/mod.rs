//! Small data files written into temporary folders for the data tests.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use shared::keypoints::KEYPOINT_COLUMNS;

/// A distinct 48x48 FER image for each `seed`, as the space-separated pixel field.
pub fn fer_pixels(seed: u32) -> String {
    pixel_field(48 * 48, seed)
}

/// A distinct 96x96 keypoint image for each `seed`, as the space-separated pixel field.
pub fn keypoint_pixels(seed: u32) -> String {
    pixel_field(96 * 96, seed)
}

fn pixel_field(count: usize, seed: u32) -> String {
    let values: Vec<String> = (0..count)
        .map(|index| {
            ((index as u32 * 31 + seed * 97 + (index as u32 / 7) * seed) % 256).to_string()
        })
        .collect();
    values.join(" ")
}

/// A FER2013 CSV with a `Usage` column from `(emotion, pixels, usage)` rows.
pub fn fer_csv(rows: &[(&str, String, &str)]) -> String {
    let mut text = String::from("emotion,pixels,Usage\n");
    for (emotion, pixels, usage) in rows {
        text.push_str(&format!("{emotion},{pixels},{usage}\n"));
    }
    text
}

/// A FER2013 CSV without `Usage` holding `count` distinct rows, classes cycling 0..=6.
pub fn fer_csv_without_usage(count: u32) -> String {
    let mut text = String::from("emotion,pixels\n");
    for row in 0..count {
        text.push_str(&format!("{},{}\n", row % 7, fer_pixels(row)));
    }
    text
}

/// `count` good FER rows with Usage, classes cycling over the five default classes.
pub fn good_fer_rows(count: u32) -> Vec<(&'static str, String, &'static str)> {
    const CODES: [&str; 5] = ["0", "1", "3", "4", "5"];
    const USAGES: [&str; 3] = ["Training", "PublicTest", "PrivateTest"];
    (0..count)
        .map(|row| {
            (
                CODES[row as usize % 5],
                fer_pixels(row),
                USAGES[row as usize % 3],
            )
        })
        .collect()
}

/// The Kaggle keypoint header.
pub fn keypoint_header() -> String {
    let mut columns: Vec<&str> = KEYPOINT_COLUMNS.to_vec();
    columns.push("Image");
    columns.join(",")
}

/// Plausible coordinates for a face: left eye at x 66, right eye at x 30, and so on.
pub fn face_coords() -> [f32; 30] {
    core::array::from_fn(|column| {
        let point = column / 2;
        let is_x = column % 2 == 0;
        let name = KEYPOINT_COLUMNS[column];
        match (is_x, name.contains("left"), name.contains("right")) {
            (true, true, _) => 60.0 + point as f32,
            (true, _, true) => 35.0 - point as f32,
            (true, _, _) => 48.0,
            (false, _, _) => 20.0 + 4.0 * point as f32,
        }
    })
}

/// One keypoint CSV row: `coords` with the columns in `missing` left empty.
pub fn keypoint_row(coords: &[f32; 30], missing: &[usize], seed: u32) -> String {
    let mut fields: Vec<String> = coords
        .iter()
        .enumerate()
        .map(|(column, value)| {
            if missing.contains(&column) {
                String::new()
            } else {
                format!("{value:.6}")
            }
        })
        .collect();
    fields.push(keypoint_pixels(seed));
    fields.join(",")
}

/// Writes `contents` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// `bytes` compressed as a gzip stream.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A zip archive holding `entries` (name, contents), deflated.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, contents) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(contents).unwrap();
    }
    writer.finish().unwrap().into_inner()
}
