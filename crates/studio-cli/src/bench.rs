//! `studio bench population`: times the synthesis of a population with three marginals and its
//! k = 10 small-world network, on as many threads as asked, and prints the figures
//! BENCHMARKS.md records (JSON with `--json`). `benches/population_reference.py` runs it side by
//! side with networkx and numpy.

use std::time::Instant;

use anyhow::Result;
use serde_json::json;
use studio_core::engine::network::build_network;
use studio_core::engine::population::{digest, fit_population};
use studio_core::engine::{Marginal, PopulationSpec, with_threads};

use crate::output::Printer;

/// The benchmark's population: the example region's three main marginals.
pub fn spec(agents: u64, seed: u64) -> PopulationSpec {
    PopulationSpec::new(
        agents,
        seed,
        vec![
            Marginal::new("age_band", &[("18-29", 0.19), ("30-44", 0.25), ("45-64", 0.33), ("65+", 0.23)]),
            Marginal::new(
                "income_band",
                &[("<20k", 0.17), ("20k-40k", 0.29), ("40k-70k", 0.28), ("70k-120k", 0.19), ("120k+", 0.07)],
            ),
            Marginal::new("area", &[("urban", 0.62), ("rural", 0.38)]),
        ],
    )
}

/// Peak resident memory of this process so far, from the kernel.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

pub fn population(agents: u64, threads: usize, repeat: usize, out: &Printer) -> Result<()> {
    let spec = spec(agents, 42);
    let mut best = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    let mut last = None;
    for _ in 0..repeat.max(1) {
        let (attributes, network, population, graph) = with_threads(threads, || -> Result<_> {
            let t0 = Instant::now();
            let population = fit_population(&spec)?;
            let t1 = Instant::now();
            let graph = build_network(&population.archetype, &spec.network, spec.seed)?;
            let t2 = Instant::now();
            Ok(((t1 - t0).as_secs_f64(), (t2 - t1).as_secs_f64(), population, graph))
        })?;
        best = (best.0.min(attributes), best.1.min(network), best.2.min(attributes + network));
        last = Some((population, graph));
    }
    let Some((population, graph)) = last else { return Ok(()) };
    let bytes = population.bytes() + graph.bytes();
    let report = json!({
        "implementation": "studio (Rust)",
        "agents": agents,
        "threads": threads,
        "repeat": repeat,
        "attributes_seconds": best.0,
        "network_seconds": best.1,
        "total_seconds": best.2,
        "agents_per_second": agents as f64 / best.2,
        "bytes_per_agent": bytes as f64 / agents as f64,
        "edges": graph.edges(),
        "peak_rss_bytes": peak_rss_bytes(),
        "digest": digest(&population, &graph),
    });
    if out.json {
        println!("{report}");
    } else {
        println!(
            "{agents} agents on {threads} thread(s), best of {repeat}: attributes {:.3} s, network {:.3} s, total {:.3} s; {:.1} bytes per agent; digest {}",
            best.0,
            best.1,
            best.2,
            bytes as f64 / agents as f64,
            &report["digest"].as_str().unwrap_or_default()[..16]
        );
    }
    Ok(())
}
