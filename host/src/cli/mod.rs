//! The `emotion-edge` command line: one module per subcommand.

pub mod bench;
pub mod combine;
pub mod convert;
pub mod data;
pub mod eval;
pub mod export;
pub mod monitor;
pub mod predict;
pub mod quantize;
pub mod train;

use clap::{Parser, Subcommand};

/// Train, evaluate and export the emotion-edge models, and talk to the device.
#[derive(Debug, Parser)]
#[command(name = "emotion-edge", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inspect training data files.
    #[command(subcommand)]
    Data(data::DataCommand),
    /// Train the emotion or the keypoint network.
    Train(train::TrainArgs),
    /// Score a trained model on a split of a data file.
    Eval(eval::EvalArgs),
    /// Measure training throughput.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Export a training checkpoint to a float ONNX model with its model card.
    Export(export::ExportArgs),
    /// Combine a keypoint and an emotion ONNX model into one with a shared input.
    Combine(combine::CombineArgs),
    /// Quantise a float ONNX model to int8 (QOperator) with calibration data.
    Quantize(quantize::QuantizeArgs),
    /// Convert an int8 model for another engine (`--target mcu`: the Cortex-M model blob).
    Convert(convert::ConvertArgs),
    /// Watch the device's serial readout: check every line, show the live readout.
    Monitor(monitor::MonitorArgs),
    /// Run a combined model on image files as the device would and print its readout.
    Predict(predict::PredictArgs),
}

impl Cli {
    /// Runs the chosen subcommand.
    pub fn run(self) -> anyhow::Result<()> {
        match self.command {
            Command::Data(command) => command.run(),
            Command::Train(args) => args.run(),
            Command::Eval(args) => args.run(),
            Command::Bench(command) => command.run(),
            Command::Export(args) => args.run(),
            Command::Combine(args) => args.run(),
            Command::Quantize(args) => args.run(),
            Command::Convert(args) => args.run(),
            Command::Monitor(args) => args.run(),
            Command::Predict(args) => args.run(),
        }
    }
}
