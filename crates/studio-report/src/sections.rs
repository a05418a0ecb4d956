//! Each section's blocks, made from results.

use crate::context::Context;
use crate::input::ScenarioResult;
use crate::narrative::{self, number, pct};
use crate::{Block, Section, Table, figures};

fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph { text: text.into() }
}

fn table(caption: &str, header: &[&str], rows: Vec<Vec<String>>, numeric: &[bool], source: String) -> Block {
    Block::Table(Table {
        caption: caption.into(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
        numeric: numeric.to_vec(),
        source,
    })
}

const METHOD: &str = "Predictions come from an agent-based simulation: a synthetic population fitted to the data's marginals, connected in a social network, whose agents change state tick by tick under the model's coefficients on their attributes, the scenario's variables and their neighbours' states. Each scenario runs as an ensemble of replicates with their own random streams; the bands are quantiles across replicates.";

pub(crate) fn section(ctx: &Context<'_>, id: &str) -> Section {
    let (title, blocks) = match id {
        "summary" => ("Summary", summary(ctx)),
        "data" => ("Data", data(ctx)),
        "population" => ("Population", population(ctx)),
        "scenarios" => ("Scenarios", scenarios(ctx)),
        "results" => ("Results", results(ctx)),
        "comparison" => ("Scenario comparison", comparison(ctx)),
        "calibration" => ("Calibration", calibration(ctx)),
        _ => ("Sensitivity", sensitivity(ctx)),
    };
    Section { id: id.into(), title: title.into(), blocks, appendix: false, notes: notes(ctx, id) }
}

/// Speaker notes: how the section's numbers were made.
fn notes(ctx: &Context<'_>, id: &str) -> String {
    let runs: Vec<String> = ctx.runs.iter().map(|r| format!("{}: {}", r.scenario, r.label())).collect();
    match id {
        "data" => "Sources as read at the last refresh, identified by the hash of their content; overrides are the analyst's, with their reasons.".into(),
        "population" => "The population is fitted to the marginals by iterative proportional fitting, then integerised; the network is generated from the population settings.".into(),
        _ => format!("{METHOD} Runs: {}.", runs.join("; ")),
    }
}

fn baseline<'a>(ctx: &'a Context<'_>) -> &'a ScenarioResult {
    &ctx.input.scenarios[0]
}

fn summary(ctx: &Context<'_>) -> Vec<Block> {
    let axis = ctx.input.time_axis.as_ref();
    let mut blocks: Vec<Block> = ctx
        .scenarios()
        .iter()
        .map(|(s, _, _)| Block::Headline {
            label: s.name.clone(),
            value: pct(s.ensemble.last.mean),
            detail: format!("90% interval {}", narrative::interval(&s.ensemble)),
        })
        .collect();
    let base = baseline(ctx);
    blocks.push(paragraph(format!("{} {}", narrative::headline(base, axis), narrative::threshold(base, axis))));
    let others = &ctx.input.scenarios[1..];
    if !others.is_empty() {
        blocks.push(paragraph(others.iter().map(|s| narrative::difference(base, s)).collect::<Vec<_>>().join(" ")));
        // What drives it and what would change it: the scenarios' changes, largest effect first.
        let mut effects: Vec<(&ScenarioResult, f64)> =
            others.iter().map(|s| (s, s.ensemble.last.mean - base.ensemble.last.mean)).collect();
        effects.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
        let items = effects
            .iter()
            .map(|(s, d)| {
                let changes = narrative::changes(&base.ensemble, s);
                let what = if changes.is_empty() { "no change of variables".into() } else { changes.join(", ") };
                let moved = format!(
                    "{} ({what}) moves the final share by {}{}",
                    s.name,
                    if *d >= 0.0 { "+" } else { "−" },
                    narrative::points(*d)
                );
                if narrative::same_threshold(&base.ensemble, &s.ensemble) {
                    format!(
                        "{moved} and the chance of reaching {} from {} to {}.",
                        pct(s.ensemble.threshold.share),
                        pct(base.ensemble.threshold.probability),
                        pct(s.ensemble.threshold.probability)
                    )
                } else {
                    // Odds of different thresholds are not compared: each is given as asked.
                    format!(
                        "{moved}; its run asked another threshold: {} (against {} for {}).",
                        narrative::odds(&s.ensemble, axis),
                        narrative::odds(&base.ensemble, axis),
                        base.name
                    )
                }
            })
            .collect();
        blocks.push(paragraph("What drives the answer, and what would change it:"));
        blocks.push(Block::Bullets { items });
    }
    if let Some(c) = base.ensemble.calibration.as_ref() {
        blocks.push(paragraph(narrative::calibration(c)));
    }
    if ctx.charts && ctx.input.scenarios.len() > 1 {
        blocks.push(Block::Chart(figures::comparison(&ctx.scenarios(), ctx.brand.primary)));
    } else if ctx.charts {
        blocks.push(Block::Chart(figures::fan(&ctx.scenarios(), ctx.input.time_axis.as_ref())));
    }
    blocks
}

fn data(ctx: &Context<'_>) -> Vec<Block> {
    let sources = &ctx.input.data_sources;
    let mut blocks = vec![paragraph(format!(
        "The data package holds {} source{}, read at the last refresh.",
        sources.len(),
        if sources.len() == 1 { "" } else { "s" }
    ))];
    if !sources.is_empty() {
        let rows = sources
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.kind.clone(),
                    s.rows.map(|r| r.to_string()).unwrap_or_default(),
                    crate::short(&s.hash).into(),
                ]
            })
            .collect();
        blocks.push(table(
            "Data sources",
            &["Source", "Kind", "Rows", "Content hash"],
            rows,
            &[false, false, true, false],
            "the data package".into(),
        ));
    }
    blocks.extend(overrides(ctx));
    blocks
}

