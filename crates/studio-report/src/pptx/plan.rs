//! Which slides the deck has: the report's sections cut into slides. Text flows onto a slide
//! until it is full (estimated from its length), each chart has a slide, and a table takes as
//! many slides as its rows need. Pure: the renderers draw what the plan says.

use std::ops::Range;

use super::geometry::{CONTENT_BOTTOM, CONTENT_TOP, CONTENT_W};
use super::table::{column_widths, row_lines};
use crate::{Block, Chart, Report, Section, Table};

/// Lines of a table's body on one slide (a row of wrapped text counts each line).
pub(super) const TABLE_LINES: usize = 12;
/// Entries (sections, the appendix heading) on one contents slide.
const CONTENTS_LINES: usize = 12;

/// Sizes (inches and points) of the text of a content slide, shared with its drawing.
pub(super) const HEADLINE_HEIGHT: f64 = 1.55;
/// Headline cards side by side, at most.
pub(super) const HEADLINES_PER_ROW: usize = 4;
pub(super) const GAP: f64 = 0.2;
pub(super) const BODY_TEXT: f64 = 18.0;
pub(super) const NOTE_TEXT: f64 = 16.0;
pub(super) const BULLET_INDENT: f64 = 0.375;
/// The text box's inner margins, top and bottom together.
pub(super) const BODY_PAD: f64 = 0.1;
/// Space after a paragraph, points.
pub(super) const PARAGRAPH_SPACE: f64 = 10.0;
pub(super) const BULLET_SPACE: f64 = 6.0;

pub(super) enum Slide<'a> {
    Title,
    Contents { lines: Vec<ContentsLine<'a>>, continued: bool },
    Text { section: &'a Section, items: Vec<TextItem<'a>>, continued: bool },
    Chart { section: &'a Section, chart: &'a Chart },
    Table { section: &'a Section, table: &'a Table, rows: Range<usize>, continued: bool },
}

impl Slide<'_> {
    /// The section the slide belongs to (its notes are the section's).
    pub(super) fn section(&self) -> Option<&Section> {
        match self {
            Slide::Title | Slide::Contents { .. } => None,
            Slide::Text { section, .. } | Slide::Chart { section, .. } | Slide::Table { section, .. } => Some(section),
        }
    }
}

pub(super) enum ContentsLine<'a> {
    /// A section, numbered from 1.
    Section(usize, &'a Section),
    /// The heading before the appendix's sections.
    Appendix,
}

/// Text blocks drawn together: a row of headline cards, or a text box of paragraphs, bullets
/// and annotations.
pub(super) enum TextItem<'a> {
    Headlines(Vec<&'a Block>),
    Body(Vec<&'a Block>),
}

pub(super) fn plan(report: &Report) -> Vec<Slide<'_>> {
    let mut slides = vec![Slide::Title];
    if report.contents_page && !report.sections.is_empty() {
        contents(report, &mut slides);
    }
    for section in &report.sections {
        section_slides(section, &mut slides);
    }
    slides
}

fn contents<'a>(report: &'a Report, slides: &mut Vec<Slide<'a>>) {
    let mut lines = Vec::new();
    let mut in_appendix = false;
    for (k, section) in report.sections.iter().enumerate() {
        if section.appendix && !in_appendix {
            lines.push(ContentsLine::Appendix);
            in_appendix = true;
        }
        lines.push(ContentsLine::Section(k + 1, section));
    }
    let mut continued = false;
    let mut rest = lines.into_iter().peekable();
    while rest.peek().is_some() {
        let chunk: Vec<_> = rest.by_ref().take(CONTENTS_LINES).collect();
        slides.push(Slide::Contents { lines: chunk, continued });
        continued = true;
    }
}

