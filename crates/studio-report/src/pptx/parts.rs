//! The parts every deck has whatever its content: the presentation, its slide master and two
//! layouts (title slide, title only), the theme with the brand's colours, the notes master, the
//! property parts and the document properties.

use super::geometry::{
    CONTENT_LOGO, FOOTER_Y, MARGIN, RULE, SLIDE_CX, SLIDE_CY, SLIDE_W, SUBTITLE, TITLE, TITLE_SLIDE_TITLE, logo_rect,
};
use super::package::{NS_A, XML_HEADER, esc, pml_namespaces};
use super::shapes::{Font, Frame, Rect, Shapes, WHITE, mix, paragraph, run};
use crate::{Brand, Logo, Report, Rgb};

const EMPTY_PARAGRAPH: &str = "<a:p><a:endParaRPr lang=\"en-US\"/></a:p>";

pub(super) fn theme(brand: &Brand) -> String {
    let palette =
        |k: usize, fallback: &str| brand.palette.get(k).map(|c| c.hex()).unwrap_or_else(|| fallback.to_string());
    let colors = [
        ("dk1", brand.text.hex()),
        ("lt1", "ffffff".to_string()),
        ("dk2", brand.primary.hex()),
        ("lt2", "e7e6e6".to_string()),
        ("accent1", palette(0, &brand.primary.hex())),
        ("accent2", brand.accent.hex()),
        ("accent3", palette(1, "a5a5a5")),
        ("accent4", palette(2, "4472c4")),
        ("accent5", palette(3, "70ad47")),
        ("accent6", palette(4, "ffc000")),
        ("hlink", "0563c1".to_string()),
        ("folHlink", "954f72".to_string()),
    ];
    let scheme: String =
        colors.iter().map(|(name, hex)| format!("<a:{name}><a:srgbClr val=\"{hex}\"/></a:{name}>")).collect();
    let font = "<a:latin typeface=\"Calibri\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/>";
    let fill = "<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>";
    let line = |w: u32| format!("<a:ln w=\"{w}\">{fill}</a:ln>");
    format!(
        "{XML_HEADER}<a:theme xmlns:a=\"{NS_A}\" name=\"FutureOS Studio\"><a:themeElements><a:clrScheme name=\"Brand\">{scheme}</a:clrScheme><a:fontScheme name=\"Brand\"><a:majorFont>{font}</a:majorFont><a:minorFont>{font}</a:minorFont></a:fontScheme><a:fmtScheme name=\"Brand\"><a:fillStyleLst>{fill}{fill}{fill}</a:fillStyleLst><a:lnStyleLst>{}{}{}</a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst>{fill}{fill}{fill}</a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>",
        line(6350),
        line(12700),
        line(19050)
    )
}

/// Secondary text (footers, sources, details): the body colour, lightened.
pub(super) fn muted(brand: &Brand) -> Rgb {
    mix(brand.text, WHITE, 0.4)
}

const CLR_MAP: &str = "<p:clrMap bg1=\"lt1\" tx1=\"dk1\" bg2=\"lt2\" tx2=\"dk2\" accent1=\"accent1\" accent2=\"accent2\" accent3=\"accent3\" accent4=\"accent4\" accent5=\"accent5\" accent6=\"accent6\" hlink=\"hlink\" folHlink=\"folHlink\"/>";

fn level(n: u32, margin: i64, size: u32, bullet: &str, color: &str) -> String {
    let indent = if bullet.is_empty() { String::new() } else { " indent=\"-228600\"".into() };
    format!(
        "<a:lvl{n}pPr marL=\"{margin}\"{indent} algn=\"l\" defTabSz=\"914400\" rtl=\"0\" eaLnBrk=\"1\" latinLnBrk=\"0\" hangingPunct=\"1\"><a:spcBef><a:spcPts val=\"600\"/></a:spcBef>{bullet}<a:defRPr sz=\"{size}\" kern=\"1200\"><a:solidFill><a:schemeClr val=\"{color}\"/></a:solidFill><a:latin typeface=\"+mn-lt\"/><a:ea typeface=\"+mn-ea\"/><a:cs typeface=\"+mn-cs\"/></a:defRPr></a:lvl{n}pPr>"
    )
}

