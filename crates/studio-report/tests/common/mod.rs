//! A project's results as the core would gather them: three scenarios (the baseline
//! calibrated), a population with three marginals and six archetypes, two data sources. Names
//! are shaped like the product's example (`studio example`): archetype labels as the engine
//! makes them from the most distinctive attributes, the history named by its outcome
//! (`heat_pump_adoption`), two fitted coefficients.
#![allow(dead_code)]

use std::collections::BTreeMap;

use studio_model::{
    Annotation, CalibrationFit, CausalEdge, CausalGraph, CausalKind, CausalNode, Ensemble, EnsembleVariables,
    FactorIndex, FactorKind, FinalShares, ReportConfig, ReportTemplate, Sensitivity, SensitivityFactor,
    SensitivityMethod, SensitivityOutput, ThresholdOdds,
};
use studio_report::{
    ArchetypeFacts, MarginalFacts, OverrideFacts, PopulationFacts, REPORT_INPUT_FORMAT, ReportInput, ScenarioResult,
    SourceFacts,
};

/// Id, label, share of agents, final share relative to the mean.
pub const ARCHETYPES: [(&str, &str, f64, f64); 6] = [
    ("A1", "older, low income, large household", 0.22, 0.7),
    ("A2", "younger · smaller households", 0.2, 1.3),
    ("A3", "high income · owner occupied", 0.18, 1.25),
    ("A4", "rural · detached house", 0.16, 1.1),
    ("A5", "low income · rented flat", 0.14, 0.6),
    ("A6", "typical", 0.1, 1.0),
];

fn ensemble(level: f64, replicates: u32, calibrated: bool) -> Ensemble {
    let ticks = 40usize;
    let runs: Vec<Vec<f64>> = (0..replicates)
        .map(|r| {
            (0..ticks)
                .map(|t| level * t as f64 / (ticks - 1) as f64 * (0.9 + 0.2 * r as f64 / replicates as f64))
                .collect()
        })
        .collect();
    let mean: Vec<f64> = (0..ticks).map(|t| runs.iter().map(|r| r[t]).sum::<f64>() / replicates as f64).collect();
    let bands: Vec<[f64; 5]> = mean.iter().map(|m| [m * 0.9, m * 0.95, *m, m * 1.05, m * 1.1]).collect();
    let last = *bands.last().unwrap();
    let by_archetype = ARCHETYPES
        .iter()
        .map(|(_, label, _, factor)| (label.to_string(), mean.iter().map(|m| m * factor).collect()))
        .collect();
    let calibration = calibrated.then(|| CalibrationFit {
        series: "heat_pump_adoption".into(),
        fitted: BTreeMap::from([
            ("spontaneous.constant".to_string(), 0.0041),
            ("influence.constant".to_string(), 0.21),
        ]),
        start: BTreeMap::new(),
        fit_points: 8,
        holdout_points: 2,
        fit_rmse: 0.0123,
        holdout_rmse: 0.0211,
        holdout_mape: 6.5,
        coverage_90: 1.0,
        observed: (0..10).map(|t| 0.01 * t as f64).collect(),
        mean: (0..10).map(|t| 0.011 * t as f64).collect(),
        bands: (0..10).map(|t| [0.008 * t as f64, 0.0, 0.011 * t as f64, 0.0, 0.014 * t as f64]).collect(),
        posterior: serde_json::json!({"parameters": ["spontaneous.constant", "influence.constant"],
            "particles": [[0.004, 0.2], [0.0042, 0.22]], "weights": [0.5, 0.5], "distances": [0.01, 0.012],
            "tolerance": 0.012, "generations": 4, "simulations": 300}),
        discrepancy: serde_json::json!({"rho": 0.9, "sigma": 0.05, "noise": 0.12, "noise_share": 0.002}),
        ..CalibrationFit::default()
    });
    Ensemble {
        engine_version: "0.1.0".into(),
        seed: 42,
        replicates,
        ticks: ticks as u64,
        agents: 10_000,
        digest: "d1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2".into(),
        last: FinalShares::of(last, *mean.last().unwrap()),
        threshold: ThresholdOdds { share: 0.3, tick: 30, probability: (level - 0.2).clamp(0.0, 1.0) },
        median_crossing: if level > 0.35 { Some(33) } else { None },
        by_archetype,
        runs,
        variables: EnsembleVariables {
            initial: BTreeMap::from([("price".to_string(), level * 2.0), ("subsidy".to_string(), 0.0)]),
            shocks: Vec::new(),
        },
        calibration,
        bands,
        mean,
        ..Ensemble::default()
    }
}

