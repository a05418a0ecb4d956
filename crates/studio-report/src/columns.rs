//! Column widths of a report table from its content, for the formats that must set them (PDF,
//! DOCX, PPTX), the way browsers size automatic tables: each column gets at least its longest
//! word and, when there is room, its longest cell; what is left over goes to the columns that
//! would wrap most. The type gets smaller, down to a floor, until the words fit.
//!
//! Words break at spaces and, inside identifiers, after `_`, `-` and `.` (`heat_pump_` /
//! `adoption`): `breakable` marks those places for the renderers. A word longer than a third
//! of the table (a 64-character digest) may break anywhere.

use crate::Table;
use crate::metrics::{self, Face};

/// How a table is set: its type size and each column's width (the unit of `available`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Columns {
    pub size: f64,
    pub widths: Vec<f64>,
}

/// What a table is set in: the sizes it may take (largest first, same unit as the widths),
/// each cell's left and right padding together, and whether the columns are widened to fill
/// the width (office tables) or stay at their content's width when it fits (PDF).
pub(crate) struct Setting<'a> {
    pub available: f64,
    pub sizes: &'a [f64],
    pub padding: f64,
    pub fill: bool,
}

/// How many columns the table has: its header or its longest row.
pub(crate) fn count(table: &Table) -> usize {
    table.rows.iter().map(Vec::len).chain([table.header.len()]).max().unwrap_or(0)
}

/// The cells of column `c`: the header's (bold) and the rows'.
fn cells(table: &Table, c: usize) -> impl Iterator<Item = (&str, Face)> {
    let header = table.header.get(c).map(|h| (h.as_str(), Face::Bold));
    header.into_iter().chain(table.rows.iter().filter_map(move |r| r.get(c)).map(|t| (t.as_str(), Face::Regular)))
}