/// The master: the title and body placeholders, the accent rule under the title, the logo
/// (relationship `logo_rid`) and a footer with the project and slide number, on every slide
/// but the title slide.
pub(super) fn master(report: &Report, logo: Option<(&Logo, &str)>) -> String {
    let brand = &report.brand;
    let mut shapes = Shapes::new();
    shapes.placeholder("title", None, TITLE, "b", EMPTY_PARAGRAPH);
    let body = Rect::inches(MARGIN, 1.45, SLIDE_W - 2.0 * MARGIN, 5.3);
    shapes.placeholder("body", Some(1), body, "t", EMPTY_PARAGRAPH);
    shapes.rectangle("Accent rule", RULE, brand.accent);
    if let Some((logo, rid)) = logo {
        shapes.picture("Logo", logo_rect(logo, CONTENT_LOGO), rid);
    }
    let small = Font::new(10.0, muted(brand));
    let footer = format!("{} · version {}", report.provenance.project_name, report.provenance.version);
    let frame = Frame { grow: false, ..Frame::PLAIN };
    shapes.text_box(
        "Footer",
        Rect::inches(MARGIN, FOOTER_Y, 9.0, 0.3),
        frame,
        &paragraph("", &run(&footer, small), small),
    );
    let number = format!(
        "<a:fld id=\"{{5C1A43E3-2D6B-4F0E-9B1A-2F6B7C3D9E01}}\" type=\"slidenum\"><a:rPr lang=\"en-US\" sz=\"1000\"><a:solidFill><a:srgbClr val=\"{}\"/></a:solidFill></a:rPr><a:t>‹#›</a:t></a:fld>",
        small.color.hex()
    );
    shapes.text_box(
        "Slide number",
        Rect::inches(SLIDE_W - MARGIN - 1.0, FOOTER_Y, 1.0, 0.3),
        frame,
        &paragraph("<a:pPr algn=\"r\"/>", &number, small),
    );
    let bullet = "<a:buFont typeface=\"Arial\"/><a:buChar char=\"•\"/>";
    format!(
        "{XML_HEADER}<p:sldMaster {}><p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/></p:bgRef></p:bg>{}</p:cSld>{CLR_MAP}<p:sldLayoutIdLst><p:sldLayoutId id=\"2147483649\" r:id=\"rId1\"/><p:sldLayoutId id=\"2147483650\" r:id=\"rId2\"/></p:sldLayoutIdLst><p:txStyles><p:titleStyle><a:lvl1pPr algn=\"l\" defTabSz=\"914400\" rtl=\"0\" eaLnBrk=\"1\" latinLnBrk=\"0\" hangingPunct=\"1\"><a:lnSpc><a:spcPct val=\"90000\"/></a:lnSpc><a:spcBef><a:spcPct val=\"0\"/></a:spcBef><a:buNone/><a:defRPr sz=\"3200\" b=\"1\" kern=\"1200\"><a:solidFill><a:schemeClr val=\"tx2\"/></a:solidFill><a:latin typeface=\"+mj-lt\"/><a:ea typeface=\"+mj-ea\"/><a:cs typeface=\"+mj-cs\"/></a:defRPr></a:lvl1pPr></p:titleStyle><p:bodyStyle>{}{}</p:bodyStyle><p:otherStyle><a:defPPr><a:defRPr lang=\"en-US\"/></a:defPPr>{}</p:otherStyle></p:txStyles></p:sldMaster>",
        pml_namespaces(),
        shapes.tree(),
        level(1, 228_600, 2000, bullet, "tx1"),
        level(2, 685_800, 1800, bullet, "tx1"),
        level(1, 0, 1800, "", "tx1"),
    )
}

/// Layout 1, the title slide: none of the master's shapes (the slide has its own logo).
pub(super) fn title_layout() -> String {
    let mut shapes = Shapes::new();
    shapes.placeholder("ctrTitle", None, TITLE_SLIDE_TITLE, "b", EMPTY_PARAGRAPH);
    shapes.placeholder("subTitle", Some(1), SUBTITLE, "t", EMPTY_PARAGRAPH);
    layout("title", "Title Slide", false, &shapes)
}

/// Layout 2: a title, the rest free (text boxes, charts, tables are placed by the slide).
pub(super) fn title_only_layout() -> String {
    let mut shapes = Shapes::new();
    shapes.placeholder("title", None, TITLE, "b", EMPTY_PARAGRAPH);
    layout("titleOnly", "Title Only", true, &shapes)
}

fn layout(kind: &str, name: &str, master_shapes: bool, shapes: &Shapes) -> String {
    format!(
        "{XML_HEADER}<p:sldLayout {} type=\"{kind}\" preserve=\"1\" showMasterSp=\"{}\"><p:cSld name=\"{name}\">{}</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>",
        pml_namespaces(),
        u8::from(master_shapes),
        shapes.tree()
    )
}

/// Where notes pages put the slide and the notes (portrait, 7.5 × 10 in).
const NOTES_IMAGE: Rect = Rect { x: 381_000, y: 685_800, w: 6_096_000, h: 3_429_000 };
const NOTES_BODY: Rect = Rect { x: 685_800, y: 4_343_400, w: 5_486_400, h: 4_114_800 };

pub(super) fn notes_master() -> String {
    let mut shapes = Shapes::new();
    shapes.slide_image(NOTES_IMAGE);
    shapes.placeholder("body", Some(1), NOTES_BODY, "t", EMPTY_PARAGRAPH);
    format!(
        "{XML_HEADER}<p:notesMaster {}><p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/></p:bgRef></p:bg>{}</p:cSld>{CLR_MAP}<p:notesStyle>{}</p:notesStyle></p:notesMaster>",
        pml_namespaces(),
        shapes.tree(),
        level(1, 0, 1200, "", "tx1")
    )
}

