//! The PPTX renderer, read back by real readers: python-pptx (titles, chart data, tables,
//! speaker notes) and LibreOffice (the deck converts to a PDF with a page per slide). Both must
//! be installed: a missing reader fails the test with how to install it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;
use studio_report::{Block, Chart, ChartKind, Report, Rgb, Section, Series, pptx, sample};

/// The slides the report implies: the title, the contents (when asked for), then per section one
/// slide per run of text blocks, one per chart and one per 12 rows of each table (the sample's
/// texts fit a slide and its table rows are one line each); a section without blocks has one.
fn expected_slides(report: &Report) -> usize {
    let mut slides = 1;
    if report.contents_page && !report.sections.is_empty() {
        let lines = report.sections.len() + usize::from(report.sections.iter().any(|s| s.appendix));
        slides += lines.div_ceil(12);
    }
    for section in &report.sections {
        let (mut count, mut in_text) = (0, false);
        for block in &section.blocks {
            match block {
                Block::Chart(_) => (count, in_text) = (count + 1, false),
                Block::Table(t) => (count, in_text) = (count + t.rows.len().div_ceil(12).max(1), false),
                _ if !in_text => (count, in_text) = (count + 1, true),
                _ => {}
            }
        }
        slides += count.max(1);
    }
    slides
}

