//! Every supported packaging and layout reads to the same samples.

mod data_fixtures;

use std::path::Path;

use data_fixtures::*;
use host::data::{
    DataKind, InputKind, ReadOptions, SampleOrigin, Split, detect_kind, emotion_input,
    keypoint_input, read_emotions, read_keypoint_test_images, read_keypoints,
};
use shared::keypoints::KEYPOINT_COLUMNS;
use shared::labels::EmotionLabelSet;

fn read_default(path: &Path) -> host::data::EmotionDataset {
    read_emotions(path, &EmotionLabelSet::DEFAULT, &ReadOptions::default()).unwrap()
}

#[test]
fn gzip_and_zip_read_like_plain_text_whatever_their_names() {
    let csv = fer_csv(&good_fer_rows(12));
    let dir = tempfile::tempdir().unwrap();
    let plain = write(dir.path(), "plain.csv", &csv);
    let gzipped = write(dir.path(), "packed.csv", gzip(csv.as_bytes()));
    let inner: &[(&str, &[u8])] = &[("notes.txt", b"x"), ("fer2013/fer2013.csv", csv.as_bytes())];
    let zipped = write(dir.path(), "archive.bin", zip(inner));

    let expected = read_default(&plain);
    let from_gzip = read_default(&gzipped);
    let from_zip = read_default(&zipped);

    assert_eq!(expected.samples.len(), 12);
    assert_eq!(from_gzip.samples, expected.samples);
    assert_eq!(from_zip.samples, expected.samples);
    assert_eq!(expected.report.kind, InputKind::Plain);
    assert_eq!(from_gzip.report.kind, InputKind::Gzip);
    let entry = "fer2013/fer2013.csv".to_owned();
    assert_eq!(from_zip.report.kind, InputKind::Zip { entry });
}

#[test]
fn crlf_endings_and_a_byte_order_mark_are_accepted() {
    let csv = fer_csv(&good_fer_rows(6));
    let windows = format!("\u{feff}{}", csv.replace('\n', "\r\n"));
    let dir = tempfile::tempdir().unwrap();
    let unix = write(dir.path(), "unix.csv", &csv);
    let dos = write(dir.path(), "dos.csv", windows);

    assert_eq!(read_default(&dos).samples, read_default(&unix).samples);
}

