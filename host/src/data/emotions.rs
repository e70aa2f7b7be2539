//! Emotion data sets: reading any supported input, then duplicates, splits and label set.

use std::path::Path;

use shared::labels::{EmotionLabelSet, FerClass};

use super::duplicates::{ImageGroups, count_constant};
use super::emotion_csv::{SourceEmotion, read_fer_rows};
use super::error::DataError;
use super::image_folder::read_image_folder;
use super::options::ReadOptions;
use super::report::{ClassCounts, InputKind, LoadReport};
use super::source::with_text;
use super::split::{SplitTarget, pick_groups};
use super::{EmotionSample, Split};

/// Faces labelled with emotions, with the label set they are indexed by and what reading saw.
#[derive(Debug, Clone)]
pub struct EmotionDataset {
    /// The kept samples, in input order.
    pub samples: Vec<EmotionSample>,
    /// The label set `EmotionSample::label` indexes.
    pub labels: EmotionLabelSet,
    /// Counts, skipped rows, duplicates.
    pub report: LoadReport,
}

impl EmotionDataset {
    /// The samples of one split.
    pub fn split(&self, split: Split) -> impl Iterator<Item = &EmotionSample> {
        self.samples
            .iter()
            .filter(move |sample| sample.split == split)
    }
}

/// Reads emotion-labelled faces from `path`: a FER2013 CSV file (plain, gzip or zip, told
/// apart by content) or a folder tree of images.
///
/// Splits come from the `Usage` column or split folders when present, otherwise from a
/// seeded split with `options`' fractions that keeps identical images together. When the
/// input defines no validation or no test rows (the public FER2013 file has no
/// `PrivateTest`), that share is moved out of training, again keeping identical images
/// together. Images that occur with conflicting labels are dropped when
/// `options.drop_conflicting_duplicates`; rows whose class `labels` leaves out are counted
/// and dropped.
pub fn read_emotions(
    path: &Path,
    labels: &EmotionLabelSet,
    options: &ReadOptions,
) -> Result<EmotionDataset, DataError> {
    options.check()?;
    let (rows, mut report) = read_source(path, labels, options)?;

    let samples = assemble(rows, labels, options, &mut report);
    if samples.is_empty() {
        return Err(DataError::NoSamples {
            path: path.to_owned(),
            rows_read: report.rows_read,
            skipped: report.skipped_count,
            outside: report.dropped_outside_label_set,
        });
    }

    report.log_summary();
    Ok(EmotionDataset {
        samples,
        labels: *labels,
        report,
    })
}

/// Reads the valid rows of a CSV file or image folder.
fn read_source(
    path: &Path,
    labels: &EmotionLabelSet,
    options: &ReadOptions,
) -> Result<(Vec<SourceEmotion>, LoadReport), DataError> {
    if path.is_dir() {
        let mut report = LoadReport::new(path.to_owned(), InputKind::ImageFolder);
        let rows = read_image_folder(path, labels, options, &mut report)?;
        return Ok((rows, report));
    }

    with_text(path, |reader, kind| {
        let mut report = LoadReport::new(path.to_owned(), kind);
        let rows = read_fer_rows(reader, path, labels, options, &mut report)?;
        Ok((rows, report))
    })
}

/// Applies splits, duplicate handling and the label set to the valid rows.
fn assemble(
    rows: Vec<SourceEmotion>,
    labels: &EmotionLabelSet,
    options: &ReadOptions,
    report: &mut LoadReport,
) -> Vec<EmotionSample> {
    let groups = ImageGroups::of(rows.iter().map(|row| row.pixels.as_slice()));
    let classes: Vec<FerClass> = rows.iter().map(|row| row.class).collect();
    let mut splits = given_or_seeded_splits(&rows, &groups, options);
    report.source_classes = Some(count_fer_classes(&classes, &splits));
    carve_missing_splits(&mut splits, &groups, options, report);

    report.duplicate_groups = groups.duplicate_groups();
    report.duplicate_rows = groups.duplicate_rows();
    report.leakage_rows = groups.leakage_rows(&splits);
    report.constant_images = count_constant(rows.iter().map(|row| row.pixels.as_slice()));

    let conflicting = groups.conflicting(&classes);
    report.conflicting_duplicate_groups = conflicting.iter().filter(|c| **c).count() as u64;
    let dropped: Vec<bool> = groups
        .group_of
        .iter()
        .map(|group| conflicting[*group] && options.drop_conflicting_duplicates)
        .collect();

    keep_labelled(rows, &splits, &dropped, labels, report)
}