fn section_slides<'a>(section: &'a Section, slides: &mut Vec<Slide<'a>>) {
    let capacity = CONTENT_BOTTOM - CONTENT_TOP;
    let before = slides.len();
    let mut items: Vec<TextItem<'a>> = Vec::new();
    let mut used = 0.0;
    let mut continued = false;
    let flush = |items: &mut Vec<TextItem<'a>>, continued: bool, slides: &mut Vec<Slide<'a>>| {
        if !items.is_empty() {
            slides.push(Slide::Text { section, items: std::mem::take(items), continued });
        }
    };
    for block in &section.blocks {
        match block {
            Block::Headline { .. } => {
                if let Some(TextItem::Headlines(row)) = items.last_mut()
                    && row.len() < HEADLINES_PER_ROW
                {
                    row.push(block);
                    continue;
                }
                let need = HEADLINE_HEIGHT + GAP;
                if used + need > capacity && !items.is_empty() {
                    flush(&mut items, continued, slides);
                    (used, continued) = (0.0, true);
                }
                items.push(TextItem::Headlines(vec![block]));
                used += need;
            }
            Block::Paragraph { .. } | Block::Bullets { .. } | Block::Annotation { .. } => {
                let height = text_height(block);
                let in_body = matches!(items.last(), Some(TextItem::Body(_)));
                let need = if in_body { height } else { height + BODY_PAD + GAP };
                if used + need > capacity && !items.is_empty() {
                    flush(&mut items, continued, slides);
                    (used, continued) = (0.0, true);
                    items.push(TextItem::Body(vec![block]));
                    used += height + BODY_PAD + GAP;
                } else {
                    match items.last_mut() {
                        Some(TextItem::Body(blocks)) => blocks.push(block),
                        _ => items.push(TextItem::Body(vec![block])),
                    }
                    used += need;
                }
            }
            Block::Chart(chart) => {
                flush(&mut items, continued, slides);
                (used, continued) = (0.0, false);
                slides.push(Slide::Chart { section, chart });
            }
            Block::Table(table) => {
                flush(&mut items, continued, slides);
                (used, continued) = (0.0, false);
                for (k, rows) in table_pages(table).into_iter().enumerate() {
                    slides.push(Slide::Table { section, table, rows, continued: k > 0 });
                }
            }
        }
    }
    flush(&mut items, continued, slides);
    if slides.len() == before {
        slides.push(Slide::Text { section, items: Vec::new(), continued: false });
    }
}

/// The rows of each slide of `table`: as many as fit in [`TABLE_LINES`], at least one.
pub(super) fn table_pages(table: &Table) -> Vec<Range<usize>> {
    let widths = column_widths(table);
    let mut pages = Vec::new();
    let mut start = 0;
    while start < table.rows.len() {
        let mut end = start;
        let mut used = 0;
        while end < table.rows.len() {
            let need = row_lines(&table.rows[end], &widths, false);
            if end > start && used + need > TABLE_LINES {
                break;
            }
            used += need;
            end += 1;
        }
        pages.push(start..end);
        start = end;
    }
    if pages.is_empty() {
        pages.push(0..0);
    }
    pages
}

/// How many lines `text` takes in `size`-point type across `width` inches: an estimate from
/// an average character width, a little pessimistic because lines break between words.
pub(super) fn lines(text: &str, size: f64, width: f64) -> usize {
    let per_line = ((width * 72.0) / (size * 0.5) * 0.9).max(1.0);
    text.split('\n').map(|line| ((line.chars().count() as f64 / per_line).ceil() as usize).max(1)).sum()
}

/// Height in inches of `lines` lines of `size`-point text with `space` points after.
fn lines_height(lines: usize, size: f64, space: f64) -> f64 {
    (lines as f64 * size * 1.2 + space) / 72.0
}

/// The estimated height of a text block in a body text box, inches.
pub(super) fn text_height(block: &Block) -> f64 {
    let width = CONTENT_W - BODY_PAD;
    match block {
        Block::Paragraph { text } => lines_height(lines(text, BODY_TEXT, width), BODY_TEXT, PARAGRAPH_SPACE),
        Block::Bullets { items } => items
            .iter()
            .map(|item| lines_height(lines(item, BODY_TEXT, width - BULLET_INDENT), BODY_TEXT, BULLET_SPACE))
            .sum(),
        Block::Annotation { author, text } => {
            let full = format!("{author}: {text}");
            lines_height(lines(&full, NOTE_TEXT, width), NOTE_TEXT, PARAGRAPH_SPACE)
        }
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample;

    #[test]
    fn long_tables_take_twelve_rows_a_slide() {
        let report = sample::sample();
        let long = report.sections.iter().flat_map(|s| &s.blocks).find_map(|b| match b {
            Block::Table(t) if t.rows.len() == 80 => Some(t),
            _ => None,
        });
        let pages = table_pages(long.unwrap());
        assert_eq!(pages.len(), 7);
        assert_eq!(pages[0], 0..12);
        assert_eq!(pages[6], 72..80);
    }

    #[test]
    fn text_that_does_not_fit_continues_on_the_next_slide() {
        let paragraph = Block::Paragraph { text: "word ".repeat(200) };
        let section = Section {
            id: "summary".into(),
            title: "Summary".into(),
            blocks: vec![paragraph; 6],
            appendix: false,
            notes: String::new(),
        };
        let mut slides = Vec::new();
        section_slides(&section, &mut slides);
        assert!(slides.len() > 1);
        let continued: Vec<bool> = slides
            .iter()
            .map(|s| match s {
                Slide::Text { continued, .. } => *continued,
                _ => panic!("text only"),
            })
            .collect();
        assert!(!continued[0] && continued[1..].iter().all(|c| *c));
    }

    #[test]
    fn an_empty_section_still_has_its_title_slide() {
        let section =
            Section { id: "x".into(), title: "X".into(), blocks: vec![], appendix: false, notes: String::new() };
        let mut slides = Vec::new();
        section_slides(&section, &mut slides);
        assert_eq!(slides.len(), 1);
    }
}
