//! Model cards for fixture models: the `<name>.json` beside a `<name>.onnx`.
//!
//! Only the fields the device side reads are written (name, SHA-256, label set and input
//! contract); cards written by the trainer carry more.

use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use shared::labels::EmotionLabelSet;

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Where the card of the model at `model` lives: the same path with a `.json` extension.
pub fn card_path(model: &Path) -> PathBuf {
    model.with_extension("json")
}

/// Writes the card of the model file at `model`, recording `sha256` as its digest, and
/// returns the card's path.
///
/// Pass the model's real digest ([`sha256_hex`] of its bytes) for a truthful card, or another
/// one to describe a file that was since damaged or swapped.
pub fn write_model_card(model: &Path, name: &str, sha256: &str) -> io::Result<PathBuf> {
    let labels = EmotionLabelSet::DEFAULT.names();
    let card = serde_json::json!({
        "name": name,
        "architecture": "fixture",
        "sha256": sha256,
        "labels": labels,
        "input": {
            "name": "input",
            "shape": [1, 1, shared::INPUT_SIDE, shared::INPUT_SIDE],
            "dtype": "f32",
            "scale": "grey / 255",
        },
        "outputs": {
            "keypoints": [1, 30],
            "emotion": [1, labels.len()],
        },
    });

    let path = card_path(model);
    let text = serde_json::to_string_pretty(&card).map_err(io::Error::other)?;
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Writes a truthful card for the model file at `model` (its digest read from disk).
pub fn write_true_model_card(model: &Path, name: &str) -> io::Result<PathBuf> {
    let bytes = std::fs::read(model)?;
    write_model_card(model, name, &sha256_hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_the_empty_input_is_the_known_value() {
        let expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(sha256_hex(b""), expected);
    }

    #[test]
    fn the_card_records_digest_and_labels() {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("fixture.onnx");
        std::fs::write(&model, b"not really a model").unwrap();

        let path = write_true_model_card(&model, "fixture").unwrap();
        let card: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(path, dir.path().join("fixture.json"));
        assert_eq!(card["sha256"], sha256_hex(b"not really a model"));
        assert_eq!(card["labels"][3], "happy");
        assert_eq!(card["input"]["shape"][3], 96);
    }
}