/// The notes page of a slide: its image and `text`, one paragraph per line.
pub(super) fn notes_slide(text: &str, brand: &Brand) -> String {
    let font = Font::new(12.0, brand.text);
    let paragraphs: String = text.lines().map(|line| paragraph("", &run(line, font), font)).collect();
    let mut shapes = Shapes::new();
    shapes.slide_image(NOTES_IMAGE);
    shapes.placeholder("body", Some(1), NOTES_BODY, "t", &paragraphs);
    format!(
        "{XML_HEADER}<p:notes {}><p:cSld>{}</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:notes>",
        pml_namespaces(),
        shapes.tree()
    )
}

/// `presentation.xml`: relationship 1 is the master, 2 the notes master, then the slides.
pub(super) fn presentation(slides: usize) -> String {
    let ids: String = (0..slides).map(|k| format!("<p:sldId id=\"{}\" r:id=\"rId{}\"/>", 256 + k, k + 3)).collect();
    format!(
        "{XML_HEADER}<p:presentation {} saveSubsetFonts=\"1\"><p:sldMasterIdLst><p:sldMasterId id=\"2147483648\" r:id=\"rId1\"/></p:sldMasterIdLst><p:notesMasterIdLst><p:notesMasterId r:id=\"rId2\"/></p:notesMasterIdLst><p:sldIdLst>{ids}</p:sldIdLst><p:sldSz cx=\"{SLIDE_CX}\" cy=\"{SLIDE_CY}\"/><p:notesSz cx=\"6858000\" cy=\"9144000\"/><p:defaultTextStyle><a:defPPr><a:defRPr lang=\"en-US\"/></a:defPPr>{}</p:defaultTextStyle></p:presentation>",
        pml_namespaces(),
        level(1, 0, 1800, "", "tx1")
    )
}

pub(super) fn pres_props() -> String {
    format!("{XML_HEADER}<p:presentationPr {}/>", pml_namespaces())
}

pub(super) fn view_props() -> String {
    format!(
        "{XML_HEADER}<p:viewPr {}><p:normalViewPr><p:restoredLeft sz=\"15620\"/><p:restoredTop sz=\"94660\"/></p:normalViewPr><p:gridSpacing cx=\"76200\" cy=\"76200\"/></p:viewPr>",
        pml_namespaces()
    )
}

pub(super) fn table_styles() -> String {
    format!("{XML_HEADER}<a:tblStyleLst xmlns:a=\"{NS_A}\" def=\"{{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}}\"/>")
}

pub(super) fn app(slides: usize, notes: usize) -> String {
    format!(
        "{XML_HEADER}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>FutureOS Studio</Application><PresentationFormat>Widescreen</PresentationFormat><Slides>{slides}</Slides><Notes>{notes}</Notes></Properties>"
    )
}

/// Title, subject (the project) and the time the report was generated, when it is a W3C date
/// and time (the only form the property accepts).
pub(super) fn core(report: &Report) -> String {
    let created = w3c_datetime(&report.generated_at)
        .map(|t| {
            format!(
                "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{t}</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">{t}</dcterms:modified>"
            )
        })
        .unwrap_or_default();
    format!(
        "{XML_HEADER}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>FutureOS Studio</dc:creator><dc:description>{}</dc:description>{created}</cp:coreProperties>",
        esc(&report.title),
        esc(&report.provenance.project_name),
        esc(&provenance_line(report))
    )
}

/// "Project 0000… · version 3 · engine 0.1.0 · generated 2026-11-30T12:00:00Z"
pub(super) fn provenance_line(report: &Report) -> String {
    let p = &report.provenance;
    format!(
        "Project {} · version {} · engine {} · generated {}",
        p.project_id, p.version, p.engine_version, report.generated_at
    )
}

/// `2026-11-30T12:00:00Z`, optionally with fractions of a second, in UTC.
fn w3c_datetime(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 {
        return None;
    }
    let pattern = b"dddd-dd-ddTdd:dd:dd";
    let head_ok = pattern.iter().zip(bytes).all(|(p, b)| if *p == b'd' { b.is_ascii_digit() } else { p == b });
    let tail = bytes.get(19..bytes.len() - 1)?;
    let tail_ok = tail.is_empty() || (tail[0] == b'.' && tail.len() > 1 && tail[1..].iter().all(u8::is_ascii_digit));
    (head_ok && tail_ok && bytes.last() == Some(&b'Z')).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::w3c_datetime;

    #[test]
    fn only_w3c_times_become_document_dates() {
        assert_eq!(w3c_datetime("2026-11-30T12:00:00Z"), Some("2026-11-30T12:00:00Z"));
        assert_eq!(w3c_datetime("2026-11-30T12:00:00.25Z"), Some("2026-11-30T12:00:00.25Z"));
        assert_eq!(w3c_datetime("30 November 2026"), None);
        assert_eq!(w3c_datetime("2026-11-30T12:00:00+01:00"), None);
        assert_eq!(w3c_datetime(""), None);
    }
}
