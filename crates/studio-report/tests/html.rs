//! The HTML report loaded in headless Chromium (Debian's, as the UI tests use): no console
//! messages, every chart present as inline SVG, every section there; escaping and print styles.

mod common;

use std::path::Path;
use std::process::Command;

use studio_model::ReportTemplate;
use studio_report::{Block, build, html, sample};

/// The page's DOM after loading, and what Chromium logged from its console.
fn load(file: &Path, profile: &Path) -> (String, Vec<String>) {
    let out = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--enable-logging=stderr", "--v=0", "--dump-dom"])
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("chromium runs (Debian package chromium; scripts/setup browser installs it)");
    assert!(out.status.success(), "chromium: {}", String::from_utf8_lossy(&out.stderr));
    let console =
        String::from_utf8_lossy(&out.stderr).lines().filter(|l| l.contains(":CONSOLE")).map(String::from).collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console)
}

#[test]
fn the_detailed_report_loads_in_chromium_with_its_charts_and_no_console_errors() {
    let dir = tempfile::tempdir().unwrap();
    let input = common::input(ReportTemplate::DetailedAnalysis);
    let report = build(&input).unwrap();
    let file = dir.path().join("report.html");
    std::fs::write(&file, html::html(&report).unwrap()).unwrap();
    let (dom, console) = load(&file, &dir.path().join("profile"));
    assert!(console.is_empty(), "console: {console:?}");
    let charts = report.sections.iter().flat_map(|s| &s.blocks).filter(|b| matches!(b, Block::Chart(_))).count();
    assert!(charts >= 12);
    assert_eq!(dom.matches("<figure data-chart=").count(), charts);
    let figures = report.sections.iter().flat_map(|s| &s.blocks).filter(|b| matches!(b, Block::Figure(_))).count();
    assert_eq!(figures, 1, "the causal graph, in the methodology");
    assert_eq!(dom.matches("<figure data-figure").count(), figures);
    assert_eq!(dom.matches("<svg").count(), charts + figures, "every chart and figure is an inline SVG");
    // The graph's own text is escaped in its drawing.
    assert!(dom.contains("price &amp; &lt;detail&gt;"), "the causal graph's node text, escaped");
    for s in &report.sections {
        assert!(dom.contains(&html::escape(&html::heading(s))), "section '{}' is on the page", s.title);
    }
    // The detector itself: a page that logs is caught.
    let noisy = dir.path().join("noisy.html");
    std::fs::write(&noisy, "<script>console.error('boom')</script>").unwrap();
    let (_, console) = load(&noisy, &dir.path().join("profile2"));
    assert!(console.iter().any(|l| l.contains("boom")), "{console:?}");
}

#[test]
fn text_is_escaped_the_logo_is_inline_and_print_styles_are_there() {
    let report = sample::sample();
    let page = html::html(&report).unwrap();
    assert!(page.contains("Text with &lt;angle&gt; &amp; &quot;quotes&quot;"), "escaped");
    assert!(!page.contains("<angle>"));
    assert!(page.contains("src=\"data:image/svg+xml;base64,"), "the logo travels inside the file");
    assert!(page.contains("@media print"));
    for remote in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!page.contains(remote), "the page loads nothing from elsewhere ({remote})");
    }
    assert!(page.contains("role=\"alert\""), "the stale notice is prominent");
}
