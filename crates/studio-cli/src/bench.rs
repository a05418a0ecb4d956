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
        crate::outln!("{report}");
    } else {
        crate::outln!(
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

/// Loads a large CSV streaming (a generated one of `mb` megabytes, or `path`) and reports the
/// throughput and the peak memory of the whole process.
pub fn csv(mb: u64, path: Option<std::path::PathBuf>, out: &Printer) -> Result<()> {
    use std::io::Write;
    let dir = tempfile_dir()?;
    let path = match path {
        Some(p) => p,
        None => {
            let p = dir.join("bench.csv");
            let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&p)?);
            writeln!(w, "id,region,age,income,urban,surveyed")?;
            let regions = ["North", "South", "East", "West", "Centre"];
            let (mut written, mut id) = (0u64, 0u64);
            while written < mb * 1_000_000 {
                let line = format!(
                    "{id},{},{},{}.{:02},{},2025-{:02}-{:02}\n",
                    regions[(id % 5) as usize],
                    18 + id % 63,
                    15_000 + (id * 7_919) % 140_000,
                    id % 100,
                    id % 3 != 0,
                    1 + id % 12,
                    1 + id % 28
                );
                w.write_all(line.as_bytes())?;
                written += line.len() as u64;
                id += 1;
            }
            w.flush()?;
            p
        }
    };
    let bytes = std::fs::metadata(&path)?.len();
    let before = peak_rss_bytes();
    let t = Instant::now();
    let mut last = 0.0;
    let scan = studio_core::data::scan_path(&path, &Default::default(), &mut |f| {
        if !out.json && f - last >= 0.1 {
            crate::errln!("  {:>3.0}%", f * 100.0);
            last = f;
        }
        true
    })?;
    let seconds = t.elapsed().as_secs_f64();
    let report = json!({
        "file": path, "bytes": bytes, "rows": scan.rows, "columns": scan.columns.len(), "seconds": seconds,
        "megabytes_per_second": bytes as f64 / 1e6 / seconds, "rows_per_second": scan.rows as f64 / seconds,
        "peak_rss_bytes": peak_rss_bytes(), "peak_rss_before_bytes": before,
    });
    let _ = std::fs::remove_dir_all(&dir);
    if out.json {
        crate::outln!("{report}");
    } else {
        crate::outln!(
            "{:.0} MB, {} rows read in {:.2} s: {:.0} MB/s, {:.2} M rows/s; peak memory {} MiB",
            bytes as f64 / 1e6,
            scan.rows,
            seconds,
            bytes as f64 / 1e6 / seconds,
            scan.rows as f64 / seconds / 1e6,
            peak_rss_bytes().unwrap_or(0) >> 20
        );
    }
    Ok(())
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("studio-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The reference model (R1 or R2) on N agents: agent-steps per second with and without building
/// the population and its network, peak memory and the digest; with `replicates` > 1, an
/// ensemble on `threads` threads.
pub fn sim(
    model: &str,
    agents: usize,
    ticks: u32,
    threads: usize,
    replicates: u32,
    seed: u64,
    out: &Printer,
) -> Result<()> {
    use studio_core::engine::simulation::{Reference, ReferencePopulation, ensemble};
    let reference: Reference = model.parse()?;
    let (report, digest) = with_threads(threads, || -> Result<_> {
        let t0 = Instant::now();
        let population = ReferencePopulation::build(agents, seed)?;
        let t1 = Instant::now();
        let simulation = population.simulation(reference, ticks);
        let (digest, curve) = if replicates <= 1 {
            let run = simulation.run(seed, 0)?;
            (run.digest, run.adoption)
        } else {
            let e = ensemble(&simulation, seed, replicates)?;
            (e.digest, e.mean)
        };
        let final_share = curve[ticks as usize];
        let t2 = Instant::now();
        let steps = agents as f64 * f64::from(ticks) * f64::from(replicates.max(1));
        let (build, run) = ((t1 - t0).as_secs_f64(), (t2 - t1).as_secs_f64());
        Ok((
            json!({
                "implementation": "studio (Rust)",
                "model": model.to_uppercase(),
                "agents": agents,
                "ticks": ticks,
                "replicates": replicates.max(1),
                "threads": threads,
                "seed": seed,
                "build_seconds": build,
                "run_seconds": run,
                "agent_steps_per_second": steps / run,
                "agent_steps_per_second_with_build": steps / (build + run),
                "final_share": final_share,
                "curve": curve,
                "bytes_per_agent": population.bytes_per_agent(),
                "peak_rss_bytes": peak_rss_bytes(),
                "digest": digest,
            }),
            digest.clone(),
        ))
    })?;
    if out.json {
        crate::outln!("{report}");
    } else {
        crate::outln!(
            "{} on {agents} agents × {ticks} ticks × {} replicate(s), {threads} thread(s): {:.3e} agent-steps/s ({:.3e} with the build), run {:.3} s, build {:.3} s, final share {:.3}, {:.1} B/agent, digest {}",
            report["model"].as_str().unwrap_or_default(),
            report["replicates"],
            report["agent_steps_per_second"].as_f64().unwrap_or(0.0),
            report["agent_steps_per_second_with_build"].as_f64().unwrap_or(0.0),
            report["run_seconds"].as_f64().unwrap_or(0.0),
            report["build_seconds"].as_f64().unwrap_or(0.0),
            report["final_share"].as_f64().unwrap_or(0.0),
            report["bytes_per_agent"].as_f64().unwrap_or(0.0),
            &digest[..16]
        );
    }
    Ok(())
}