fn overrides(ctx: &Context<'_>) -> Option<Block> {
    let o = &ctx.input.overrides;
    if o.is_empty() {
        return None;
    }
    let rows = o.iter().map(|o| vec![o.field.clone(), o.value.clone(), o.reason.clone()]).collect();
    Some(table(
        "Overrides and their reasons",
        &["Field", "Value", "Reason"],
        rows,
        &[false, true, false],
        "the analyst's overrides".into(),
    ))
}

fn population(ctx: &Context<'_>) -> Vec<Block> {
    let Some(p) = ctx.input.population.as_ref() else {
        return vec![paragraph("There is no population yet.")];
    };
    let worst = p.marginals.iter().max_by(|a, b| a.max_share_error.total_cmp(&b.max_share_error));
    let mut blocks = vec![paragraph(format!(
        "{} synthetic agents (seed {}), with {:.1} ties each on average.{}",
        narrative::count(p.size),
        p.seed,
        p.mean_degree,
        worst
            .map(|m| format!(
                " The largest gap between a synthetic and a target share is {} points, in {}.",
                number(m.max_share_error * 100.0),
                m.dimension
            ))
            .unwrap_or_default()
    ))];
    if !p.archetypes.is_empty() {
        let rows = p.archetypes.iter().map(|a| vec![a.archetype_id.clone(), a.label.clone(), pct(a.share)]).collect();
        let source = format!("population {}", crate::short(&p.population_id));
        blocks.push(table("Archetypes", &["Id", "Archetype", "Share"], rows, &[false, false, true], source));
    }
    if ctx.charts {
        blocks.extend((0..p.marginals.len()).map(|i| Block::Chart(figures::marginal(p, i, &ctx.brand.palette))));
        blocks.push(Block::Chart(figures::degrees(p, ctx.brand.primary)));
    }
    blocks
}

