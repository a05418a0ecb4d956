//! The PPTX renderer, read back by real readers: python-pptx (titles, chart data, tables,
//! speaker notes, each shape's frame) and LibreOffice (the deck converts to a PDF with a page
//! per slide, whose words poppler places). All must be installed: a missing reader fails the
//! test with how to install it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;
use studio_model::ReportTemplate;
use studio_report::{Block, Chart, ChartKind, Report, Rgb, Section, Series, build, pptx, sample};

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

    // Title, contents, then the summary, the results' fan and their table with the archetype
    // chart, the long table's slides and the methodology.
    assert!(slides.len() >= 7 && slides.len() <= 14, "{} slides", slides.len());
    assert_eq!((deck["width_in"].as_f64(), deck["height_in"].as_f64()), (Some(12192000.0 / 914400.0), Some(7.5)));
    assert_eq!(text(&deck["title"]), report.title);

    let first = &slides[0];
    assert_eq!(text(&first["title"]), report.title);
    let first_texts: Vec<&str> = first["texts"].as_array().unwrap().iter().map(text).collect();
    assert!(first_texts.contains(&report.subtitle.as_str()), "{first_texts:?}");
    // The answer to the question and the stale notice: one box, a paragraph each.
    let said = format!("{}\n{}", report.answer.as_deref().unwrap(), report.stale_notice.as_deref().unwrap());
    assert!(first_texts.contains(&said.as_str()), "{first_texts:?}");
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
    for chart in &report_charts {
        let read = read_charts.iter().find(|c| text(&c["title"]) == chart.title).expect("the chart is in the deck");
        check_chart(read, chart);
    }
    assert_eq!(text(&read_charts[0]["plots"][0]["kind"]), "LinePlot");
    assert_eq!(text(&read_charts[1]["plots"][0]["kind"]), "BarPlot");

    // Tables: the header on every slide, the 80 rows across slides of a fair share each, in
    // order, the slides after the first saying "(continued)".
    let Block::Table(long) = &report.sections[2].blocks[0] else { panic!("the sample's long table") };
    let every_tick: Vec<&Value> = slides.iter().filter(|s| text(&s["title"]) == "Every tick").collect();
    assert!(every_tick.len() >= 3 && every_tick.len() <= 7, "{} slides of 80 rows", every_tick.len());
    let mut rows = Vec::new();
    for (k, slide) in every_tick.iter().enumerate() {
        let table = &slide["tables"][0];
        let cells: Vec<Vec<String>> = serde_json::from_value(table.clone()).unwrap();
        assert_eq!(cells[0], long.header);
        assert!(cells.len() > 10 || k == every_tick.len() - 1, "slide {k}: {} rows", cells.len() - 1);
        rows.extend(cells.into_iter().skip(1));
        let continued = slide["texts"].as_array().unwrap().iter().any(|t| text(t).ends_with("(continued)"));
        assert_eq!(continued, k > 0, "slide {k} of the long table says (continued)");
    }
    assert_eq!(rows, long.rows);

    // Speaker notes: each section's notes on its first slide, after what the slide leaves out.
    for section in &report.sections {
        let slide = slides.iter().find(|s| text(&s["title"]) == section.title).unwrap();
        assert!(text(&slide["notes"]).ends_with(&section.notes), "notes of {}", section.title);
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
    assert_eq!(titles, [report.title.as_str(), "Results & <more>", "Empty"], "one slide a section");
    assert!(!slides[0]["texts"].as_array().unwrap().iter().any(|t| text(t).starts_with("[picture")));
    let chart = &slides[1]["charts"][0];
    let kinds: Vec<&str> = chart["plots"].as_array().unwrap().iter().map(|p| text(&p["kind"])).collect();
    assert_eq!(kinds, ["BarPlot", "LinePlot"], "columns, with band edges and points drawn over them");
    let mut cleaned = charts(&report)[0].clone();
    cleaned.series[1].values[1] = None; // NaN is a gap
    check_chart(chart, &cleaned);
    // The two long paragraphs are the speaker notes, before the section's own.
    let long = "A long paragraph that goes on. ".repeat(30);
    assert_eq!(text(&slides[1]["notes"]), format!("{0}\n\n{0}\n\nLine one\nLine two", long.trim()));
    assert!(slides[2]["notes"].is_null());
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
    for (name, _) in &reports {
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
        let expected =
            read_with_python_pptx(&dir.path().join(format!("{name}.pptx")))["slides"].as_array().map_or(0, Vec::len);
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
    println!("pptx of the sample: {size} bytes, {each:?} per render");
    assert!(size < 500_000, "{size} bytes");
}

/// A word LibreOffice drew, in points from its page's top left corner.
#[derive(Debug)]
struct Word {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

/// `deck` converted to PDF by LibreOffice (in a private profile), then each page's size and
/// words as poppler places them (`pdftotext -bbox-layout`).
fn rendered_words(dir: &Path, deck: &Path) -> Vec<((f64, f64), Vec<Word>)> {
    require("soffice", "install LibreOffice Impress (Debian: apt-get install libreoffice-impress-nogui)");
    require("pdftotext", "install poppler (Debian: apt-get install poppler-utils)");
    let profile = format!("file://{}", dir.join("profile").display());
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(deck)
        .output()
        .expect("soffice runs");
    assert!(out.status.success(), "soffice failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let pdf = deck.with_extension("pdf");
    if let Ok(keep) = std::env::var("PPTX_DIR") {
        std::fs::copy(&pdf, Path::new(&keep).join(pdf.file_name().unwrap())).unwrap();
    }
    let out = Command::new("pdftotext").arg("-bbox-layout").arg(&pdf).arg("-").output().expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    let html = String::from_utf8_lossy(&out.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).map(|i| i + name.len() + 2).expect("the attribute");
        tag[start..].split('"').next().and_then(|v| v.parse().ok()).expect("a number")
    };
    let unescape = |t: &str| {
        t.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&apos;", "'")
            .replace("&amp;", "&")
    };
    let mut pages = Vec::new();
    for page in html.split("<page ").skip(1) {
        let head = &page[..page.find('>').unwrap_or(0)];
        let size = (attr(head, "width"), attr(head, "height"));
        let mut words = Vec::new();
        for chunk in page.split("<word ").skip(1) {
            let (tag, rest) = chunk.split_once('>').expect("a word tag");
            let text = rest.split("</word>").next().unwrap_or("");
            let word = Word {
                text: unescape(text),
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
            };
            words.push(word);
        }
        pages.push((size, words));
    }
    pages
}

/// Text as a frame holds it and as the PDF shows it: no zero-width spaces, no-break spaces
/// and line breaks as spaces.
fn normal(text: &str) -> String {
    text.replace('\u{200b}', "").replace(['\u{a0}', '\u{b}', '\n'], " ")
}

/// Whether `frame` (from `tests/read_pptx.py`) could have drawn `word`: the word is part of its
/// text, or a bullet of a text box, a tick value of a chart, or the master's slide number.
fn holds(frame: &Value, word: &str) -> bool {
    let kind = text(&frame["kind"]);
    let own = normal(text(&frame["text"]));
    let word = normal(word);
    let numeric = |w: &str| w.chars().all(|c| c.is_ascii_digit() || ".,%-−".contains(c));
    match kind {
        "text" if word == "•" => true,
        "text" if own.contains("‹#›") => word.chars().all(|c| c.is_ascii_digit()),
        "chart" if numeric(&word) => true,
        _ => word.split_whitespace().all(|w| own.contains(w)),
    }
}

/// `word` lies within `frame`, give or take `slack` points.
fn within(word: &Word, frame: &Value, slack: f64) -> bool {
    let f = |k: &str| frame[k].as_f64().unwrap_or(0.0);
    let (x, y, w, h) = (f("x"), f("y"), f("w"), f("h"));
    word.x0 >= x - slack && word.x1 <= x + w + slack && word.y0 >= y - slack && word.y1 <= y + h + slack
}

/// Where LibreOffice drew each word of `deck` against the frames python-pptx reads: every word
/// on its slide and inside the frame of a shape that holds it (a word below its frame is text
/// that ran over, a word nowhere is text drawn where it was not put), and no two words on top
/// of each other. The problems found, one a line.
fn frame_problems(dir: &Path, path: &Path, slides: &[Value]) -> Vec<String> {
    let pages = rendered_words(dir, path);
    assert_eq!(pages.len(), slides.len(), "a page per slide");
    let mut problems = Vec::new();
    for (k, (((width, height), words), slide)) in pages.iter().zip(slides).enumerate() {
        let n = k + 1;
        let frames = slide["frames"].as_array().unwrap();
        for w in words {
            if w.x0 < -1.0 || w.y0 < -1.0 || w.x1 > width + 1.0 || w.y1 > height + 1.0 {
                problems.push(format!("slide {n}: '{}' leaves the slide: {w:?}", w.text));
            } else if !frames.iter().any(|f| within(w, f, 2.0) && holds(f, &w.text)) {
                let near: Vec<String> = frames
                    .iter()
                    .filter(|f| holds(f, &w.text))
                    .map(|f| {
                        let n = |k: &str| f[k].as_f64().unwrap_or(0.0);
                        format!("{} {:.0},{:.0} {:.0}×{:.0}", text(&f["name"]), n("x"), n("y"), n("w"), n("h"))
                    })
                    .collect();
                problems.push(format!(
                    "slide {n}: '{}' at {:.0},{:.0}–{:.0},{:.0} is outside the frames holding it: {near:?}",
                    w.text, w.x0, w.y0, w.x1, w.y1
                ));
            }
        }
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                let across = a.x1.min(b.x1) - a.x0.max(b.x0);
                let down = a.y1.min(b.y1) - a.y0.max(b.y0);
                if across > 1.0 && down > 0.5 * (a.y1 - a.y0).min(b.y1 - b.y0) {
                    problems.push(format!("slide {n}: '{}' and '{}' overlap: {a:?} {b:?}", a.text, b.text));
                }
            }
        }
    }
    problems
}

