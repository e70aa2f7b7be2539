//! Seeded splits, duplicates, conflicting labels and leakage between splits.

mod data_fixtures;

use std::collections::HashMap;

use data_fixtures::*;
use host::data::{ReadOptions, Split, read_emotions, read_keypoints};
use shared::labels::EmotionLabelSet;

fn splits_of(dataset: &host::data::EmotionDataset) -> Vec<Split> {
    dataset.samples.iter().map(|sample| sample.split).collect()
}

#[test]
fn duplicates_with_conflicting_labels_are_dropped() {
    let rows = vec![
        ("3", fer_pixels(1), "Training"),
        ("4", fer_pixels(1), "Training"),
        ("0", fer_pixels(2), "Training"),
        ("0", fer_pixels(2), "PublicTest"),
        ("5", fer_pixels(3), "Training"),
        ("6", fer_pixels(3), "Training"),
        ("1", fer_pixels(4), "PrivateTest"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", fer_csv(&rows));

    let options = ReadOptions::default();
    let dataset = read_emotions(&path, &EmotionLabelSet::DEFAULT, &options).unwrap();
    let report = &dataset.report;
    assert_eq!(report.duplicate_groups, 3);
    assert_eq!(report.duplicate_rows, 3);
    assert_eq!(report.conflicting_duplicate_groups, 2);
    assert_eq!(report.conflicting_duplicates_dropped, 4);
    assert_eq!(report.leakage_rows, 1);
    let labels: Vec<usize> = dataset.samples.iter().map(|sample| sample.label).collect();
    assert_eq!(labels, [0, 0, 1]);

    let keep = ReadOptions {
        drop_conflicting_duplicates: false,
        ..ReadOptions::default()
    };
    let kept = read_emotions(&path, &EmotionLabelSet::DEFAULT, &keep).unwrap();
    assert_eq!(kept.samples.len(), 6);
    assert_eq!(kept.report.dropped_outside_label_set, 1);
}

#[test]
fn a_seeded_split_is_reproducible_and_keeps_duplicates_together() {
    let mut csv = fer_csv_without_usage(200);
    for row in 0..10 {
        csv.push_str(&format!("{},{}\n", row % 7, fer_pixels(row)));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", csv);
    let read = |seed| {
        let options = ReadOptions {
            seed,
            ..ReadOptions::default()
        };
        read_emotions(&path, &EmotionLabelSet::DEFAULT, &options).unwrap()
    };

    let first = read(7);
    assert_eq!(splits_of(&first), splits_of(&read(7)));
    assert_ne!(splits_of(&first), splits_of(&read(8)));
    assert_eq!(first.report.leakage_rows, 0);

    let mut split_of_image: HashMap<&[u8], Split> = HashMap::new();
    for sample in &first.samples {
        let known = *split_of_image.entry(&sample.pixels).or_insert(sample.split);
        assert_eq!(known, sample.split, "copies of one image in two splits");
    }

    let source = first.report.source_classes.as_ref().unwrap();
    for (split, expected) in [
        (Split::Train, 168),
        (Split::Validation, 21),
        (Split::Test, 21),
    ] {
        let share = source.split_total(split);
        assert!(
            share.abs_diff(expected) <= 1,
            "{split}: {share} rows, expected {expected}"
        );
    }
}

#[test]
fn a_split_the_input_lacks_is_moved_out_of_training() {
    let rows: Vec<_> = good_fer_rows(60)
        .into_iter()
        .map(|(code, pixels, usage)| {
            (
                code,
                pixels,
                if usage == "PrivateTest" {
                    "Training"
                } else {
                    usage
                },
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", fer_csv(&rows));

    let options = ReadOptions::default();
    let dataset = read_emotions(&path, &EmotionLabelSet::DEFAULT, &options).unwrap();
    let report = &dataset.report;
    assert_eq!(report.carved_from_train.get(&Split::Test), Some(&6));
    assert_eq!(report.split_counts.get(&Split::Test), Some(&6));
    assert_eq!(report.split_counts.get(&Split::Validation), Some(&20));
    assert_eq!(report.split_counts.get(&Split::Train), Some(&34));
    let source = report.source_classes.as_ref().unwrap();
    assert_eq!(
        source.split_total(Split::Train),
        40,
        "source counts are before carving"
    );
}

#[test]
fn keypoint_validation_split_is_seeded_and_sized() {
    let mut csv = keypoint_header();
    for row in 0..100 {
        csv.push('\n');
        csv.push_str(&keypoint_row(&face_coords(), &[], row));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "training.csv", csv);
    let read = |seed| {
        let options = ReadOptions {
            seed,
            validation_fraction: 0.2,
            ..ReadOptions::default()
        };
        let dataset = read_keypoints(&path, &options).unwrap();
        dataset
            .samples
            .iter()
            .map(|sample| sample.split)
            .collect::<Vec<_>>()
    };

    let first = read(1);
    assert_eq!(first, read(1));
    assert_ne!(first, read(2));
    assert_eq!(
        first
            .iter()
            .filter(|split| **split == Split::Validation)
            .count(),
        20
    );
    assert!(!first.contains(&Split::Test));
}
