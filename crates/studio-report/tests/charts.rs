//! Charts: SVG and PNG of every kind, drawn with the shipped fonts.

use studio_report::{Block, charts, sample};

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
