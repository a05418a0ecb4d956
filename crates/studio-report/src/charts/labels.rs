//! The text a chart lays out itself with the shipped fonts' widths: a bar chart's category
//! names, wrapped under their columns so no two touch (or numbered, with a key, when they are
//! too long for that), and the legend above the plot.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{FONT, colour};
use crate::metrics::{self, Face};
use crate::{Chart, Series};

/// The type sizes a bar chart's category labels may take, largest first, and how many lines a
/// label may wrap to before a smaller size is tried.
const LABEL_SIZES: [u32; 4] = [13, 12, 11, 10];
const LABEL_LINES: usize = 3;
/// From the axis to the first line of a category label, pixels.
const LABEL_GAP: u32 = 8;
/// Between the numbers under the columns and the key, pixels.
const KEY_SPACE: u32 = 6;
/// Between two entries of a key line.
const KEY_GAP: &str = "    ";

/// A bar chart's category labels: each wrapped under its column so no two touch, or, when
/// the names are too long for that, numbers under the columns and a key below naming each in
/// full.
pub(super) struct CategoryLabels {
    size: u32,
    /// The lines under each column.
    under: Vec<Vec<String>>,
    /// The key's lines ("1 older, low income · 2 …"), each a list of entries; empty when the
    /// names are under their columns.
    key: Vec<Vec<String>>,
}

impl CategoryLabels {
    /// The largest size at which every label fits its `column` (pixels) in at most
    /// [`LABEL_LINES`] lines without cutting a word; failing that, numbered columns and a key
    /// `width` wide, at most `height` high (past it, an ellipsis).
    pub(super) fn fit(categories: &[String], column: f64, width: f64, height: f64) -> CategoryLabels {
        for size in LABEL_SIZES {
            let s = f64::from(size);
            if categories.iter().all(|c| metrics::widest_word(c, Face::Regular, s) <= column) {
                let under: Vec<Vec<String>> =
                    categories.iter().map(|c| metrics::wrap(c, Face::Regular, s, column)).collect();
                if under.iter().all(|l| l.len() <= LABEL_LINES) {
                    return CategoryLabels { size, under, key: Vec::new() };
                }
            }
        }
        let size = LABEL_SIZES[LABEL_SIZES.len() - 1];
        let s = f64::from(size);
        let entries = categories.iter().enumerate().map(|(k, c)| format!("{} {c}", k + 1));
        let gap = metrics::width(KEY_GAP, Face::Regular, s);
        let mut key: Vec<Vec<String>> = Vec::new();
        let mut used = 0.0;
        for entry in entries {
            let w = metrics::width(&entry, Face::Regular, s);
            match key.last_mut() {
                Some(line) if used + gap + w <= width => {
                    line.push(entry);
                    used += gap + w;
                }
                _ if w > width => {
                    // Longer than the key is wide: on lines of its own.
                    key.extend(metrics::wrap(&entry, Face::Regular, s, width).into_iter().map(|l| vec![l]));
                    used = width;
                }
                _ => {
                    key.push(vec![entry]);
                    used = w;
                }
            }
        }
        let room = ((height / f64::from(line_height(size))) as usize).max(1);
        if key.len() > room {
            key.truncate(room);
            if let Some(last) = key.last_mut() {
                last.push("…".into());
            }
        }
        let under = (1..=categories.len()).map(|k| vec![k.to_string()]).collect();
        CategoryLabels { size, under, key }
    }

    /// Height of the labels' band under the axis (and of the key), pixels.
    pub(super) fn height(&self) -> u32 {
        let step = line_height(self.size);
        let lines = self.under.iter().map(Vec::len).max().unwrap_or(1) as u32;
        let key = if self.key.is_empty() { 0 } else { KEY_SPACE + self.key.len() as u32 * step };
        LABEL_GAP + lines * step + key
    }

