//! The model card beside a model file: `<name>.json` for `<name>.onnx`.
//!
//! The simulator reads two fields: `sha256` (the model file's digest, checked before the
//! model is loaded) and `labels` (the label set in output order, an array of class names or
//! one `|`-separated string). Other fields are for people and the trainer.

use std::path::{Path, PathBuf};

use serde_json::Value;
use shared::labels::{EMOTION_CLASSES, EmotionLabelSet, FerClass};

/// What the simulator takes from a model card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelCard {
    /// Where the card was read.
    pub path: PathBuf,
    /// The model file's SHA-256, lower-case hex.
    pub sha256: String,
    /// The label set, when the card records one.
    pub labels: Option<EmotionLabelSet>,
}

/// Why a model card is unusable.
#[derive(Debug, thiserror::Error)]
#[error("model card {path}: {problem}")]
pub struct ModelCardError {
    /// The card.
    pub path: PathBuf,
    /// What is wrong with it.
    pub problem: String,
}

/// The card's path for the model at `model`.
pub fn card_path(model: &Path) -> PathBuf {
    model.with_extension("json")
}

/// Reads the card beside `model`; `Ok(None)` when there is none.
pub fn read_model_card(model: &Path) -> Result<Option<ModelCard>, ModelCardError> {
    let path = card_path(model);
    if !path.exists() {
        return Ok(None);
    }
    let fail = |problem: String| ModelCardError {
        path: path.clone(),
        problem,
    };

    let text = std::fs::read_to_string(&path).map_err(|error| fail(error.to_string()))?;
    let card: Value =
        serde_json::from_str(&text).map_err(|error| fail(format!("not valid JSON: {error}")))?;

    let sha256 = match card.get("sha256") {
        Some(Value::String(digest)) if is_sha256_hex(digest) => digest.to_ascii_lowercase(),
        Some(_) => return Err(fail("field `sha256` is not 64 hex digits".into())),
        None => return Err(fail("field `sha256` is missing".into())),
    };
    let labels = card
        .get("labels")
        .map(parse_labels)
        .transpose()
        .map_err(fail)?;

    Ok(Some(ModelCard {
        path,
        sha256,
        labels,
    }))
}

/// Whether `text` is 64 hex digits.
fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// The label set of a `labels` field: an array of names or one `|`-separated string.
fn parse_labels(field: &Value) -> Result<EmotionLabelSet, String> {
    let names: Vec<&str> = match field {
        Value::String(joined) => joined.split('|').collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or("field `labels` holds a non-string entry")
            })
            .collect::<Result<_, _>>()?,
        _ => return Err("field `labels` is neither a list of names nor a string".into()),
    };

    let classes: Vec<FerClass> = names
        .iter()
        .map(|name| {
            FerClass::from_name(name).ok_or(format!("field `labels`: unknown class `{name}`"))
        })
        .collect::<Result<_, _>>()?;
    let classes: [FerClass; EMOTION_CLASSES] = classes.try_into().map_err(|classes: Vec<_>| {
        format!(
            "field `labels` has {} classes, the device reads {EMOTION_CLASSES}",
            classes.len()
        )
    })?;
    Ok(EmotionLabelSet { classes })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789ABCDEF";

    fn card_for(json: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let model = dir.path().join("model.onnx");
        std::fs::write(dir.path().join("model.json"), json).unwrap();
        (dir, model)
    }

    #[test]
    fn a_missing_card_is_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            read_model_card(&dir.path().join("model.onnx")).unwrap(),
            None
        );
    }

    #[test]
    fn digest_and_labels_are_read_in_both_layouts() {
        let json = format!(
            r#"{{"sha256": "{DIGEST}", "labels": ["angry","disgust","sad","happy","surprise"]}}"#
        );
        let (_dir, model) = card_for(&json);
        let card = read_model_card(&model).unwrap().unwrap();
        assert_eq!(card.sha256, DIGEST.to_ascii_lowercase());
        assert_eq!(card.labels, Some(EmotionLabelSet::DEFAULT));

        let json =
            format!(r#"{{"sha256": "{DIGEST}", "labels": "happy|sad|angry|disgust|surprise"}}"#);
        let (_dir, model) = card_for(&json);
        let labels = read_model_card(&model).unwrap().unwrap().labels.unwrap();
        assert_eq!(labels.names()[0], "happy");
    }

    #[test]
    fn bad_cards_name_the_file_and_field() {
        let cases = [
            (r#"{"labels": []}"#.to_string(), "field `sha256` is missing"),
            (r#"{"sha256": "abc"}"#.to_string(), "not 64 hex digits"),
            (
                format!(r#"{{"sha256": "{DIGEST}", "labels": ["angry"]}}"#),
                "has 1 classes",
            ),
            (
                format!(r#"{{"sha256": "{DIGEST}", "labels": "angry|bored"}}"#),
                "unknown class `bored`",
            ),
            ("{ not json".to_string(), "not valid JSON"),
        ];
        for (json, expected) in cases {
            let (_dir, model) = card_for(&json);
            let error = read_model_card(&model).unwrap_err().to_string();
            assert!(
                error.contains("model.json") && error.contains(expected),
                "{error}"
            );
        }
    }
}
