//! One planned slide as PresentationML: each item of the plan drawn in its frame. Relationship
//! `rId1` of every slide is its layout; the slide's charts are `rId2`, `rId3`, … in the order
//! they are drawn, and the title slide's logo is `rId2`.

use super::geometry::{
    BAND, CONTENT_BOTTOM, CONTENT_TOP, CONTENT_W, KICKER, MARGIN, NOTICE, PROVENANCE, SUBTITLE, TITLE, TITLE_LOGO,
    TITLE_SLIDE_TITLE, logo_rect,
};
use super::package::{XML_HEADER, pml_namespaces};
use super::parts::{muted, provenance_line};
use super::plan::{
    APPENDIX_SPACE, BULLET_INDENT, BULLET_SPACE, CALLOUT_INSET, CAPTION_TEXT, CONTENTS_SPACE, Content, ContentsLine,
    Frame as Place, GAP, HEADLINE_DETAIL, HEADLINE_INSET, HEADLINE_LABEL, HEADLINE_VALUE, Item, LEAD_TEXT, NOTE_TEXT,
    PARAGRAPH_SPACE, Point, SOURCE_TEXT, Slide, lines, lines_height,
};
use super::shapes::{Font, Frame, Rect, Shapes, WHITE, emu, mix, paragraph, ppr, run};
use super::table::table;
use crate::metrics::Face;
use crate::{Block, Brand, Report};

/// The relationship id of a slide's `k`-th chart (from 0), or of the title slide's logo.
pub(super) fn media_rid(k: usize) -> String {
    format!("rId{}", k + 2)
}

pub(super) fn slide(report: &Report, slide: &Slide) -> String {
    let mut shapes = Shapes::new();
    match slide {
        Slide::Title => title_slide(report, &mut shapes),
        Slide::Contents { columns, size } => {
            heading(&report.brand, &mut shapes, "Contents", 30.0, false);
            contents(&report.brand, &mut shapes, columns, *size);
        }
        Slide::Content(content) => content_slide(&report.brand, &mut shapes, content),
    }
    format!(
        "{XML_HEADER}<p:sld {}><p:cSld>{}</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>",
        pml_namespaces(),
        shapes.tree()
    )
}

/// What the speaker notes of `slide` say: for the title slide where the numbers come from
/// (each run, its seed and digests); for a section's slide what the plan left off the slide and
/// how the section's numbers were made.
pub(super) fn notes(report: &Report, slide: &Slide) -> String {
    match slide {
        Slide::Title => {
            let mut text = provenance_line(report);
            for run in &report.provenance.runs {
                let stale = if run.stale { " — stale: its inputs changed since" } else { "" };
                text.push_str(&format!(
                    "\n{}: {}, input {}{stale}",
                    run.scenario,
                    run.label(),
                    crate::short(&run.input_hash)
                ));
            }
            text
        }
        _ => slide.notes().to_string(),
    }
}

fn rect(place: &Place) -> Rect {
    Rect::inches(place.x, place.y, place.w, place.h)
}

/// A text box the size the plan measured for its text, in a font wider than the one drawn;
/// were it short, the box would grow (and the deck's test see it).
const FIXED: Frame = Frame::PLAIN;
/// A filled box (a card, a note) keeps its size, so a row of cards stays even.
const FILLED: Frame = Frame { grow: false, ..Frame::PLAIN };

