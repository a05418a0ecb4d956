//! Questions parsed per second: the whole test corpus, parsed again and again.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use studio_model::Day;

fn corpus() -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(include_str!("../tests/corpus.json")).unwrap_or_default();
    v["questions"].as_array().into_iter().flatten().filter_map(|q| q["q"].as_str().map(str::to_string)).collect()
}

fn parse(c: &mut Criterion) {
    let questions = corpus();
    let day = Day::parse("2026-12-06").unwrap_or(Day { year: 2026, month: 12, day: 6 });
    let mut group = c.benchmark_group("intent");
    group.throughput(Throughput::Elements(questions.len() as u64));
    group.bench_function("parse the corpus", |b| {
        b.iter(|| questions.iter().map(|q| studio_intent::parse(q, day).understood.len()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
