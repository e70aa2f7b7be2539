//! Writing files and folders so that a crash leaves either the old or the new version.

use std::fs;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::error::TrainError;

/// Writes `path` through a temporary sibling file and a rename.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<fs::File>) -> std::io::Result<()>,
) -> Result<(), TrainError> {
    let temporary = sibling(path, "tmp");
    let result = fs::File::create(&temporary).and_then(|file| {
        let mut writer = BufWriter::new(file);
        write(&mut writer)?;
        writer.into_inner().map_err(|e| e.into_error())?.sync_all()
    });
    result.map_err(|e| TrainError::io(&temporary, e))?;
    fs::rename(&temporary, path).map_err(|e| TrainError::io(path, e))
}

/// Fills a fresh temporary sibling of `folder` with `fill`, then swaps it into place: the
/// old folder is moved aside, the new one renamed in, and the old one removed. A reader
/// that finds no `folder` falls back to the `.old` sibling (see [`readable_folder`]).
pub fn replace_folder(
    folder: &Path,
    fill: impl FnOnce(&Path) -> Result<(), TrainError>,
) -> Result<(), TrainError> {
    let temporary = sibling(folder, "tmp");
    let old = sibling(folder, "old");
    if temporary.exists() {
        fs::remove_dir_all(&temporary).map_err(|e| TrainError::io(&temporary, e))?;
    }
    fs::create_dir_all(&temporary).map_err(|e| TrainError::io(&temporary, e))?;

    fill(&temporary)?;

    if old.exists() {
        fs::remove_dir_all(&old).map_err(|e| TrainError::io(&old, e))?;
    }
    if folder.exists() {
        fs::rename(folder, &old).map_err(|e| TrainError::io(folder, e))?;
    }
    fs::rename(&temporary, folder).map_err(|e| TrainError::io(folder, e))?;
    if old.exists() {
        fs::remove_dir_all(&old).map_err(|e| TrainError::io(&old, e))?;
    }
    Ok(())
}

/// `folder`, or its `.old` sibling when a crash interrupted [`replace_folder`] between its
/// two renames; `None` when neither exists.
pub fn readable_folder(folder: &Path) -> Option<PathBuf> {
    if folder.is_dir() {
        return Some(folder.to_path_buf());
    }
    let old = sibling(folder, "old");
    old.is_dir().then_some(old)
}

fn sibling(path: &Path, extension: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(extension);
    path.with_file_name(name)
}