fn title_slide(report: &Report, shapes: &mut Shapes) {
    let brand = &report.brand;
    shapes.rectangle("Band", BAND, brand.primary);
    // The title in the largest size that fits its frame.
    let frame_h = TITLE_SLIDE_TITLE.h as f64 / 914_400.0 - 0.1;
    let frame_w = TITLE_SLIDE_TITLE.w as f64 / 914_400.0 - 0.1;
    let size = [40.0, 34.0, 28.0, 24.0]
        .into_iter()
        .find(|s| lines_height(lines(&report.title, Face::Bold, *s, frame_w), *s, 0.0) <= frame_h)
        .unwrap_or(20.0);
    let title = Font::new(size, brand.primary).bold();
    shapes.placeholder(
        "ctrTitle",
        None,
        TITLE_SLIDE_TITLE,
        "b",
        &paragraph(&ppr("l", 0.0), &run(&report.title, title), title),
    );
    let subtitle = Font::new(20.0, brand.text);
    let no_bullet = ppr("l", 0.0);
    shapes.placeholder(
        "subTitle",
        Some(1),
        SUBTITLE,
        "t",
        &paragraph(&no_bullet, &run(&report.subtitle, subtitle), subtitle),
    );
    // The answer to the question and the stale notice share the box under the subtitle, a
    // paragraph each.
    let said: Vec<&str> = [report.answer.as_deref(), report.stale_notice.as_deref()]
        .into_iter()
        .flatten()
        .filter(|n| !n.trim().is_empty())
        .collect();
    if !said.is_empty() {
        let font = Font::new(16.0, brand.text);
        let inset = 0.15;
        let width = NOTICE.w as f64 / 914_400.0;
        let gap = 6.0;
        let text_height: f64 =
            said.iter().map(|n| lines_height(lines(n, Face::Regular, 16.0, width - 2.0 * inset), 16.0, 0.0)).sum();
        let height = text_height + (said.len() - 1) as f64 * gap / 72.0 + 2.0 * inset;
        // Between the subtitle and the provenance line, whatever its length.
        let top = NOTICE.y as f64 / 914_400.0;
        let room = PROVENANCE.y as f64 / 914_400.0 - 0.15 - top;
        let frame = Frame {
            fill: Some(mix(brand.accent, WHITE, 0.85)),
            line: Some((brand.accent, 2.0)),
            anchor: "ctr",
            inset,
            ..FILLED
        };
        let place = Rect { h: emu(height.min(room)), ..NOTICE };
        let body: String = said.iter().map(|n| paragraph(&ppr("l", gap), &run(n, font), font)).collect();
        shapes.text_box("Notice", place, frame, &body);
    }
    if let Some(logo) = &brand.logo {
        shapes.picture("Logo", logo_rect(logo, TITLE_LOGO), &media_rid(0));
    }
    let small = Font::new(12.0, muted(brand));
    shapes.text_box(
        "Provenance",
        PROVENANCE,
        FIXED,
        &paragraph(&ppr("l", 0.0), &run(&provenance_line(report), small), small),
    );
}

/// The slide's title in the layout's title placeholder, and "Appendix" over it in the appendix.
fn heading(brand: &Brand, shapes: &mut Shapes, title: &str, size: f64, appendix: bool) {
    let font = Font::new(size, brand.primary).bold();
    shapes.placeholder("title", None, TITLE, "b", &paragraph(&ppr("l", 0.0), &run(title, font), font));
    if appendix {
        let kicker = Font::new(11.0, brand.accent).bold();
        shapes.text_box("Appendix", KICKER, FIXED, &paragraph(&ppr("l", 0.0), &run("APPENDIX", kicker), kicker));
    }
}

fn contents(brand: &Brand, shapes: &mut Shapes, columns: &[Vec<ContentsLine>], size: f64) {
    let entry = Font::new(size, brand.text);
    let number = Font::new(size, brand.accent).bold();
    let appendix = Font::new(size * 0.8, brand.primary).bold();
    let width = if columns.len() > 1 { (CONTENT_W - GAP) / 2.0 } else { CONTENT_W };
    for (c, lines) in columns.iter().enumerate() {
        let paragraphs: String = lines
            .iter()
            .enumerate()
            .map(|(k, line)| match line {
                ContentsLine::Section(n, section) => paragraph(
                    &ppr("l", CONTENTS_SPACE),
                    &format!("{}{}", run(&format!("{n}   "), number), run(&section.title, entry)),
                    entry,
                ),
                ContentsLine::Appendix => {
                    let before = if k == 0 { 0.0 } else { APPENDIX_SPACE.0 };
                    paragraph(
                        &format!(
                            "<a:pPr algn=\"l\"><a:spcBef><a:spcPts val=\"{}\"/></a:spcBef><a:spcAft><a:spcPts val=\"{}\"/></a:spcAft><a:buNone/></a:pPr>",
                            (before * 100.0) as i64,
                            (APPENDIX_SPACE.1 * 100.0) as i64
                        ),
                        &run("APPENDIX", appendix),
                        appendix,
                    )
                }
            })
            .collect();
        let x = MARGIN + c as f64 * (width + GAP);
        let rect = Rect::inches(x, CONTENT_TOP, width, CONTENT_BOTTOM - CONTENT_TOP);
        shapes.text_box("Contents", rect, FIXED, &paragraphs);
    }
}

