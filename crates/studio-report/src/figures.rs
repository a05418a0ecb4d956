//! The report's charts, made from results: each names the run(s) it came from.

use studio_model::{CalibrationFit, FactorKind, Sensitivity, SensitivityOutput, TimeAxis, TimeStep};

use crate::input::{PopulationFacts, ScenarioResult};
use crate::{Chart, ChartKind, Rgb, RunRef, Series};

fn series(name: String, values: impl IntoIterator<Item = f64>, color: Rgb) -> Series {
    Series { name, values: values.into_iter().map(Some).collect(), color, faint: false, points: false }
}

fn faint(mut s: Series) -> Series {
    s.faint = true;
    s
}

fn sources(runs: &[&RunRef]) -> String {
    runs.iter().map(|r| format!("{}: {}", r.scenario, r.label())).collect::<Vec<_>>().join("; ")
}

/// The time axis's name: its period when ticks have dates, else "tick".
fn time_label(axis: Option<&TimeAxis>) -> String {
    match axis.map(|a| a.step) {
        None => "tick",
        Some(TimeStep::Day) => "day",
        Some(TimeStep::Week) => "week",
        Some(TimeStep::Month) => "month",
        Some(TimeStep::Quarter) => "quarter",
        Some(TimeStep::Year) => "year",
    }
    .into()
}

/// Each tick's name on the axis: its period (`2027Q4`) when ticks have dates, else its number.
fn time_categories(ticks: usize, axis: Option<&TimeAxis>) -> Vec<String> {
    (0..ticks as u64).map(|t| axis.map_or_else(|| t.to_string(), |a| a.label(t))).collect()
}

/// The ensemble's 90% band and mean over time, for each scenario given.
pub fn fan(scenarios: &[(&ScenarioResult, &RunRef, Rgb)], axis: Option<&TimeAxis>) -> Chart {
    let ticks = scenarios.iter().map(|(s, _, _)| s.ensemble.mean.len()).max().unwrap_or(0);
    let mut all = Vec::new();
    for (s, _, color) in scenarios {
        let e = &s.ensemble;
        all.push(faint(series(format!("{} p5", s.name), e.bands.iter().map(|b| b[0]), *color)));
        all.push(series(format!("{} mean", s.name), e.mean.iter().copied(), *color));
        all.push(faint(series(format!("{} p95", s.name), e.bands.iter().map(|b| b[4]), *color)));
    }
    let title = match scenarios {
        [(s, _, _)] => format!("{}: predicted share over time, mean and 90% band", s.name),
        _ => "Predicted share over time, mean and 90% band per scenario".into(),
    };
    Chart {
        kind: ChartKind::Fan,
        title,
        source: sources(&scenarios.iter().map(|(_, r, _)| *r).collect::<Vec<_>>()),
        x_label: time_label(axis),
        y_label: "share".into(),
        percent: true,
        categories: time_categories(ticks, axis),
        series: all,
    }
}

/// Final mean per scenario with whiskers from p5 to p95.
pub fn comparison(scenarios: &[(&ScenarioResult, &RunRef, Rgb)], color: Rgb) -> Chart {
    let finals = |f: fn(&studio_model::FinalShares) -> f64| scenarios.iter().map(move |(s, _, _)| f(&s.ensemble.last));
    Chart {
        kind: ChartKind::Comparison,
        title: "Final predicted share by scenario, with 90% interval".into(),
        source: sources(&scenarios.iter().map(|(_, r, _)| *r).collect::<Vec<_>>()),
        x_label: String::new(),
        y_label: "share at the last tick".into(),
        percent: true,
        categories: scenarios.iter().map(|(s, _, _)| s.name.clone()).collect(),
        series: vec![
            faint(series("p5".into(), finals(|f| f.p5), color)),
            series("mean".into(), finals(|f| f.mean), color),
            faint(series("p95".into(), finals(|f| f.p95), color)),
        ],
    }
}

/// How the replicates' final values spread: counts per bin, one series per scenario.
pub fn distribution(scenarios: &[(&ScenarioResult, &RunRef, Rgb)]) -> Chart {
    let finals: Vec<Vec<f64>> =
        scenarios.iter().map(|(s, _, _)| s.ensemble.runs.iter().filter_map(|r| r.last().copied()).collect()).collect();
    let lo = finals.iter().flatten().copied().fold(f64::INFINITY, f64::min);
    let hi = finals.iter().flatten().copied().fold(f64::NEG_INFINITY, f64::max);
    let bins = 10usize;
    let (lo, width) = if lo.is_finite() && hi > lo {
        (lo, (hi - lo) / bins as f64)
    } else {
        (if lo.is_finite() { lo } else { 0.0 }, 0.01)
    };
    let bin_of = |v: f64| (((v - lo) / width) as usize).min(bins - 1);
    let categories = (0..bins)
        .map(|b| format!("{:.1}–{:.1}", (lo + width * b as f64) * 100.0, (lo + width * (b + 1) as f64) * 100.0))
        .collect();
    let all = scenarios
        .iter()
        .zip(&finals)
        .map(|((s, _, color), values)| {
            let mut counts = vec![0.0; bins];
            for v in values {
                counts[bin_of(*v)] += 1.0;
            }
            series(s.name.clone(), counts, *color)
        })
        .collect();
    Chart {
        kind: ChartKind::Distribution,
        title: "Final share across replicate runs".into(),
        source: sources(&scenarios.iter().map(|(_, r, _)| *r).collect::<Vec<_>>()),
        x_label: "final share, %".into(),
        y_label: "runs".into(),
        percent: false,
        categories,
        series: all,
    }
}