fn scenarios(ctx: &Context<'_>) -> Vec<Block> {
    let base = baseline(ctx);
    let rows = ctx
        .input
        .scenarios
        .iter()
        .map(|s| {
            let changes = narrative::changes(&base.ensemble, s);
            vec![
                s.name.clone(),
                s.description.clone(),
                if changes.is_empty() { "—".into() } else { changes.join("; ") },
            ]
        })
        .collect();
    let mut blocks = vec![table(
        "Scenarios",
        &["Scenario", "Description", "Changes from the baseline"],
        rows,
        &[false, false, false],
        "the project's scenarios".into(),
    )];
    if !ctx.input.not_run.is_empty() {
        blocks.push(paragraph(format!("Not run yet, so not in this report: {}.", ctx.input.not_run.join(", "))));
    }
    blocks
}

fn results_table(ctx: &Context<'_>) -> Block {
    let axis = ctx.input.time_axis.as_ref();
    let base = baseline(ctx);
    let rows = ctx
        .input
        .scenarios
        .iter()
        .map(|s| {
            let e = &s.ensemble;
            vec![
                s.name.clone(),
                pct(e.last.mean),
                narrative::interval(e),
                if std::ptr::eq(s, base) {
                    "—".into()
                } else {
                    format!("{:+.1}", (e.last.mean - base.ensemble.last.mean) * 100.0)
                },
                if narrative::same_threshold(&base.ensemble, e) {
                    pct(e.threshold.probability)
                } else {
                    format!(
                        "{} (≥ {} by {})",
                        pct(e.threshold.probability),
                        pct(e.threshold.share),
                        narrative::when(axis, e.threshold.tick)
                    )
                },
                e.median_crossing.map(|t| narrative::when(axis, t)).unwrap_or_else(|| "not reached".into()),
            ]
        })
        .collect();
    let source = ctx.runs.iter().map(|r| format!("{}: {}", r.scenario, r.label())).collect::<Vec<_>>().join("; ");
    let threshold = &base.ensemble.threshold;
    let odds = format!("P(≥ {} by {})", pct(threshold.share), narrative::when(axis, threshold.tick));
    table(
        "Final predicted share by scenario",
        &["Scenario", "Mean", "90% interval", "vs baseline, points", &odds, "Median crossing"],
        rows,
        &[false, true, true, true, true, true],
        source,
    )
}

fn results(ctx: &Context<'_>) -> Vec<Block> {
    let axis = ctx.input.time_axis.as_ref();
    let mut blocks: Vec<Block> = ctx
        .input
        .scenarios
        .iter()
        .map(|s| paragraph(format!("{} {}", narrative::headline(s, axis), narrative::threshold(s, axis))))
        .collect();
    let all = ctx.scenarios();
    if ctx.charts {
        blocks.push(Block::Chart(figures::fan(&all, ctx.input.time_axis.as_ref())));
        if all.len() > 1 {
            blocks.extend(
                all.iter()
                    .map(|one| Block::Chart(figures::fan(std::slice::from_ref(one), ctx.input.time_axis.as_ref()))),
            );
        }
        blocks.push(Block::Chart(figures::distribution(&all)));
        blocks.extend(figures::archetypes(&all).map(Block::Chart));
    }
    blocks.push(results_table(ctx));
    blocks
}

fn comparison(ctx: &Context<'_>) -> Vec<Block> {
    let base = baseline(ctx);
    let mut blocks = Vec::new();
    if ctx.input.scenarios.len() > 1 {
        blocks.push(paragraph(
            ctx.input.scenarios[1..].iter().map(|s| narrative::difference(base, s)).collect::<Vec<_>>().join(" "),
        ));
    } else {
        blocks.push(paragraph(format!("Only {} has results: there is nothing to compare it with yet.", base.name)));
    }
    if ctx.charts {
        blocks.push(Block::Chart(figures::comparison(&ctx.scenarios(), ctx.brand.primary)));
    }
    blocks.push(results_table(ctx));
    blocks
}

