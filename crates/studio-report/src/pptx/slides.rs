//! One planned slide as PresentationML. Relationship `rId1` of every slide is its layout and
//! `rId2` its chart (chart slides) or the logo (the title slide).

use super::geometry::{
    BAND, CONTENT_BOTTOM, CONTENT_TOP, CONTENT_W, KICKER, MARGIN, NOTICE, PROVENANCE, SUBTITLE, TITLE, TITLE_LOGO,
    TITLE_SLIDE_TITLE, logo_rect,
};
use super::package::{XML_HEADER, pml_namespaces};
use super::parts::{muted, provenance_line};
use super::plan::{
    BODY_PAD, BODY_TEXT, BULLET_INDENT, BULLET_SPACE, ContentsLine, GAP, HEADLINE_HEIGHT, NOTE_TEXT, PARAGRAPH_SPACE,
    Slide, TextItem, text_height,
};
use super::shapes::{Font, Frame, Rect, Shapes, WHITE, emu, mix, paragraph, ppr, run};
use super::table::{column_count, column_widths, table};
use crate::{Block, Brand, Chart, Report, Section, Table};

/// The relationship id of a slide's chart or picture.
pub(super) const MEDIA_RID: &str = "rId2";

pub(super) fn slide(report: &Report, slide: &Slide) -> String {
    let mut shapes = Shapes::new();
    match slide {
        Slide::Title => title_slide(report, &mut shapes),
        Slide::Contents { lines, continued } => {
            heading(&report.brand, &mut shapes, "Contents", *continued, false);
            contents(&report.brand, &mut shapes, lines);
        }
        Slide::Text { section, items, continued } => {
            heading(&report.brand, &mut shapes, &section.title, *continued, section.appendix);
            text(&report.brand, &mut shapes, items);
        }
        Slide::Chart { section, chart } => {
            heading(&report.brand, &mut shapes, &section.title, false, section.appendix);
            chart_frame(&report.brand, &mut shapes, chart);
        }
        Slide::Table { section, table, rows, continued } => {
            heading(&report.brand, &mut shapes, &section.title, false, section.appendix);
            table_frame(&report.brand, &mut shapes, table, &table.rows[rows.clone()], *continued);
        }
    }
    format!(
        "{XML_HEADER}<p:sld {}><p:cSld>{}</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>",
        pml_namespaces(),
        shapes.tree()
    )
}

/// What the speaker notes of `slide` say: the section's notes, or for the title slide where the
/// numbers come from (each run, its seed and digests).
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
        _ => slide.section().map(|s: &Section| s.notes.trim().to_string()).unwrap_or_default(),
    }
}

fn title_slide(report: &Report, shapes: &mut Shapes) {
    let brand = &report.brand;
    shapes.rectangle("Band", BAND, brand.primary);
    let title = Font::new(40.0, brand.primary).bold();
    shapes.placeholder("ctrTitle", None, TITLE_SLIDE_TITLE, "b", &paragraph("", &run(&report.title, title), title));
    let subtitle = Font::new(20.0, brand.text);
    let no_bullet = ppr("l", 0.0);
    shapes.placeholder(
        "subTitle",
        Some(1),
        SUBTITLE,
        "t",
        &paragraph(&no_bullet, &run(&report.subtitle, subtitle), subtitle),
    );
    if let Some(notice) = report.stale_notice.as_deref().filter(|n| !n.trim().is_empty()) {
        let font = Font::new(16.0, brand.text);
        let frame = Frame {
            fill: Some(mix(brand.accent, WHITE, 0.85)),
            line: Some((brand.accent, 2.0)),
            anchor: "ctr",
            inset: 0.15,
            ..Frame::PLAIN
        };
        shapes.text_box("Notice", NOTICE, frame, &paragraph("", &run(notice, font), font));
    }
    if let Some(logo) = &brand.logo {
        shapes.picture("Logo", logo_rect(logo, TITLE_LOGO), MEDIA_RID);
    }
    let small = Font::new(12.0, muted(brand));
    shapes.text_box(
        "Provenance",
        PROVENANCE,
        Frame::PLAIN,
        &paragraph("", &run(&provenance_line(report), small), small),
    );
}

/// The slide's title in the layout's title placeholder, and "Appendix" over it in the appendix.
fn heading(brand: &Brand, shapes: &mut Shapes, title: &str, continued: bool, appendix: bool) {
    let font = Font::new(30.0, brand.primary).bold();
    let text = if continued { format!("{title} (continued)") } else { title.to_string() };
    shapes.placeholder("title", None, TITLE, "b", &paragraph("", &run(&text, font), font));
    if appendix {
        let kicker = Font::new(11.0, brand.accent).bold();
        shapes.text_box("Appendix", KICKER, Frame::PLAIN, &paragraph("", &run("APPENDIX", kicker), kicker));
    }
}

fn contents(brand: &Brand, shapes: &mut Shapes, lines: &[ContentsLine]) {
    let entry = Font::new(20.0, brand.text);
    let number = Font::new(20.0, brand.accent).bold();
    let appendix = Font::new(16.0, brand.primary).bold();
    let paragraphs: String = lines
        .iter()
        .map(|line| match line {
            ContentsLine::Section(k, section) => {
                paragraph(&ppr("l", 8.0), &format!("{}{}", run(&format!("{k}   "), number), run(&section.title, entry)), entry)
            }
            ContentsLine::Appendix => paragraph(
                "<a:pPr algn=\"l\"><a:spcBef><a:spcPts val=\"1200\"/></a:spcBef><a:spcAft><a:spcPts val=\"600\"/></a:spcAft><a:buNone/></a:pPr>",
                &run("APPENDIX", appendix),
                appendix,
            ),
        })
        .collect();
    let rect = Rect::inches(MARGIN, CONTENT_TOP, CONTENT_W, CONTENT_BOTTOM - CONTENT_TOP);
    shapes.text_box("Contents", rect, Frame::PLAIN, &paragraphs);
}

