//! The report as a Word document, built with docx-rs: real heading styles (so Word and
//! LibreOffice see the outline), Word tables whose header row repeats on every page, charts as
//! PNG pictures. Every id in the package is numbered here and the dates come from the report,
//! so the same report gives the same bytes.

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, AlignmentType, BorderType, BreakType, Docx, FieldCharType, Footer, IndentLevel, InstrNUMPAGES,
    InstrPAGE, InstrText, Level, LevelJc, LevelText, LineSpacing, NumberFormat, Numbering, NumberingId, PageMargin,
    Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, ParagraphProperty, Pic, Run, RunFonts,
    Shading, ShdType, SpecialIndentType, Start, Style, StyleType, Table, TableCell, TableLayoutType, TableRow,
    WidthType,
};

use crate::columns::{self, Setting};
use crate::metrics::Face;
use crate::{Block, Brand, Chart, Report, ReportError, charts, fonts, short};

/// A4 in twentieths of a point, with 2 cm margins.
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN: i32 = 1134;
const TEXT_W: u32 = PAGE_W - 2 * MARGIN as u32;
const EMU_PER_TWIP: u32 = 635;
const EMU_PER_PX: u32 = 9525;
/// The logo's largest size on the title page, in EMU (5 × 2.5 cm).
const LOGO_MAX: (u32, u32) = (1_800_000, 900_000);
/// The numbering definition of bullet lists (docx-rs always writes a decimal one as 1).
const BULLETS: usize = 2;
const GREY: &str = "666666";
/// Type sizes of a table, in twips (9, 8 and 7.5 points): a wide table takes a smaller one
/// rather than cutting its words.
const TABLE_SIZES: [f64; 3] = [180.0, 160.0, 150.0];
/// A cell's left and right margins (Word's default, 0.19 cm each) and a little slack, twips.
const CELL_PADDING: f64 = 2.0 * 108.0 + 20.0;
const WHITE: &str = "ffffff";

/// How docx-rs writes a row whose only property is `cantSplit`: only header rows have it, and
/// the repeat-header flag (which docx-rs cannot write) is added there after the build.
const HEADER_ROW: &str = "<w:trPr><w:cantSplit /></w:trPr>";
const REPEATING_HEADER_ROW: &str = "<w:trPr><w:cantSplit /><w:tblHeader /></w:trPr>";
/// docx-rs writes the Normal style without marking it the default paragraph style, which
/// readers such as python-docx need to name the style of unstyled paragraphs.
const NORMAL: &str = "<w:style w:type=\"paragraph\" w:styleId=\"Normal\">";
const DEFAULT_NORMAL: &str = "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">";

/// The report as the bytes of a `.docx` file.
pub fn docx(report: &Report) -> Result<Vec<u8>, ReportError> {
    let mut w = Writer { brand: &report.brand, body: Vec::new(), paragraphs: 0, pictures: 0, tables: 0 };
    w.title_page(report)?;
    w.sections(report)?;
    let footer = w.footer(&report.title);
    let first_footer = Footer::new().add_paragraph(w.para());

    let mut doc = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(PageMargin::new().top(MARGIN).bottom(MARGIN).left(MARGIN).right(MARGIN).header(567).footer(567))
        .default_fonts(font())
        .default_size(20)
        .default_line_spacing(LineSpacing::new().after(120))
        .add_style(heading("Heading1", "heading 1", 0, 32, &report.brand))
        .add_style(heading("Heading2", "heading 2", 1, 26, &report.brand))
        .add_abstract_numbering(
            AbstractNumbering::new(BULLETS).add_level(
                Level::new(0, Start::new(1), NumberFormat::new("bullet"), LevelText::new("•"), LevelJc::new("left"))
                    .indent(Some(567), Some(SpecialIndentType::Hanging(283)), None, None)
                    .fonts(font()),
            ),
        )
        .add_numbering(Numbering::new(BULLETS, BULLETS))
        .footer(footer)
        .first_footer(first_footer)
        .title_pg();
    if let Some(date) = w3c_date(&report.generated_at) {
        doc = doc.created_at(date).updated_at(date);
    }
    let tables = w.tables;
    for child in w.body {
        doc = match child {
            Child::Paragraph(p) => doc.add_paragraph(*p),
            Child::Table(t) => doc.add_table(*t),
        };
    }
    let mut xml = doc.build();
    xml.document = patch(xml.document, HEADER_ROW, REPEATING_HEADER_ROW, tables)?;
    xml.styles = patch(xml.styles, NORMAL, DEFAULT_NORMAL, 1)?;
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| ReportError::render("docx", e))?;
    Ok(out.into_inner())
}

