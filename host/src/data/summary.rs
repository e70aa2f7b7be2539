//! A load report as text tables for people.

use std::fmt::Write;

use shared::keypoints::KEYPOINT_COLUMNS;

use super::Split;
use super::report::{ClassCounts, InputKind, LoadReport};

/// The whole report: input, row counts, class tables, duplicates, keypoint columns.
pub fn render_report(report: &LoadReport) -> String {
    let mut text = String::new();
    render_rows(&mut text, report);
    if let Some(classes) = &report.source_classes {
        let title = if report.splits_from_data {
            "Valid rows per FER2013 class, by the split the input gives:"
        } else {
            "Valid rows per FER2013 class, by seeded split:"
        };
        render_classes(&mut text, title, classes);
    }
    if let Some(classes) = &report.label_classes {
        let title = "Kept samples per label-set class and final split:";
        render_classes(&mut text, title, classes);
    }
    render_duplicates(&mut text, report);
    if report.keypoints.is_some() {
        render_keypoints(&mut text, report);
    }
    text
}

fn render_rows(text: &mut String, report: &LoadReport) {
    let kind = match &report.kind {
        InputKind::Plain => "plain text".to_owned(),
        InputKind::Gzip => "gzip".to_owned(),
        InputKind::Zip { entry } => format!("zip, entry {entry}"),
        InputKind::ImageFolder => "image folder".to_owned(),
    };
    let _ = writeln!(text, "Input: {} ({kind})", report.path.display());
    let _ = writeln!(
        text,
        "Rows read: {}, kept: {}, skipped as bad: {}",
        report.rows_read, report.rows_kept, report.skipped_count
    );
    for problem in &report.skipped {
        let _ = writeln!(text, "  bad: {problem}");
    }
    if report.skipped_count > report.skipped.len() as u64 {
        let _ = writeln!(
            text,
            "  ... and {} more",
            report.skipped_count - report.skipped.len() as u64
        );
    }
    if report.dropped_outside_label_set > 0 {
        let _ = writeln!(
            text,
            "Outside the label set (dropped): {}",
            report.dropped_outside_label_set
        );
    }

    let splits: Vec<String> = report
        .split_counts
        .iter()
        .map(|(split, count)| format!("{split} {count}"))
        .collect();
    let _ = writeln!(text, "Kept per split: {}", splits.join(", "));
    for (split, count) in &report.carved_from_train {
        let _ = writeln!(
            text,
            "  {split}: {count} samples moved from train (the input has none)"
        );
    }
}

/// A table with a row per split and a column per class, with totals.
fn render_classes(text: &mut String, title: &str, counts: &ClassCounts) {
    let _ = writeln!(text, "\n{title}");
    let width = counts
        .names
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .max(7)
        + 1;
    let _ = write!(text, "{:<12}", "split");
    for name in &counts.names {
        let _ = write!(text, "{name:>width$}");
    }
    let _ = writeln!(text, "{:>width$}", "total");

    for split in Split::ALL {
        let Some(row) = counts.by_split.get(&split) else {
            continue;
        };
        let _ = write!(text, "{:<12}", split.name());
        for count in row {
            let _ = write!(text, "{count:>width$}");
        }
        let _ = writeln!(text, "{:>width$}", counts.split_total(split));
    }

    let _ = write!(text, "{:<12}", "total");
    for class in 0..counts.names.len() {
        let _ = write!(text, "{:>width$}", counts.class_total(class));
    }
    let _ = writeln!(text, "{:>width$}", counts.total());
}

fn render_duplicates(text: &mut String, report: &LoadReport) {
    let _ = writeln!(
        text,
        "\nDuplicates: {} groups of identical images, {} rows repeat an earlier row",
        report.duplicate_groups, report.duplicate_rows
    );
    if report.source_classes.is_some() {
        let _ = writeln!(
            text,
            "  {} groups with conflicting labels, {} rows of them dropped",
            report.conflicting_duplicate_groups, report.conflicting_duplicates_dropped
        );
    }
    let _ = writeln!(
        text,
        "  leakage: {} rows equal a row of an earlier split (train < validation < test)",
        report.leakage_rows
    );
    let _ = writeln!(
        text,
        "Blank images (every pixel the same value, kept): {}",
        report.constant_images
    );
}

/// Missing values and ranges per keypoint column.
fn render_keypoints(text: &mut String, report: &LoadReport) {
    let Some(keypoints) = &report.keypoints else {
        return;
    };
    let _ = writeln!(
        text,
        "\nKeypoints: {} of {} kept rows have all 30 values",
        keypoints.complete_rows, report.rows_kept
    );
    let _ = writeln!(
        text,
        "Rows with a left point left of its right partner (mirrored or mislabelled): {}",
        keypoints.left_right_swapped_rows
    );
    let _ = writeln!(
        text,
        "{:<28}{:>9}{:>9}{:>9}{:>9}",
        "column", "missing", "min", "mean", "max"
    );
    let show = |value: Option<f64>| value.map_or("-".to_owned(), |value| format!("{value:.1}"));

    for (name, stats) in KEYPOINT_COLUMNS.iter().zip(&keypoints.columns) {
        let _ = writeln!(
            text,
            "{name:<28}{:>9}{:>9}{:>9}{:>9}",
            stats.missing,
            show(stats.min.map(f64::from)),
            show(stats.mean),
            show(stats.max.map(f64::from)),
        );
    }
}
