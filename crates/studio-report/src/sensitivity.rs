//! The sensitivity section's global analyses: for each scenario analysed, what was varied and
//! how, the chart of what moves the final share, and the indices of both outputs.

use studio_model::{FactorKind, Sensitivity, SensitivityMethod, SensitivityOutput};

use crate::context::Context;
use crate::narrative::pct;
use crate::{Block, Table, figures};

/// The blocks of every scenario's global analysis, in the scenarios' order.
pub(crate) fn global(ctx: &Context<'_>) -> Vec<Block> {
    let mut blocks = Vec::new();
    for s in ctx.input.scenarios.iter().filter_map(|s| s.sensitivity.as_ref()) {
        blocks.push(Block::Paragraph { text: described(s) });
        if let Some(first) = s.outputs.first()
            && ctx.charts
        {
            blocks.push(Block::Chart(figures::sensitivity(s, first, &ctx.brand.palette)));
        }
        blocks.extend(s.outputs.iter().map(|o| Block::Table(indices(s, o))));
    }
    blocks
}

/// What the analysis varied, how, and what it found first.
fn described(s: &Sensitivity) -> String {
    let method = match s.method {
        SensitivityMethod::Sobol => format!(
            "Sobol indices from {} base samples (first order: the share of the output's variance a factor explains alone; total: with its interactions; 90% bootstrap intervals)",
            s.samples
        ),
        SensitivityMethod::Morris => format!(
            "Morris screening along {} trajectories (μ*: the mean absolute change of the output over a factor's whole range; σ: how much that change varies, a sign of non-linearity or interaction)",
            s.samples
        ),
    };
    let fitted = s.factors.iter().filter(|f| f.fitted).count();
    let ranges = if fitted > 0 {
        format!(
            "{fitted} fitted coefficient(s) over their posterior's 5th to 95th percentiles, the others over the ranges listed"
        )
    } else {
        "each factor over the range listed".to_string()
    };
    let how = if s.conditioned {
        "each evaluation a forecast from the history's end with the factors at the point's values"
    } else {
        "each evaluation a run from tick 0 with the factors at the point's values"
    };
    let top = s
        .outputs
        .first()
        .and_then(|o| o.indices.first().map(|i| (o, i)))
        .map(|(o, i)| format!(" The {} moves most with {}.", o.label, i.factor))
        .unwrap_or_default();
    format!(
        "Global sensitivity of “{}”: {method}, varying {} factors — {ranges}; {how}, {} replicates each with the same seed ({} simulations).{top}",
        s.scenario_name,
        s.factors.len(),
        s.replicates,
        s.simulations
    )
}

/// One output's indices, most influential first, with each factor's range.
fn indices(s: &Sensitivity, o: &SensitivityOutput) -> Table {
    let two = |x: Option<f64>| x.map_or("—".into(), |v| format!("{v:.2}"));
    let with = |x: Option<f64>, i: Option<[f64; 2]>| match i {
        Some([a, b]) => format!("{} ({a:.2} to {b:.2})", two(x)),
        None => two(x),
    };
    let rows = o
        .indices
        .iter()
        .map(|i| {
            let f = s.factors.iter().find(|f| f.name == i.factor);
            let name = match f {
                Some(f) if f.kind == FactorKind::Variable => format!("{} (variable)", i.factor),
                Some(f) if f.fitted => format!("{} (fitted)", i.factor),
                _ => i.factor.clone(),
            };
            let range = f.map_or("—".into(), |f| format!("{:.4} to {:.4}", f.lower, f.upper));
            let measures = match s.method {
                SensitivityMethod::Sobol => vec![with(i.first, i.first_interval), with(i.total, i.total_interval)],
                SensitivityMethod::Morris => vec![two(i.mu_star), two(i.sigma)],
            };
            let mut row = vec![name, range];
            row.extend(measures);
            row.extend([pct(i.low), pct(i.high)]);
            row
        })
        .collect();
    let measures: [&str; 2] = match s.method {
        SensitivityMethod::Sobol => ["First order (90%)", "Total (90%)"],
        SensitivityMethod::Morris => ["μ*", "σ"],
    };
    let header = ["Factor", "Range", measures[0], measures[1], "Low quarter", "High quarter"];
    Table {
        caption: format!("Sensitivity of the {} ({} of “{}”)", o.label, s.method.as_str(), s.scenario_name),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
        numeric: vec![false, true, true, true, true, true],
        source: format!(
            "{}: {} evaluations of {} replicates, seed {}",
            s.scenario_name, s.evaluations, s.replicates, s.seed
        ),
    }
}
