//! The report as a PowerPoint deck (PPTX, 16:9), written by hand as Office Open XML: a title
//! slide, a contents slide, then a slide or a few per section — its headline figures and key
//! points beside its main chart or table, its other charts and tables after — with the
//! section's paragraphs and how its numbers were made in the speaker notes. Charts are native
//! and editable (each with its workbook embedded), tables are native tables.
//!
//! Layout: `plan` decides the slides and where everything goes on them (measuring text with
//! the shipped fonts), `slides` draws one, `chart`, `xlsx` and `table` draw their blocks,
//! `parts` holds the fixed parts, `package` the zip and relationships.

mod chart;
mod geometry;
mod package;
mod parts;
mod plan;
mod shapes;
mod slides;
mod table;
mod xlsx;

use package::{Package, Rels, rel};
use plan::{Item, Slide};

use crate::{Chart, Report, ReportError};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

mod content_type {
    pub const PRESENTATION: &str = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml";
    pub const SLIDE: &str = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml";
    pub const SLIDE_LAYOUT: &str = "application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml";
    pub const SLIDE_MASTER: &str = "application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml";
    pub const NOTES_SLIDE: &str = "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml";
    pub const NOTES_MASTER: &str = "application/vnd.openxmlformats-officedocument.presentationml.notesMaster+xml";
    pub const PRES_PROPS: &str = "application/vnd.openxmlformats-officedocument.presentationml.presProps+xml";
    pub const VIEW_PROPS: &str = "application/vnd.openxmlformats-officedocument.presentationml.viewProps+xml";
    pub const TABLE_STYLES: &str = "application/vnd.openxmlformats-officedocument.presentationml.tableStyles+xml";
    pub const THEME: &str = "application/vnd.openxmlformats-officedocument.theme+xml";
    pub const CHART: &str = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml";
    pub const CORE: &str = "application/vnd.openxmlformats-package.core-properties+xml";
    pub const APP: &str = "application/vnd.openxmlformats-officedocument.extended-properties+xml";
    pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    pub const PNG: &str = "image/png";
}

