//! Which slides the deck has, and where everything on them goes. A deck reads one idea a
//! slide: a section's first slide holds its headline figures, its key points and its main
//! chart or table; its other charts and tables follow, two or three a slide when they sit well
//! together; its paragraphs become the speaker notes. Every text is measured with the shipped
//! fonts (wider than the fonts office applications draw it in) before it is placed, so nothing
//! runs off its frame, and what does not fit a slide goes to the slide's notes: no text is
//! lost. Pure: `slides` draws what the plan says.

use std::collections::VecDeque;
use std::ops::Range;

use super::geometry::{CONTENT_BOTTOM, CONTENT_TOP, CONTENT_W, MARGIN};
use super::table::{CELL_MARGIN_H, CELL_MARGIN_W, TABLE_SIZES};
use crate::columns::{self, Columns, Setting};
use crate::metrics::{self, Face};
use crate::{Block, Chart, Figure, Report, Section, Table};

mod measure;
#[cfg(test)]
mod tests;
mod visuals;

use measure::{
    callout_height, caption_height, categories_fit, headline_height, points_height, table_height, table_setting,
};
pub(super) use measure::{lines, lines_height};
use visuals::{Page, Visual, arrangement, group, place, source_bottom};

/// Line height as a multiple of the type size: Calibri's (1.22) — DejaVu Sans, which stands in
/// for it where it is missing, takes 1.16.
pub(super) const LINE: f64 = 1.22;
/// Inner margin of a text box, inches, on each side.
pub(super) const INSET: f64 = 0.05;
/// Space between things on a slide, inches.
pub(super) const GAP: f64 = 0.2;

pub(super) const TITLE_TEXT: f64 = 30.0;
/// A title too long for one line at [`TITLE_TEXT`].
pub(super) const TITLE_SMALL: f64 = 24.0;
pub(super) const TITLE_WIDTH: f64 = 10.2;
pub(super) const LEAD_TEXT: f64 = 16.0;
/// Points in a column beside a chart, and on a slide of their own.
pub(super) const COLUMN_TEXT: f64 = 16.0;
pub(super) const BODY_TEXT: f64 = 18.0;
pub(super) const NOTE_TEXT: f64 = 14.0;
pub(super) const SOURCE_TEXT: f64 = 10.0;
pub(super) const CAPTION_TEXT: f64 = 14.0;
/// Space after a paragraph and after a bullet, points.
pub(super) const PARAGRAPH_SPACE: f64 = 10.0;
pub(super) const BULLET_SPACE: f64 = 6.0;
pub(super) const BULLET_INDENT: f64 = 0.3;
/// The callout's inner margin, inches.
pub(super) const CALLOUT_INSET: f64 = 0.1;
/// Headline cards in a row, at most (the rest are in the notes).
pub(super) const HEADLINES_PER_ROW: usize = 5;
pub(super) const HEADLINE_INSET: f64 = 0.12;
pub(super) const HEADLINE_LABEL: f64 = 14.0;
pub(super) const HEADLINE_VALUE: f64 = 32.0;
pub(super) const HEADLINE_DETAIL: f64 = 12.0;
/// The text column beside a chart or table, as a share of the content width.
const COLUMN_SHARE: f64 = 0.38;
/// A lead sentence under the title takes at most this many lines.
const LEAD_LINES: usize = 2;
/// Smallest chart, inches: narrower or lower and it is not read.
const CHART_MIN_W: f64 = 3.8;
const CHART_MIN_H: f64 = 2.4;
/// Category labels on a chart's axis, points (the chart's text size), and how many lines one
/// may wrap to.
pub(super) const CHART_TEXT: f64 = 11.0;
const CATEGORY_LINES: usize = 3;
/// Sources in more lines than this are in the notes, the slide says so.
const SOURCE_LINES: usize = 3;
/// Entries of a contents column, and the type sizes the contents may take.
const CONTENTS_SIZES: [f64; 3] = [20.0, 16.0, 14.0];
pub(super) const CONTENTS_SPACE: f64 = 8.0;
/// Space before and after the contents' "APPENDIX", points.
pub(super) const APPENDIX_SPACE: (f64, f64) = (12.0, 6.0);

/// A place on a slide, inches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Frame {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Frame {
    fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

