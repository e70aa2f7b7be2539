//! The image-folder layout of FER2013: `<root>/<class>/<image>` or
//! `<root>/<split>/<class>/<image>`, PNG or JPEG files.
//!
//! Class folders match [`FerClass::from_name`] (case-insensitive, with synonyms); split
//! folders are `train`/`training`, `val`/`valid`/`validation`/`publictest` and
//! `test`/`privatetest`. Images are converted to grey with the ITU-R BT.601 weights of
//! `shared`; an image that is not 48x48 is cropped to its centre square and resized to
//! 48x48 with `shared::preprocess::resize_grey`, the function the device uses.

use std::fs;
use std::path::{Path, PathBuf};

use shared::FER_SIDE;
use shared::frame::{Frame, PixelFormat, bt601_luma};
use shared::labels::{EmotionLabelSet, FerClass};
use shared::preprocess::resize_grey;

use super::emotion_csv::SourceEmotion;
use super::error::{DataError, RowProblem};
use super::options::ReadOptions;
use super::progress::RowProgress;
use super::report::LoadReport;
use super::{SampleOrigin, Split};

/// File extensions read as images (case-insensitive).
const IMAGE_EXTENSIONS: [&str; 3] = ["png", "jpg", "jpeg"];

/// Field name used in problems with an image file.
const IMAGE_FIELD: &str = "image";

/// One image file to read, with the class and split its folders give.
struct ImageEntry {
    path: PathBuf,
    class: FerClass,
    split: Option<Split>,
}

/// The split a folder name stands for (case-insensitive).
pub fn split_from_folder(name: &str) -> Option<Split> {
    const FOLDERS: [(&str, Split); 8] = [
        ("train", Split::Train),
        ("training", Split::Train),
        ("val", Split::Validation),
        ("valid", Split::Validation),
        ("validation", Split::Validation),
        ("publictest", Split::Validation),
        ("test", Split::Test),
        ("privatetest", Split::Test),
    ];
    FOLDERS
        .iter()
        .find(|(folder, _)| folder.eq_ignore_ascii_case(name))
        .map(|(_, split)| *split)
}

/// Reads every image under `root`, validating each; undecodable files are bad rows.
pub fn read_image_folder(
    root: &Path,
    labels: &EmotionLabelSet,
    options: &ReadOptions,
    report: &mut LoadReport,
) -> Result<Vec<SourceEmotion>, DataError> {
    let entries = list_images(root)?;
    report.splits_from_data = entries.iter().any(|entry| entry.split.is_some());
    let progress = RowProgress::new(root);
    let mut rows = Vec::new();
    let mut in_label_set = 0usize;

    for entry in entries {
        report.rows_read += 1;
        progress.rows(report.rows_read);

        match read_face(&entry.path) {
            Ok(pixels) => {
                in_label_set += usize::from(labels.index_of(entry.class).is_some());
                rows.push(SourceEmotion {
                    pixels,
                    side: FER_SIDE,
                    class: entry.class,
                    split: entry.split,
                    origin: SampleOrigin::File(entry.path),
                });
            }
            Err(message) => {
                let problem = RowProblem {
                    origin: SampleOrigin::File(entry.path),
                    column: IMAGE_FIELD.to_owned(),
                    message,
                };
                if options.strict {
                    return Err(DataError::BadRow {
                        path: root.to_owned(),
                        problem,
                    });
                }
                report.skip(problem);
            }
        }

        if options.limit.is_some_and(|limit| in_label_set >= limit) {
            break;
        }
    }

    progress.finish();
    Ok(rows)
}

/// Finds the image files of the tree, sorted by path within each class folder.
fn list_images(root: &Path) -> Result<Vec<ImageEntry>, DataError> {
    let mut class_folders = Vec::new();
    let mut split_folders = Vec::new();
    for folder in sub_folders(root)? {
        let name = folder_name(&folder);
        if let Some(class) = FerClass::from_name(&name) {
            class_folders.push((folder, class, None));
        } else if let Some(split) = split_from_folder(&name) {
            split_folders.push((folder, split));
        } else {
            tracing::warn!(folder = %folder.display(), "not a class or split folder; ignored");
        }
    }

    if !class_folders.is_empty() && !split_folders.is_empty() {
        let message = "mixes class folders and split folders at the top level".to_owned();
        return Err(DataError::Layout {
            path: root.to_owned(),
            message,
        });
    }
    for (split_folder, split) in split_folders {
        for folder in sub_folders(&split_folder)? {
            match FerClass::from_name(&folder_name(&folder)) {
                Some(class) => class_folders.push((folder, class, Some(split))),
                None => tracing::warn!(folder = %folder.display(), "not a class folder; ignored"),
            }
        }
    }
    if class_folders.is_empty() {
        let message = "holds no class folders (angry, disgust, fear, happy, sad, surprise, \
                       neutral), directly or under train/val/test folders"
            .to_owned();
        return Err(DataError::Layout {
            path: root.to_owned(),
            message,
        });
    }

    let mut entries = Vec::new();
    for (folder, class, split) in class_folders {
        for path in image_files(&folder)? {
            entries.push(ImageEntry { path, class, split });
        }
    }
    Ok(entries)
}

/// The folders directly inside `folder`, sorted.
fn sub_folders(folder: &Path) -> Result<Vec<PathBuf>, DataError> {
    let mut folders: Vec<PathBuf> = list(folder)?
        .into_iter()
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    Ok(folders)
}

/// The image files directly inside `folder`, sorted.
fn image_files(folder: &Path) -> Result<Vec<PathBuf>, DataError> {
    let is_image = |path: &PathBuf| {
        path.is_file()
            && path.extension().is_some_and(|extension| {
                let extension = extension.to_string_lossy();
                IMAGE_EXTENSIONS
                    .iter()
                    .any(|known| known.eq_ignore_ascii_case(&extension))
            })
    };
    let mut files: Vec<PathBuf> = list(folder)?.into_iter().filter(is_image).collect();
    files.sort();
    Ok(files)
}

fn list(folder: &Path) -> Result<Vec<PathBuf>, DataError> {
    let open_error = |source| DataError::Open {
        path: folder.to_owned(),
        source,
    };
    let mut paths = Vec::new();
    for entry in fs::read_dir(folder).map_err(open_error)? {
        paths.push(entry.map_err(open_error)?.path());
    }
    Ok(paths)
}

fn folder_name(folder: &Path) -> String {
    folder
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Decodes an image file into 48x48 grey pixels; the error is the message for a report.
fn read_face(path: &Path) -> Result<Vec<u8>, String> {
    let image = image::open(path).map_err(|error| format!("cannot decode: {error}"))?;
    let (width, height) = (image.width() as usize, image.height() as usize);
    let grey = if image.color().has_color() {
        let rgb = image.to_rgb8();
        rgb.pixels()
            .map(|pixel| {
                let [red, green, blue] = pixel.0.map(u32::from);
                bt601_luma(red, green, blue)
            })
            .collect()
    } else {
        image.to_luma8().into_raw()
    };

    if width == FER_SIDE && height == FER_SIDE {
        return Ok(grey);
    }
    let frame = Frame::new(PixelFormat::Grey8, width, height, &grey)
        .map_err(|error| format!("{width}x{height} image: {error}"))?;
    let mut resized = vec![0.0f32; FER_SIDE * FER_SIDE];
    resize_grey(
        &frame,
        frame.centre_square(),
        &mut resized,
        FER_SIDE,
        FER_SIDE,
    );
    Ok(resized
        .iter()
        .map(|value| value.round().clamp(0.0, 255.0) as u8)
        .collect())
}
