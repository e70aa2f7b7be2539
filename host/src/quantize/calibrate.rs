//! Activation ranges, measured by running the float graph in tract on calibration inputs.

use std::collections::HashMap;

use tract_onnx::pb::ModelProto;

use crate::onnx::{OnnxError, OutputTensor, TractModel, graph, with_extra_outputs};

/// Bins of the histogram the percentile method reads its cut-offs from.
const HISTOGRAM_BINS: usize = 4096;

/// Share of values the percentile method keeps inside the range, per side.
const PERCENTILE_KEPT: f64 = 0.9999;

/// How an activation's range is chosen from what calibration saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CalibrationMethod {
    /// The smallest and largest value seen.
    Minmax,
    /// The 0.01th and 99.99th percentiles of the values seen, clipping rare outliers.
    Percentile,
}

/// A closed range of real values an activation is quantised over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueRange {
    /// Lowest value.
    pub low: f32,
    /// Highest value.
    pub high: f32,
}

/// Ranges of the graph input and of every node output, by value name.
pub type ActivationRanges = HashMap<String, ValueRange>;

/// Runs `model` on every calibration input with all node outputs exposed and returns the
/// range of each value (and of the graph input) under `method`.
pub fn calibrate(
    model: &ModelProto,
    inputs: &[Vec<f32>],
    method: CalibrationMethod,
) -> Result<ActivationRanges, OnnxError> {
    let probe = probe_model(model)?;
    let tract = TractModel::new(&probe)?;
    let input_name = tract.input_name().to_string();

    let mut extremes = Extremes::default();
    run_all(&tract, inputs, "calibration: ranges", |input, outputs| {
        extremes.observe(&input_name, input);
        outputs
            .iter()
            .for_each(|output| extremes.observe(&output.name, &output.values));
    })?;
    if method == CalibrationMethod::Minmax {
        return Ok(extremes.ranges);
    }

    let mut histograms = Histograms::new(&extremes.ranges);
    run_all(
        &tract,
        inputs,
        "calibration: histograms",
        |input, outputs| {
            histograms.observe(&input_name, input);
            outputs
                .iter()
                .for_each(|output| histograms.observe(&output.name, &output.values));
        },
    )?;
    Ok(histograms.percentile_ranges())
}

/// The model with every float node output also exposed as a graph output.
fn probe_model(model: &ModelProto) -> Result<ModelProto, OnnxError> {
    let graph = graph(model, "model being calibrated")?;
    let values: Vec<String> = graph
        .node
        .iter()
        .flat_map(|node| node.output.iter())
        .filter(|name| !name.is_empty())
        .cloned()
        .collect();
    with_extra_outputs(model, &values)
}

fn run_all(
    tract: &TractModel,
    inputs: &[Vec<f32>],
    stage: &'static str,
    mut visit: impl FnMut(&[f32], &[OutputTensor]),
) -> Result<(), OnnxError> {
    let progress = indicatif::ProgressBar::new(inputs.len() as u64).with_message(stage);
    for input in inputs {
        let outputs = tract.run(input)?;
        visit(input, &outputs);
        progress.inc(1);
    }
    progress.finish_and_clear();
    tracing::info!(samples = inputs.len(), stage, "calibration pass done");
    Ok(())
}

/// Running minimum and maximum per value.
#[derive(Default)]
struct Extremes {
    ranges: ActivationRanges,
}

impl Extremes {
    fn observe(&mut self, name: &str, values: &[f32]) {
        let (low, high) = values
            .iter()
            .filter(|value| value.is_finite())
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(low, high), &value| {
                (low.min(value), high.max(value))
            });
        if low > high {
            return;
        }
        let range = self
            .ranges
            .entry(name.to_string())
            .or_insert(ValueRange { low, high });
        range.low = range.low.min(low);
        range.high = range.high.max(high);
    }
}

/// Fixed-bin histograms over each value's min-max range.
struct Histograms {
    bins: HashMap<String, (ValueRange, Vec<u64>)>,
}

impl Histograms {
    fn new(ranges: &ActivationRanges) -> Histograms {
        let bins = ranges
            .iter()
            .map(|(name, range)| (name.clone(), (*range, vec![0; HISTOGRAM_BINS])))
            .collect();
        Histograms { bins }
    }

    fn observe(&mut self, name: &str, values: &[f32]) {
        let Some((range, counts)) = self.bins.get_mut(name) else {
            return;
        };
        let width = (range.high - range.low).max(f32::MIN_POSITIVE);
        for value in values.iter().filter(|value| value.is_finite()) {
            let position = ((value - range.low) / width * HISTOGRAM_BINS as f32) as usize;
            counts[position.min(HISTOGRAM_BINS - 1)] += 1;
        }
    }

    fn percentile_ranges(&self) -> ActivationRanges {
        self.bins
            .iter()
            .map(|(name, (range, counts))| (name.clone(), percentile_range(*range, counts)))
            .collect()
    }
}

/// The range between the lower and upper cut-off bins of a histogram.
fn percentile_range(range: ValueRange, counts: &[u64]) -> ValueRange {
    let total: u64 = counts.iter().sum();
    let cut = ((1.0 - PERCENTILE_KEPT) * total as f64).floor() as u64;
    let bin_width = (range.high - range.low) / counts.len() as f32;

    let low_bin = cumulative_index(counts.iter(), cut);
    let high_bin = counts.len() - 1 - cumulative_index(counts.iter().rev(), cut);
    ValueRange {
        low: range.low + low_bin as f32 * bin_width,
        high: range.low + (high_bin + 1) as f32 * bin_width,
    }
}

/// Index of the first bin at which more than `cut` values have been passed.
fn cumulative_index<'a>(counts: impl Iterator<Item = &'a u64>, cut: u64) -> usize {
    let mut seen = 0;
    for (index, count) in counts.enumerate() {
        seen += count;
        if seen > cut {
            return index;
        }
    }
    0
}
