//! The report as PDF, typeset by Typst used as a library. The report becomes data
//! (`/report.json`), laid out by a fixed template (`pdf/report.typ`) that shows every string as
//! a string: analyst text is never read as Typst markup, so it comes out as written.
//! Charts are SVG files served from memory; the fonts are only the shipped ones.

mod world;

use serde_json::{Value, json};
use typst::diag::Warned;
use typst::foundations::{Bytes, Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use self::world::ReportWorld;
use crate::columns::{self, Setting};
use crate::metrics::Face;
use crate::{Block, Chart, LogoFormat, Report, ReportError, Table, charts, short};

const TEMPLATE: &str = include_str!("pdf/report.typ");

/// The width between the page's margins (A4, 2 cm each side), points.
const TEXT_WIDTH: f64 = (210.0 - 40.0) / 25.4 * 72.0;
/// The type sizes a table may take, points: a wide table takes a smaller one rather than
/// letting its words run into the next column.
const TABLE_SIZES: [f64; 5] = [10.0, 9.0, 8.5, 8.0, 7.5];
/// A cell's left and right inset together (`report.typ`), and a point of slack.
const CELL_PADDING: f64 = 2.0 * 5.0 + 1.0;

/// How many renders a memoised layout result of Typst survives without being used again. Typst
/// caches in a process-wide table; this keeps repeated renders of one report fast without
/// letting the table grow with every report ever rendered.
const CACHE_RENDERS: usize = 4;

/// The report as the bytes of a PDF (A4). The same report gives the same bytes: the PDF's dates
/// are the report's `generated_at`, never the clock.
pub fn pdf(report: &Report) -> Result<Vec<u8>, ReportError> {
    let mut files = Vec::new();
    let data = data(report, &mut files)?;
    let json = serde_json::to_vec(&data).map_err(|e| ReportError::render("pdf", e))?;
    files.push(("/report.json".to_string(), Bytes::new(json)));

    let generated = datetime(&report.generated_at);
    let world = ReportWorld::new(TEMPLATE, files, generated.and_then(|d| Datetime::from_ymd(d.0, d.1, d.2)))?;
    let Warned { output, warnings: _ } = typst::compile::<PagedDocument>(&world);
    let document = output.map_err(|errors| ReportError::render("pdf", world.describe(&errors)))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!(
            "{}/{}/{}",
            report.provenance.project_id, report.provenance.version, report.generated_at
        )),
        timestamp: generated
            .and_then(|(y, mo, d, h, mi, s)| Datetime::from_ymd_hms(y, mo, d, h, mi, s))
            .map(Timestamp::new_utc),
        ..PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options);
    typst::comemo::evict(CACHE_RENDERS);
    bytes.map_err(|errors| ReportError::render("pdf", world.describe(&errors)))
}

/// What the template shows, with everything already decided: strings as they are printed,
/// consecutive headlines grouped, tables made rectangular, charts as the paths of their SVGs.
fn data(report: &Report, files: &mut Vec<(String, Bytes)>) -> Result<Value, ReportError> {
    let logo = report.brand.logo.as_ref().filter(|l| !l.bytes.is_empty()).map(|logo| {
        let path = match logo.format {
            LogoFormat::Png => "/logo.png",
            LogoFormat::Svg => "/logo.svg",
        };
        files.push((path.to_string(), Bytes::new(logo.bytes.clone())));
        path
    });
    let p = &report.provenance;
    let runs: Vec<Value> = p
        .runs
        .iter()
        .map(|r| {
            let stale = if r.stale { " (stale)" } else { "" };
            json!({
                "scenario": format!("{}{stale}", r.scenario),
                "ensemble": short(&r.ensemble_id),
                "seed": r.seed.to_string(),
                "replicates": r.replicates.to_string(),
                "digest": short(&r.digest),
            })
        })
        .collect();
    let mut sections = Vec::new();
    let mut in_appendix = false;
    for (s, section) in report.sections.iter().enumerate() {
        let appendix_start = section.appendix && !in_appendix;
        in_appendix |= section.appendix;
        let heading = if section.appendix { format!("Appendix — {}", section.title) } else { section.title.clone() };
        sections.push(json!({
            "heading": heading,
            "appendix_start": appendix_start,
            "blocks": blocks(report, s, &section.blocks, files)?,
        }));
    }
    Ok(json!({
        "title": report.title,
        "subtitle": report.subtitle,
        "generated_at": report.generated_at,
        "colors": {
            "primary": format!("#{}", report.brand.primary.hex()),
            "accent": format!("#{}", report.brand.accent.hex()),
            "text": format!("#{}", report.brand.text.hex()),
        },
        "logo": logo,
        "stale_notice": report.stale_notice,
        "answer": report.answer,
        "provenance": {
            "project_id": p.project_id,
            "project_name": p.project_name,
            "version": p.version.to_string(),
            "engine_version": p.engine_version,
            "runs": runs,
        },
        "contents_page": report.contents_page,
        "sections": sections,
    }))
}

