//! Charts: SVG and PNG of every kind, drawn with the shipped fonts; their text laid out by
//! another SVG engine (usvg, with the same fonts) to check that no two labels overlap and that
//! every name is there.

mod common;

use resvg::usvg;
use studio_model::ReportTemplate;
use studio_report::{Block, Chart, ChartKind, NativeKind, build, charts, fonts, sample};

/// Every text of `svg` with its box on the canvas, as usvg lays it out with the shipped fonts.
fn text_boxes(svg: &str) -> Vec<(String, usvg::Rect)> {
    fn walk(group: &usvg::Group, out: &mut Vec<(String, usvg::Rect)>) {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => walk(g, out),
                usvg::Node::Text(t) => {
                    let text: String = t.chunks().iter().map(|c| c.text()).collect();
                    out.push((text, t.abs_bounding_box()));
                }
                _ => {}
            }
        }
    }
    let mut options = usvg::Options::default();
    for font in fonts::ALL {
        options.fontdb_mut().load_font_data(font.to_vec());
    }
    let tree = usvg::Tree::from_str(svg, &options).expect("usvg reads the chart");
    let mut out = Vec::new();
    walk(tree.root(), &mut out);
    out
}

/// Two boxes share more than a sliver (half a pixel each way).
fn overlap(a: &usvg::Rect, b: &usvg::Rect) -> bool {
    let e = 0.5;
    a.left() + e < b.right() && b.left() + e < a.right() && a.top() + e < b.bottom() && b.top() + e < a.bottom()
}

/// No two texts of the chart overlap, none leaves the canvas, and every column's full name is
/// there (a wrapped label's lines follow each other).
fn check_labels(chart: &Chart, width: u32, height: u32) {
    let svg = charts::svg(chart, &sample::brand(), width, height).unwrap();
    let boxes: Vec<(String, usvg::Rect)> = text_boxes(&svg).into_iter().filter(|(t, _)| !t.trim().is_empty()).collect();
    for (i, (a, ra)) in boxes.iter().enumerate() {
        assert!(
            ra.left() >= -0.5
                && ra.top() >= -0.5
                && ra.right() <= width as f32 + 0.5
                && ra.bottom() <= height as f32 + 0.5,
            "{} at {width}×{height}: '{a}' leaves the canvas: {ra:?}",
            chart.title
        );
        for (b, rb) in &boxes[i + 1..] {
            assert!(!overlap(ra, rb), "{} at {width}×{height}: '{a}' {ra:?} overlaps '{b}' {rb:?}", chart.title);
        }
    }
    // A bar chart names each column (a line chart's categories are ticks, some labelled).
    if chart.kind.native() != NativeKind::Bar {
        return;
    }
    // Lines joined as read: a space between them, none after a line ending in a dash.
    let all = boxes.iter().map(|(t, _)| t.trim()).collect::<Vec<_>>().join(" ").replace("– ", "–");
    for category in &chart.categories {
        assert!(all.contains(category.as_str()), "{}: the label '{category}' is whole in: {all}", chart.title);
    }
}

#[test]
fn no_two_labels_of_a_chart_overlap_and_every_category_and_series_is_named_in_full() {
    let report = build(&common::input(ReportTemplate::DetailedAnalysis)).unwrap();
    let all: Vec<&Chart> = report
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Chart(c) => Some(c),
            _ => None,
        })
        .collect();
    for chart in &all {
        check_labels(chart, charts::WIDTH, charts::HEIGHT);
    }
    // A chart of several series says which colour is which: a legend naming each main series
    // (a band's edges are explained by its line).
    for chart in &all {
        let main: Vec<&str> = chart.series.iter().filter(|s| !s.faint).map(|s| s.name.as_str()).collect();
        if main.len() < 2 {
            continue;
        }
        let svg = charts::svg(chart, &sample::brand(), charts::WIDTH, charts::HEIGHT).unwrap();
        let texts: Vec<String> = text_boxes(&svg).into_iter().map(|(t, _)| t).collect();
        for name in main {
            assert!(texts.iter().any(|t| t == name), "{}: the legend names '{name}': {texts:?}", chart.title);
        }
    }
    // The archetypes' names (as the engine makes them) wrap under their columns, also when the
    // chart is drawn narrower, or has many more of them.
    let archetypes = all.iter().find(|c| c.kind == ChartKind::Archetypes).expect("an archetype chart");
    assert!(archetypes.categories.iter().any(|c| c == "older, low income, large household"));
    check_labels(archetypes, 480, 320);
    let mut many = (*archetypes).clone();
    many.categories = (0..12).map(|k| format!("{} {k}", archetypes.categories[k % 6])).collect();
    for s in &mut many.series {
        s.values = (0..12).map(|k| Some(0.1 + 0.05 * k as f64)).collect();
    }
    check_labels(&many, charts::WIDTH, charts::HEIGHT);
}

#[test]
fn every_chart_of_the_sample_draws_as_svg_and_png() {
    let report = sample::sample();
    let mut drawn = 0;
    for chart in report.sections.iter().flat_map(|s| &s.blocks).filter_map(|b| match b {
        Block::Chart(c) => Some(c),
        _ => None,
    }) {
        let svg = charts::svg(chart, &report.brand, charts::WIDTH, charts::HEIGHT).unwrap();
        let png = charts::png(chart, &report.brand, charts::WIDTH, charts::HEIGHT).unwrap();
        if let Ok(dir) = std::env::var("CHART_DIR") {
            std::fs::write(format!("{dir}/{}.svg", chart.kind.as_str()), &svg).unwrap();
            std::fs::write(format!("{dir}/{}.png", chart.kind.as_str()), &png).unwrap();
        }
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        assert!(svg.contains("DejaVu Sans"), "the text names the shipped font");
        for category in chart.categories.iter().take(1) {
            assert!(svg.replace('\n', "").contains(&format!(">{category}</text>")), "category label {category} drawn");
        }
        assert_eq!(&png[1..4], b"PNG");
        drawn += 1;
    }
    assert_eq!(drawn, 2);
}

#[test]
fn logos_are_read_and_bad_ones_named() {
    use studio_report::{LogoFormat, ReportError, raster};
    let sample = sample::logo();
    let svg = raster::logo(sample.bytes.clone()).unwrap();
    assert_eq!((svg.format, svg.width, svg.height), (LogoFormat::Svg, 120, 40));
    assert_eq!(&svg.png[1..4], b"PNG");
    let png = raster::logo(sample.png.clone()).unwrap();
    assert_eq!((png.format, png.width, png.height), (LogoFormat::Png, 120, 40));
    let err = raster::logo(b"GIF89a....".to_vec()).unwrap_err();
    assert!(matches!(&err, ReportError::Invalid(m) if m.contains("neither a PNG nor an SVG")), "{err}");
    let err = raster::logo(b"<svg xmlns='http://www.w3.org/2000/svg'><rect".to_vec()).unwrap_err();
    assert!(matches!(&err, ReportError::Invalid(m) if m.contains("SVG cannot be read")), "{err}");
    let err = raster::logo(sample.png[..20].to_vec()).unwrap_err();
    assert!(matches!(&err, ReportError::Invalid(m) if m.contains("cut short")), "{err}");
}