enum Child {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

/// The document's body as it is written, with the counters that keep its ids deterministic
/// (docx-rs numbers paragraphs per thread and pictures per process otherwise).
struct Writer<'a> {
    brand: &'a Brand,
    body: Vec<Child>,
    paragraphs: u32,
    pictures: u32,
    tables: usize,
}

impl Writer<'_> {
    fn para(&mut self) -> Paragraph {
        self.paragraphs += 1;
        Paragraph::new().id(format!("{:08X}", self.paragraphs))
    }

    fn push(&mut self, p: Paragraph) {
        self.body.push(Child::Paragraph(Box::new(p)));
    }

    /// Body text in the brand's text colour; line breaks kept.
    fn text(&self, text: &str) -> Run {
        let mut run = Run::new().color(self.brand.text.hex());
        for (i, line) in clean(text).split('\n').enumerate() {
            if i > 0 {
                run = run.add_break(BreakType::TextWrapping);
            }
            run = run.add_text(line);
        }
        run
    }

    fn small(&self, text: &str) -> Run {
        Run::new().add_text(clean(text)).size(16).color(GREY)
    }

    fn picture(&mut self, png: Vec<u8>, px: (u32, u32), emu: (u32, u32)) -> Run {
        self.pictures += 1;
        Run::new().add_image(
            Pic::new_with_dimensions(png, px.0, px.1).size(emu.0, emu.1).id(format!("rIdImage{}", self.pictures)),
        )
    }

    fn title_page(&mut self, report: &Report) -> Result<(), ReportError> {
        if let Some(logo) = &report.brand.logo {
            if !logo.png.starts_with(b"\x89PNG") || logo.width == 0 || logo.height == 0 {
                return Err(ReportError::render("docx", "the logo has no PNG to show"));
            }
            let natural = (logo.width * EMU_PER_PX, logo.height * EMU_PER_PX);
            let scale = (LOGO_MAX.0 as f64 / natural.0 as f64).min(LOGO_MAX.1 as f64 / natural.1 as f64).min(1.0);
            let emu = ((natural.0 as f64 * scale) as u32, (natural.1 as f64 * scale) as u32);
            let run = self.picture(logo.png.clone(), (logo.width, logo.height), emu);
            let p = self.para().add_run(run).line_spacing(LineSpacing::new().after(1200));
            self.push(p);
        }
        let primary = self.brand.primary.hex();
        let title = self.para().add_run(Run::new().add_text(clean(&report.title)).size(56).bold().color(primary));
        self.push(title.line_spacing(LineSpacing::new().before(1200).after(240)));
        let subtitle = self.text(&report.subtitle).size(28);
        let p = self.para().add_run(subtitle).line_spacing(LineSpacing::new().after(480));
        self.push(p);
        if let Some(answer) = &report.answer {
            let primary = self.brand.primary.hex();
            let mut p = self.para().add_run(self.text(answer).size(28));
            p.property = left_rule(p.property, primary, 24).line_spacing(LineSpacing::new().before(120).after(360));
            self.push(p);
        }
        if let Some(notice) = &report.stale_notice {
            let accent = self.brand.accent.hex();
            let mut p = self.para().add_run(Run::new().add_text(clean(notice)).bold().color("7a3e00"));
            p.property = left_rule(p.property, accent, 24)
                .shading(Shading::new().fill("fdf0dc").shd_type(ShdType::Clear))
                .line_spacing(LineSpacing::new().before(120).after(360));
            self.push(p);
        }
        let prov = &report.provenance;
        let lines = [
            format!("Project: {} ({})", prov.project_name, prov.project_id),
            format!(
                "Project version {} · engine {} · generated {}",
                prov.version, prov.engine_version, report.generated_at
            ),
        ];
        for line in lines {
            let p = self.para().add_run(self.text(&line).size(18));
            self.push(p.line_spacing(LineSpacing::new().after(60)));
        }
        let runs = crate::Table {
            caption: "Runs".into(),
            header: ["Scenario", "Ensemble", "Seed", "Replicates", "Digest"].map(String::from).to_vec(),
            rows: prov
                .runs
                .iter()
                .map(|r| {
                    let scenario = if r.stale { format!("{} (stale)", r.scenario) } else { r.scenario.clone() };
                    let id = short(&r.ensemble_id).to_string();
                    vec![scenario, id, r.seed.to_string(), r.replicates.to_string(), short(&r.digest).to_string()]
                })
                .collect(),
            numeric: vec![false, false, true, true, false],
            source: String::new(),
        };
        self.table(&runs);
        let page_break = self.para().add_run(Run::new().add_break(BreakType::Page));
        self.push(page_break);
        Ok(())
    }

    fn sections(&mut self, report: &Report) -> Result<(), ReportError> {
        let mut in_appendix = false;
        for section in &report.sections {
            let mut style = "Heading1";
            if section.appendix {
                if !in_appendix {
                    let p =
                        self.para().style("Heading1").page_break_before(true).add_run(Run::new().add_text("Appendix"));
                    self.push(p);
                    in_appendix = true;
                }
                style = "Heading2";
            }
            let p = self.para().style(style).add_run(Run::new().add_text(clean(&section.title)));
            self.push(p);
            for block in &section.blocks {
                self.block(block)?;
            }
        }
        Ok(())
    }

    fn block(&mut self, block: &Block) -> Result<(), ReportError> {
        match block {
            Block::Paragraph { text } => {
                let p = self.para().add_run(self.text(text));
                self.push(p);
            }
            Block::Headline { label, value, detail } => {
                let accent = self.brand.accent.hex();
                let p = self
                    .para()
                    .keep_lines(true)
                    .add_run(Run::new().add_text(clean(value)).size(48).bold().color(accent))
                    .add_run(self.text(&format!("   {label}")).size(24).bold())
                    .add_run(Run::new().add_break(BreakType::TextWrapping))
                    .add_run(self.small(detail));
                self.push(p);
            }
            Block::Bullets { items } => {
                for item in items {
                    let p =
                        self.para().numbering(NumberingId::new(BULLETS), IndentLevel::new(0)).add_run(self.text(item));
                    self.push(p.line_spacing(LineSpacing::new().after(60)));
                }
            }
            Block::Table(table) => self.table(table),
            Block::Chart(chart) => self.chart(chart)?,
            Block::Figure(figure) => self.figure(figure)?,
            Block::Annotation { author, text } => {
                let accent = self.brand.accent.hex();
                let mut p = self
                    .para()
                    .indent(Some(567), None, Some(567), None)
                    .add_run(self.text(&format!("Note — {author}: {text}")).italic());
                p.property = left_rule(p.property, accent, 12);
                self.push(p);
            }
        }
        Ok(())
    }

    /// Caption, a Word table whose shaded header row repeats on each page, and the source.
    fn table(&mut self, table: &crate::Table) {
        let primary = self.brand.primary.hex();
        let caption = self.para().keep_next(true).add_run(self.text(&table.caption).bold());
        self.push(caption);
        let columns = columns::count(table).max(1);
        // Columns as wide as their content asks, in a size at which every word fits its column;
        // identifiers may wrap after `_` and `.` (Word breaks at the zero-width spaces).
        let setting = Setting { available: f64::from(TEXT_W), sizes: &TABLE_SIZES, padding: CELL_PADDING, fill: true };
        let set = columns::columns(table, &setting);
        let widths: Vec<usize> = (0..columns).map(|i| set.widths.get(i).map_or(0, |w| w.floor() as usize)).collect();
        let size = (set.size / 10.0).round() as usize;
        let right = |i: usize| table.numeric.get(i).copied().unwrap_or(false);
        let text = |cells: &[String], i: usize, face: Face| {
            let text = columns::breakable(cells.get(i).map_or("", String::as_str));
            columns::break_long_words(&text, face, set.size, widths[i] as f64 - CELL_PADDING)
        };
        let mut rows = Vec::with_capacity(table.rows.len() + 1);
        let header: Vec<TableCell> = (0..columns)
            .map(|i| {
                let run = Run::new().add_text(clean(&text(&table.header, i, Face::Bold))).bold().color(WHITE);
                let cell = TableCell::new().shading(Shading::new().fill(primary.clone()).shd_type(ShdType::Clear));
                self.cell(cell, run.size(size), right(i), widths[i])
            })
            .collect();
        rows.push(TableRow::new(header).cant_split());
        for row in &table.rows {
            let cells = (0..columns)
                .map(|i| {
                    let run = self.text(&text(row, i, Face::Regular)).size(size);
                    self.cell(TableCell::new(), run, right(i), widths[i])
                })
                .collect();
            rows.push(TableRow::new(cells));
        }
        let t = Table::new(rows).set_grid(widths).width(TEXT_W as usize, WidthType::Dxa).layout(TableLayoutType::Fixed);
        self.body.push(Child::Table(Box::new(t)));
        self.tables += 1;
        if !table.source.is_empty() {
            let source = self.small(&format!("Source: {}", table.source));
            let p = self.para().add_run(source).line_spacing(LineSpacing::new().before(60).after(240));
            self.push(p);
        }
    }

    fn cell(&mut self, cell: TableCell, run: Run, right: bool, width: usize) -> TableCell {
        let align = if right { AlignmentType::Right } else { AlignmentType::Left };
        let p = self.para().align(align).line_spacing(LineSpacing::new().before(20).after(20)).add_run(run);
        cell.width(width, WidthType::Dxa).add_paragraph(p)
    }

    /// Title, the chart as a picture the width of the text, and its source.
    fn chart(&mut self, chart: &Chart) -> Result<(), ReportError> {
        let px = (charts::WIDTH, charts::HEIGHT);
        let png = charts::png(chart, self.brand, px.0, px.1)?;
        self.titled_picture(&chart.title, png, px, &chart.source);
        Ok(())
    }

    /// A picture the text's width, its title above and its source below.
    fn titled_picture(&mut self, title: &str, png: Vec<u8>, px: (u32, u32), source: &str) {
        let width = TEXT_W * EMU_PER_TWIP;
        let height = (width as u64 * px.1 as u64 / px.0.max(1) as u64) as u32;
        let title = self.para().keep_next(true).add_run(self.text(title).bold().size(22));
        self.push(title);
        let run = self.picture(png, px, (width, height));
        let p = self.para().keep_next(true).align(AlignmentType::Center).add_run(run);
        self.push(p.line_spacing(LineSpacing::new().after(40)));
        let source = self.small(&format!("Source: {source}"));
        let p = self.para().add_run(source).line_spacing(LineSpacing::new().after(240));
        self.push(p);
    }

    /// A drawing as a picture, rasterised from its SVG.
    fn figure(&mut self, figure: &crate::Figure) -> Result<(), ReportError> {
        let (png, w, h) = crate::raster::svg_png(&figure.svg, 1600)?;
        self.titled_picture(&figure.title, png, (w, h), &figure.source);
        Ok(())
    }

    /// "Title · page 3 of 9", the numbers as PAGE and NUMPAGES fields.
    fn footer(&mut self, title: &str) -> Footer {
        let p = self.para().align(AlignmentType::Center).add_run(self.small(&format!("{title} · page ")));
        let p = field(p, InstrText::PAGE(InstrPAGE::new())).add_run(self.small(" of "));
        Footer::new().add_paragraph(field(p, InstrText::NUMPAGES(InstrNUMPAGES::new())))
    }
}

