//! Bad input gets an error (or a skipped-row record) naming the file, line and field.

mod data_fixtures;

use data_fixtures::*;
use host::data::{DataError, ReadOptions, SampleOrigin, read_emotions, read_keypoints};
use shared::labels::EmotionLabelSet;

fn strict() -> ReadOptions {
    ReadOptions {
        strict: true,
        ..ReadOptions::default()
    }
}

/// Reads `csv` strictly and returns the error message, which must name the file.
fn strict_emotion_error(csv: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", csv);
    let error = read_emotions(&path, &EmotionLabelSet::DEFAULT, &strict()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("fer.csv"),
        "{message:?} does not name the file"
    );
    message
}

fn strict_keypoint_error(csv: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "training.csv", csv);
    let message = read_keypoints(&path, &strict()).unwrap_err().to_string();
    assert!(
        message.contains("training.csv"),
        "{message:?} does not name the file"
    );
    message
}

/// `row` with field `index` replaced by `value`.
fn with_field(row: &str, index: usize, value: &str) -> String {
    let mut fields: Vec<&str> = row.split(',').collect();
    fields[index] = value;
    fields.join(",")
}

fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "{message:?} lacks {part:?}");
    }
}

#[test]
fn a_row_with_2303_pixels_names_line_and_column() {
    let mut rows = good_fer_rows(3);
    let short: Vec<&str> = rows[1].1.split(' ').skip(1).collect();
    rows[1].1 = short.join(" ");

    let message = strict_emotion_error(&fer_csv(&rows));
    assert_mentions(
        &message,
        &["line 3, column pixels: 2303 values, expected 2304"],
    );
}

#[test]
fn a_non_numeric_pixel_names_the_value() {
    let mut rows = good_fer_rows(2);
    rows[0].1 = rows[0].1.replacen("31", "25x", 1);

    let message = strict_emotion_error(&fer_csv(&rows));
    assert_mentions(
        &message,
        &["line 2, column pixels", "\"25x\"", "not an integer"],
    );
}

#[test]
fn out_of_range_pixels_are_rejected() {
    for (bad, reason) in [("300", "out of range"), ("-1", "not an integer")] {
        let mut rows = good_fer_rows(4);
        rows[3].1 = format!("{bad} {}", rows[3].1.split_once(' ').unwrap().1);

        let message = strict_emotion_error(&fer_csv(&rows));
        assert_mentions(
            &message,
            &["line 5, column pixels", bad, reason, "position 1"],
        );
    }
}

#[test]
fn an_unknown_label_names_line_and_column() {
    let mut rows = good_fer_rows(3);
    rows[2].0 = "9";

    let message = strict_emotion_error(&fer_csv(&rows));
    assert_mentions(&message, &["line 4, column emotion: unknown label 9"]);
}

#[test]
fn an_unknown_usage_names_line_and_column() {
    let mut rows = good_fer_rows(3);
    rows[0].2 = "Holdout";

    let message = strict_emotion_error(&fer_csv(&rows));
    assert_mentions(&message, &["line 2, column Usage", "\"Holdout\""]);
}

#[test]
fn a_row_with_a_missing_field_is_a_bad_row() {
    let csv = format!("emotion,pixels,Usage\n3,{}\n", fer_pixels(1));

    let message = strict_emotion_error(&csv);
    assert_mentions(&message, &["line 2", "2 fields, the header has 3"]);
}

