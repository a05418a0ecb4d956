//! Text widths in the shipped fonts, read from the fonts' own tables (`cmap`, `hmtx`), for the
//! layout decisions made before a renderer runs: wrapping chart labels, sizing PDF table
//! columns, fitting slide text. DejaVu Sans is wider than the fonts office applications use in
//! its place (Calibri, Carlito), so a PPTX laid out with these widths fits there too.
//!
//! Kerning is left out: it only narrows text, so a width from here is never too small.

use std::sync::OnceLock;

use crate::fonts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

/// One font's advance widths for the Basic Multilingual Plane, in font units.
struct Widths {
    units_per_em: f64,
    /// By code point; 0 where the font has no glyph.
    advance: Vec<u16>,
    /// The widest advance, used for characters the font lacks (they are drawn from another
    /// font, whose width is unknown here).
    widest: u16,
}

fn widths(face: Face) -> &'static Widths {
    static REGULAR: OnceLock<Widths> = OnceLock::new();
    static BOLD: OnceLock<Widths> = OnceLock::new();
    let (cell, data) = match face {
        Face::Regular => (&REGULAR, fonts::REGULAR),
        Face::Bold => (&BOLD, fonts::BOLD),
    };
    // The fonts are constants of the program: a failure here is caught by the unit tests.
    cell.get_or_init(|| read(data).unwrap_or(Widths { units_per_em: 1000.0, advance: Vec::new(), widest: 1000 }))
}

/// The width of `text` set in `face` at `size` (in the unit of `size`: points, pixels).
pub(crate) fn width(text: &str, face: Face, size: f64) -> f64 {
    let w = widths(face);
    let units: u64 = text
        .chars()
        .map(|c| match c {
            '\u{200b}' | '\u{ad}' => 0,
            _ => {
                let a = w.advance.get(c as usize).copied().unwrap_or(0);
                u64::from(if a == 0 { w.widest } else { a })
            }
        })
        .sum();
    units as f64 / w.units_per_em * size
}

/// `text` broken into lines no wider than `max` (same unit as `size`), first fit, at spaces
/// and after a dash or slash. A word wider than a line is cut
/// between characters, as office applications do. Newlines are kept.
pub(crate) fn wrap(text: &str, face: Face, size: f64, max: f64) -> Vec<String> {
    let fits = |t: &str| width(t.trim_end(), face, size) <= max;
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for piece in pieces(paragraph) {
            let candidate = format!("{line}{piece}");
            if fits(&candidate) {
                line = candidate;
                continue;
            }
            if !line.trim().is_empty() {
                lines.push(line.trim_end().to_string());
            }
            line = piece.to_string();
            while !fits(&line) {
                // A piece wider than a line: the longest head that fits (one character at least).
                let mut head = 0;
                for (i, c) in line.char_indices() {
                    if i > 0 && !fits(&line[..i + c.len_utf8()]) {
                        break;
                    }
                    head = i + c.len_utf8();
                }
                lines.push(line[..head].trim_end().to_string());
                line = line[head..].to_string();
            }
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// The width of the widest piece of `text` that cannot be broken (see [`wrap`]).
pub(crate) fn widest_word(text: &str, face: Face, size: f64) -> f64 {
    pieces(text).iter().map(|p| width(p.trim(), face, size)).fold(0.0, f64::max)
}

/// How many lines `text` takes in a box `max` wide.
pub(crate) fn line_count(text: &str, face: Face, size: f64, max: f64) -> usize {
    wrap(text, face, size, max).len()
}

/// The text up to and including each break opportunity: "older · larger" gives "older ",
/// "· ", "larger"; "20.1–22.5" gives "20.1–", "22.5".
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|&(_, n)| n);
        let after = i + c.len_utf8();
        let breaks = match c {
            ' ' => next != Some(' '),
            '-' | '–' | '—' | '/' => next.is_some_and(|n| n != ' '),
            _ => false,
        };
        if breaks {
            out.push(&text[start..after]);
            start = after;
        }
    }
    if start < text.len() || out.is_empty() {
        out.push(&text[start..]);
    }
    out
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([*data.get(at)?, *data.get(at + 1)?, *data.get(at + 2)?, *data.get(at + 3)?]))
}