fn calibration(ctx: &Context<'_>) -> Vec<Block> {
    let calibrated: Vec<_> = ctx.scenarios().into_iter().filter(|(s, _, _)| s.ensemble.calibration.is_some()).collect();
    let Some((s, run, _)) = calibrated.first() else {
        return vec![paragraph("The model was not fitted to history: its coefficients are the analyst's settings.")];
    };
    let Some(c) = s.ensemble.calibration.as_ref() else { return Vec::new() };
    let mut blocks = vec![paragraph(narrative::calibration(c))];
    if ctx.charts {
        blocks.push(Block::Chart(figures::calibration(c, run, &ctx.brand.palette, ctx.input.time_axis.as_ref())));
    }
    if ctx.metrics_in_appendix {
        blocks.push(paragraph(
            "Each run's fit — points, errors, held-out coverage and the fitted coefficients — is in the appendix, under Calibration metrics.",
        ));
    } else {
        blocks.push(calibration_table(ctx));
    }
    blocks
}

fn calibration_table(ctx: &Context<'_>) -> Block {
    let rows = ctx
        .input
        .scenarios
        .iter()
        .zip(&ctx.runs)
        .filter_map(|(s, r)| {
            let c = s.ensemble.calibration.as_ref()?;
            let fitted = c.fitted.iter().map(|(k, v)| format!("{k} = {}", number(*v))).collect::<Vec<_>>().join(", ");
            Some(vec![
                s.name.clone(),
                c.series.clone(),
                format!("{} + {}", c.fit_points, c.holdout_points),
                number(c.fit_rmse),
                number(c.holdout_rmse),
                format!("{}%", number(c.holdout_mape)),
                pct(c.coverage_90),
                fitted,
                crate::short(&r.ensemble_id).into(),
            ])
        })
        .collect();
    table(
        "Calibration metrics",
        &[
            "Scenario",
            "History",
            "Points (fit + held out)",
            "Fit RMSE",
            "Held-out RMSE",
            "Held-out MAPE",
            "90% coverage",
            "Fitted coefficients",
            "Run",
        ],
        rows,
        &[false, false, true, true, true, true, true, false, false],
        "the calibration kept with each run".into(),
    )
}

fn sensitivity(ctx: &Context<'_>) -> Vec<Block> {
    let global = crate::sensitivity::global(ctx);
    let mut blocks = scenario_effects(ctx);
    if blocks.is_empty() && global.is_empty() {
        return vec![paragraph(
            "Sensitivity is read from scenarios that change the baseline's variables and from global analyses of a scenario (Scenario workbench → Sensitivity); there are none yet.",
        )];
    }
    blocks.extend(global);
    blocks
}

/// How far each hand-made scenario moved the answer from the baseline (none: no such scenario).
fn scenario_effects(ctx: &Context<'_>) -> Vec<Block> {
    let base = baseline(ctx);
    let mut effects: Vec<&ScenarioResult> = ctx.input.scenarios[1..].iter().collect();
    if effects.is_empty() {
        return Vec::new();
    }
    effects.sort_by(|a, b| {
        (b.ensemble.last.mean - base.ensemble.last.mean)
            .abs()
            .total_cmp(&(a.ensemble.last.mean - base.ensemble.last.mean).abs())
    });
    let rows = effects
        .iter()
        .map(|s| {
            let d = s.ensemble.last.mean - base.ensemble.last.mean;
            vec![
                s.name.clone(),
                narrative::changes(&base.ensemble, s).join("; "),
                format!("{:+.1}", d * 100.0),
                if narrative::same_threshold(&base.ensemble, &s.ensemble) {
                    format!("{:+.1}", (s.ensemble.threshold.probability - base.ensemble.threshold.probability) * 100.0)
                } else {
                    "— (another threshold)".into()
                },
            ]
        })
        .collect();
    vec![
        paragraph(format!(
            "How far each scenario moves the answer from {}, largest first. The changes are the scenario's own; the effects are differences of ensemble means.",
            base.name
        )),
        table(
            "Effect of each scenario's changes",
            &["Scenario", "Changes", "Final share, points", "Threshold odds, points"],
            rows,
            &[false, false, true, true],
            ctx.runs.iter().map(|r| format!("{}: {}", r.scenario, r.label())).collect::<Vec<_>>().join("; "),
        ),
    ]
}

