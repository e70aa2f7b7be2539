//! A terminal spinner showing rows read and the reading rate.

use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// Rows between two updates of the spinner.
const ROWS_PER_UPDATE: u64 = 256;

/// The spinner line: file name, rows so far, rate, time.
const SPINNER_TEMPLATE: &str = "{spinner} {msg}: {human_pos} rows ({rate} rows/s, {elapsed})";

/// Progress of a reader over rows of one input; hidden when stderr is not a terminal.
pub struct RowProgress {
    bar: ProgressBar,
}

impl RowProgress {
    /// Starts a spinner labelled with the file name of `path`.
    pub fn new(path: &Path) -> RowProgress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(SPINNER_TEMPLATE) {
            bar.set_style(style.with_key("rate", write_rate));
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

/// Writes the rows-per-second rate without decimals.
fn write_rate(state: &ProgressState, out: &mut dyn std::fmt::Write) {
    let _ = write!(out, "{:.0}", state.per_sec());
}

impl Drop for RowProgress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
