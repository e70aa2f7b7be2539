//! How closely an int8 model follows its float original on the same inputs.

use serde::{Deserialize, Serialize};
use tract_onnx::pb::ModelProto;

use crate::onnx::{OnnxError, TractModel};

/// Agreement of one output over all compared inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputAgreement {
    /// Output name.
    pub name: String,
    /// Share of inputs whose largest element is at the same index in both models.
    pub argmax_agreement: f64,
    /// Mean absolute difference over all elements and inputs.
    pub mean_abs_diff: f64,
    /// Largest absolute difference seen.
    pub max_abs_diff: f64,
}

/// Agreement of every output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// Inputs compared.
    pub samples: usize,
    /// One entry per output, in graph order.
    pub outputs: Vec<OutputAgreement>,
}

impl Agreement {
    /// The entry for output `name`.
    pub fn output(&self, name: &str) -> Option<&OutputAgreement> {
        self.outputs.iter().find(|output| output.name == name)
    }
}

/// Runs both models in tract on every input and compares their outputs by name.
pub fn compare_models(
    float: &ModelProto,
    int8: &ModelProto,
    inputs: &[Vec<f32>],
) -> Result<Agreement, OnnxError> {
    let float = TractModel::new(float)?;
    let int8 = TractModel::new(int8)?;
    let mut totals: Vec<Totals> = Vec::new();

    for input in inputs {
        let expected = float.run(input)?;
        let actual = int8.run(input)?;
        for (index, reference) in expected.iter().enumerate() {
            let Some(other) = actual.iter().find(|output| output.name == reference.name) else {
                return Err(OnnxError::Missing {
                    kind: "output",
                    name: reference.name.clone(),
                });
            };
            if totals.len() <= index {
                totals.push(Totals {
                    name: reference.name.clone(),
                    ..Totals::default()
                });
            }
            totals[index].add(&reference.values, &other.values);
        }
    }

    let outputs = totals
        .into_iter()
        .map(|totals| totals.finish(inputs.len()))
        .collect();
    Ok(Agreement {
        samples: inputs.len(),
        outputs,
    })
}

#[derive(Default)]
struct Totals {
    name: String,
    same_argmax: usize,
    abs_diff_sum: f64,
    elements: usize,
    max_abs_diff: f64,
}

impl Totals {
    fn add(&mut self, expected: &[f32], actual: &[f32]) {
        if argmax(expected) == argmax(actual) {
            self.same_argmax += 1;
        }
        for (a, b) in expected.iter().zip(actual) {
            let diff = f64::from((a - b).abs());
            self.abs_diff_sum += diff;
            self.max_abs_diff = self.max_abs_diff.max(diff);
        }
        self.elements += expected.len().min(actual.len());
    }

    fn finish(self, samples: usize) -> OutputAgreement {
        OutputAgreement {
            name: self.name,
            argmax_agreement: self.same_argmax as f64 / samples.max(1) as f64,
            mean_abs_diff: self.abs_diff_sum / self.elements.max(1) as f64,
            max_abs_diff: self.max_abs_diff,
        }
    }
}

fn argmax(values: &[f32]) -> Option<usize> {
    values
        .iter()
        .enumerate()
        .max_by(|(_, a), (_, b)| a.total_cmp(b))
        .map(|(index, _)| index)
}