pub(super) enum Slide<'a> {
    Title,
    Contents { columns: Vec<Vec<ContentsLine<'a>>>, size: f64 },
    Content(Content<'a>),
}

pub(super) enum ContentsLine<'a> {
    /// A section, numbered from 1.
    Section(usize, &'a Section),
    /// The heading before the appendix's sections.
    Appendix,
}

/// A section's slide: its title and what goes where.
pub(super) struct Content<'a> {
    pub section: &'a Section,
    pub title_size: f64,
    pub items: Vec<(Frame, Item<'a>)>,
    /// What the slide does not show: the section's paragraphs (on its first slide), what did
    /// not fit, then how the section's numbers were made.
    pub notes: String,
}

/// A text shown as a paragraph or as a bullet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Point<'a> {
    Paragraph(&'a str),
    /// A paragraph that introduces the bullets after it ("What drives the answer:").
    Intro(&'a str),
    Bullet(&'a str),
}

pub(super) enum Item<'a> {
    Headline(&'a Block),
    Lead(&'a str),
    Points {
        points: Vec<Point<'a>>,
        size: f64,
    },
    Callout {
        author: &'a str,
        text: &'a str,
    },
    /// A native chart; `keyed`: its categories are numbered on the axis and named in a key
    /// (drawn by the chart's own item below it).
    Chart {
        chart: &'a Chart,
        keyed: bool,
    },
    /// A drawing, as a picture.
    Figure(&'a Figure),
    /// "1 older, low income · 2 …" under a keyed chart.
    Key(String),
    Caption(String),
    Table {
        table: &'a Table,
        rows: Range<usize>,
        columns: Columns,
        heights: Vec<f64>,
    },
    Source(String),
}

impl Slide<'_> {
    /// The speaker notes of a content slide (the title slide's are made by `slides`).
    pub(super) fn notes(&self) -> &str {
        match self {
            Slide::Content(c) => &c.notes,
            _ => "",
        }
    }
}

pub(super) fn plan(report: &Report) -> Vec<Slide<'_>> {
    let mut slides = vec![Slide::Title];
    if report.contents_page && !report.sections.is_empty() {
        slides.push(contents(report));
    }
    for section in &report.sections {
        section_slides(section, &mut slides);
    }
    slides
}

/// The contents on one slide: a column, or two (split before the appendix when both halves
/// fit), in the largest type that fits.
fn contents(report: &Report) -> Slide<'_> {
    let mut lines = Vec::new();
    let mut in_appendix = false;
    for (k, section) in report.sections.iter().enumerate() {
        if section.appendix && !in_appendix {
            lines.push(ContentsLine::Appendix);
            in_appendix = true;
        }
        lines.push(ContentsLine::Section(k + 1, section));
    }
    let room = CONTENT_BOTTOM - CONTENT_TOP - 2.0 * INSET;
    let column_w = (CONTENT_W - GAP) / 2.0 - 2.0 * INSET;
    let height = |column: &[ContentsLine], size: f64| -> f64 {
        column
            .iter()
            .map(|line| match line {
                ContentsLine::Section(k, s) => {
                    let text = format!("{k}   {}", s.title);
                    lines_height(self::lines(&text, Face::Regular, size, column_w), size, CONTENTS_SPACE)
                }
                ContentsLine::Appendix => lines_height(1, size * 0.8, APPENDIX_SPACE.0 + APPENDIX_SPACE.1),
            })
            .sum()
    };
    let size = CONTENTS_SIZES[CONTENTS_SIZES.len() - 1];
    for size in CONTENTS_SIZES {
        if height(&lines, size) <= room {
            return Slide::Contents { columns: vec![lines], size };
        }
        let at_appendix = lines.iter().position(|l| matches!(l, ContentsLine::Appendix));
        let even = lines.len().div_ceil(2);
        for split in at_appendix.into_iter().chain([even]) {
            if split > 0 && height(&lines[..split], size) <= room && height(&lines[split..], size) <= room {
                let second = lines.split_off(split);
                return Slide::Contents { columns: vec![lines, second], size };
            }
        }
    }
    let second = lines.split_off(lines.len().div_ceil(2));
    Slide::Contents { columns: vec![lines, second], size }
}

/// A section's blocks, sorted by where they go.
struct Parts<'a> {
    headlines: Vec<&'a Block>,
    /// Paragraphs and bullets in reading order (a paragraph ending in a colon before bullets
    /// is their intro).
    flow: Vec<Point<'a>>,
    callouts: Vec<(&'a str, &'a str)>,
    visuals: Vec<Visual<'a>>,
}

fn parts(section: &Section) -> Parts<'_> {
    let mut p = Parts { headlines: Vec::new(), flow: Vec::new(), callouts: Vec::new(), visuals: Vec::new() };
    for (k, block) in section.blocks.iter().enumerate() {
        match block {
            Block::Headline { .. } => p.headlines.push(block),
            Block::Paragraph { text } => {
                let introduces = text.trim_end().ends_with(':')
                    && matches!(section.blocks.get(k + 1), Some(Block::Bullets { items }) if !items.is_empty());
                p.flow.push(if introduces { Point::Intro(text) } else { Point::Paragraph(text) });
            }
            Block::Bullets { items } => p.flow.extend(items.iter().map(|i| Point::Bullet(i.as_str()))),
            Block::Annotation { author, text } => p.callouts.push((author, text)),
            Block::Chart(chart) => p.visuals.push(Visual::Chart(chart)),
            Block::Figure(figure) => p.visuals.push(Visual::Figure(figure)),
            Block::Table(table) => p.visuals.push(Visual::Table(table)),
        }
    }
    p
}

