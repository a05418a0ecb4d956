//! How long each format takes to render the sample report (`sample::sample()`: title page,
//! contents, two charts, an 80-row table). Figures go to BENCHMARKS.md with machine and date.

use criterion::{Criterion, criterion_group, criterion_main};
use studio_report::{pdf, sample};

fn render(c: &mut Criterion) {
    let report = sample::sample();
    // Typst memoises layout in a process-wide cache: the same report again is the warm case,
    // a report never seen before (an emptied cache) the cold one.
    c.bench_function("pdf", |b| b.iter(|| pdf::pdf(&report).expect("the sample renders")));
    c.bench_function("pdf (cold cache)", |b| {
        b.iter(|| {
            typst::comemo::evict(0);
            pdf::pdf(&report).expect("the sample renders")
        })
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
