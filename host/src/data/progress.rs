//! A terminal spinner showing rows read and the reading rate.

use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Rows between two updates of the spinner.
const ROWS_PER_UPDATE: u64 = 256;

/// Progress of a reader over rows of one input; hidden when stderr is not a terminal.
pub struct RowProgress {
    bar: ProgressBar,
}

impl RowProgress {
    /// Starts a spinner labelled with the file name of `path`.
    pub fn new(path: &Path) -> RowProgress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {msg}: {human_pos} rows ({per_sec}, {elapsed})")
        {
            bar.set_style(style);
        }
        let name = path.file_name().unwrap_or(path.as_os_str());
        bar.set_message(name.to_string_lossy().into_owned());
        RowProgress { bar }
    }

    /// Reports that `rows` rows have been read so far.
    pub fn rows(&self, rows: u64) {
        if rows.is_multiple_of(ROWS_PER_UPDATE) {
            self.bar.set_position(rows);
        }
    }

    /// Removes the spinner.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for RowProgress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