/// The final mean share by archetype, one series per scenario.
pub fn archetypes(scenarios: &[(&ScenarioResult, &RunRef, Rgb)]) -> Option<Chart> {
    let labels: Vec<String> = scenarios.first()?.0.ensemble.by_archetype.keys().cloned().collect();
    if labels.is_empty() {
        return None;
    }
    let all = scenarios
        .iter()
        .map(|(s, _, color)| Series {
            name: s.name.clone(),
            values: labels.iter().map(|l| s.ensemble.by_archetype.get(l).and_then(|v| v.last().copied())).collect(),
            color: *color,
            faint: false,
            points: false,
        })
        .collect();
    Some(Chart {
        kind: ChartKind::Archetypes,
        title: "Final predicted share by archetype".into(),
        source: sources(&scenarios.iter().map(|(_, r, _)| *r).collect::<Vec<_>>()),
        x_label: String::new(),
        y_label: "share at the last tick".into(),
        percent: true,
        categories: labels,
        series: all,
    })
}

/// The history, the fitted mean with its band, and the held-out points apart.
pub fn calibration(c: &CalibrationFit, run: &RunRef, palette: &[Rgb], axis: Option<&TimeAxis>) -> Chart {
    let ticks = c.mean.len().max(c.observed.len());
    let (fit, held) = (palette[0], palette.get(1).copied().unwrap_or(palette[0]));
    let at = |i: usize, keep: bool| if keep { c.observed.get(i).copied() } else { None };
    let observed = Series {
        name: "history (fitted)".into(),
        values: (0..ticks).map(|i| at(i, i < c.fit_points)).collect(),
        color: Rgb(0x33, 0x33, 0x33),
        faint: false,
        points: true,
    };
    let holdout = Series {
        name: "history (held out)".into(),
        values: (0..ticks).map(|i| at(i, i >= c.fit_points)).collect(),
        color: held,
        faint: false,
        points: true,
    };
    Chart {
        kind: ChartKind::Calibration,
        title: format!("Calibration to '{}': fitted mean, 90% band and held-out points", c.series),
        source: format!("{}: {}", run.scenario, run.label()),
        x_label: time_label(axis),
        y_label: "share".into(),
        percent: true,
        categories: time_categories(ticks, axis),
        series: vec![
            faint(series("p5".into(), c.bands.iter().map(|b| b[0]), fit)),
            series("fitted mean".into(), c.mean.iter().copied(), fit),
            faint(series("p95".into(), c.bands.iter().map(|b| b[4]), fit)),
            observed,
            holdout,
        ],
    }
}

/// One dimension's synthetic shares against its targets.
pub fn marginal(p: &PopulationFacts, index: usize, palette: &[Rgb]) -> Chart {
    let m = &p.marginals[index];
    Chart {
        kind: ChartKind::Marginals,
        title: format!("Population by {}: synthetic against target", m.dimension),
        source: format!(
            "population {} (seed {}, digest {})",
            crate::short(&p.population_id),
            p.seed,
            crate::short(&p.digest)
        ),
        x_label: m.dimension.clone(),
        y_label: "share of agents".into(),
        percent: true,
        categories: m.categories.clone(),
        series: vec![
            series("target".into(), m.target.iter().copied(), palette[0]),
            series("synthetic".into(), m.synthetic.iter().copied(), palette.get(1).copied().unwrap_or(palette[0])),
        ],
    }
}

/// Agents by number of ties.
pub fn degrees(p: &PopulationFacts, color: Rgb) -> Chart {
    Chart {
        kind: ChartKind::Degrees,
        title: format!("Ties per agent (mean {:.1})", p.mean_degree),
        source: format!(
            "population {} (seed {}, digest {})",
            crate::short(&p.population_id),
            p.seed,
            crate::short(&p.digest)
        ),
        x_label: "ties".into(),
        y_label: "agents".into(),
        percent: false,
        categories: p.degree_distribution.iter().map(|(d, _)| d.to_string()).collect(),
        series: vec![series("agents".into(), p.degree_distribution.iter().map(|(_, n)| *n as f64), color)],
    }
}

/// The most factors a sensitivity chart shows (the widest effects).
const SENSITIVITY_BARS: usize = 8;

/// An output's mean with each factor in the low and the high quarter of its range, the widest
/// effects first: the tornado as paired columns, which every format draws natively.
pub fn sensitivity(s: &Sensitivity, output: &SensitivityOutput, palette: &[Rgb]) -> Chart {
    let mut indices: Vec<_> = output.indices.iter().collect();
    indices.sort_by(|a, b| (b.high - b.low).abs().total_cmp(&(a.high - a.low).abs()));
    indices.truncate(SENSITIVITY_BARS);
    let name = |factor: &str| match s.factors.iter().find(|f| f.name == factor) {
        Some(f) if f.kind == FactorKind::Variable => format!("{factor} (variable)"),
        _ => factor.to_string(),
    };
    let colour = |i: usize| palette[i % palette.len().max(1)];
    Chart {
        kind: ChartKind::Sensitivity,
        title: format!("What moves the {}: its mean with each factor low and high", output.label),
        source: format!("{}: {} sensitivity, {} simulations", s.scenario_name, s.method.as_str(), s.simulations),
        x_label: String::new(),
        y_label: output.label.clone(),
        percent: true,
        categories: indices.iter().map(|i| name(&i.factor)).collect(),
        series: vec![
            series("factor in its low quarter".into(), indices.iter().map(|i| i.low), colour(1)),
            series("factor in its high quarter".into(), indices.iter().map(|i| i.high), colour(0)),
        ],
    }
}