/// The offset of table `tag` in a TrueType file.
fn table(data: &[u8], tag: &[u8; 4]) -> Option<usize> {
    let count = usize::from(be16(data, 4)?);
    (0..count).map(|k| 12 + 16 * k).find(|&at| data.get(at..at + 4) == Some(tag)).and_then(|at| {
        let offset = be32(data, at + 8)? as usize;
        Some(offset)
    })
}

fn read(data: &[u8]) -> Option<Widths> {
    let head = table(data, b"head")?;
    let units_per_em = f64::from(be16(data, head + 18)?);
    let hhea = table(data, b"hhea")?;
    let metrics = usize::from(be16(data, hhea + 34)?);
    let hmtx = table(data, b"hmtx")?;
    let advance_of = |glyph: u16| -> Option<u16> {
        let g = usize::from(glyph).min(metrics.checked_sub(1)?);
        be16(data, hmtx + 4 * g)
    };
    // The Windows Unicode BMP subtable (3, 1), format 4.
    let cmap = table(data, b"cmap")?;
    let subtables = usize::from(be16(data, cmap + 2)?);
    let sub = (0..subtables).map(|k| cmap + 4 + 8 * k).find_map(|at| {
        let (platform, encoding) = (be16(data, at)?, be16(data, at + 2)?);
        let offset = cmap + be32(data, at + 4)? as usize;
        ((platform, encoding) == (3, 1) && be16(data, offset)? == 4).then_some(offset)
    })?;
    let segments = usize::from(be16(data, sub + 6)? / 2);
    let ends = sub + 14;
    let starts = ends + 2 * segments + 2;
    let deltas = starts + 2 * segments;
    let ranges = deltas + 2 * segments;
    let mut advance = vec![0u16; 0x10000];
    let mut widest = 0;
    for s in 0..segments {
        let (end, start) = (be16(data, ends + 2 * s)?, be16(data, starts + 2 * s)?);
        let delta = be16(data, deltas + 2 * s)?;
        let range_at = ranges + 2 * s;
        let range = be16(data, range_at)?;
        for c in start..=end {
            if c == 0xffff {
                break;
            }
            let glyph = if range == 0 {
                c.wrapping_add(delta)
            } else {
                let at = range_at + usize::from(range) + 2 * usize::from(c - start);
                match be16(data, at)? {
                    0 => 0,
                    g => g.wrapping_add(delta),
                }
            };
            if glyph != 0 {
                let a = advance_of(glyph)?;
                advance[usize::from(c)] = a;
                widest = widest.max(a);
            }
        }
    }
    Some(Widths { units_per_em, advance, widest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_fonts_are_read() {
        for face in [Face::Regular, Face::Bold] {
            let w = widths(face);
            assert_eq!(w.units_per_em, 2048.0, "{face:?}");
            assert!(w.advance[usize::from(b'a')] > 0 && w.advance[0x2013] > 0, "{face:?}: letters and the en dash");
        }
        // DejaVu Sans: "M" is wider than "i", bold is wider than regular, digits are one width.
        assert!(width("M", Face::Regular, 10.0) > 2.0 * width("i", Face::Regular, 10.0));
        assert!(width("older", Face::Bold, 10.0) > width("older", Face::Regular, 10.0));
        assert_eq!(width("0", Face::Regular, 10.0), width("8", Face::Regular, 10.0));
        let space = width(" ", Face::Regular, 2048.0);
        assert_eq!(space, 651.0, "the space of DejaVu Sans");
    }

    #[test]
    fn text_wraps_at_spaces_and_dashes_and_cuts_long_words() {
        let size = 10.0;
        let w = |t: &str| width(t, Face::Regular, size);
        assert_eq!(
            wrap("older · larger households", Face::Regular, size, w("older · larger")),
            ["older · larger", "households"]
        );
        assert_eq!(wrap("20.1–22.5", Face::Regular, size, w("20.1–")), ["20.1–", "22.5"]);
        let cut = wrap("abcdefghij", Face::Regular, size, w("abcd"));
        assert_eq!(cut.concat(), "abcdefghij");
        assert!(cut.iter().all(|l| w(l) <= w("abcd")), "{cut:?}");
        assert_eq!(wrap("one\ntwo", Face::Regular, size, 1000.0), ["one", "two"]);
        assert_eq!(line_count("", Face::Regular, size, 10.0), 1);
    }
}