fn scenario(k: usize, name: &str, level: f64, calibrated: bool) -> ScenarioResult {
    ScenarioResult {
        scenario_id: format!("scenario-{k}"),
        name: name.into(),
        description: format!("{name}, as the analyst wrote it"),
        ensemble_id: format!("{k:08}-aaaa-4bbb-8ccc-dddddddddddd"),
        input_hash: format!("{:064}", k),
        stale: false,
        overrides: BTreeMap::new(),
        shocks: if k == 2 { vec!["tick 10: subsidy +0.1".into()] } else { Vec::new() },
        ensemble: ensemble(level, 20, calibrated),
        sensitivity: (k == 1).then(|| sensitivity(name)),
    }
}

/// A Sobol analysis of the baseline: the spontaneous rate matters most, the price little.
fn sensitivity(name: &str) -> Sensitivity {
    let factor = |kind, name: &str, lower, upper, value, fitted| SensitivityFactor {
        kind,
        name: name.into(),
        lower,
        upper,
        value,
        fitted,
    };
    let index = |factor: &str, first: f64, total: f64, low: f64, high: f64| FactorIndex {
        factor: factor.into(),
        first: Some(first),
        first_interval: Some([first - 0.05, first + 0.05]),
        total: Some(total),
        total_interval: Some([total - 0.04, total + 0.04]),
        low,
        high,
        ..FactorIndex::default()
    };
    let output = |output: &str, label: &str, scale: f64| SensitivityOutput {
        output: output.into(),
        label: label.into(),
        mean: 0.3 * scale,
        sd: 0.05 * scale,
        indices: vec![
            index("spontaneous.constant", 0.71, 0.78, 0.24 * scale, 0.37 * scale),
            index("price", 0.12, 0.15, 0.33 * scale, 0.28 * scale),
        ],
    };
    Sensitivity {
        format: 1,
        scenario_id: "scenario-1".into(),
        scenario_name: name.into(),
        input_hash: format!("{:064}", 1),
        source_hash: String::new(),
        method: SensitivityMethod::Sobol,
        factors: vec![
            factor(FactorKind::Coefficient, "spontaneous.constant", 0.002, 0.006, 0.004, true),
            factor(FactorKind::Variable, "price", 0.8, 1.2, 1.0, false),
        ],
        samples: 64,
        replicates: 8,
        seed: 42,
        evaluations: 256,
        simulations: 2048,
        conditioned: true,
        threshold_share: 0.3,
        threshold_tick: 20,
        elapsed_ms: 30_000,
        outputs: vec![
            output("final_share", "final share (tick 20)", 1.0),
            output("threshold_probability", "P(share ≥ 30% by tick 20)", 1.5),
        ],
    }
}

pub fn config(template: ReportTemplate, sections: &[&str]) -> ReportConfig {
    ReportConfig {
        template,
        sections: sections.iter().map(|s| s.to_string()).collect(),
        branding: None,
        include_charts: true,
        include_methodology: true,
    }
}

