//! `emotion-edge data inspect` and `data bench` on small files.

mod data_fixtures;

use std::process::Command;

use data_fixtures::*;

fn emotion_edge(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_emotion-edge"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn inspect_prints_class_tables_and_writes_a_preview() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "fer.csv.gz",
        gzip(fer_csv(&good_fer_rows(15)).as_bytes()),
    );
    let preview = dir.path().join("preview.png");

    let output = emotion_edge(&[
        "data",
        "inspect",
        path.to_str().unwrap(),
        "--preview",
        preview.to_str().unwrap(),
    ]);

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Rows read: 15, kept: 15"), "{stdout}");
    assert!(stdout.contains("surprise"), "{stdout}");
    assert!(
        stdout.contains("neutral"),
        "the FER2013 table shows all seven classes: {stdout}"
    );
    assert!(image::open(&preview).unwrap().width() > 0);
}

#[test]
fn inspect_json_is_machine_readable() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "{}\n{}\n",
        keypoint_header(),
        keypoint_row(&face_coords(), &[3], 1)
    );
    let path = write(dir.path(), "training.csv", csv);

    let output = emotion_edge(&["data", "inspect", path.to_str().unwrap(), "--json"]);

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["rows_kept"], 1);
    assert_eq!(report["keypoints"]["columns"][3]["missing"], 1);
}

#[test]
fn inspect_strict_fails_naming_the_bad_line() {
    let mut rows = good_fer_rows(3);
    rows[1].0 = "9";
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", fer_csv(&rows));

    let output = emotion_edge(&["data", "inspect", path.to_str().unwrap(), "--strict"]);

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 3, column emotion: unknown label 9"),
        "{stderr}"
    );
}

#[test]
fn bench_reports_rows_and_megabytes_per_second() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fer.csv", fer_csv(&good_fer_rows(20)));

    let output = emotion_edge(&["data", "bench", path.to_str().unwrap(), "--runs", "2"]);

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("read lines only: 21 lines"), "{stdout}");
    assert!(stdout.contains("parse and validate: 20 rows"), "{stdout}");
    assert!(
        stdout.contains("rows/s") && stdout.contains("MB/s"),
        "{stdout}"
    );
}