fn charts(report: &Report) -> Vec<&Chart> {
    report
        .sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter_map(|b| match b {
            Block::Chart(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn write(dir: &Path, name: &str, report: &Report) -> PathBuf {
    let bytes = pptx::pptx(report).expect("the deck renders");
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// What `tests/read_pptx.py` reads from the deck at `path`.
fn read_with_python_pptx(path: &Path) -> Value {
    let probe = Command::new("python3").args(["-c", "import pptx"]).output();
    match probe {
        Err(e) => panic!("python3 is not installed ({e}): install Python 3, then `pip install python-pptx`"),
        Ok(out) if !out.status.success() => {
            panic!("python-pptx is not installed: `pip install python-pptx`\n{}", String::from_utf8_lossy(&out.stderr))
        }
        Ok(_) => {}
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/read_pptx.py");
    let out = Command::new("python3").arg(script).arg(path).output().expect("python3 runs");
    assert!(out.status.success(), "python-pptx could not read the deck:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the reader prints JSON")
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

fn round(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

/// The chart as python-pptx read it has the report chart's title, categories, series and
/// values (to 1e-9, gaps as gaps), and its embedded workbook holds the same numbers.
fn check_chart(read: &Value, chart: &Chart) {
    assert_eq!(text(&read["title"]), chart.title);
    let plots = read["plots"].as_array().unwrap();
    let series: Vec<&Value> = plots.iter().flat_map(|p| p["series"].as_array().unwrap()).collect();
    assert_eq!(series.len(), chart.series.len(), "every series of {} is in the chart", chart.title);
    for plot in plots {
        let categories: Vec<&str> = plot["categories"].as_array().unwrap().iter().map(text).collect();
        assert_eq!(categories, chart.categories, "categories of {}", chart.title);
    }
    let workbook = read["workbook"].as_object().expect("the chart embeds its workbook");
    for (i, expected) in chart.series.iter().enumerate() {
        let found = series
            .iter()
            .find(|s| text(&s["name"]) == expected.name)
            .unwrap_or_else(|| panic!("series {}", expected.name));
        let values: Vec<Option<f64>> =
            found["values"].as_array().unwrap().iter().map(|v| v.as_f64().map(round)).collect();
        let wanted: Vec<Option<f64>> = expected.values.iter().map(|v| v.map(round)).collect();
        assert_eq!(values, wanted, "values of {}", expected.name);
        let column = char::from(b'B' + i as u8);
        assert_eq!(workbook[&format!("{column}1")].as_str(), Some(expected.name.as_str()));
        for (row, value) in expected.values.iter().enumerate() {
            let cell = workbook
                .get(&format!("{column}{}", row + 2))
                .and_then(|v| v.as_str())
                .map(|v| round(v.parse().unwrap()));
            assert_eq!(cell, value.map(round), "workbook cell {column}{}", row + 2);
        }
    }
    for (row, category) in chart.categories.iter().enumerate() {
        assert_eq!(workbook[&format!("A{}", row + 2)].as_str(), Some(category.as_str()));
    }
    if chart.percent {
        assert_eq!(text(&read["value_format"]), "0%");
    }
    assert_eq!(text(&read["value_title"]), chart.y_label);
}

#[test]
fn python_pptx_reads_the_titles_charts_tables_and_notes_of_the_sample() {
    let report = sample::sample();
    let dir = tempfile::tempdir().unwrap();
    let deck = read_with_python_pptx(&write(dir.path(), "sample.pptx", &report));
    let slides = deck["slides"].as_array().unwrap();

    assert_eq!(slides.len(), expected_slides(&report));
    assert_eq!((deck["width_in"].as_f64(), deck["height_in"].as_f64()), (Some(12192000.0 / 914400.0), Some(7.5)));
    assert_eq!(text(&deck["title"]), report.title);

    let first = &slides[0];
    assert_eq!(text(&first["title"]), report.title);
    let first_texts: Vec<&str> = first["texts"].as_array().unwrap().iter().map(text).collect();
    assert!(first_texts.contains(&report.subtitle.as_str()), "{first_texts:?}");
    assert!(first_texts.contains(&report.stale_notice.as_deref().unwrap()));
    assert!(first_texts.contains(&"[picture image/png]"), "the logo is on the title slide");
    let provenance = first_texts.iter().find(|t| t.starts_with("Project ")).expect("a provenance line");
    assert!(
        provenance.contains(&report.provenance.project_id)
            && provenance.contains("version 3")
            && provenance.contains("engine 0.1.0")
    );

    let titles: Vec<&str> = slides.iter().map(|s| text(&s["title"])).collect();
    for section in &report.sections {
        assert!(titles.contains(&section.title.as_str()), "a slide is titled {}: {titles:?}", section.title);
    }

    // Text as written: the paragraph with markup characters, the headlines, the annotation.
    let summary = slides.iter().find(|s| text(&s["title"]) == "Summary").unwrap();
    let summary_text = summary["texts"].as_array().unwrap().iter().map(text).collect::<Vec<_>>().join("\n");
    for needle in [
        "<angle> & \"quotes\", #hash, $dollar",
        "40.0%",
        "90% interval 35.0%–45.0%",
        "Prices drive adoption most.",
        "Ana: Check the price series",
    ] {
        assert!(summary_text.contains(needle), "{needle} in {summary_text}");
    }

    let read_charts: Vec<&Value> = slides.iter().flat_map(|s| s["charts"].as_array().unwrap()).collect();
    let report_charts = charts(&report);
    assert_eq!(read_charts.len(), report_charts.len());
    for (read, chart) in read_charts.iter().zip(&report_charts) {
        check_chart(read, chart);
    }
    assert_eq!(text(&read_charts[0]["plots"][0]["kind"]), "LinePlot");
    assert_eq!(text(&read_charts[1]["plots"][0]["kind"]), "BarPlot");

    // Tables: the header on every slide, the 80 rows across 7 slides, in order.
    let every_tick: Vec<&Value> = slides.iter().filter(|s| text(&s["title"]) == "Every tick").collect();
    assert_eq!(every_tick.len(), 7);
    let Block::Table(long) = &report.sections[2].blocks[0] else { panic!("the sample's long table") };
    let mut rows = Vec::new();
    for (k, slide) in every_tick.iter().enumerate() {
        let table = &slide["tables"][0];
        let cells: Vec<Vec<String>> = serde_json::from_value(table.clone()).unwrap();
        assert_eq!(cells[0], long.header);
        assert!(cells.len() <= 13);
        rows.extend(cells.into_iter().skip(1));
        let continued = slide["texts"].as_array().unwrap().iter().any(|t| text(t).ends_with("(continued)"));
        assert_eq!(continued, k > 0, "slide {k} of the long table says (continued)");
    }
    assert_eq!(rows, long.rows);

    // Speaker notes: each section's notes on its slides.
    for section in &report.sections {
        let slide = slides.iter().find(|s| text(&s["title"]) == section.title).unwrap();
        assert_eq!(text(&slide["notes"]), section.notes, "notes of {}", section.title);
    }
    let methodology = slides.iter().find(|s| text(&s["title"]) == "Methodology").unwrap();
    assert!(methodology["texts"].as_array().unwrap().iter().any(|t| text(t) == "APPENDIX"));
}

/// A report unlike the sample: no logo, no notice, no contents page; a comparison chart (columns
/// with whiskers from faint series, observation points), gaps and a NaN in a series, control
/// characters, an empty section and long text that continues on a second slide.
fn unusual_report() -> Report {
    let mut report = sample::sample();
    report.brand.logo = None;
    report.stale_notice = None;
    report.contents_page = false;
    let color = Rgb(0x1f, 0x77, 0xb4);
    let series = |name: &str, values: Vec<Option<f64>>, faint: bool, points: bool| Series {
        name: name.into(),
        values,
        color,
        faint,
        points,
    };
    let comparison = Chart {
        kind: ChartKind::Comparison,
        title: "Final adoption & its 90% interval".into(),
        source: "runs <a> & <b>".into(),
        x_label: "scenario".into(),
        y_label: "share".into(),
        percent: false,
        categories: vec!["Baseline".into(), "Prices \"fall\"".into(), "Subsidy".into()],
        series: vec![
            series("p5", vec![Some(0.35), Some(0.4), None], true, false),
            series("mean", vec![Some(0.4), Some(f64::NAN), Some(0.5)], false, false),
            series("p95", vec![Some(0.45), Some(0.5), Some(0.55)], true, false),
            series("observed", vec![None, Some(0.47), None], false, true),
        ],
    };
    let long = "A long paragraph that goes on. ".repeat(30);
    report.sections = vec![
        Section {
            id: "results".into(),
            title: "Results\u{1} & <more>".into(),
            blocks: vec![
                Block::Chart(comparison),
                Block::Paragraph { text: long.clone() },
                Block::Paragraph { text: long },
            ],
            appendix: false,
            notes: "Line one\nLine two".into(),
        },
        Section { id: "empty".into(), title: "Empty".into(), blocks: vec![], appendix: true, notes: String::new() },
    ];
    report
}

#[test]
fn python_pptx_reads_an_unusual_report() {
    let report = unusual_report();
    let dir = tempfile::tempdir().unwrap();
    let deck = read_with_python_pptx(&write(dir.path(), "unusual.pptx", &report));
    let slides = deck["slides"].as_array().unwrap();
    let titles: Vec<&str> = slides.iter().map(|s| text(&s["title"])).collect();
    assert_eq!(
        titles,
        [report.title.as_str(), "Results & <more>", "Results & <more>", "Results & <more> (continued)", "Empty"]
    );
    assert!(!slides[0]["texts"].as_array().unwrap().iter().any(|t| text(t).starts_with("[picture")));
    let chart = &slides[1]["charts"][0];
    let kinds: Vec<&str> = chart["plots"].as_array().unwrap().iter().map(|p| text(&p["kind"])).collect();
    assert_eq!(kinds, ["BarPlot", "LinePlot"], "columns, with band edges and points drawn over them");
    let mut cleaned = charts(&report)[0].clone();
    cleaned.series[1].values[1] = None; // NaN is a gap
    check_chart(chart, &cleaned);
    assert_eq!(text(&slides[1]["notes"]), "Line one\nLine two");
    assert!(slides[4]["notes"].is_null());
}

fn require(program: &str, install: &str) {
    if let Err(e) = Command::new(program).arg("--version").output() {
        panic!("{program} is not installed ({e}): {install}");
    }
}

#[test]
fn libreoffice_converts_every_slide_to_a_pdf_page() {
    require("soffice", "install LibreOffice Impress (Debian: apt-get install libreoffice-impress-nogui)");
    require("pdfinfo", "install poppler (Debian: apt-get install poppler-utils)");
    let dir = tempfile::tempdir().unwrap();
    let reports = [("sample", sample::sample()), ("unusual", unusual_report())];
    let decks: Vec<PathBuf> = reports.iter().map(|(name, r)| write(dir.path(), &format!("{name}.pptx"), r)).collect();
    // A private profile, so tests running at the same time do not share LibreOffice's lock.
    let profile = format!("file://{}", dir.path().join("profile").display());
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .args(&decks)
        .output()
        .expect("soffice runs");
    assert!(
        out.status.success(),
        "soffice failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, report) in &reports {
        let pdf = dir.path().join(format!("{name}.pdf"));
        assert!(pdf.exists(), "soffice wrote no {name}.pdf:\n{}", String::from_utf8_lossy(&out.stderr));
        if let Ok(keep) = std::env::var("PPTX_DIR") {
            std::fs::copy(&pdf, Path::new(&keep).join(format!("{name}.pdf"))).unwrap();
            std::fs::copy(dir.path().join(format!("{name}.pptx")), Path::new(&keep).join(format!("{name}.pptx")))
                .unwrap();
        }
        let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo runs");
        let info = String::from_utf8_lossy(&info.stdout);
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("pdfinfo gives the page count:\n{info}"));
        let expected = if *name == "sample" { expected_slides(report) } else { 5 };
        assert_eq!(pages, expected, "{name}: a PDF page per slide");
    }
}

#[test]
fn the_same_report_gives_the_same_bytes() {
    let report = sample::sample();
    assert_eq!(pptx::pptx(&report).unwrap(), pptx::pptx(&report).unwrap());
}

#[test]
fn a_logo_that_is_not_a_png_is_refused() {
    let mut report = sample::sample();
    if let Some(logo) = report.brand.logo.as_mut() {
        logo.png = b"<svg/>".to_vec();
    }
    assert!(pptx::pptx(&report).is_err());
}

/// `cargo test -p studio-report --test pptx rendering_time -- --nocapture` (add `--release`).
#[test]
fn rendering_time_and_size_of_the_sample() {
    let report = sample::sample();
    let start = Instant::now();
    let runs = 10;
    let mut size = 0;
    for _ in 0..runs {
        size = pptx::pptx(&report).unwrap().len();
    }
    let each = start.elapsed() / runs;
    println!("pptx of the sample: {} slides, {size} bytes, {each:?} per render", expected_slides(&report));
    assert!(size < 500_000, "{size} bytes");
}