fn content_slide(brand: &Brand, shapes: &mut Shapes, content: &Content) {
    let section = content.section;
    heading(brand, shapes, &section.title, content.title_size, section.appendix);
    let (mut charts, mut pictures) = (0, 0);
    for (place, item) in &content.items {
        match item {
            Item::Headline(block) => headline(brand, shapes, block, rect(place)),
            Item::Lead(text) => {
                let font = Font::new(LEAD_TEXT, brand.text);
                shapes.text_box("Lead", rect(place), FIXED, &paragraph(&ppr("l", 0.0), &run(text, font), font));
            }
            Item::Points { points, size } => {
                let paragraphs: String = points.iter().map(|p| point(brand, p, *size)).collect();
                shapes.text_box("Text", rect(place), FIXED, &paragraphs);
            }
            Item::Callout { author, text } => callout(brand, shapes, author, text, rect(place)),
            Item::Chart { chart, .. } => {
                shapes.chart(&chart.title, rect(place), &media_rid(charts));
                charts += 1;
            }
            // Pictures' relationships follow the charts'.
            Item::Figure(figure) => {
                shapes.picture(&figure.title, rect(place), &media_rid(charts + pictures));
                pictures += 1;
            }
            Item::Key(text) | Item::Source(text) => {
                let font = Font::new(SOURCE_TEXT, muted(brand));
                let name = if matches!(item, Item::Key(_)) { "Key" } else { "Source" };
                shapes.text_box(name, rect(place), FIXED, &paragraph(&ppr("l", 0.0), &run(text, font), font));
            }
            Item::Caption(text) => {
                let font = Font::new(CAPTION_TEXT, brand.text).bold();
                shapes.text_box("Caption", rect(place), FIXED, &paragraph(&ppr("l", 0.0), &run(text, font), font));
            }
            Item::Table { table: data, rows, columns, heights } => {
                let xml = table(data, &data.rows[rows.clone()], columns, heights, brand);
                shapes.table(&data.caption, rect(place), &xml);
            }
        }
    }
}

/// A headline card: the label, the figure large in the accent colour, its detail.
fn headline(brand: &Brand, shapes: &mut Shapes, block: &Block, rect: Rect) {
    let Block::Headline { label, value, detail } = block else { return };
    let label_font = Font::new(HEADLINE_LABEL, brand.text);
    let value_font = Font::new(HEADLINE_VALUE, brand.accent).bold();
    let detail_font = Font::new(HEADLINE_DETAIL, muted(brand));
    let paragraphs = [(label, label_font), (value, value_font), (detail, detail_font)]
        .iter()
        .map(|(text, font)| paragraph(&ppr("l", 2.0), &run(text, *font), *font))
        .collect::<String>();
    let frame = Frame { fill: Some(mix(brand.primary, WHITE, 0.93)), inset: HEADLINE_INSET, ..FILLED };
    shapes.text_box("Headline", rect, frame, &paragraphs);
}

/// An analyst's note: the author in the accent colour, the note in italics, in a tinted box
/// with an accent rule on its left.
fn callout(brand: &Brand, shapes: &mut Shapes, author: &str, text: &str, rect: Rect) {
    let who = Font::new(NOTE_TEXT, brand.accent).bold();
    let note = Font::new(NOTE_TEXT, brand.text).italic();
    let author = if author.trim().is_empty() { "Note" } else { author };
    let frame = Frame { fill: Some(mix(brand.accent, WHITE, 0.9)), inset: CALLOUT_INSET, ..FILLED };
    let body = paragraph(&ppr("l", 0.0), &format!("{}{}", run(&format!("{author}: "), who), run(text, note)), note);
    shapes.text_box("Note", rect, frame, &body);
    shapes.rectangle("Note rule", Rect { w: emu(0.05), ..rect }, brand.accent);
}

fn point(brand: &Brand, point: &Point, size: f64) -> String {
    let body = Font::new(size, brand.text);
    match point {
        Point::Paragraph(text) => paragraph(&ppr("l", PARAGRAPH_SPACE), &run(text, body), body),
        Point::Intro(text) => paragraph(&ppr("l", BULLET_SPACE), &run(text, body.bold()), body),
        Point::Bullet(text) => {
            let indent = emu(BULLET_INDENT);
            let bullet = format!(
                "<a:pPr marL=\"{indent}\" indent=\"-{indent}\" algn=\"l\"><a:spcBef><a:spcPts val=\"0\"/></a:spcBef><a:spcAft><a:spcPts val=\"{}\"/></a:spcAft><a:buClr><a:srgbClr val=\"{}\"/></a:buClr><a:buFont typeface=\"Arial\"/><a:buChar char=\"•\"/></a:pPr>",
                (BULLET_SPACE * 100.0) as i64,
                brand.accent.hex()
            );
            paragraph(&bullet, &run(text, body), body)
        }
    }
}
