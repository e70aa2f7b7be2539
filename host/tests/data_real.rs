//! The shared real data sets read to the counts their README documents. Ignored by default
//! (they take seconds and live outside the repository): `cargo test -p emotion-edge-host
//! --test data_real -- --ignored`. `EMOTION_EDGE_DATA` overrides the data folder, which
//! defaults to `../shared/data` beside the repository.

use std::path::PathBuf;

use host::data::{ReadOptions, Split, read_emotions, read_keypoints};
use shared::labels::EmotionLabelSet;

fn shared_data(relative: &str) -> PathBuf {
    let folder = std::env::var_os("EMOTION_EDGE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
    folder.join(relative)
}

#[test]
#[ignore = "reads the 290 MB FER2013 file from ../shared/data"]
fn fer2013_counts_match_the_data_readme() {
    let path = shared_data("fer2013/fer2013_train_public.csv.gz");
    let options = ReadOptions::default();
    let dataset = read_emotions(&path, &EmotionLabelSet::DEFAULT, &options).unwrap();
    let report = &dataset.report;

    assert_eq!(report.rows_read, 32298);
    assert_eq!(report.skipped_count, 0);
    let fer = report.source_classes.as_ref().unwrap();
    assert_eq!(
        fer.by_split[&Split::Train],
        [3995, 436, 4097, 7215, 4830, 3171, 4965]
    );
    assert_eq!(
        fer.by_split[&Split::Validation],
        [467, 56, 496, 895, 653, 415, 607]
    );
    assert_eq!(report.duplicate_rows, 1532);
    assert_eq!(report.conflicting_duplicate_groups, 47);
    assert_eq!(report.leakage_rows, 280);
    assert_eq!(report.constant_images, 12);
    let dropped = report.dropped_outside_label_set + report.conflicting_duplicates_dropped;
    assert_eq!(report.rows_kept + dropped, 32298);
}

#[test]
#[ignore = "reads the keypoint file from ../shared/data"]
fn keypoint_file_matches_the_data_readme() {
    let path = shared_data("keypoints/training.csv.gz");
    let dataset = read_keypoints(&path, &ReadOptions::default()).unwrap();
    let report = &dataset.report;

    assert_eq!(report.rows_kept, 3509);
    let keypoints = report.keypoints.as_ref().unwrap();
    assert_eq!(keypoints.complete_rows, 3509);
    let means: Vec<f64> = keypoints.columns[..4]
        .iter()
        .map(|c| c.mean.unwrap())
        .collect();
    for (mean, documented) in means.iter().zip([63.9, 37.7, 32.7, 37.9]) {
        assert!(
            (mean - documented).abs() < 0.05,
            "mean {mean}, README {documented}"
        );
    }
}
