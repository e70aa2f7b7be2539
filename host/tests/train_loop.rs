//! The training loop end to end on synthetic faces: it learns, checkpoints and resumes.

mod train_support;

use host::model::Arch;
use host::train::{
    ClassWeighting, EmotionTask, RunPaths, TaskKind, TrainOptions, last_checkpoint, load_state,
    train, training_device,
};

fn task() -> EmotionTask {
    let (train_split, validation) = train_support::two_class_faces(192, 40, 1);
    EmotionTask::new(
        Arch::Edge,
        train_support::two_labels(),
        &train_split,
        &validation,
        ClassWeighting::Balanced,
        0.0,
    )
    .unwrap()
}

fn options(epochs: usize) -> TrainOptions {
    let mut options = TrainOptions::defaults(TaskKind::Emotion, Arch::Edge);
    options.epochs = epochs;
    // Small batches: enough steps for the batch-norm running statistics to settle.
    options.batch_size = 8;
    options.augment = false;
    options
}

#[test]
fn loss_falls_and_validation_beats_chance() {
    let folder = tempfile::tempdir().unwrap();
    let paths = RunPaths {
        folder: folder.path().to_path_buf(),
        resume: false,
        data: None,
    };
    let summary = train(&task(), &options(3), &paths, &training_device()).unwrap();

    let history = &summary.history;
    assert_eq!(history.len(), 3);
    assert!(history[2].train_loss < history[0].train_loss, "{history:?}");
    let best = history
        .iter()
        .filter_map(|r| r.val_accuracy)
        .fold(0.0, f64::max);
    assert!(best >= 0.8, "best validation accuracy {best}: {history:?}");

    for file in ["metrics.jsonl", "curves.png", "checkpoints/last/model.bpk"] {
        assert!(folder.path().join(file).is_file(), "{file} missing");
    }
    let lines = std::fs::read_to_string(folder.path().join("metrics.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 3);
}

#[test]
fn resume_continues_from_the_last_checkpoint() {
    let folder = tempfile::tempdir().unwrap();
    let fresh = RunPaths {
        folder: folder.path().to_path_buf(),
        resume: false,
        data: None,
    };
    let task = task();
    train(&task, &options(1), &fresh, &training_device()).unwrap();
    let (_, state) = load_state(&last_checkpoint(folder.path())).unwrap();
    assert_eq!(state.epochs_done, 1);

    let resumed = RunPaths {
        resume: true,
        ..fresh
    };
    let summary = train(&task, &options(2), &resumed, &training_device()).unwrap();
    assert_eq!(summary.epochs_done, 2);
    assert_eq!(summary.history.len(), 2);
    assert_eq!(summary.history[0], state.history[0]);
    let lines = std::fs::read_to_string(folder.path().join("metrics.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 2);
}

#[test]
fn resume_refuses_another_architecture() {
    let folder = tempfile::tempdir().unwrap();
    let fresh = RunPaths {
        folder: folder.path().to_path_buf(),
        resume: false,
        data: None,
    };
    train(&task(), &options(1), &fresh, &training_device()).unwrap();

    let mut other = options(2);
    other.arch = Arch::Reference;
    let resumed = RunPaths {
        resume: true,
        ..fresh
    };
    let error = train(&task(), &other, &resumed, &training_device())
        .err()
        .unwrap();
    assert!(error.to_string().contains("--arch edge"), "{error}");
}