#[test]
fn fer_rows_map_onto_the_label_set_and_usage_splits() {
    let rows = vec![
        ("3", fer_pixels(1), "Training"),
        ("2", fer_pixels(2), "Training"),
        ("4", fer_pixels(3), "PublicTest"),
        ("5", fer_pixels(4), "PrivateTest"),
        ("6", fer_pixels(5), "PrivateTest"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", fer_csv(&rows));

    let dataset = read_default(&path);
    let summary: Vec<(usize, Split, SampleOrigin)> = dataset
        .samples
        .iter()
        .map(|sample| (sample.label, sample.split, sample.origin.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (3, Split::Train, SampleOrigin::Line(2)),
            (2, Split::Validation, SampleOrigin::Line(4)),
            (4, Split::Test, SampleOrigin::Line(5)),
        ]
    );
    assert_eq!(dataset.report.dropped_outside_label_set, 2);
    assert!(dataset.report.splits_from_data);
    let fer = dataset.report.source_classes.as_ref().unwrap();
    assert_eq!(fer.split_total(Split::Test), 2);
    assert_eq!(fer.class_total(6), 1);
}

#[test]
fn columns_are_found_by_name_in_any_order() {
    let csv = format!("Usage,pixels,emotion\nTraining,{},3\n", fer_pixels(1));
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", csv);

    let dataset = read_default(&path);
    assert_eq!(dataset.samples[0].label, 3);
    assert_eq!(dataset.samples[0].pixels.len(), 2304);
}

#[test]
fn a_limit_stops_after_that_many_kept_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", fer_csv_without_usage(70));
    let options = ReadOptions {
        limit: Some(10),
        ..ReadOptions::default()
    };

    let dataset = read_emotions(&path, &EmotionLabelSet::DEFAULT, &options).unwrap();
    assert_eq!(dataset.samples.len(), 10);
    assert!(dataset.report.rows_read < 70);
}

/// Writes a PNG of `side` x `side` pixels, all of one RGB colour.
fn write_png(path: &Path, side: u32, rgb: [u8; 3]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::RgbImage::from_pixel(side, side, image::Rgb(rgb))
        .save(path)
        .unwrap();
}

#[test]
fn an_image_folder_tree_with_split_folders_reads_classes_and_splits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_png(&root.join("train/Happy/a.png"), 48, [200, 200, 200]);
    write_png(&root.join("train/Happy/b.PNG"), 48, [10, 10, 10]);
    write_png(&root.join("train/fear/c.png"), 48, [50, 50, 50]);
    write_png(&root.join("PublicTest/sadness/d.png"), 96, [255, 0, 0]);
    write_png(&root.join("test/angry/e.png"), 48, [0, 0, 255]);
    std::fs::write(root.join("train/Happy/notes.txt"), "not an image").unwrap();

    assert_eq!(detect_kind(root).unwrap(), DataKind::Emotion);
    let dataset = read_default(root);
    let labels: Vec<(&str, Split)> = dataset
        .samples
        .iter()
        .map(|sample| (dataset.labels.name(sample.label).unwrap(), sample.split))
        .collect();
    assert_eq!(
        labels,
        [
            ("sad", Split::Validation),
            ("angry", Split::Test),
            ("happy", Split::Train),
            ("happy", Split::Train)
        ]
    );
    assert_eq!(dataset.report.kind, InputKind::ImageFolder);
    assert_eq!(dataset.report.dropped_outside_label_set, 1);

    let red = &dataset.samples[0];
    assert_eq!((red.side, red.pixels.len()), (48, 2304));
    assert!(
        red.pixels.iter().all(|grey| *grey == 76),
        "BT.601 grey of pure red is 76"
    );
    let happy = &dataset.samples[2];
    assert_eq!(
        happy.origin,
        SampleOrigin::File(root.join("train/Happy/a.png"))
    );
    assert!(happy.pixels.iter().all(|grey| *grey == 200));
}

#[test]
fn a_flat_image_folder_gets_seeded_splits() {
    let dir = tempfile::tempdir().unwrap();
    for index in 0..20u8 {
        let grey = index * 10;
        write_png(
            &dir.path().join(format!("surprise/{index}.png")),
            48,
            [grey, grey, grey],
        );
    }

    let dataset = read_default(dir.path());
    assert!(!dataset.report.splits_from_data);
    assert_eq!(dataset.split(Split::Validation).count(), 2);
    assert_eq!(dataset.split(Split::Test).count(), 2);
    assert_eq!(dataset.split(Split::Train).count(), 16);
}

#[test]
fn an_undecodable_image_is_a_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    write_png(&dir.path().join("happy/good.png"), 48, [1, 2, 3]);
    std::fs::write(dir.path().join("happy/broken.png"), b"not a png").unwrap();

    let dataset = read_default(dir.path());
    assert_eq!(dataset.samples.len(), 1);
    assert_eq!(dataset.report.skipped_count, 1);
    let problem = dataset.report.skipped[0].to_string();
    assert!(
        problem.contains("broken.png") && problem.contains("cannot decode"),
        "{problem}"
    );
}

#[test]
fn a_folder_without_class_folders_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("pictures")).unwrap();

    let error = read_emotions(
        dir.path(),
        &EmotionLabelSet::DEFAULT,
        &ReadOptions::default(),
    );
    let message = error.unwrap_err().to_string();
    assert!(message.contains("no class folders"), "{message}");
}