/// Things placed on one slide, and the texts it leaves to its notes.
#[derive(Default)]
struct Draft<'a> {
    items: Vec<(Frame, Item<'a>)>,
    moved: Vec<String>,
}

impl<'a> Draft<'a> {
    /// The slide, its notes being what it left out and then the section's own notes.
    fn slide(self, section: &'a Section, title_size: f64) -> Slide<'a> {
        let notes = self
            .moved
            .iter()
            .map(|t| t.trim())
            .chain([section.notes.trim()])
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");
        Slide::Content(Content { section, title_size, items: self.items, notes })
    }
}

fn point_text(point: &Point) -> String {
    match point {
        Point::Paragraph(t) | Point::Intro(t) => t.to_string(),
        Point::Bullet(t) => format!("• {t}"),
    }
}

/// The slides of one section.
fn section_slides<'a>(section: &'a Section, slides: &mut Vec<Slide<'a>>) {
    let one_line = lines(&section.title, Face::Bold, TITLE_TEXT, TITLE_WIDTH - 2.0 * INSET) == 1;
    let title_size = if one_line { TITLE_TEXT } else { TITLE_SMALL };
    let Parts { headlines, flow, callouts, visuals } = parts(section);
    let mut first = Draft::default();
    let mut y = CONTENT_TOP;

    // Headline figures, a row of cards; any past the row's room in the notes.
    if !headlines.is_empty() {
        let shown = &headlines[..headlines.len().min(HEADLINES_PER_ROW)];
        let gap = 0.25;
        let n = shown.len() as f64;
        let width = (CONTENT_W - gap * (n - 1.0)) / n;
        let height = headline_height(shown, width);
        for (k, block) in shown.iter().enumerate() {
            let frame = Frame { x: MARGIN + k as f64 * (width + gap), y, w: width, h: height };
            first.items.push((frame, Item::Headline(block)));
        }
        for block in &headlines[shown.len()..] {
            if let Block::Headline { label, value, detail } = block {
                first.moved.push(format!("{label}: {value} ({detail})"));
            }
        }
        y += height + GAP;
    }

    // Without charts or tables, the section's text is the slide.
    if visuals.is_empty() {
        let frame = Frame { x: MARGIN, y, w: CONTENT_W, h: CONTENT_BOTTOM - y };
        column(&mut first, &flow, &callouts, frame, BODY_TEXT);
        slides.push(first.slide(section, title_size));
        return;
    }

    // With them: the bullets (and their intro) are the key points beside the main visual; a
    // section without bullets has its first paragraph, when short, as the lead under the
    // title; the other paragraphs are the notes.
    let mut points = Vec::new();
    let mut lead_done = flow.iter().any(|p| matches!(p, Point::Bullet(_)));
    for point in &flow {
        match point {
            Point::Paragraph(text) if !lead_done => {
                lead_done = true;
                let n = lines(text, Face::Regular, LEAD_TEXT, CONTENT_W - 2.0 * INSET);
                if n <= LEAD_LINES {
                    let h = lines_height(n, LEAD_TEXT, 0.0) + 2.0 * INSET;
                    first.items.push((Frame { x: MARGIN, y, w: CONTENT_W, h }, Item::Lead(text)));
                    y += h + GAP / 2.0;
                } else {
                    first.moved.push(text.to_string());
                }
            }
            Point::Paragraph(text) => first.moved.push(text.to_string()),
            _ => points.push(*point),
        }
    }