pub(crate) fn appendix_section(ctx: &Context<'_>, id: &str) -> Section {
    let (title, blocks) = match id {
        "methodology" => ("Methodology", methodology(ctx)),
        "data_sources" => ("Data sources", data_sources(ctx)),
        "calibration_metrics" => ("Calibration metrics", calibration_metrics(ctx)),
        "caveats" => ("Caveats", vec![Block::Bullets { items: crate::caveats::caveats(ctx.input) }]),
        _ => ("Provenance", provenance(ctx)),
    };
    Section { id: id.into(), title: title.into(), blocks, appendix: true, notes: String::new() }
}

pub(crate) fn methodology_text(ctx: &Context<'_>) -> Vec<String> {
    let base = baseline(ctx);
    let e = &base.ensemble;
    vec![
        METHOD.to_string(),
        format!(
            "Each scenario ran {} replicates of {} ticks with {} agents (engine {}); replicate k of a run draws from its own seeded stream, so the results do not depend on the number of threads and a run can be reproduced from its seed.",
            e.replicates,
            e.ticks,
            narrative::count(e.agents),
            e.engine_version
        ),
        "Intervals are the 5th and 95th percentiles across replicates; threshold odds are the share of replicates at or above the threshold at its tick.".into(),
    ]
}

fn methodology(ctx: &Context<'_>) -> Vec<Block> {
    let mut blocks: Vec<Block> = methodology_text(ctx).into_iter().map(paragraph).collect();
    if let Some(graph) = ctx.input.causal_graph.as_ref().filter(|g| !g.nodes.is_empty()) {
        blocks.push(paragraph(
            "The model as a causal graph: data sources feed the variables; variables and the agents' attributes enter the model's terms with the coefficients shown (green raises, red lowers, dashed: fitted by calibration); the network carries the neighbours' influence; the terms and the market potential make the outcome.",
        ));
        blocks.push(Block::Figure(crate::Figure {
            title: "The model as a causal graph".into(),
            source: "the simulation settings' model, laid out by Sugiyama's layered method".into(),
            svg: crate::causal_svg::causal_svg(graph),
            width: graph.width,
            height: graph.height,
        }));
    }
    blocks
}

pub(crate) fn source_lines(ctx: &Context<'_>) -> Vec<String> {
    ctx.input.data_sources.iter().map(|s| format!("{} ({}), content hash {}", s.name, s.kind, s.hash)).collect()
}

fn data_sources(ctx: &Context<'_>) -> Vec<Block> {
    let mut blocks = vec![Block::Bullets { items: source_lines(ctx) }];
    blocks.extend(overrides(ctx));
    blocks
}

fn calibration_metrics(ctx: &Context<'_>) -> Vec<Block> {
    if ctx.input.scenarios.iter().all(|s| s.ensemble.calibration.is_none()) {
        return vec![paragraph("No run was calibrated.")];
    }
    vec![calibration_table(ctx)]
}

fn provenance(ctx: &Context<'_>) -> Vec<Block> {
    let i = ctx.input;
    let rows = ctx
        .runs
        .iter()
        .map(|r| {
            vec![
                r.scenario.clone(),
                r.ensemble_id.clone(),
                r.seed.to_string(),
                r.replicates.to_string(),
                r.ticks.to_string(),
                r.digest.clone(),
                r.input_hash.clone(),
                if r.stale { "out of date".into() } else { "current".into() },
            ]
        })
        .collect();
    vec![
        paragraph(format!(
            "Project {} ({}), version {}, engine {}, generated {}.",
            i.project_name, i.project_id, i.version, i.engine_version, i.generated_at
        )),
        table(
            "Runs",
            &["Scenario", "Ensemble", "Seed", "Replicates", "Ticks", "Output digest", "Input hash", "Status"],
            rows,
            &[false, false, true, true, true, false, false, false],
            "the project's recorded runs".into(),
        ),
    ]
}
