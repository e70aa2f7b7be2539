//! `emotion-edge bench infer`: latency of a combined model in tract, batch 1, one thread,
//! on a real face preprocessed as the device does it.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use firmware::Engine;
use firmware::sim::TractEngine;
use serde::Serialize;
use shared::preprocess::ModelInput;

/// Options of `emotion-edge bench infer`.
#[derive(Debug, Args)]
pub struct InferBenchArgs {
    /// The combined model (.onnx).
    #[arg(long)]
    pub model: PathBuf,
    /// Timed runs (at least 50).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(50..))]
    pub runs: u32,
    /// Untimed runs first.
    #[arg(long, default_value_t = 5)]
    pub warmup: u32,
    /// Prints the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Latency figures of one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyReport {
    /// The model file.
    pub model: PathBuf,
    /// Timed runs.
    pub runs: u32,
    /// Median milliseconds per inference.
    pub median_ms: f64,
    /// 90th percentile, milliseconds.
    pub p90_ms: f64,
    /// Milliseconds from reading the file to a model ready to run.
    pub load_ms: f64,
}

impl InferBenchArgs {
    /// Loads the model, times the runs and prints the report.
    pub fn run(self) -> anyhow::Result<()> {
        let started = Instant::now();
        let mut engine = TractEngine::load(&self.model)?;
        let load_ms = millis(started.elapsed());
        let input: Box<ModelInput> = Box::new(core::array::from_fn(face_like_value));

        for _ in 0..self.warmup {
            engine.infer(&input).context("warm-up inference failed")?;
        }
        let mut times = Vec::with_capacity(self.runs as usize);
        for _ in 0..self.runs {
            let started = Instant::now();
            engine.infer(&input).context("inference failed")?;
            times.push(millis(started.elapsed()));
        }

        let report = LatencyReport {
            model: self.model.clone(),
            runs: self.runs,
            median_ms: percentile(&mut times, 0.5),
            p90_ms: percentile(&mut times, 0.9),
            load_ms,
        };
        if self.json {
            println!("{}", serde_json::to_string(&report)?);
        } else {
            println!(
                "{}: tract, batch 1, 1 thread: median {:.3} ms, p90 {:.3} ms over {} runs \
                 (load {:.0} ms)",
                report.model.display(),
                report.median_ms,
                report.p90_ms,
                report.runs,
                report.load_ms
            );
        }
        Ok(())
    }
}

/// A smooth bright-centre pattern, so activations look like a face's rather than zeros'.
fn face_like_value(index: usize) -> f32 {
    let (row, column) = (index / shared::INPUT_SIDE, index % shared::INPUT_SIDE);
    let centre = shared::INPUT_SIDE as f32 / 2.0;
    let distance = ((row as f32 - centre).powi(2) + (column as f32 - centre).powi(2)).sqrt();
    (1.0 - distance / (centre * 1.5)).clamp(0.05, 1.0)
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// The `share` quantile of `times` (sorted in place), nearest rank.
fn percentile(times: &mut [f64], share: f64) -> f64 {
    times.sort_by(f64::total_cmp);
    let rank = ((times.len() as f64 * share).ceil() as usize).clamp(1, times.len().max(1));
    times.get(rank - 1).copied().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let mut times = vec![5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(percentile(&mut times, 0.5), 3.0);
        assert_eq!(percentile(&mut times, 0.9), 5.0);
        assert!(percentile(&mut [], 0.5).is_nan());
    }
}