/// The detailed report (13 sections, 3 scenarios) as a deck: at most 20 slides, every word of
/// them drawn inside its frame by LibreOffice, and the archetype chart's names whole.
#[test]
fn the_detailed_deck_has_at_most_twenty_slides_and_every_word_inside_its_frame() {
    let report = build(&common::input(ReportTemplate::DetailedAnalysis)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "detailed.pptx", &report);
    let deck = read_with_python_pptx(&path);
    let slides = deck["slides"].as_array().unwrap();
    assert!(slides.len() <= 20, "{} slides for {} sections", slides.len(), report.sections.len());
    let problems = frame_problems(dir.path(), &path, slides);
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    // The causal graph: a picture on a methodology slide, which python-pptx reads as a PNG.
    let pictured = slides.iter().any(|s| {
        s["frames"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| text(&f["kind"]) == "picture" && text(&f["name"]).starts_with("The model as a causal graph"))
    });
    assert!(pictured, "the causal graph is a picture in the deck");

    // The archetype chart: every name drawn whole inside it, word for word.
    let chart = charts(&report).into_iter().find(|c| c.kind == ChartKind::Archetypes).unwrap();
    let (k, frame) = slides
        .iter()
        .enumerate()
        .find_map(|(k, s)| {
            let frames = s["frames"].as_array().unwrap();
            let found =
                frames.iter().find(|f| text(&f["kind"]) == "chart" && text(&f["text"]).starts_with(&chart.title));
            found.map(|f| (k, f))
        })
        .expect("a slide with the archetype chart");
    let pages = rendered_words(dir.path(), &path);
    let inside: Vec<String> = pages[k].1.iter().filter(|w| within(w, frame, 2.0)).map(|w| normal(&w.text)).collect();
    let drawn = inside.join(" ");
    for category in &chart.categories {
        assert!(drawn.contains(category.as_str()), "'{category}' whole in the chart: {drawn}");
    }
}

