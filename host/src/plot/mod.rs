//! PNG plots that people would rather see than read.

pub mod face_grid;

mod confusion;
mod curves;

pub use confusion::draw_confusion_matrix;
pub use curves::draw_training_curves;

use std::sync::Once;

/// Font family name under which the bundled font is registered.
pub const FONT: &str = "sans-serif";

/// Registers the bundled DejaVu Sans font with plotters. Call before drawing any text;
/// repeated calls are cheap.
pub fn register_font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../../assets/DejaVuSans.ttf");
        // The bundled font is a valid TrueType file; a failure here is a build defect.
        if plotters::style::register_font(FONT, plotters::style::FontStyle::Normal, bytes).is_err()
        {
            tracing::error!("bundled font could not be registered; plots will lack text");
        }
    });
}
