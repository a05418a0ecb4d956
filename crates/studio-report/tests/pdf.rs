//! The PDF renderer, checked with the real PDF tools (poppler-utils, qpdf) as a reader would:
//! pages, text, structure, embedded fonts, where each word is drawn.

mod common;

use std::path::Path;
use std::process::Command;

use studio_model::ReportTemplate;
use studio_report::{Block, LogoFormat, Report, Table, build, pdf, sample};

/// Runs `tool` with `args` and returns whether it succeeded and its output; fails naming the
/// Debian package that provides the tool when it is missing.
fn run(tool: &str, package: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{tool}` could not run ({e}): install the Debian package {package}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.success(), format!("{stdout}{}", if output.status.success() { "" } else { &stderr }))
}

/// The report's PDF written in `dir` as `name` (and in `$PDF_DIR` when set, to look at); its path.
fn write_pdf(report: &Report, dir: &Path, name: &str) -> String {
    let bytes = pdf::pdf(report).expect("the report renders");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF header");
    let file = dir.join(name);
    std::fs::write(&file, &bytes).unwrap();
    if let Ok(out) = std::env::var("PDF_DIR") {
        std::fs::write(Path::new(&out).join(name), &bytes).unwrap();
    }
    file.to_str().expect("a UTF-8 temp path").to_string()
}

/// The PDF's text, pages separated by form feeds, as pdftotext reads it.
fn text_of(file: &str) -> String {
    let (ok, raw) = run("pdftotext", "poppler-utils", &["-raw", file, "-"]);
    assert!(ok, "pdftotext: {raw}");
    raw
}

/// Lines wrap where the layout says: compare text with runs of white space as one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_sample_reads_as_a_report_in_the_pdf_tools() {
    let dir = tempfile::tempdir().unwrap();
    let report = sample::sample();
    let file = write_pdf(&report, dir.path(), "sample.pdf");

    let (ok, info) = run("pdfinfo", "poppler-utils", &[&file]);
    assert!(ok, "pdfinfo: {info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"));
    assert!(pages >= 4, "title, contents and sections: {pages} pages");
    assert!(info.contains("(A4)"), "A4 pages: {info}");

    let raw = text_of(&file);
    let text = flat(&raw);
    let mut expected = vec![report.title.clone(), "40.0%".into(), "45.0%".into(), "page 2 of".into()];
    expected.extend(report.sections.iter().map(|s| s.title.clone()));
    for block in report.sections.iter().flat_map(|s| &s.blocks) {
        match block {
            Block::Chart(c) => expected.extend([c.title.clone(), c.source.clone()]),
            Block::Table(t) => expected.extend([t.caption.clone(), t.source.clone()]),
            _ => {}
        }
    }
    expected.push("<angle> & \"quotes\", #hash, $dollar, *star* and _underscore_".into());
    expected.push("Note — Ana: Check the price series before sharing.".into());
    expected.push(report.stale_notice.clone().unwrap());
    expected.push("Appendix — Methodology".into());
    for e in &expected {
        assert!(text.contains(e.as_str()), "the text has {e:?}:\n{raw}");
    }
    // The 80-row table breaks across pages, its header repeated on the page of its last row.
    let pages_text: Vec<&str> = raw.split('\u{c}').collect();
    let page_of = |row: &str| pages_text.iter().position(|p| p.lines().any(|l| l.trim() == row));
    let (first, last) = (page_of("0 0.0% 0.0% 0.0%").unwrap(), page_of("79 31.6% 39.5% 47.4%").unwrap());
    assert!(last > first, "the long table spans pages {first}..{last}");
    assert!(pages_text[last].contains("Tick p5 mean p95"), "the header repeats on page {last}");

    let (ok, check) = run("qpdf", "qpdf", &["--check", &file]);
    assert!(ok, "qpdf --check: {check}");

    let (ok, fonts) = run("pdffonts", "poppler-utils", &[&file]);
    assert!(ok, "pdffonts: {fonts}");
    let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert!(!rows.is_empty(), "fonts listed:\n{fonts}");
    for row in &rows {
        // name, type (several words), encoding, emb, sub, uni, object, ID: `emb` is 5th from the end.
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(row.contains("DejaVu"), "only the shipped fonts: {row}");
        assert_eq!(cols.get(cols.len().wrapping_sub(5)), Some(&"yes"), "embedded: {row}");
    }
}

#[test]
fn the_same_report_gives_the_same_bytes() {
    let report = sample::sample();
    let first = pdf::pdf(&report).unwrap();
    let second = pdf::pdf(&report).unwrap();
    assert!(first == second, "two renders differ ({} and {} bytes)", first.len(), second.len());
}

#[test]
fn text_that_looks_like_typst_comes_out_as_written() {
    let tricky = [
        "#panic(\"boom\") #set page(width: 1cm) ] [ ) } {",
        "back\\slash \\ \"quote\\\" // not a comment /* nor */ this",
        "$x^2$ <label> @ref ~tilde --- `raw` = heading - dash + plus 1. one",
    ];
    let mut report = sample::sample();
    let section = &mut report.sections[0];
    section.title = "Odd #title [with] $math$".into();
    section.blocks = tricky.iter().map(|t| Block::Paragraph { text: t.to_string() }).collect();
    section.blocks.push(Block::Bullets { items: vec!["* not bold *".into(), "- not a list".into()] });
    section.blocks.push(Block::Annotation { author: "#Ana".into(), text: "_not emphasis_".into() });
    section.blocks.push(Block::Table(Table {
        caption: "#[caption]".into(),
        header: Vec::new(),
        rows: vec![vec!["a".into(), "#b".into()], vec!["ragged".into()]],
        numeric: Vec::new(),
        source: "@source".into(),
    }));
    report.title = "Title \"with\" #hash".into();
    let dir = tempfile::tempdir().unwrap();
    let text = flat(&text_of(&write_pdf(&report, dir.path(), "tricky.pdf")));
    let expected = tricky.iter().copied().chain([
        "Odd #title [with] $math$",
        "* not bold *",
        "- not a list",
        "Note — #Ana: _not emphasis_",
        "#[caption]",
        "a #b",
        "ragged",
        "@source",
        "Title \"with\" #hash",
    ]);
    for e in expected {
        assert!(text.contains(e), "the text has {e:?}:\n{text}");
    }
}

#[test]
fn a_plain_report_renders() {
    // No logo, notice, contents page or date; then a PNG logo; then no sections at all.
    let mut report = sample::sample();
    report.brand.logo = None;
    report.stale_notice = None;
    report.contents_page = false;
    report.generated_at = "not a date".into();
    assert!(pdf::pdf(&report).unwrap().starts_with(b"%PDF-"));

    let mut logo = sample::logo();
    logo.bytes = logo.png.clone();
    logo.format = LogoFormat::Png;
    report.brand.logo = Some(logo);
    assert!(pdf::pdf(&report).unwrap().starts_with(b"%PDF-"));

    report.sections.clear();
    let dir = tempfile::tempdir().unwrap();
    let file = write_pdf(&report, dir.path(), "plain.pdf");
    let (_, info) = run("pdfinfo", "poppler-utils", &[&file]);
    assert!(info.lines().any(|l| l.split_whitespace().eq(["Pages:", "1"])), "the title page alone:\n{info}");
}

/// A word of a page as poppler places it, in points from the page's top left corner.
#[derive(Debug)]
struct Word {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

/// Each page's width and words, from `pdftotext -bbox-layout`.
fn words_of(file: &str) -> Vec<(f64, Vec<Word>)> {
    let (ok, html) = run("pdftotext", "poppler-utils", &["-bbox-layout", file, "-"]);
    assert!(ok, "pdftotext: {html}");
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).map(|i| i + name.len() + 2).expect("the attribute");
        tag[start..].split('"').next().and_then(|v| v.parse().ok()).expect("a number")
    };
    html.split("<page ")
        .skip(1)
        .map(|page| {
            let width = attr(&page[..page.find('>').unwrap_or(0)], "width");
            let words = page
                .split("<word ")
                .skip(1)
                .map(|chunk| {
                    let (tag, rest) = chunk.split_once('>').expect("a word tag");
                    let text = rest.split("</word>").next().unwrap_or("").replace("&amp;", "&");
                    Word {
                        text,
                        x0: attr(tag, "xMin"),
                        y0: attr(tag, "yMin"),
                        x1: attr(tag, "xMax"),
                        y1: attr(tag, "yMax"),
                    }
                })
                .collect();
            (width, words)
        })
        .collect()
}

/// The words of a page in lines: words whose boxes share most of their height, left to right.
fn lines_of(words: &[Word]) -> Vec<String> {
    let mut lines: Vec<Vec<&Word>> = Vec::new();
    for w in words {
        let same = lines.iter_mut().find(|l| {
            let a = l[0];
            a.y1.min(w.y1) - a.y0.max(w.y0) > 0.6 * (a.y1 - a.y0).min(w.y1 - w.y0)
        });
        match same {
            Some(line) => line.push(w),
            None => lines.push(vec![w]),
        }
    }
    lines
        .into_iter()
        .map(|mut l| {
            l.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            l.iter().map(|w| w.text.replace('\u{a0}', " ")).collect::<Vec<_>>().join(" ")
        })
        .collect()
}

/// The detailed report's tables as poppler reads them: no word drawn over another (the
/// history's name ran into the points column, the fitted coefficients into the run), none past
/// the page's margins (the digests of the runs ran off the page), and each fitted coefficient
/// read "name = value" on one line rather than a word a line.
#[test]
fn table_cells_of_the_detailed_report_stay_in_their_columns() {
    let input = common::input(ReportTemplate::DetailedAnalysis);
    let report = build(&input).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = write_pdf(&report, dir.path(), "detailed.pdf");
    let pages = words_of(&file);
    let margin = 2.0 * 72.0 / 2.54;
    let mut problems = Vec::new();
    for (p, (width, words)) in pages.iter().enumerate() {
        for (i, a) in words.iter().enumerate() {
            if a.x0 < margin - 1.0 || a.x1 > width - margin + 1.0 {
                problems.push(format!("page {}: '{}' is past the margins: {a:?}", p + 1, a.text));
            }
            for b in &words[i + 1..] {
                let across = a.x1.min(b.x1) - a.x0.max(b.x0);
                let down = a.y1.min(b.y1) - a.y0.max(b.y0);
                if across > 0.5 && down > 0.5 * (a.y1 - a.y0).min(b.y1 - b.y0) {
                    problems.push(format!("page {}: '{}' and '{}' overlap: {a:?} {b:?}", p + 1, a.text, b.text));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let lines: Vec<String> = pages.iter().flat_map(|(_, words)| lines_of(words)).collect();
    let calibration = input.scenarios[0].ensemble.calibration.as_ref().unwrap();
    assert_eq!(calibration.series, "heat_pump_adoption");
    assert!(lines.iter().any(|l| l.contains("heat_pump_adoption")), "the history's name whole on a line");
    for (name, value) in [("spontaneous.constant", "0.0041"), ("influence.constant", "0.21")] {
        assert!(calibration.fitted.contains_key(name));
        // The name may wrap after its dot; "constant = value" stays on one line.
        let tail = name.rsplit('.').next().unwrap();
        assert!(
            lines.iter().any(|l| l.contains(&format!("{tail} = {value}"))),
            "'{name} = {value}' reads on one line: {:#?}",
            lines.iter().filter(|l| l.contains("constant") || l.contains('=')).collect::<Vec<_>>()
        );
    }
}