pub fn input(template: ReportTemplate) -> ReportInput {
    let marginal = |dimension: &str, categories: &[&str], target: &[f64], synthetic: &[f64]| MarginalFacts {
        dimension: dimension.into(),
        categories: categories.iter().map(|c| c.to_string()).collect(),
        target: target.to_vec(),
        synthetic: synthetic.to_vec(),
        max_share_error: target.iter().zip(synthetic).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max),
    };
    ReportInput {
        format: REPORT_INPUT_FORMAT,
        project_id: "11111111-2222-4333-8444-555555555555".into(),
        project_name: "Heat pumps".into(),
        question: "Will a third of households own a heat pump by 2030?".into(),
        version: 4,
        engine_version: "0.1.0".into(),
        generated_at: "2026-11-30T12:00:00Z".into(),
        config: config(template, &[]),
        logo: None,
        scenarios: vec![
            scenario(1, "Baseline", 0.40, true),
            scenario(2, "Prices fall 20%", 0.48, false),
            scenario(3, "No subsidy", 0.31, false),
        ],
        not_run: vec!["Grid outage".into()],
        population: Some(PopulationFacts {
            population_id: "99999999-8888-4777-8666-555555555555".into(),
            size: 10_000,
            seed: 7,
            digest: "feedfacecafebeef00000000000000000000000000000000000000000000000".into(),
            marginals: vec![
                marginal("age", &["18-34", "35-54", "55+"], &[0.3, 0.4, 0.3], &[0.31, 0.39, 0.3]),
                marginal("income", &["low", "mid", "high"], &[0.25, 0.5, 0.25], &[0.25, 0.5, 0.25]),
                marginal("region", &["north", "south"], &[0.45, 0.55], &[0.42, 0.58]),
            ],
            degree_distribution: (1..=12).map(|d| (d, 1000 - 60 * d as u64)).collect(),
            mean_degree: 6.2,
            archetypes: ARCHETYPES
                .iter()
                .map(|(id, label, share, _)| ArchetypeFacts {
                    archetype_id: id.to_string(),
                    label: label.to_string(),
                    share: *share,
                })
                .collect(),
        }),
        data_sources: vec![
            SourceFacts {
                name: "census_marginals".into(),
                kind: "csv".into(),
                hash: "abc123def4567890".into(),
                rows: Some(8),
            },
            SourceFacts {
                name: "adoption_history".into(),
                kind: "csv".into(),
                hash: "0987fedcba654321".into(),
                rows: Some(10),
            },
        ],
        overrides: vec![OverrideFacts {
            field: "price".into(),
            value: "0.8".into(),
            reason: "New tariff announced".into(),
        }],
        annotations: vec![Annotation {
            annotation_id: "n1".into(),
            section: "summary".into(),
            text: "Check the tariff date before sharing.".into(),
            author: "Ana".into(),
            created_at: "2026-11-30T11:00:00Z".into(),
        }],
        stale_stages: Vec::new(),
        task: None,
        question_scenario: None,
        time_axis: None,
        causal_graph: Some(causal_graph()),
    }
}

/// A small causal graph, placed by hand: price → spontaneous → outcome, the network →
/// influence → outcome.
fn causal_graph() -> CausalGraph {
    let node = |id: &str, kind, label: &str, x: f64, y: f64| CausalNode {
        id: id.into(),
        kind,
        label: label.into(),
        value: Some(0.5),
        detail: format!("{label} & <detail>"),
        x,
        y,
        width: 120.0,
        height: 46.0,
    };
    let edge = |from: &str, to: &str, coefficient: Option<f64>, fitted: bool| CausalEdge {
        from: from.into(),
        to: to.into(),
        coefficient,
        sign: coefficient.map(|c| if c < 0.0 { -1 } else { 1 }),
        fitted,
        path: None,
        label: coefficient.map_or("carries".into(), |c| c.to_string()),
    };
    CausalGraph {
        nodes: vec![
            node("variable:price", CausalKind::Variable, "price", 70.0, 40.0),
            node("network", CausalKind::Network, "network", 70.0, 110.0),
            node("term:spontaneous", CausalKind::Term, "spontaneous", 280.0, 40.0),
            node("term:influence", CausalKind::Term, "influence", 280.0, 110.0),
            node("outcome", CausalKind::Outcome, "outcome share", 490.0, 75.0),
        ],
        edges: vec![
            edge("variable:price", "term:spontaneous", Some(-0.002), false),
            edge("network", "term:influence", None, false),
            edge("term:spontaneous", "outcome", None, false),
            edge("term:influence", "outcome", Some(0.2), true),
        ],
        width: 560.0,
        height: 150.0,
        terms: vec!["spontaneous".into(), "influence".into()],
        variables: vec!["price".into()],
        attributes: Vec::new(),
    }
}
