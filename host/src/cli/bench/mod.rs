//! `emotion-edge bench`: measurements too long for the timed tests.
//!
//! - [`train`]: training throughput of a network (images per second);
//! - [`infer`]: latency of a combined ONNX model in tract, as the device runs it.

pub mod infer;
pub mod train;

use clap::Subcommand;

pub use infer::InferBenchArgs;
pub use train::TrainBenchArgs;

/// Benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Images per second of full training steps (forward, backward, Adam).
    Train(TrainBenchArgs),
    /// Latency of one inference of a combined model in tract: batch 1, one thread.
    Infer(InferBenchArgs),
}

impl BenchCommand {
    /// Runs the benchmark.
    pub fn run(self) -> anyhow::Result<()> {
        match self {
            BenchCommand::Train(args) => args.run(),
            BenchCommand::Infer(args) => args.run(),
        }
    }
}