/// The deck of `report`. The same report gives the same bytes.
pub fn pptx(report: &Report) -> Result<Vec<u8>, ReportError> {
    let logo = report.brand.logo.as_ref().filter(|l| !l.png.is_empty());
    if let Some(logo) = logo
        && !logo.png.starts_with(PNG_SIGNATURE)
    {
        return Err(ReportError::render("pptx", "the logo's picture is not a PNG"));
    }
    let slides = plan::plan(report);
    let mut package = Package::new(&[("png", content_type::PNG), ("xlsx", content_type::XLSX)]);

    let mut root = Rels::default();
    root.add(rel::OFFICE_DOCUMENT, "ppt/presentation.xml");
    root.add_uri(
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
        "docProps/core.xml",
    );
    root.add(rel::EXTENDED_PROPERTIES, "docProps/app.xml");
    package.add_rels("", &root);

    // The presentation's relationships: rId1 master, rId2 notes master, rId3… the slides.
    let mut presentation = Rels::default();
    presentation.add(rel::SLIDE_MASTER, "slideMasters/slideMaster1.xml");
    presentation.add(rel::NOTES_MASTER, "notesMasters/notesMaster1.xml");
    for k in 1..=slides.len() {
        presentation.add(rel::SLIDE, format!("slides/slide{k}.xml"));
    }
    presentation.add(rel::PRES_PROPS, "presProps.xml");
    presentation.add(rel::VIEW_PROPS, "viewProps.xml");
    presentation.add(rel::THEME, "theme/theme1.xml");
    presentation.add(rel::TABLE_STYLES, "tableStyles.xml");
    package.add("ppt/presentation.xml", Some(content_type::PRESENTATION), parts::presentation(slides.len()));
    package.add_rels("ppt/presentation.xml", &presentation);

    let mut master = Rels::default();
    master.add(rel::SLIDE_LAYOUT, "../slideLayouts/slideLayout1.xml");
    master.add(rel::SLIDE_LAYOUT, "../slideLayouts/slideLayout2.xml");
    master.add(rel::THEME, "../theme/theme1.xml");
    let logo_rid = logo.map(|_| master.add(rel::IMAGE, "../media/image1.png"));
    let master_logo = logo.zip(logo_rid.as_deref());
    package.add(
        "ppt/slideMasters/slideMaster1.xml",
        Some(content_type::SLIDE_MASTER),
        parts::master(report, master_logo),
    );
    package.add_rels("ppt/slideMasters/slideMaster1.xml", &master);
    for (k, layout) in [parts::title_layout(), parts::title_only_layout()].into_iter().enumerate() {
        let name = format!("ppt/slideLayouts/slideLayout{}.xml", k + 1);
        let mut rels = Rels::default();
        rels.add(rel::SLIDE_MASTER, "../slideMasters/slideMaster1.xml");
        package.add(name.clone(), Some(content_type::SLIDE_LAYOUT), layout);
        package.add_rels(&name, &rels);
    }
    let theme = parts::theme(&report.brand);
    package.add("ppt/theme/theme1.xml", Some(content_type::THEME), theme.clone());
    package.add("ppt/theme/theme2.xml", Some(content_type::THEME), theme);
    package.add("ppt/notesMasters/notesMaster1.xml", Some(content_type::NOTES_MASTER), parts::notes_master());
    let mut notes_master = Rels::default();
    notes_master.add(rel::THEME, "../theme/theme2.xml");
    package.add_rels("ppt/notesMasters/notesMaster1.xml", &notes_master);
    package.add("ppt/presProps.xml", Some(content_type::PRES_PROPS), parts::pres_props());
    package.add("ppt/viewProps.xml", Some(content_type::VIEW_PROPS), parts::view_props());
    package.add("ppt/tableStyles.xml", Some(content_type::TABLE_STYLES), parts::table_styles());
    if let Some(logo) = logo {
        package.add("ppt/media/image1.png", None, logo.png.clone());
    }

    let mut charts = 0;
    let mut figures = 0;
    let mut notes = 0;
    for (k, slide) in slides.iter().enumerate() {
        let name = format!("ppt/slides/slide{}.xml", k + 1);
        let mut rels = Rels::default();
        let layout = if matches!(slide, Slide::Title) { 1 } else { 2 };
        rels.add(rel::SLIDE_LAYOUT, format!("../slideLayouts/slideLayout{layout}.xml"));
        match slide {
            Slide::Content(content) => {
                let slide_charts = content.items.iter().filter_map(|(frame, item)| match item {
                    Item::Chart { chart, keyed } => Some((*chart, *keyed, frame.w)),
                    _ => None,
                });
                for (k, (chart, keyed, width)) in slide_charts.enumerate() {
                    charts += 1;
                    let rid = rels.add(rel::CHART, format!("../charts/chart{charts}.xml"));
                    debug_assert_eq!(rid, slides::media_rid(k));
                    let numbered;
                    let chart = if keyed {
                        numbered = numbered_categories(chart);
                        &numbered
                    } else {
                        chart
                    };
                    let part = format!("ppt/charts/chart{charts}.xml");
                    let workbook = format!("Microsoft_Excel_Worksheet{charts}.xlsx");
                    package.add(
                        part.clone(),
                        Some(content_type::CHART),
                        chart::chart_space(chart, &report.brand, width),
                    );
                    let mut chart_rels = Rels::default();
                    chart_rels.add(rel::PACKAGE, format!("../embeddings/{workbook}"));
                    package.add_rels(&part, &chart_rels);
                    package.add(format!("ppt/embeddings/{workbook}"), None, xlsx::workbook(chart)?);
                }
                let slide_figures = content.items.iter().filter_map(|(_, item)| match item {
                    Item::Figure(figure) => Some(*figure),
                    _ => None,
                });
                for figure in slide_figures {
                    figures += 1;
                    rels.add(rel::IMAGE, format!("../media/figure{figures}.png"));
                    let (png, _, _) = crate::raster::svg_png(&figure.svg, 2000)?;
                    package.add(format!("ppt/media/figure{figures}.png"), None, png);
                }
            }
            Slide::Title if logo.is_some() => {
                let rid = rels.add(rel::IMAGE, "../media/image1.png");
                debug_assert_eq!(rid, slides::media_rid(0));
            }
            _ => {}
        }
        let text = slides::notes(report, slide);
        if !text.is_empty() {
            notes += 1;
            let notes_name = format!("ppt/notesSlides/notesSlide{}.xml", k + 1);
            rels.add(rel::NOTES_SLIDE, format!("../notesSlides/notesSlide{}.xml", k + 1));
            let mut notes_rels = Rels::default();
            notes_rels.add(rel::NOTES_MASTER, "../notesMasters/notesMaster1.xml");
            notes_rels.add(rel::SLIDE, format!("../slides/slide{}.xml", k + 1));
            package.add(notes_name.clone(), Some(content_type::NOTES_SLIDE), parts::notes_slide(&text, &report.brand));
            package.add_rels(&notes_name, &notes_rels);
        }
        package.add(name.clone(), Some(content_type::SLIDE), slides::slide(report, slide));
        package.add_rels(&name, &rels);
    }

    package.add("docProps/core.xml", Some(content_type::CORE), parts::core(report));
    package.add("docProps/app.xml", Some(content_type::APP), parts::app(slides.len(), notes));
    package.zip("pptx")
}

/// The chart with its categories numbered 1, 2, …: for names too long for its axis, which the
/// slide then names in a key.
fn numbered_categories(chart: &Chart) -> Chart {
    Chart { categories: (1..=chart.categories.len()).map(|k| k.to_string()).collect(), ..chart.clone() }
}