#[test]
fn bad_rows_are_skipped_and_counted_when_not_strict() {
    let mut rows = good_fer_rows(20);
    for row in rows.iter_mut().skip(2).take(12) {
        row.0 = "9";
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", fer_csv(&rows));

    let options = ReadOptions::default();
    let dataset = read_emotions(&path, &EmotionLabelSet::DEFAULT, &options).unwrap();
    let report = &dataset.report;
    assert_eq!(report.rows_read, 20);
    assert_eq!(report.skipped_count, 12);
    assert_eq!(report.skipped.len(), 10);
    assert_eq!(report.skipped[0].origin, SampleOrigin::Line(4));
    assert_eq!(report.skipped[0].column, "emotion");
    assert_eq!(report.rows_kept, 8);
    assert_eq!(dataset.samples.len(), 8);
}

#[test]
fn a_nan_keypoint_names_line_and_column() {
    let row = with_field(&keypoint_row(&face_coords(), &[], 1), 0, "nan");
    let csv = format!(
        "{}\n{}\n{row}\n",
        keypoint_header(),
        keypoint_row(&face_coords(), &[], 2)
    );

    let message = strict_keypoint_error(&csv);
    assert_mentions(
        &message,
        &[
            "line 3, column left_eye_center_x",
            "\"nan\"",
            "not a finite",
        ],
    );
}

#[test]
fn non_numeric_and_out_of_frame_keypoints_are_rejected() {
    let cases = [
        ("abc", "is not a number"),
        ("96.0", "outside the 96x96 frame"),
        ("-0.5", "outside"),
    ];
    for (bad, reason) in cases {
        let row = with_field(&keypoint_row(&face_coords(), &[], 1), 21, bad);
        let csv = format!("{}\n{row}\n", keypoint_header());

        let message = strict_keypoint_error(&csv);
        assert_mentions(&message, &["line 2, column nose_tip_y", bad, reason]);
    }
}

#[test]
fn a_header_missing_a_column_is_fatal_even_when_not_strict() {
    let csv = format!("emotion,Usage\n3,Training\n{}", "");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", csv);

    let error = read_emotions(&path, &EmotionLabelSet::DEFAULT, &ReadOptions::default());
    let message = error.unwrap_err().to_string();
    assert_mentions(
        &message,
        &[
            "fer.csv",
            "line 1, column pixels",
            "missing from the header",
        ],
    );
}

#[test]
fn a_misspelt_header_column_is_fatal() {
    let csv = format!("emotion,pixels,Usag\n3,{},Training\n", fer_pixels(1));
    let message = strict_emotion_error(&csv);
    assert_mentions(&message, &["line 1, column Usag", "unknown column"]);
}

#[test]
fn a_keypoint_header_missing_a_column_is_fatal() {
    let header = keypoint_header().replace("nose_tip_x,", "");
    let message = strict_keypoint_error(&format!("{header}\n"));
    assert_mentions(&message, &["line 1, column nose_tip_x", "missing"]);
}

#[test]
fn a_truncated_gzip_names_the_file_and_line() {
    let csv = fer_csv(&good_fer_rows(30));
    let packed = gzip(csv.as_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv.gz", &packed[..packed.len() / 2]);

    let error = read_emotions(&path, &EmotionLabelSet::DEFAULT, &ReadOptions::default());
    let error = error.unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(error, DataError::Read { line, .. } if line > 1 && line <= 31),
        "{error:?}"
    );
    assert_mentions(&message, &["fer.csv.gz", "read error at line"]);
}

#[test]
fn a_zip_without_a_csv_lists_its_entries() {
    let packed = zip(&[("readme.txt", b"no data here"), ("images/", b"")]);
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.zip", packed);

    let error = read_emotions(&path, &EmotionLabelSet::DEFAULT, &ReadOptions::default());
    let message = error.unwrap_err().to_string();
    assert_mentions(&message, &["fer.zip", "no .csv", "readme.txt"]);
}

#[test]
fn an_empty_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", "");

    let error = read_emotions(&path, &EmotionLabelSet::DEFAULT, &ReadOptions::default());
    assert!(matches!(error, Err(DataError::Empty { .. })), "{error:?}");
    let error = read_keypoints(&path, &ReadOptions::default());
    assert!(matches!(error, Err(DataError::Empty { .. })), "{error:?}");
}

#[test]
fn a_file_of_only_bad_rows_has_no_samples() {
    let csv = format!("emotion,pixels\n9,{}\n", fer_pixels(1));
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", csv);

    let error = read_emotions(&path, &EmotionLabelSet::DEFAULT, &ReadOptions::default());
    let message = error.unwrap_err().to_string();
    assert_mentions(&message, &["no usable samples", "1 rows read, 1 skipped"]);
}

#[test]
fn inconsistent_split_fractions_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", fer_csv(&good_fer_rows(3)));
    let options = ReadOptions {
        validation_fraction: 0.6,
        test_fraction: 0.5,
        ..Default::default()
    };

    let error = read_emotions(&path, &EmotionLabelSet::DEFAULT, &options);
    assert!(matches!(error, Err(DataError::Options(_))), "{error:?}");
}