#[test]
fn missing_keypoint_values_are_masked_and_rows_kept() {
    let coords = face_coords();
    let csv = format!(
        "{}\n{}\n{}\n",
        keypoint_header(),
        keypoint_row(&coords, &[], 1),
        keypoint_row(&coords, &[4, 5, 28], 2)
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "training.csv", csv);

    let dataset = read_keypoints(&path, &ReadOptions::default()).unwrap();
    assert_eq!(dataset.samples.len(), 2);
    let partial = &dataset.samples[1];
    let missing: Vec<usize> = (0..30).filter(|column| !partial.present[*column]).collect();
    assert_eq!(missing, [4, 5, 28]);
    assert_eq!(partial.coords[4], 0.0);
    assert_eq!(partial.coords[0], coords[0]);
    let report = dataset.report.keypoints.as_ref().unwrap();
    assert_eq!(report.columns[4].missing, 1);
    assert_eq!(report.columns[0].missing, 0);
    assert_eq!(report.complete_rows, 1);
}

#[test]
fn keypoint_columns_are_found_by_name_in_any_order() {
    let coords = face_coords();
    let mut header: Vec<&str> = KEYPOINT_COLUMNS.to_vec();
    header.insert(0, "Image");
    header.swap(1, 2);
    let mut values: Vec<String> = coords.iter().map(|value| value.to_string()).collect();
    values.swap(0, 1);
    let csv = format!(
        "{}\n{},{}\n",
        header.join(","),
        keypoint_pixels(3),
        values.join(",")
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "training.csv.zip",
        zip(&[("training.csv", csv.as_bytes())]),
    );

    assert_eq!(detect_kind(&path).unwrap(), DataKind::Keypoints);
    let dataset = read_keypoints(&path, &ReadOptions::default()).unwrap();
    assert_eq!(dataset.samples[0].coords, coords);
    assert!(dataset.samples[0].present.iter().all(|known| *known));
}

#[test]
fn keypoint_test_images_are_read_with_their_ids() {
    let csv = format!(
        "ImageId,Image\n1,{}\r\n2,{}\r\n",
        keypoint_pixels(1),
        keypoint_pixels(2)
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "test.csv.gz", gzip(csv.as_bytes()));

    let images = read_keypoint_test_images(&path).unwrap();
    let ids: Vec<u32> = images.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, [1, 2]);
    assert!(images.iter().all(|(_, pixels)| pixels.len() == 9216));
}

#[test]
fn model_inputs_are_96_square_in_unit_range() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", fer_csv(&good_fer_rows(1)));
    let dataset = read_default(&path);
    let sample = &dataset.samples[0];

    let input = emotion_input(sample).unwrap();
    assert_eq!(input[0], f32::from(sample.pixels[0]) / 255.0);
    assert_eq!(input[9215], f32::from(sample.pixels[2303]) / 255.0);
    assert!(input.iter().all(|value| (0.0..=1.0).contains(value)));

    let mut broken = sample.clone();
    broken.pixels.pop();
    let message = emotion_input(&broken).unwrap_err().to_string();
    assert!(
        message.contains("line 2") && message.contains("2303 pixels"),
        "{message}"
    );

    let csv = format!(
        "{}\n{}\n",
        keypoint_header(),
        keypoint_row(&face_coords(), &[], 4)
    );
    let path = write(dir.path(), "training.csv", csv);
    let keypoints = read_keypoints(&path, &ReadOptions::default()).unwrap();
    let input = keypoint_input(&keypoints.samples[0]).unwrap();
    let pixels = &keypoints.samples[0].pixels;
    assert!(
        input
            .iter()
            .zip(pixels)
            .all(|(value, byte)| *value == f32::from(*byte) / 255.0)
    );
}

#[test]
fn kinds_are_detected_from_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let fer = write(dir.path(), "a.csv", fer_csv_without_usage(1));
    let keypoints = write(dir.path(), "b.csv", format!("{}\n", keypoint_header()));
    let other = write(dir.path(), "c.csv", "id,name\n");

    assert_eq!(detect_kind(&fer).unwrap(), DataKind::Emotion);
    assert_eq!(detect_kind(&keypoints).unwrap(), DataKind::Keypoints);
    let message = detect_kind(&other).unwrap_err().to_string();
    assert!(
        message.contains("c.csv") && message.contains("line 1"),
        "{message}"
    );
}