    /// Draws the labels under the axis — `left` and `axis` are the plot's bottom left corner
    /// in `area`'s pixels — centred on `columns`, and the key under them.
    pub(super) fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        columns: &[i32],
        (left, axis): (i32, i32),
        text: &RGBColor,
    ) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("{e:?}");
        let step = line_height(self.size);
        let style = (FONT, self.size).into_font().color(text).pos(Pos::new(HPos::Center, VPos::Top));
        for (lines, &x) in self.under.iter().zip(columns) {
            for (k, line) in lines.iter().enumerate() {
                let y = axis + (LABEL_GAP + k as u32 * step) as i32;
                area.draw(&Text::new(line.clone(), (x, y), style.clone())).map_err(e)?;
            }
        }
        // The key, left-aligned under the numbers: an entry per text, so each name stays whole.
        let style = (FONT, self.size).into_font().color(text).pos(Pos::new(HPos::Left, VPos::Top));
        let top = axis + (LABEL_GAP + step + KEY_SPACE) as i32;
        let gap = metrics::width(KEY_GAP, Face::Regular, f64::from(self.size));
        for (k, line) in self.key.iter().enumerate() {
            let mut x = f64::from(left);
            let y = top + (k as u32 * step) as i32;
            for entry in line {
                area.draw(&Text::new(entry.clone(), (x.round() as i32, y), style.clone())).map_err(e)?;
                x += metrics::width(entry, Face::Regular, f64::from(self.size)) + gap;
            }
        }
        Ok(())
    }
}

/// A label line's height at `size` pixels.
fn line_height(size: u32) -> u32 {
    (f64::from(size) * 1.2).ceil() as u32
}

/// Above the plot, when a chart has more than one main series: a swatch and the name of each
/// (band edges are explained by their line), in lines as wide as the plot.
pub(super) struct Legend<'a> {
    lines: Vec<Vec<&'a Series>>,
}

const LEGEND_SIZE: u32 = 12;
const LEGEND_LINE: u32 = 18;
const SWATCH: i32 = 10;
/// From a swatch to its name, and from a name to the next swatch, pixels.
const SWATCH_GAP: f64 = 5.0;
const ENTRY_GAP: f64 = 18.0;

impl<'a> Legend<'a> {
    /// The legend of `chart` in lines `width` pixels wide; none for a single main series.
    pub(super) fn new(chart: &'a Chart, width: f64) -> Option<Legend<'a>> {
        let main: Vec<&Series> = chart.series.iter().filter(|s| !s.faint).collect();
        if main.len() < 2 {
            return None;
        }
        let mut lines: Vec<Vec<&Series>> = vec![Vec::new()];
        let mut used = 0.0;
        for s in main {
            let w = Legend::entry_width(s);
            if used > 0.0 && used + w > width {
                lines.push(Vec::new());
                used = 0.0;
            }
            if let Some(line) = lines.last_mut() {
                line.push(s);
            }
            used += w + ENTRY_GAP;
        }
        Some(Legend { lines })
    }

    fn entry_width(s: &Series) -> f64 {
        f64::from(SWATCH) + SWATCH_GAP + metrics::width(&s.name, Face::Regular, f64::from(LEGEND_SIZE))
    }

    pub(super) fn height(&self) -> u32 {
        self.lines.len() as u32 * LEGEND_LINE + 4
    }

    /// Draws the legend in `area`, its lines starting at `left`.
    pub(super) fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        left: i32,
        text: &RGBColor,
    ) -> Result<(), String> {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| format!("{e:?}");
        let style = (FONT, LEGEND_SIZE).into_font().color(text).pos(Pos::new(HPos::Left, VPos::Center));
        for (k, line) in self.lines.iter().enumerate() {
            let y = k as i32 * LEGEND_LINE as i32 + LEGEND_LINE as i32 / 2 + 2;
            let mut x = f64::from(left);
            for s in line {
                let c = colour(s.color);
                let x0 = x.round() as i32;
                if s.points {
                    area.draw(&Circle::new((x0 + SWATCH / 2, y), 4, c.filled())).map_err(e)?;
                } else {
                    area.draw(&Rectangle::new([(x0, y - SWATCH / 2), (x0 + SWATCH, y + SWATCH / 2)], c.filled()))
                        .map_err(e)?;
                }
                let tx = (x + f64::from(SWATCH) + SWATCH_GAP).round() as i32;
                area.draw(&Text::new(s.name.clone(), (tx, y), style.clone())).map_err(e)?;
                x += Legend::entry_width(s) + ENTRY_GAP;
            }
        }
        Ok(())
    }
}
