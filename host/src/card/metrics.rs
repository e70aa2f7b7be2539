//! Quality figures recorded in a model card, as `emotion-edge eval --json` writes them.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::CardError;

/// Metrics on the validation and test splits; `null` where not measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsBySplit {
    /// On the validation split.
    pub validation: Option<Value>,
    /// On the test split.
    pub test: Option<Value>,
}

impl MetricsBySplit {
    /// Fills the splits `other` measured, keeping the rest.
    pub fn update(&mut self, other: MetricsBySplit) {
        if other.validation.is_some() {
            self.validation = other.validation;
        }
        if other.test.is_some() {
            self.test = other.test;
        }
    }
}

/// Metrics of the float model and of its int8 version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelMetrics {
    /// The float model.
    pub float: MetricsBySplit,
    /// The int8 model.
    pub int8: MetricsBySplit,
}

/// Reads an evaluation report: either an object with `validation` and/or `test` members, or
/// one split's report that names it in a `split` member (`validation` or `test`).
pub fn read_eval_metrics(path: &Path) -> Result<MetricsBySplit, CardError> {
    let text = std::fs::read(path).map_err(|source| CardError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let report: Value =
        serde_json::from_slice(&text).map_err(|error| CardError::json(path, &error))?;

    let by_split = MetricsBySplit {
        validation: report.get("validation").cloned(),
        test: report.get("test").cloned(),
    };
    if by_split.validation.is_some() || by_split.test.is_some() {
        return Ok(by_split);
    }

    match report.get("split").and_then(Value::as_str) {
        Some("validation") => Ok(MetricsBySplit {
            validation: Some(report),
            test: None,
        }),
        Some("test") => Ok(MetricsBySplit {
            validation: None,
            test: Some(report),
        }),
        _ => Err(CardError::Json {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: "expected `validation`/`test` members or a `split` member naming one"
                .to_string(),
        }),
    }
}