fn text(brand: &Brand, shapes: &mut Shapes, items: &[TextItem]) {
    let mut y = CONTENT_TOP;
    for item in items {
        match item {
            TextItem::Headlines(blocks) => {
                let gap = 0.25;
                let n = blocks.len() as f64;
                let width = (CONTENT_W - gap * (n - 1.0)) / n;
                for (k, block) in blocks.iter().enumerate() {
                    let x = MARGIN + k as f64 * (width + gap);
                    headline(brand, shapes, block, Rect::inches(x, y, width, HEADLINE_HEIGHT));
                }
                y += HEADLINE_HEIGHT + GAP;
            }
            TextItem::Body(blocks) => {
                let height: f64 = blocks.iter().map(|b| text_height(b)).sum::<f64>() + BODY_PAD;
                let paragraphs: String = blocks.iter().map(|b| body_paragraphs(brand, b)).collect();
                let room = (CONTENT_BOTTOM - y).max(0.5);
                // A single block longer than a slide: smaller type rather than text off the
                // slide. Its height grows with the square of the type's size.
                let frame = if height > room {
                    let scale = ((room / height).sqrt() * 100.0).floor().max(25.0) as u32 * 1000;
                    Frame { grow: false, font_scale: Some(scale), ..Frame::PLAIN }
                } else {
                    Frame::PLAIN
                };
                let height = height.min(room);
                shapes.text_box("Text", Rect::inches(MARGIN, y, CONTENT_W, height), frame, &paragraphs);
                y += height + GAP;
            }
        }
    }
}

/// A headline card: the label, the figure large in the accent colour, its detail.
fn headline(brand: &Brand, shapes: &mut Shapes, block: &Block, rect: Rect) {
    let Block::Headline { label, value, detail } = block else { return };
    let label_font = Font::new(14.0, brand.text);
    let value_font = Font::new(36.0, brand.accent).bold();
    let detail_font = Font::new(12.0, muted(brand));
    let paragraphs = [(label, label_font), (value, value_font), (detail, detail_font)]
        .iter()
        .map(|(text, font)| paragraph(&ppr("l", 2.0), &run(text, *font), *font))
        .collect::<String>();
    let frame = Frame { fill: Some(mix(brand.primary, WHITE, 0.93)), grow: false, inset: 0.15, ..Frame::PLAIN };
    shapes.text_box("Headline", rect, frame, &paragraphs);
}

fn body_paragraphs(brand: &Brand, block: &Block) -> String {
    let body = Font::new(BODY_TEXT, brand.text);
    match block {
        Block::Paragraph { text } => paragraph(&ppr("l", PARAGRAPH_SPACE), &run(text, body), body),
        Block::Bullets { items } => {
            let indent = emu(BULLET_INDENT);
            let bullet = format!(
                "<a:pPr marL=\"{indent}\" indent=\"-{indent}\" algn=\"l\"><a:spcAft><a:spcPts val=\"{}\"/></a:spcAft><a:buClr><a:srgbClr val=\"{}\"/></a:buClr><a:buFont typeface=\"Arial\"/><a:buChar char=\"•\"/></a:pPr>",
                (BULLET_SPACE * 100.0) as i64,
                brand.accent.hex()
            );
            items.iter().map(|item| paragraph(&bullet, &run(item, body), body)).collect()
        }
        Block::Annotation { author, text } => {
            let who = Font::new(NOTE_TEXT, brand.accent).bold();
            let note = Font::new(NOTE_TEXT, brand.text).italic();
            let author = if author.trim().is_empty() { "Note" } else { author.as_str() };
            paragraph(
                &ppr("l", PARAGRAPH_SPACE),
                &format!("{}{}", run(&format!("{author}: "), who), run(text, note)),
                note,
            )
        }
        _ => String::new(),
    }
}

/// Under a chart or table: where its numbers come from.
fn source(brand: &Brand, shapes: &mut Shapes, source: &str) {
    if source.trim().is_empty() {
        return;
    }
    let font = Font::new(11.0, muted(brand));
    let rect = Rect::inches(MARGIN, CONTENT_BOTTOM - 0.35, CONTENT_W, 0.35);
    shapes.text_box("Source", rect, Frame::PLAIN, &paragraph("", &run(&format!("Source: {source}"), font), font));
}

fn chart_frame(brand: &Brand, shapes: &mut Shapes, chart: &Chart) {
    let rect = Rect::inches(MARGIN, CONTENT_TOP, CONTENT_W, CONTENT_BOTTOM - CONTENT_TOP - 0.45);
    shapes.chart(&chart.title, rect, MEDIA_RID);
    source(brand, shapes, &chart.source);
}

fn table_frame(brand: &Brand, shapes: &mut Shapes, data: &Table, rows: &[Vec<String>], continued: bool) {
    let caption_font = Font::new(16.0, brand.text).bold();
    let caption = if continued { format!("{} (continued)", data.caption) } else { data.caption.clone() };
    let mut y = CONTENT_TOP;
    if !caption.trim().is_empty() {
        let rect = Rect::inches(MARGIN, y - 0.05, CONTENT_W, 0.45);
        shapes.text_box("Caption", rect, Frame::PLAIN, &paragraph("", &run(&caption, caption_font), caption_font));
        y += 0.5;
    }
    if column_count(data) > 0 {
        let widths = column_widths(data);
        let (xml, height) = table(data, rows, &widths, brand);
        shapes.table(&data.caption, Rect::inches(MARGIN, y, CONTENT_W, height), &xml);
    }
    source(brand, shapes, &data.source);
}
