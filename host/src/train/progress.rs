//! The terminal progress bar of an epoch: the training loop reports numbers, this module
//! decides how they are drawn.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar over the training samples of one epoch.
pub struct EpochProgress {
    bar: ProgressBar,
    metric_name: &'static str,
}

impl EpochProgress {
    /// Starts a bar for `epoch` of `epochs` over `samples` images; hidden when stderr is not
    /// a terminal (logs carry the epoch summary instead).
    pub fn start(epoch: usize, epochs: usize, samples: usize, metric_name: &'static str) -> Self {
        let bar = ProgressBar::with_draw_target(
            Some(samples as u64),
            ProgressDrawTarget::stderr_with_hz(4),
        );
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:30}] {pos}/{len} {msg} ({elapsed}<{eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(format!("epoch {epoch}/{epochs}"));
        Self { bar, metric_name }
    }

    /// Advances by `images` and shows the running loss, metric and throughput.
    pub fn update(&self, images: usize, loss: f64, metric: f64, images_per_second: f64) {
        self.bar.inc(images as u64);
        self.bar.set_message(format!(
            "loss {loss:.4} {} {metric:.4} {images_per_second:.0} img/s",
            self.metric_name
        ));
    }

    /// Shows that validation is running.
    pub fn validating(&self) {
        self.bar.set_message("validating");
    }

    /// Removes the bar.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}
