//! A complete report with every kind of block and chart, for the renderers' tests and the
//! benchmarks. Its numbers are made up and it says so.

use studio_model::ReportTemplate;

use crate::{Block, Brand, Chart, ChartKind, Logo, LogoFormat, Provenance, Report, RunRef, Section, Series, Table};

pub fn brand() -> Brand {
    Brand { logo: Some(logo()), ..Brand::standard() }
}

/// A 120 × 40 logo: an SVG and the same as a PNG.
pub fn logo() -> Logo {
    let (width, height) = (120u32, 40u32);
    let mut rgb = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let on = (x / 20 + y / 20) % 2 == 0;
            rgb.extend_from_slice(if on { &[0x1f, 0x3a, 0x5f] } else { &[0xd9, 0x77, 0x06] });
        }
    }
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(&rgb).expect("png data");
    writer.finish().expect("png end");
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\"><rect width=\"{width}\" height=\"{height}\" fill=\"#1f3a5f\"/><circle cx=\"20\" cy=\"20\" r=\"14\" fill=\"#d97706\"/></svg>"
    );
    Logo { format: LogoFormat::Svg, bytes: svg.into_bytes(), png, width, height }
}

fn run(name: &str, k: u64) -> RunRef {
    RunRef {
        scenario: name.into(),
        ensemble_id: format!("{k:08x}-0000-4000-8000-000000000000"),
        seed: 42 + k,
        replicates: 20,
        ticks: 40,
        digest: format!("{:064x}", 0xabcdef + k),
        input_hash: format!("{:064x}", 0x123456 + k),
        stale: false,
    }
}

/// A fan chart of `scenarios` made-up scenarios over `ticks` ticks.
pub fn fan(scenarios: usize, ticks: usize) -> Chart {
    let palette = brand().palette;
    let mut series = Vec::new();
    for k in 0..scenarios {
        let color = palette[k % palette.len()];
        let curve = |i: usize, d: f64| Some(((i as f64 / ticks as f64) * (0.5 + 0.1 * k as f64) + d).clamp(0.0, 1.0));
        let name = format!("Scenario {}", k + 1);
        series.push(Series {
            name: format!("{name} p5"),
            values: (0..ticks).map(|i| curve(i, -0.05)).collect(),
            color,
            faint: true,
            points: false,
        });
        series.push(Series {
            name: format!("{name} mean"),
            values: (0..ticks).map(|i| curve(i, 0.0)).collect(),
            color,
            faint: false,
            points: false,
        });
        series.push(Series {
            name: format!("{name} p95"),
            values: (0..ticks).map(|i| curve(i, 0.05)).collect(),
            color,
            faint: true,
            points: false,
        });
    }
    Chart {
        kind: ChartKind::Fan,
        title: "Adoption over time, 90% band".into(),
        source: "runs 00000000, 00000001, 00000002".into(),
        x_label: "tick".into(),
        y_label: "share adopting".into(),
        percent: true,
        categories: (0..ticks).map(|i| i.to_string()).collect(),
        series,
    }
}

fn bars(kind: ChartKind, title: &str, categories: &[&str], values: &[f64]) -> Chart {
    let color = brand().palette[0];
    Chart {
        kind,
        title: title.into(),
        source: "run 00000000".into(),
        x_label: String::new(),
        y_label: "share".into(),
        percent: true,
        categories: categories.iter().map(|c| c.to_string()).collect(),
        series: vec![Series {
            name: "mean".into(),
            values: values.iter().map(|v| Some(*v)).collect(),
            color,
            faint: false,
            points: false,
        }],
    }
}

pub fn sample() -> Report {
    let runs = vec![run("Baseline", 0), run("Prices fall 20%", 1), run("Subsidy", 2)];
    let table = Table {
        caption: "Final adoption by scenario".into(),
        header: vec!["Scenario".into(), "Mean".into(), "90% interval".into(), "P(≥ 50% by tick 30)".into()],
        rows: (0..3)
            .map(|k| {
                vec![
                    runs[k].scenario.clone(),
                    format!("{:.1}%", 40.0 + 5.0 * k as f64),
                    format!("{:.1}%–{:.1}%", 35.0 + 5.0 * k as f64, 45.0 + 5.0 * k as f64),
                    format!("{:.0}%", 10.0 * k as f64),
                ]
            })
            .collect(),
        numeric: vec![false, true, true, true],
        source: runs.iter().map(|r| r.label()).collect::<Vec<_>>().join("; "),
    };
    let long_rows = Table {
        caption: "Every tick (a long table that breaks across pages)".into(),
        header: vec!["Tick".into(), "p5".into(), "mean".into(), "p95".into()],
        rows: (0..80)
            .map(|t| {
                vec![
                    t.to_string(),
                    format!("{:.1}%", t as f64 * 0.4),
                    format!("{:.1}%", t as f64 * 0.5),
                    format!("{:.1}%", t as f64 * 0.6),
                ]
            })
            .collect(),
        numeric: vec![true, true, true, true],
        source: runs[0].label(),
    };
    let section = |id: &str, title: &str, blocks: Vec<Block>, appendix: bool| Section {
        id: id.into(),
        title: title.into(),
        blocks,
        appendix,
        notes: format!("How the numbers of '{title}' were made: made-up sample numbers."),
    };
    Report {
        title: "Will households adopt heat pumps by 2030?".into(),
        subtitle: "Sample project · Detailed analysis · 30 November 2026".into(),
        template: ReportTemplate::DetailedAnalysis,
        generated_at: "2026-11-30T12:00:00Z".into(),
        brand: brand(),
        stale_notice: Some("Sample numbers: this report was not generated from a project.".into()),
        answer: Some("Under the scenario “Prices fall 20%”, the chance that heat-pump adoption passes 30% by 31 December 2031 (2031 Q4, tick 55) is 12.0% (90% interval 7.6%–18.4%, from 100 runs); the share then lies between 24.1% and 31.5% in 90% of runs.".into()),
        provenance: Provenance {
            project_id: "00000000-0000-4000-8000-00000000beef".into(),
            project_name: "Sample project".into(),
            version: 3,
            engine_version: "0.1.0".into(),
            runs: runs.clone(),
        },
        sections: vec![
            section("summary", "Summary", vec![
                Block::Headline { label: "Baseline".into(), value: "40.0%".into(), detail: "90% interval 35.0%–45.0%".into() },
                Block::Headline { label: "Prices fall 20%".into(), value: "45.0%".into(), detail: "90% interval 40.0%–50.0%".into() },
                Block::Paragraph { text: "By tick 40, 40.0% of households adopt in the baseline (90% interval 35.0% to 45.0%); a 20% price fall raises this to 45.0%, 5.0 points more. Text with <angle> & \"quotes\", #hash, $dollar, *star* and _underscore_ stays as written.".into() },
                Block::Bullets { items: vec!["Prices drive adoption most.".into(), "A subsidy would change the answer.".into()] },
                Block::Annotation { author: "Ana".into(), text: "Check the price series before sharing.".into() },
            ], false),
            section("results", "Results", vec![
                Block::Chart(fan(3, 40)),
                Block::Table(table),
                Block::Chart(bars(ChartKind::Archetypes, "Adoption by archetype", &["Young urban", "Families", "Retired"], &[0.52, 0.41, 0.22])),
            ], false),
            section("data", "Every tick", vec![Block::Table(long_rows)], false),
            section("methodology", "Methodology", vec![
                Block::Paragraph { text: "An agent-based diffusion model on a synthetic population.".into() },
            ], true),
        ],
        contents_page: true,
    }
}