/// The pieces of `text` no line break may fall inside, with identifiers split after `_` and
/// `.`: what the narrowest column must hold.
pub(crate) fn words(text: &str) -> Vec<String> {
    let breakable = breakable(text);
    breakable.split([' ', '\u{200b}']).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// `text` as a cell shows it: a zero-width space (a line break opportunity that prints
/// nothing) after each `_` and `-` inside a word and each `.` between two letters, so
/// `heat_pump_adoption`, an ensemble's id and `spontaneous.constant` may wrap in a narrow
/// column, numbers (`0.0041`, `-9.0`) left whole; and
/// `name = value` held together by no-break spaces, so a coefficient never reads one token a
/// line.
pub(crate) fn breakable(text: &str) -> String {
    let glued = text.replace(" = ", "\u{a0}=\u{a0}");
    let chars: Vec<char> = glued.chars().collect();
    let mut out = String::with_capacity(glued.len() + 8);
    for (k, &c) in chars.iter().enumerate() {
        out.push(c);
        let (before, after) = (k.checked_sub(1).map(|b| chars[b]), chars.get(k + 1).copied());
        let joins = match c {
            // A hyphen inside a word or an id (`Held-out`, `4bbb-8ccc`): Unicode's rules do not
            // always break after it (not before a digit), so say it may.
            '_' | '-' => after.is_some_and(char::is_alphanumeric) && before.is_some_and(char::is_alphanumeric),
            '.' => after.is_some_and(char::is_alphabetic) && before.is_some_and(char::is_alphabetic),
            _ => false,
        };
        if joins {
            out.push('\u{200b}');
        }
    }
    out
}

/// `text` with a break opportunity between every two characters of each word wider than
/// `max` (in `face` at `size`), so a digest wraps inside its column rather than running out
/// of it.
pub(crate) fn break_long_words(text: &str, face: Face, size: f64, max: f64) -> String {
    let mut out = String::with_capacity(text.len());
    for (k, word) in text.split(' ').enumerate() {
        if k > 0 {
            out.push(' ');
        }
        let long = word.split('\u{200b}').any(|w| metrics::width(w, face, size) > max);
        if long {
            let mut chars = word.chars().filter(|c| *c != '\u{200b}').peekable();
            while let Some(c) = chars.next() {
                out.push(c);
                if chars.peek().is_some() {
                    out.push('\u{200b}');
                }
            }
        } else {
            out.push_str(word);
        }
    }
    out
}

/// The widest word (`min`) and the widest cell on one line (`max`) of each column at `size`.
fn extents(table: &Table, size: f64, cap: f64) -> Vec<(f64, f64)> {
    (0..count(table))
        .map(|c| {
            cells(table, c).fold((0.0f64, 0.0f64), |(min, max), (text, face)| {
                let widest = words(text)
                    .iter()
                    .map(|w| {
                        let width = metrics::width(w, face, size);
                        // A word too long for any reasonable column may break anywhere: it
                        // asks for a few characters' room only.
                        if width > cap { metrics::width(&"0".repeat(6), face, size) } else { width }
                    })
                    .fold(0.0, f64::max);
                let whole = text.split('\n').map(|l| metrics::width(l, face, size)).fold(0.0, f64::max);
                (min.max(widest), max.max(whole))
            })
        })
        .collect()
}

/// The columns of `table` in `setting`: the largest size whose words fit, widths from content.
pub(crate) fn columns(table: &Table, setting: &Setting) -> Columns {
    let n = count(table);
    let sizes = if setting.sizes.is_empty() { &[10.0][..] } else { setting.sizes };
    let cap = setting.available / 3.0;
    let pad = setting.padding;
    let mut chosen = None;
    for &size in sizes {
        let ext = extents(table, size, cap);
        let min: f64 = ext.iter().map(|(m, _)| m + pad).sum();
        chosen = Some((size, ext));
        if min <= setting.available {
            break;
        }
    }
    let Some((size, ext)) = chosen else { return Columns { size: sizes[0], widths: Vec::new() } };
    let min: Vec<f64> = ext.iter().map(|(m, _)| m + pad).collect();
    let max: Vec<f64> = ext.iter().map(|(m, x)| m.max(*x) + pad).collect();
    let (sum_min, sum_max): (f64, f64) = (min.iter().sum(), max.iter().sum());
    let available = setting.available;
    let widths = if n == 0 {
        Vec::new()
    } else if sum_max <= available {
        // Every cell on one line; the room left (office tables fill their width) shared in
        // proportion to the content.
        let spare = if setting.fill { available - sum_max } else { 0.0 };
        max.iter().map(|m| m + spare * m / sum_max).collect()
    } else if sum_min <= available {
        // Every word whole: the room above the words' goes to the columns that would wrap.
        let spare = available - sum_min;
        let wants: f64 = max.iter().zip(&min).map(|(x, m)| x - m).sum();
        min.iter().zip(&max).map(|(m, x)| m + spare * (x - m) / wants.max(f64::EPSILON)).collect()
    } else {
        // Even the smallest type is too large: the words must break (the renderer lets them).
        min.iter().map(|m| m * available / sum_min).collect()
    };
    Columns { size, widths }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(header: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            caption: String::new(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect(),
            numeric: Vec::new(),
            source: String::new(),
        }
    }

    #[test]
    fn identifiers_break_after_underscores_and_dots_numbers_do_not() {
        assert_eq!(words("heat_pump_adoption"), ["heat_", "pump_", "adoption"]);
        assert_eq!(
            words("spontaneous.constant = 0.0041, b = 1"),
            ["spontaneous.", "constant\u{a0}=\u{a0}0.0041,", "b\u{a0}=\u{a0}1"]
        );
        assert_eq!(words("_private 3.5 -9.0"), ["_private", "3.5", "-9.0"]);
        assert_eq!(words("00000001-aaaa-4bbb"), ["00000001-", "aaaa-", "4bbb"]);
        assert_eq!(breakable("a.b"), "a.\u{200b}b");
        let digest = "d1a2b3c4".repeat(8);
        let broken = break_long_words(&digest, Face::Regular, 10.0, 50.0);
        assert_eq!(broken.replace('\u{200b}', ""), digest);
        assert_eq!(broken.matches('\u{200b}').count(), 63);
        assert_eq!(break_long_words("short words", Face::Regular, 10.0, 50.0), "short words");
    }

    #[test]
    fn columns_get_their_content_when_it_fits_and_their_words_when_it_does_not() {
        let t = table(&["Name", "Value"], &[&["heat_pump_adoption", "0.5"]]);
        let fits = Setting { available: 1000.0, sizes: &[10.0], padding: 10.0, fill: false };
        let c = columns(&t, &fits);
        let name = metrics::width("heat_pump_adoption", Face::Regular, 10.0);
        assert!((c.widths[0] - (name + 10.0)).abs() < 1e-9, "{c:?}");
        let filled = columns(&t, &Setting { fill: true, ..fits });
        assert!((filled.widths.iter().sum::<f64>() - 1000.0).abs() < 1e-6, "{filled:?}");
        // Narrow: the name may wrap at its underscores, the number stays whole.
        let narrow = Setting { available: name, sizes: &[10.0, 8.0], padding: 4.0, fill: false };
        let c = columns(&t, &narrow);
        assert!(c.widths[0] >= metrics::width("adoption", Face::Regular, c.size) + 4.0, "{c:?}");
        assert!(c.widths[1] >= metrics::width("Value", Face::Bold, c.size) + 4.0, "{c:?}");
        assert!((c.widths.iter().sum::<f64>() - narrow.available).abs() < 1e-6);
    }

    #[test]
    fn a_wide_table_takes_a_smaller_size() {
        let header: Vec<String> = (0..9).map(|k| format!("Column {k}")).collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let t = table(&header, &[&["wordy_identifier_here"; 9]]);
        let words = |size: f64| 9.0 * (metrics::width("identifier_", Face::Regular, size) + 6.0);
        let setting = Setting { available: words(8.0) + 1.0, sizes: &[10.0, 9.0, 8.0, 7.0], padding: 6.0, fill: false };
        assert_eq!(columns(&t, &setting).size, 8.0);
    }
}