/// The samples of the rows not `dropped` whose class is in `labels`, counted in `report`.
fn keep_labelled(
    rows: Vec<SourceEmotion>,
    splits: &[Split],
    dropped: &[bool],
    labels: &EmotionLabelSet,
    report: &mut LoadReport,
) -> Vec<EmotionSample> {
    let mut label_classes = ClassCounts::new(labels.names());
    let mut samples = Vec::with_capacity(rows.len());

    for ((row, split), dropped) in rows.into_iter().zip(splits).zip(dropped) {
        if *dropped {
            report.conflicting_duplicates_dropped += 1;
            continue;
        }
        let Some(label) = labels.index_of(row.class) else {
            report.dropped_outside_label_set += 1;
            continue;
        };

        label_classes.add(*split, label);
        *report.split_counts.entry(*split).or_default() += 1;
        let SourceEmotion {
            pixels,
            side,
            origin,
            ..
        } = row;
        samples.push(EmotionSample {
            pixels,
            side,
            label,
            split: *split,
            origin,
        });
    }

    report.rows_kept = samples.len() as u64;
    report.label_classes = Some(label_classes);
    samples
}

/// The split of every row: as the input gives it, or seeded when it gives none.
fn given_or_seeded_splits(
    rows: &[SourceEmotion],
    groups: &ImageGroups,
    options: &ReadOptions,
) -> Vec<Split> {
    if rows.iter().all(|row| row.split.is_some()) {
        return rows
            .iter()
            .map(|row| row.split.unwrap_or(Split::Train))
            .collect();
    }

    let targets = [
        SplitTarget::share(Split::Test, options.test_fraction, rows.len()),
        SplitTarget::share(Split::Validation, options.validation_fraction, rows.len()),
    ];
    let chosen = pick_groups(&groups.sizes, |_| true, &targets, options.seed);
    groups
        .group_of
        .iter()
        .map(|group| chosen[*group].unwrap_or(Split::Train))
        .collect()
}

/// Moves a seeded share of the training rows into each split the input left empty, taking
/// only groups of identical images that lie wholly in training.
fn carve_missing_splits(
    splits: &mut [Split],
    groups: &ImageGroups,
    options: &ReadOptions,
    report: &mut LoadReport,
) {
    let fractions = [
        (Split::Test, options.test_fraction),
        (Split::Validation, options.validation_fraction),
    ];
    let targets: Vec<SplitTarget> = fractions
        .into_iter()
        .filter(|(split, fraction)| *fraction > 0.0 && !splits.contains(split))
        .map(|(split, fraction)| SplitTarget::share(split, fraction, splits.len()))
        .collect();
    if targets.is_empty() {
        return;
    }

    let mut wholly_train = vec![true; groups.sizes.len()];
    for (group, split) in groups.group_of.iter().zip(splits.iter()) {
        wholly_train[*group] &= *split == Split::Train;
    }
    let chosen = pick_groups(
        &groups.sizes,
        |group| wholly_train[group],
        &targets,
        options.seed,
    );

    for (split, group) in splits.iter_mut().zip(&groups.group_of) {
        if let Some(carved) = chosen[*group] {
            *split = carved;
            *report.carved_from_train.entry(carved).or_default() += 1;
        }
    }
    for (split, count) in &report.carved_from_train {
        tracing::info!(
            ?split,
            samples = count,
            "input has no rows for this split; moved from training"
        );
    }
}

/// Rows per FER2013 class and split.
fn count_fer_classes(classes: &[FerClass], splits: &[Split]) -> ClassCounts {
    let mut counts = ClassCounts::new(FerClass::ALL.map(FerClass::name));
    for (class, split) in classes.iter().zip(splits) {
        counts.add(*split, usize::from(class.code()));
    }
    counts
}
