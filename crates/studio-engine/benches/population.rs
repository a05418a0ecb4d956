//! Synthesis of 1,000,000 agents with three marginals plus the k = 10 Watts–Strogatz network,
//! on one thread: the figure BENCHMARKS.md records. `STUDIO_BENCH_AGENTS` changes the size.

use criterion::{Criterion, criterion_group, criterion_main};
use studio_engine::network::build_network;
use studio_engine::population::fit_population;
use studio_engine::{Marginal, PopulationSpec, with_threads};

fn spec(agents: u64) -> PopulationSpec {
    PopulationSpec::new(
        agents,
        42,
        vec![
            Marginal::new("age_band", &[("18-29", 0.21), ("30-44", 0.26), ("45-64", 0.32), ("65+", 0.21)]),
            Marginal::new(
                "income_band",
                &[("<20k", 0.18), ("20k-40k", 0.31), ("40k-70k", 0.29), ("70k-120k", 0.16), ("120k+", 0.06)],
            ),
            Marginal::new("area", &[("urban", 0.64), ("rural", 0.36)]),
        ],
    )
}

fn bench(c: &mut Criterion) {
    let agents = std::env::var("STUDIO_BENCH_AGENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let spec = spec(agents);
    let mut group = c.benchmark_group(format!("population_{agents}"));
    group.sample_size(10);
    group.bench_function("attributes", |b| b.iter(|| with_threads(1, || fit_population(&spec).unwrap())));
    let population = fit_population(&spec).unwrap();
    group.bench_function("network_k10", |b| {
        b.iter(|| with_threads(1, || build_network(&population.archetype, &spec.network, spec.seed).unwrap()))
    });
    group.bench_function("attributes_and_network", |b| {
        b.iter(|| {
            with_threads(1, || {
                let p = fit_population(&spec).unwrap();
                build_network(&p.archetype, &spec.network, spec.seed).unwrap()
            })
        })
    });
    group.finish();
    let network = build_network(&population.archetype, &spec.network, spec.seed).unwrap();
    let bytes = population.bytes() + network.bytes();
    println!(
        "bytes per agent (attributes + archetype + CSR network): {:.1} ({} attributes, {} network)",
        bytes as f64 / agents as f64,
        population.bytes(),
        network.bytes()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
