//! `emotion-edge data ...`: look at training data before training on it.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use shared::labels::EmotionLabelSet;

use crate::data::bench::bench_read;
use crate::data::preview::{emotion_tiles, keypoint_tiles};
use crate::data::summary::render_report;
use crate::data::{DataKind, LoadReport, ReadOptions, detect_kind, read_emotions, read_keypoints};
use crate::plot::face_grid::draw_face_grid;

/// Data subcommands.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Validate a data file or folder and summarise it: counts per class and split, bad
    /// rows, duplicates, missing keypoints.
    Inspect(InspectArgs),
    /// Time reading a data file: line splitting alone, then full parsing.
    Bench(BenchArgs),
}

impl DataCommand {
    /// Runs the subcommand.
    pub fn run(self) -> anyhow::Result<()> {
        match self {
            DataCommand::Inspect(args) => inspect(args),
            DataCommand::Bench(args) => bench(args),
        }
    }
}

/// What the input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// Decide from the header (`pixels`: emotions; `left_eye_center_x` or `Image`:
    /// keypoints) or, for a folder, emotions.
    Auto,
    /// FER2013 CSV or image folder tree.
    Emotion,
    /// Kaggle keypoint training CSV.
    Keypoints,
}

/// Which input to read and how.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// A FER2013 CSV (plain, .gz or .zip), an image folder tree, or a keypoint CSV.
    pub path: PathBuf,
    /// What the input holds.
    #[arg(long, value_enum, default_value_t = KindArg::Auto)]
    pub kind: KindArg,
    /// Fail on the first bad row instead of skipping it.
    #[arg(long)]
    pub strict: bool,
    /// Stop after this many kept samples.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Seed of the splits the input does not define.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Keep images that occur more than once with different labels.
    #[arg(long)]
    pub keep_conflicting: bool,
}

impl InputArgs {
    fn options(&self) -> ReadOptions {
        ReadOptions {
            strict: self.strict,
            limit: self.limit,
            seed: self.seed,
            drop_conflicting_duplicates: !self.keep_conflicting,
            ..ReadOptions::default()
        }
    }

    fn kind(&self) -> anyhow::Result<DataKind> {
        Ok(match self.kind {
            KindArg::Auto => detect_kind(&self.path)?,
            KindArg::Emotion => DataKind::Emotion,
            KindArg::Keypoints => DataKind::Keypoints,
        })
    }
}

/// Arguments of `data inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Write a labelled grid of up to 36 faces (keypoints drawn) to this PNG file.
    #[arg(long, value_name = "PNG")]
    pub preview: Option<PathBuf>,
    /// Print the report as JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `data bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Times to read the input; the fastest run counts.
    #[arg(long, default_value_t = 1)]
    pub runs: u32,
}

fn inspect(args: InspectArgs) -> anyhow::Result<()> {
    let options = args.input.options();
    let path = &args.input.path;
    let (report, tiles) = match args.input.kind()? {
        DataKind::Emotion => {
            let dataset = read_emotions(path, &EmotionLabelSet::DEFAULT, &options)?;
            let tiles = args.preview.as_ref().map(|_| emotion_tiles(&dataset));
            (dataset.report, tiles)
        }
        DataKind::Keypoints => {
            let dataset = read_keypoints(path, &options)?;
            let tiles = args.preview.as_ref().map(|_| keypoint_tiles(&dataset));
            (dataset.report, tiles)
        }
    };

    if let (Some(preview), Some(tiles)) = (&args.preview, tiles) {
        draw_face_grid(preview, &tiles)?;
        tracing::info!(path = %preview.display(), faces = tiles.len(), "preview written");
    }
    print_report(&report, args.json)
}

fn print_report(report: &LoadReport, json: bool) -> anyhow::Result<()> {
    if json {
        let text = serde_json::to_string_pretty(report).context("cannot encode the report")?;
        println!("{text}");
    } else {
        print!("{}", render_report(report));
    }
    Ok(())
}

fn bench(args: BenchArgs) -> anyhow::Result<()> {
    let kind = args.input.kind()?;
    let result = bench_read(&args.input.path, kind, &args.input.options(), args.runs)?;

    println!(
        "read lines only: {} lines, {:.1} MB of text in {:.3} s: {:.1} MB/s",
        result.lines,
        result.text_bytes as f64 / 1e6,
        result.scan_seconds,
        result.scan_mb_per_second()
    );
    println!(
        "parse and validate: {} rows in {:.3} s: {:.0} rows/s, {:.1} MB/s",
        result.rows,
        result.parse_seconds,
        result.rows_per_second(),
        result.parse_mb_per_second()
    );
    println!(
        "reading lines is {:.0}% of the parse time (fastest of {} runs)",
        100.0 * result.scan_seconds / result.parse_seconds,
        result.runs
    );
    Ok(())
}
