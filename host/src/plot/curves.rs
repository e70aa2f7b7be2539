//! Training curves: loss and the validation metric against the epoch.

use std::path::Path;

use plotters::prelude::*;

use super::{FONT, register_font};
use crate::train::EpochRecord;

/// Draws training and validation loss (left panel) and the validation metric with the
/// training metric (right panel) to a PNG at `path`.
pub fn draw_training_curves(path: &Path, history: &[EpochRecord]) -> Result<(), String> {
    register_font();
    let root = BitMapBackend::new(path, (1200, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (left, right) = root.split_horizontally(600);

    let train_loss: Vec<(f64, f64)> = points(history, |r| Some(r.train_loss));
    let val_loss: Vec<(f64, f64)> = points(history, |r| Some(r.val_loss));
    panel(
        &left,
        "loss",
        &[("train", &train_loss, BLUE), ("validation", &val_loss, RED)],
    )?;

    let keypoints = history.iter().any(|r| r.val_rmse.is_some());
    if keypoints {
        let train = points(history, |r| Some(r.train_metric));
        let val = points(history, |r| r.val_rmse);
        panel(
            &right,
            "RMSE (px)",
            &[("train", &train, BLUE), ("validation", &val, RED)],
        )?;
    } else {
        let train = points(history, |r| Some(r.train_metric));
        let accuracy = points(history, |r| r.val_accuracy);
        let f1 = points(history, |r| r.val_macro_f1);
        let series = [
            ("train accuracy", &train, BLUE),
            ("validation accuracy", &accuracy, RED),
            ("validation macro-F1", &f1, GREEN),
        ];
        panel(&right, "accuracy / F1", &series)?;
    }
    root.present().map_err(|e| e.to_string())
}

/// A named line and its colour.
type Series<'a> = (&'a str, &'a Vec<(f64, f64)>, RGBColor);

/// One (epoch, value) point.
type Point = (f64, f64);

fn points(records: &[EpochRecord], value: impl Fn(&EpochRecord) -> Option<f64>) -> Vec<Point> {
    records
        .iter()
        .filter_map(|r| {
            value(r)
                .filter(|v| v.is_finite())
                .map(|v| (r.epoch as f64, v))
        })
        .collect()
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    series: &[Series],
) -> Result<(), String> {
    let all = series.iter().flat_map(|(_, s, _)| s.iter());
    let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut last_epoch: f64 = 1.0;
    for &(epoch, value) in all {
        low = low.min(value);
        high = high.max(value);
        last_epoch = last_epoch.max(epoch);
    }
    if !low.is_finite() {
        (low, high) = (0.0, 1.0);
    }
    let margin = ((high - low) * 0.05).max(1e-6);

    let mut chart = ChartBuilder::on(area)
        .caption(title, (FONT, 20))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(55)
        .build_cartesian_2d(1.0..last_epoch.max(2.0), (low - margin)..(high + margin))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .label_style((FONT, 13))
        .draw()
        .map_err(|e| e.to_string())?;

    for (name, values, colour) in series {
        let colour = *colour;
        chart
            .draw_series(LineSeries::new(
                values.iter().copied(),
                colour.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(*name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2)));
        chart
            .draw_series(values.iter().map(|&p| Circle::new(p, 3, colour.filled())))
            .map_err(|e| e.to_string())?;
    }
    chart
        .configure_series_labels()
        .label_font((FONT, 13))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())
}
