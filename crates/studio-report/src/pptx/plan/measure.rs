//! How much room things take on a slide: text measured with the shipped fonts' widths (wider
//! than Calibri and Carlito, which office applications draw it in), tables set from their
//! content, and whether a chart's category names fit under its columns.

use super::*;

/// Height in inches of `lines` lines of `size`-point type with `space` points after.
pub(in crate::pptx) fn lines_height(lines: usize, size: f64, space: f64) -> f64 {
    (lines as f64 * size * LINE + space) / 72.0
}

/// How many lines `text` takes in `size`-point type across `width` inches.
pub(in crate::pptx) fn lines(text: &str, face: Face, size: f64, width: f64) -> usize {
    metrics::line_count(text, face, size, width * 72.0)
}

/// The height in inches of `points` in a text box `width` wide at `size`.
pub(super) fn points_height(points: &[Point], size: f64, width: f64) -> f64 {
    let inner = width - 2.0 * INSET;
    2.0 * INSET
        + points
            .iter()
            .map(|p| match p {
                Point::Paragraph(t) => lines_height(lines(t, Face::Regular, size, inner), size, PARAGRAPH_SPACE),
                Point::Intro(t) => lines_height(lines(t, Face::Bold, size, inner), size, BULLET_SPACE),
                Point::Bullet(t) => {
                    lines_height(lines(t, Face::Regular, size, inner - BULLET_INDENT), size, BULLET_SPACE)
                }
            })
            .sum::<f64>()
}

/// The height in inches of an annotation's callout `width` wide: the author in bold, the note
/// in italics (as wide as upright).
pub(super) fn callout_height(author: &str, text: &str, width: f64) -> f64 {
    let author = format!("{author}: ");
    let bold_extra =
        (metrics::width(&author, Face::Bold, NOTE_TEXT) - metrics::width(&author, Face::Regular, NOTE_TEXT)) / 72.0;
    let n = lines(&format!("{author}{text}"), Face::Regular, NOTE_TEXT, width - 2.0 * CALLOUT_INSET - bold_extra);
    2.0 * CALLOUT_INSET + lines_height(n, NOTE_TEXT, 0.0)
}

/// The height of the headline cards `width` wide.
pub(super) fn headline_height(blocks: &[&Block], width: f64) -> f64 {
    let inner = width - 2.0 * HEADLINE_INSET;
    let card = |b: &Block| match b {
        Block::Headline { label, value, detail } => {
            lines_height(lines(label, Face::Regular, HEADLINE_LABEL, inner), HEADLINE_LABEL, 2.0)
                + lines_height(lines(value, Face::Bold, HEADLINE_VALUE, inner), HEADLINE_VALUE, 2.0)
                + lines_height(lines(detail, Face::Regular, HEADLINE_DETAIL, inner), HEADLINE_DETAIL, 2.0)
        }
        _ => 0.0,
    };
    2.0 * HEADLINE_INSET + blocks.iter().map(|b| card(b)).fold(0.0, f64::max)
}

/// A table set `width` inches wide: its columns (inches), and the height of its header and of
/// each row.
pub(super) fn table_setting(table: &Table, width: f64) -> (Columns, f64, Vec<f64>) {
    let setting =
        Setting { available: width * 72.0, sizes: &TABLE_SIZES, padding: 2.0 * CELL_MARGIN_W * 72.0 + 1.0, fill: true };
    let mut cols = columns::columns(table, &setting);
    for w in &mut cols.widths {
        *w /= 72.0;
    }
    let row = |cells: &[String], face: Face| -> f64 {
        let tallest = cols
            .widths
            .iter()
            .enumerate()
            .map(|(c, w)| {
                let text = cells.get(c).map(|t| columns::breakable(t)).unwrap_or_default();
                metrics::line_count(&text, face, cols.size, (w - 2.0 * CELL_MARGIN_W) * 72.0 - 1.0)
            })
            .max()
            .unwrap_or(1);
        lines_height(tallest, cols.size, 0.0) + 2.0 * CELL_MARGIN_H
    };
    let header = if table.header.is_empty() { 0.0 } else { row(&table.header, Face::Bold) };
    let rows = table.rows.iter().map(|r| row(r, Face::Regular)).collect();
    (cols, header, rows)
}

pub(super) fn caption_height(table: &Table, width: f64) -> f64 {
    if table.caption.trim().is_empty() {
        return 0.0;
    }
    let n = lines(&format!("{} (continued)", table.caption), Face::Bold, CAPTION_TEXT, width - 2.0 * INSET);
    lines_height(n, CAPTION_TEXT, 0.0) + 2.0 * INSET
}

/// The height a whole table needs at `width` inches: caption, header and every row.
pub(super) fn table_height(table: &Table, width: f64) -> f64 {
    let (_, header, rows) = table_setting(table, width);
    caption_height(table, width) + header + rows.iter().sum::<f64>()
}

/// Whether a chart's category names fit under their columns in a frame `width` inches wide
/// (wrapped to [`CATEGORY_LINES`], no word cut): then office applications draw them whole and
/// apart. Line charts' categories are ticks, which the applications space out themselves.
pub(super) fn categories_fit(chart: &Chart, width: f64) -> bool {
    if chart.kind.native() != crate::NativeKind::Bar || chart.categories.is_empty() {
        return true;
    }
    // The plot is narrower than the frame (the value axis and its title, margins), and a
    // label keeps clear of its neighbours.
    let slot = (width - 1.0) * 72.0 / chart.categories.len() as f64 * 0.85;
    chart.categories.iter().all(|c| {
        metrics::widest_word(c, Face::Regular, CHART_TEXT) <= slot
            && metrics::line_count(c, Face::Regular, CHART_TEXT, slot) <= CATEGORY_LINES
    })
}
