//! A detailed report (every section, 3 scenarios, 13 charts, the appendix) built and rendered
//! in each format. The targets: PDF < 2 s, PPTX < 1 s, DOCX < 1 s, HTML < 0.3 s.
//! Figures go to BENCHMARKS.md with machine and date; file sizes are printed once.

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use studio_model::ReportTemplate;
use studio_report::{Block, build, docx, html, pdf, pptx};

fn render(c: &mut Criterion) {
    let input = common::input(ReportTemplate::DetailedAnalysis);
    let report = build(&input).expect("the detailed report builds");
    let charts = report.sections.iter().flat_map(|s| &s.blocks).filter(|b| matches!(b, Block::Chart(_))).count();
    let sizes = [
        ("pdf", pdf::pdf(&report).unwrap().len()),
        ("pptx", pptx::pptx(&report).unwrap().len()),
        ("docx", docx::docx(&report).unwrap().len()),
        ("html", html::html(&report).unwrap().len()),
    ];
    eprintln!("detailed report: {} sections, {charts} charts; bytes {sizes:?}", report.sections.len());
    c.bench_function("build (content, no charts drawn)", |b| b.iter(|| build(&input).unwrap()));
    c.bench_function("html", |b| b.iter(|| html::html(&build(&input).unwrap()).unwrap()));
    // Typst memoises layout process-wide; every real report is new, so the cache is emptied.
    c.bench_function("pdf", |b| {
        b.iter(|| {
            typst::comemo::evict(0);
            pdf::pdf(&build(&input).unwrap()).unwrap()
        })
    });
    c.bench_function("pptx", |b| b.iter(|| pptx::pptx(&build(&input).unwrap()).unwrap()));
    c.bench_function("docx", |b| b.iter(|| docx::docx(&build(&input).unwrap()).unwrap()));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = render
}
criterion_main!(benches);
