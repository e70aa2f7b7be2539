//! The confusion matrix as a heat map with counts.

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{FONT, register_font};

/// Draws `counts[truth][predicted]` as a heat map, shaded by each row's share (recall), with
/// the count in every cell, to a PNG at `path`.
pub fn draw_confusion_matrix(
    path: &Path,
    labels: &[String],
    counts: &[Vec<u64>],
) -> Result<(), String> {
    register_font();
    let classes = labels.len();
    let cell = 90;
    let (left, top) = (110, 60);
    let size = (
        left + cell * classes as u32 + 20,
        top + cell * classes as u32 + 60,
    );
    let root = BitMapBackend::new(path, size).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;

    let centred = |size| TextStyle::from((FONT, size)).pos(Pos::new(HPos::Center, VPos::Center));
    let title = "confusion matrix (rows: truth, columns: predicted)";
    root.draw_text(title, &centred(16), (size.0 as i32 / 2, 20))
        .map_err(|e| e.to_string())?;

    for (truth, row) in counts.iter().enumerate() {
        let total: u64 = row.iter().sum();
        for (predicted, &count) in row.iter().enumerate() {
            let share = if total == 0 {
                0.0
            } else {
                count as f64 / total as f64
            };
            let x = left + cell * predicted as u32;
            let y = top + cell * truth as u32;
            let shade = (255.0 * (1.0 - share)) as u8;
            let corners = [(x as i32, y as i32), ((x + cell) as i32, (y + cell) as i32)];
            root.draw(&Rectangle::new(
                corners,
                RGBColor(shade, shade, 255).filled(),
            ))
            .map_err(|e| e.to_string())?;
            root.draw(&Rectangle::new(corners, BLACK.stroke_width(1)))
                .map_err(|e| e.to_string())?;
            let ink = if share > 0.5 { WHITE } else { BLACK };
            let centre = ((x + cell / 2) as i32, (y + cell / 2) as i32);
            root.draw_text(&count.to_string(), &centred(18).color(&ink), centre)
                .map_err(|e| e.to_string())?;
        }
    }

    for (class, label) in labels.iter().enumerate() {
        let middle = (cell * class as u32 + cell / 2) as i32;
        root.draw_text(label, &centred(14), (left as i32 / 2, top as i32 + middle))
            .map_err(|e| e.to_string())?;
        let below = (top + cell * classes as u32 + 20) as i32;
        root.draw_text(label, &centred(14), (left as i32 + middle, below))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}