/// `part` with the `times` occurrences of `from` replaced by `to`; an error when docx-rs wrote
/// them differently (a new version), so the change is seen in the tests and not by a reader.
fn patch(part: Vec<u8>, from: &str, to: &str, times: usize) -> Result<Vec<u8>, ReportError> {
    let text = String::from_utf8(part).map_err(|e| ReportError::render("docx", e))?;
    let found = text.matches(from).count();
    if found != times {
        return Err(ReportError::render("docx", format!("expected {times} × {from} in docx-rs's XML, found {found}")));
    }
    Ok(text.replace(from, to).into_bytes())
}

/// A field in the five runs Word writes (begin, instruction, separator, result, end): each run
/// carries the formatting, which LibreOffice does not take from a field packed in one run.
fn field(p: Paragraph, instr: InstrText) -> Paragraph {
    let run = || Run::new().size(16).color(GREY);
    p.add_run(run().add_field_char(FieldCharType::Begin, false))
        .add_run(run().add_instr_text(instr))
        .add_run(run().add_field_char(FieldCharType::Separate, false))
        .add_run(run().add_text("1"))
        .add_run(run().add_field_char(FieldCharType::End, false))
}

/// A rule in `colour` left of the paragraph, and no other border.
fn left_rule(property: ParagraphProperty, colour: String, size: usize) -> ParagraphProperty {
    let rule = ParagraphBorder::new(ParagraphBorderPosition::Left).val(BorderType::Single).size(size).space(8);
    property.set_borders(ParagraphBorders::with_empty().set(rule.color(colour)))
}

fn font() -> RunFonts {
    RunFonts::new().ascii(fonts::FAMILY).hi_ansi(fonts::FAMILY).cs(fonts::FAMILY).east_asia(fonts::FAMILY)
}

/// A heading style Word and LibreOffice recognise: the built-in name and an outline level.
fn heading(id: &str, name: &str, level: usize, size: usize, brand: &Brand) -> Style {
    let mut style = Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .fonts(font())
        .size(size)
        .bold()
        .color(brand.primary.hex())
        .outline_lvl(level)
        .line_spacing(LineSpacing::new().before(360).after(120));
    style.paragraph_property = style.paragraph_property.keep_next(true);
    style
}

/// Text without the control characters XML 1.0 cannot hold (tabs and newlines stay).
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n')).collect()
}

/// `generated_at` when it reads as a W3C date-time (`2026-11-30T12:00:00Z`), for the core
/// properties; anything else would make the package invalid, so docx-rs's fixed date stays.
fn w3c_date(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let date = digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-') && digits(8..10);
    let time = b.len() == 10 || (b.get(10) == Some(&b'T') && digits(11..13) && b.get(13) == Some(&b':'));
    (date && time && text.is_ascii() && !text.contains(['<', '&'])).then_some(text)
}