/// The sample's deck (a table of 80 rows over several slides, text with markup characters, a
/// logo) and a deck of long texts: every word inside its frame too.
#[test]
fn every_word_of_the_sample_and_of_long_texts_is_inside_its_frame() {
    let mut long = sample::sample();
    let words = "Adoption depends on prices, subsidies and the neighbours who already own one. ";
    long.title = words.repeat(3).trim().to_string();
    long.stale_notice = Some(words.repeat(4).trim().to_string());
    long.sections[0].title = "A section title long enough to need a second line on its slide".into();
    long.sections[0].blocks.push(Block::Bullets { items: vec![words.repeat(3); 6] });
    long.sections[0].blocks.push(Block::Annotation { author: "Ana".into(), text: words.repeat(2) });
    let dir = tempfile::tempdir().unwrap();
    for (name, report) in [("sample", sample::sample()), ("long", long)] {
        let path = write(dir.path(), &format!("{name}.pptx"), &report);
        let deck = read_with_python_pptx(&path);
        let problems = frame_problems(dir.path(), &path, deck["slides"].as_array().unwrap());
        assert!(problems.is_empty(), "{name}: {} problems:\n{}", problems.len(), problems.join("\n"));
    }
}

/// Text a slide has no room for is in the slide's speaker notes, in order: the paragraphs of a
/// section with a chart, and the points beyond its column.
#[test]
fn text_that_leaves_a_slide_is_in_its_speaker_notes() {
    let mut report = sample::sample();
    let long = "This paragraph explains the chart at length, with every caveat the analyst wanted. ".repeat(12);
    let bullets: Vec<String> =
        (1..=14).map(|k| format!("Point {k}: a finding that takes a line or two of the column.")).collect();
    report.sections = vec![Section {
        id: "results".into(),
        title: "Results".into(),
        blocks: vec![
            Block::Paragraph { text: long.clone() },
            Block::Chart(sample::fan(2, 20)),
            Block::Bullets { items: bullets.clone() },
        ],
        appendix: false,
        notes: "How the numbers were made.".into(),
    }];
    let dir = tempfile::tempdir().unwrap();
    let deck = read_with_python_pptx(&write(dir.path(), "notes.pptx", &report));
    let slides = deck["slides"].as_array().unwrap();
    let results: Vec<&Value> = slides.iter().filter(|s| text(&s["title"]) == "Results").collect();
    assert_eq!(results.len(), 1, "one slide: the chart and its points");
    let notes = text(&results[0]["notes"]);
    assert!(notes.starts_with(long.trim()), "the paragraph opens the notes: {notes}");
    assert!(notes.ends_with("How the numbers were made."), "{notes}");
    let shown = results[0]["texts"].as_array().unwrap().iter().map(text).collect::<Vec<_>>().join("\n");
    assert!(!shown.contains("explains the chart"), "the paragraph is not on the slide");
    let mut on_slide = 0;
    for b in &bullets {
        match (shown.contains(b.as_str()), notes.contains(&format!("• {b}"))) {
            (true, false) => on_slide += 1,
            (false, true) => {}
            other => panic!("'{b}' is on the slide or in the notes, once: {other:?}"),
        }
    }
    assert!(on_slide >= 3 && on_slide < bullets.len(), "{on_slide} points beside the chart, the rest in the notes");
}