    let mut queue: VecDeque<Vec<Page>> =
        group(&visuals).into_iter().map(|g| g.into_iter().map(|visual| Page { visual, start: 0 }).collect()).collect();
    let has_column = !points.is_empty() || !callouts.is_empty();
    let mut lead = queue.pop_front().unwrap_or_default();
    if lead.len() > 1 && has_column {
        queue.push_front(lead.split_off(1));
    }
    let bottom = source_bottom(&lead);
    let mut region = Frame { x: MARGIN, y, w: CONTENT_W, h: (bottom - y).max(0.0) };
    if has_column {
        let w = CONTENT_W * COLUMN_SHARE;
        column(&mut first, &points, &callouts, Frame { w, ..region }, COLUMN_TEXT);
        region = Frame { x: MARGIN + w + GAP, w: CONTENT_W - w - GAP, ..region };
    }
    // A pair that does not fit under the headlines and the lead goes on the next slide.
    let visuals_of = |group: &[Page<'a>]| group.iter().map(|p| p.visual).collect::<Vec<_>>();
    if lead.len() > 1 && arrangement(&visuals_of(&lead), region).is_none() {
        queue.push_front(lead.split_off(1));
    }
    let rest = place(&mut first, &lead, region);
    if !rest.is_empty() {
        queue.push_front(rest);
    }
    slides.push(first.slide(section, title_size));

    while let Some(group) = queue.pop_front() {
        let mut draft = Draft::default();
        let bottom = source_bottom(&group);
        let region = Frame { x: MARGIN, y: CONTENT_TOP, w: CONTENT_W, h: bottom - CONTENT_TOP };
        let rest = place(&mut draft, &group, region);
        if !rest.is_empty() {
            queue.push_front(rest);
        }
        slides.push(draft.slide(section, title_size));
    }
}

/// The key text in `frame`: points then callouts, as many as fit (in `size`, or two points
/// smaller when that shows more); the rest to the notes.
fn column<'a>(draft: &mut Draft<'a>, points: &[Point<'a>], callouts: &[(&'a str, &'a str)], frame: Frame, size: f64) {
    let callout_room: f64 = callouts.iter().map(|(a, t)| callout_height(a, t, frame.w) + GAP).sum();
    let room = (frame.h - callout_room).max(0.0);
    let (mut shown, mut rest) = fit_points(points, size, frame.w, room);
    let mut size = size;
    if !rest.is_empty() {
        let smaller = fit_points(points, size - 2.0, frame.w, room);
        if smaller.0.len() > shown.len() {
            (shown, rest) = smaller;
            size -= 2.0;
        }
    }
    let mut y = frame.y;
    if !shown.is_empty() {
        let h = points_height(&shown, size, frame.w);
        draft.items.push((Frame { h, ..frame }, Item::Points { points: shown, size }));
        y += h + GAP;
    }
    draft.moved.extend(rest.iter().map(point_text));
    for (author, text) in callouts {
        let h = callout_height(author, text, frame.w);
        if y + h <= frame.bottom() + 1e-9 {
            draft.items.push((Frame { y, h, ..frame }, Item::Callout { author, text }));
            y += h + GAP;
        } else {
            draft.moved.push(format!("{author}: {text}"));
        }
    }
}

/// The points that fit in `room` inches (in order, an intro never left without its first
/// bullet), and the rest.
fn fit_points<'a>(points: &[Point<'a>], size: f64, width: f64, room: f64) -> (Vec<Point<'a>>, Vec<Point<'a>>) {
    let mut n = 0;
    while n < points.len() && points_height(&points[..n + 1], size, width) <= room {
        n += 1;
    }
    if n > 0 && matches!(points[n - 1], Point::Intro(_)) {
        n -= 1;
    }
    (points[..n].to_vec(), points[n..].to_vec())
}
