//! DOCX: the sample report read back by real readers, python-docx (`tests/read_docx.py`) and
//! LibreOffice (converted to PDF, read with poppler's pdfinfo and pdftotext).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;
use studio_model::ReportTemplate;
use studio_report::{Block, Report, build, docx::docx, sample};

fn count(report: &Report, pick: fn(&Block) -> bool) -> usize {
    report.sections.iter().flat_map(|s| &s.blocks).filter(|b| pick(b)).count()
}

fn write(report: &Report, dir: &Path) -> PathBuf {
    let path = dir.join("report.docx");
    let bytes = docx(report).expect("the report renders");
    std::fs::write(&path, &bytes).unwrap();
    if let Ok(keep) = std::env::var("DOCX_DIR") {
        std::fs::write(Path::new(&keep).join(format!("{}.docx", report.sections.len())), &bytes).unwrap();
    }
    path
}

/// What python-docx reads in the file; fails with how to install it when it is missing.
fn read(path: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/read_docx.py");
    let out =
        Command::new("python3").arg(&script).arg(path).output().expect("python3 is needed: apt-get install python3");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named 'docx'"),
        "python-docx is missing: pip install python-docx (or apt-get install python3-docx)"
    );
    assert!(out.status.success(), "python-docx could not read the file: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn texts(doc: &Value) -> Vec<(&str, &str)> {
    doc["paragraphs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["text"].as_str().unwrap(), p["style"].as_str().unwrap()))
        .collect()
}

#[test]
fn python_docx_reads_the_sample() {
    let report = sample::sample();
    let dir = tempfile::tempdir().unwrap();
    let doc = read(&write(&report, dir.path()));
    let paragraphs = texts(&doc);

    assert!(paragraphs.iter().any(|(t, _)| *t == report.title), "the title is a paragraph");
    for section in &report.sections {
        let found = paragraphs.iter().find(|(t, _)| *t == section.title);
        let (_, style) = found.unwrap_or_else(|| panic!("section {} has a heading", section.title));
        assert!(style.starts_with("Heading"), "section {} is in a heading style, not {style}", section.title);
    }
    assert!(paragraphs.iter().any(|(t, s)| *t == "Appendix" && s.starts_with("Heading")));
    let special = report.sections[0].blocks.iter().find_map(|b| match b {
        Block::Paragraph { text } if text.contains('<') => Some(text.as_str()),
        _ => None,
    });
    assert!(paragraphs.iter().any(|(t, _)| Some(*t) == special), "special characters stay as written");
    assert!(paragraphs.iter().any(|(t, _)| *t == "Note — Ana: Check the price series before sharing."));
    let notice = report.stale_notice.as_deref().unwrap();
    assert!(paragraphs.iter().any(|(t, _)| *t == notice), "the stale notice is on the title page");

    let tables = doc["tables"].as_array().unwrap();
    assert_eq!(tables.len(), count(&report, |b| matches!(b, Block::Table(_))) + 1, "the sample's tables and the runs");
    assert!(tables.iter().all(|t| t["repeating_header"] == true), "every header row repeats");
    assert_eq!(tables[0]["rows"], report.provenance.runs.len() + 1);
    assert!(tables.iter().any(|t| t["rows"] == 81), "the 80-row table is whole");

    let logo = usize::from(report.brand.logo.is_some());
    assert_eq!(doc["pictures"], count(&report, |b| matches!(b, Block::Chart(_))) + logo);
    assert_eq!(doc["page_mm"], serde_json::json!([210, 297]), "A4");
    assert_eq!(doc["created"], "2026-11-30T12:00:00+00:00");
    assert_eq!(doc["modified"], "2026-11-30T12:00:00+00:00");
    assert_eq!(doc["zip_dates"], serde_json::json!(["1980-01-01 00:00:00"]), "no clock time in the archive");
    assert_eq!(doc["font_in_styles"], true);
    assert_eq!(doc["footer_page_field"], true);
}

#[test]
fn a_report_without_logo_notice_or_sections_renders() {
    let mut report = sample::sample();
    report.brand.logo = None;
    report.stale_notice = None;
    report.sections.clear();
    report.generated_at = "not a date".into();
    let dir = tempfile::tempdir().unwrap();
    let doc = read(&write(&report, dir.path()));
    assert_eq!(doc["pictures"], 0);
    assert_eq!(doc["created"], "1970-01-01T00:00:00+00:00", "no date rather than an invalid one");
    assert_eq!(doc["tables"].as_array().unwrap().len(), 1);
    assert!(!texts(&doc).iter().any(|(t, _)| t.contains("Sample numbers")));
}

#[test]
fn the_same_report_gives_the_same_bytes() {
    let report = sample::sample();
    let start = Instant::now();
    let first = docx(&report).unwrap();
    eprintln!("sample rendered in {:?}, {} bytes", start.elapsed(), first.len());
    assert_eq!(first, docx(&report).unwrap());
    // docx-rs numbers paragraphs per thread: another thread must give the same bytes too.
    let other = std::thread::spawn(move || docx(&report).unwrap()).join().unwrap();
    assert_eq!(first, other);
}

#[test]
fn libreoffice_opens_the_sample() {
    let report = sample::sample();
    let dir = tempfile::tempdir().unwrap();
    let path = write(&report, dir.path());
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.path().display());
    let status = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&path)
        .output()
        .map(|o| o.status)
        .expect("LibreOffice is needed: apt-get install libreoffice-writer-nogui");
    assert!(status.success(), "soffice failed to convert the DOCX");
    let pdf = dir.path().join("report.pdf");
    assert!(pdf.exists(), "soffice wrote no PDF");

    let tool = |name: &str, args: &[&str]| {
        let out = Command::new(name)
            .args(args)
            .output()
            .unwrap_or_else(|_| panic!("{name} is needed: apt-get install poppler-utils"));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let pdf = pdf.to_str().unwrap();
    let info = tool("pdfinfo", &[pdf]);
    let pages: usize =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).expect("pdfinfo gives pages").trim().parse().unwrap();
    assert!(pages >= 4, "{pages} pages");
    let text = tool("pdftotext", &[pdf, "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&report.title), "the title is in the PDF");
    assert!(text.contains("Methodology"));
    assert!(text.contains("• Prices drive adoption most."), "bullets are bullets, not numbers");
    assert!(text.contains(&format!("page 2 of {pages}")), "the footer's PAGE and NUMPAGES fields");
}

/// Every string of `value` (a report as JSON), gathered.
fn strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        Value::Object(o) => o.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// Whether `word` is `token` or a run of its pieces — the places a cell may wrap: after `_`,
/// `-`, `/`, `–`, or a `.` between letters — or any part of a token too long for a column.
fn piece_of(word: &str, token: &str) -> bool {
    if word == token || (token.chars().count() > 16 && token.contains(word)) {
        return true;
    }
    let chars: Vec<char> = token.chars().collect();
    let mut bounds = vec![0];
    for (k, c) in chars.iter().enumerate() {
        let letter = |i: usize| chars.get(i).is_some_and(|c| c.is_alphabetic());
        if matches!(c, '_' | '-' | '/' | '–') || (*c == '.' && k > 0 && letter(k - 1) && letter(k + 1)) {
            bounds.push(k + 1);
        }
    }
    bounds.push(chars.len());
    bounds.iter().any(|&a| bounds.iter().any(|&b| b > a && chars[a..b].iter().collect::<String>() == word))
}

/// The detailed report as LibreOffice lays out its DOCX: no word cut inside (a narrow table
/// column used to break "Scenario" into "Sc", "en", "ari", "o"). Each word of the PDF is a word
/// of the report, or a piece of one where a cell may wrap, or part of a digest.
#[test]
fn libreoffice_cuts_no_word_of_the_detailed_report() {
    let report = build(&common::input(ReportTemplate::DetailedAnalysis)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(&report, dir.path());
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.path().display());
    let status = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&path)
        .output()
        .map(|o| o.status)
        .expect("LibreOffice is needed: apt-get install libreoffice-writer-nogui");
    assert!(status.success(), "soffice failed to convert the DOCX");
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(dir.path().join("report.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext is needed: apt-get install poppler-utils");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();

    let json = serde_json::to_value(&report).unwrap();
    let mut all = Vec::new();
    strings(&json, &mut all);
    // What the document adds: headings, the title page's runs, the footer, notes' lead.
    let fixed = "Appendix Runs Scenario Ensemble Seed Replicates Digest Project: Project version engine generated page of Note — Source: · (stale) •";
    let trim = |w: &str| w.trim_matches(|c: char| ",.;:()'\"".contains(c)).to_string();
    let tokens: BTreeSet<String> =
        all.iter().chain([&fixed]).flat_map(|s| s.split_whitespace()).map(trim).filter(|t| !t.is_empty()).collect();
    // A few consecutive words set close ("8 + 2" in a narrow column) read as one.
    let joined = |w: &str| {
        all.iter().any(|s| {
            let t: Vec<String> = s.split_whitespace().map(trim).collect();
            (2..=t.len().min(4)).any(|n| t.windows(n).any(|run| run.concat() == w))
        })
    };
    let cut: Vec<String> = text
        .split_whitespace()
        .map(trim)
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| !tokens.iter().any(|t| piece_of(w, t)) && !joined(w))
        .collect();
    assert!(cut.is_empty(), "words cut or unknown: {cut:?}");
}