/// The blocks of section `s`; charts are drawn here and served as `/chart-{s}-{b}.svg`.
fn blocks(
    report: &Report,
    s: usize,
    blocks: &[Block],
    files: &mut Vec<(String, Bytes)>,
) -> Result<Vec<Value>, ReportError> {
    let mut out: Vec<Value> = Vec::new();
    for (b, block) in blocks.iter().enumerate() {
        let value = match block {
            Block::Paragraph { text } => json!({ "type": "paragraph", "text": text }),
            Block::Headline { label, value, detail } => {
                let item = json!({ "label": label, "value": value, "detail": detail });
                // Side by side with the headline before it.
                if let Some(items) = out
                    .last_mut()
                    .filter(|last| last["type"] == "headlines")
                    .and_then(|last| last["items"].as_array_mut())
                {
                    items.push(item);
                    continue;
                }
                json!({ "type": "headlines", "items": [item] })
            }
            Block::Bullets { items } => json!({ "type": "bullets", "items": items }),
            Block::Table(table) => table_data(table),
            Block::Chart(chart) => {
                let path = format!("/chart-{s}-{b}.svg");
                let svg = charts::svg(chart, &report.brand, charts::WIDTH, charts::HEIGHT)?;
                files.push((path.clone(), Bytes::from_string(svg)));
                chart_data(chart, &path)
            }
            Block::Figure(f) => {
                let path = format!("/figure-{s}-{b}.svg");
                files.push((path.clone(), Bytes::from_string(f.svg.clone())));
                json!({ "type": "chart", "title": f.title, "source": f.source, "image": path })
            }
            Block::Annotation { author, text } => json!({ "type": "annotation", "author": author, "text": text }),
        };
        out.push(value);
    }
    Ok(out)
}

/// A rectangular table: every row (and the header) as wide as the widest, its columns as wide
/// as their content asks (`columns`), its type size chosen so every word fits its column, and
/// its identifiers and overlong words given places to break.
fn table_data(table: &Table) -> Value {
    let count = columns::count(table);
    let setting = Setting { available: TEXT_WIDTH, sizes: &TABLE_SIZES, padding: CELL_PADDING, fill: false };
    let set = columns::columns(table, &setting);
    let cell = |text: Option<&String>, c: usize, face: Face| -> String {
        let text = columns::breakable(text.map_or("", String::as_str));
        let room = set.widths.get(c).copied().unwrap_or(TEXT_WIDTH) - CELL_PADDING;
        columns::break_long_words(&text, face, set.size, room)
    };
    let fill =
        |cells: &[String], face: Face| -> Vec<String> { (0..count).map(|c| cell(cells.get(c), c, face)).collect() };
    let rows: Vec<Vec<String>> = table.rows.iter().map(|r| fill(r, Face::Regular)).collect();
    let numeric: Vec<bool> = (0..count).map(|i| table.numeric.get(i).copied().unwrap_or(false)).collect();
    json!({
        "type": "table",
        "caption": table.caption,
        "columns": count,
        "widths": set.widths,
        "size": set.size,
        "header": if table.header.is_empty() { Vec::new() } else { fill(&table.header, Face::Bold) },
        "rows": rows,
        "numeric": numeric,
        "source": table.source,
    })
}

fn chart_data(chart: &Chart, path: &str) -> Value {
    json!({ "type": "chart", "title": chart.title, "source": chart.source, "image": path })
}

/// `generated_at` (`2026-11-30T12:00:00Z`, RFC 3339 in UTC) as year, month, day, hour, minute,
/// second; `None` when it is not in that form (the PDF then carries no date).
fn datetime(text: &str) -> Option<(i32, u8, u8, u8, u8, u8)> {
    let t = text.as_bytes();
    let shaped = t.len() >= 19
        && t[4] == b'-'
        && t[7] == b'-'
        && matches!(t[10], b'T' | b't' | b' ')
        && t[13] == b':'
        && t[16] == b':';
    if !shaped {
        return None;
    }
    let n = |range: std::ops::Range<usize>| text.get(range)?.parse::<u16>().ok();
    let small = |range| n(range).and_then(|v| u8::try_from(v).ok());
    Some((i32::from(n(0..4)?), small(5..7)?, small(8..10)?, small(11..13)?, small(14..16)?, small(17..19)?))
}
