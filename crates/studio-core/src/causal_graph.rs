//! The project's model as a causal graph (`studio_model::CausalGraph`): made from the data
//! package, the population's dimensions, the simulation settings, the calibration and the
//! baseline's last run, and laid out left to right by Sugiyama's layered method (the
//! rust-sugiyama crate: layers, crossing reduction, Brandes–Köpf coordinates).

use std::collections::BTreeMap;

use serde_json::Value;
use studio_model::{CausalEdge, CausalGraph, CausalKind, CausalNode, SimulationSettings, model_terms};

use crate::data_package::DataPackage;

/// Space between layers and between components, in the drawing's units.
const LAYER_GAP: f64 = 90.0;
const NODE_HEIGHT: f64 = 46.0;

/// What the graph is made from.
pub struct GraphInputs<'a> {
    pub settings: &'a SimulationSettings,
    pub package: Option<&'a DataPackage>,
    /// The variables' values at the baseline.
    pub baseline: &'a BTreeMap<String, f64>,
    /// The population's dimensions (agents' attributes).
    pub attributes: Vec<String>,
    pub mean_degree: Option<f64>,
    /// The baseline's last final share, if it has been run.
    pub outcome: Option<f64>,
}

fn node(id: String, kind: CausalKind, label: &str, value: Option<f64>, detail: String) -> CausalNode {
    let width = (label.chars().count().max(detail.chars().count().min(28)) as f64 * 7.0 + 28.0).clamp(90.0, 240.0);
    CausalNode { id, kind, label: label.to_string(), value, detail, x: 0.0, y: 0.0, width, height: NODE_HEIGHT }
}

fn number(v: f64) -> String {
    let rounded = (v * 1e4).round() / 1e4;
    format!("{rounded}").replace('-', "−")
}

/// The graph from what a project holds: its settings, its data, its population's header (the
/// attributes and the ties) and the baseline's last final share.
pub fn graph_of(
    settings: &SimulationSettings,
    package: Option<&DataPackage>,
    header: Option<&studio_engine::population::PopulationHeader>,
    outcome: Option<f64>,
) -> CausalGraph {
    let baseline = crate::scenario_runs::baseline_variables(settings, package);
    causal_graph(&GraphInputs {
        settings,
        package,
        baseline: &baseline,
        attributes: header.map(|h| h.dimensions.iter().map(|d| d.name.clone()).collect()).unwrap_or_default(),
        mean_degree: header.map(|h| h.network.mean_degree),
        outcome,
    })
}

/// The graph of the model the settings hold.
pub fn causal_graph(inputs: &GraphInputs<'_>) -> CausalGraph {
    let settings = inputs.settings;
    let model = &settings.model;
    let terms = model_terms(model);
    let fitted: Vec<String> = settings
        .calibration
        .as_ref()
        .map(|c| c.parameters.iter().map(|p| p.path.clone()).collect())
        .unwrap_or_default();
    let mut nodes: Vec<CausalNode> = Vec::new();
    let mut edges: Vec<CausalEdge> = Vec::new();
    let plain = |from: &str, to: &str, label: &str| CausalEdge {
        from: from.into(),
        to: to.into(),
        coefficient: None,
        sign: None,
        fitted: false,
        path: None,
        label: label.into(),
    };

    // Variables, with the sources they come from.
    let mut variables: Vec<String> = inputs.baseline.keys().cloned().collect();
    for term in terms {
        for name in model[*term]["variables"].as_object().into_iter().flat_map(|m| m.keys()) {
            if !variables.contains(name) {
                variables.push(name.clone());
            }
        }
    }
    let mut sources: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(package) = inputs.package {
        for series in &package.variables {
            sources.entry(series.source_name.clone()).or_default().push(format!("variable:{}", series.name));
        }
        for series in &package.time_series {
            sources.entry(series.source_name.clone()).or_default().push("outcome".into());
        }
    }
    for (source, targets) in &sources {
        nodes.push(node(format!("source:{source}"), CausalKind::Source, source, None, "data source".into()));
        for target in targets {
            let label = if target == "outcome" { "history (calibration)" } else { "latest value" };
            edges.push(plain(&format!("source:{source}"), target, label));
        }
    }
    for name in &variables {
        let value = inputs.baseline.get(name).copied();
        let detail = value.map_or("not in the data".to_string(), |v| format!("now {}", number(v)));
        nodes.push(node(format!("variable:{name}"), CausalKind::Variable, name, value, detail));
    }

    // Attributes: the population's dimensions and any the model names.
    let mut attributes = inputs.attributes.clone();
    for term in terms {
        for name in model[*term]["attributes"].as_object().into_iter().flat_map(|m| m.keys()) {
            if !attributes.contains(name) {
                attributes.push(name.clone());
            }
        }
    }
    for name in &attributes {
        nodes.push(node(format!("attribute:{name}"), CausalKind::Attribute, name, None, "agents' attribute".into()));
    }

    // Terms, with their coefficients on variables and attributes.
    let diffusion = model.get("kind").and_then(Value::as_str) != Some("opinion");
    for term in terms {
        let t = &model[*term];
        let constant = t["constant"].as_f64().unwrap_or(0.0);
        let global = constant
            + t["variables"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(v, c)| c.as_f64().unwrap_or(0.0) * inputs.baseline.get(v).copied().unwrap_or(0.0))
                .sum::<f64>();
        let detail = format!("{} at the baseline (constant {})", number(global), number(constant));
        nodes.push(node(format!("term:{term}"), CausalKind::Term, term, Some(global), detail));
        for (group, kind) in [("variables", "variable"), ("attributes", "attribute")] {
            for (name, c) in t[group].as_object().into_iter().flatten() {
                let c = c.as_f64().unwrap_or(0.0);
                let path = format!("{term}.{group}.{name}");
                edges.push(CausalEdge {
                    from: format!("{kind}:{name}"),
                    to: format!("term:{term}"),
                    coefficient: Some(c),
                    sign: Some(if c > 0.0 {
                        1
                    } else if c < 0.0 {
                        -1
                    } else {
                        0
                    }),
                    fitted: fitted.contains(&path),
                    label: number(c),
                    path: Some(path),
                });
            }
        }
        let label = match *term {
            "spontaneous" => "chance per tick",
            "influence" => "× share of neighbours adopted",
            "initial" => "starting opinion",
            _ => "push per tick",
        };
        edges.push(plain(&format!("term:{term}"), "outcome", label));
    }
    let degree =
        inputs.mean_degree.map_or("the agents' ties".to_string(), |d| format!("{} ties each on average", number(d)));
    nodes.push(node("network".into(), CausalKind::Network, "network", inputs.mean_degree, degree));
    if diffusion {
        edges.push(plain("network", "term:influence", "neighbours who adopted"));
        let potential = model.get("potential").and_then(Value::as_f64).unwrap_or(1.0);
        let fits = fitted.iter().any(|p| p == "potential");
        nodes.push(node(
            "potential".into(),
            CausalKind::Potential,
            "potential",
            Some(potential),
            format!("at most {:.1}% ever adopt", potential * 100.0),
        ));
        edges.push(CausalEdge {
            from: "potential".into(),
            to: "outcome".into(),
            coefficient: Some(potential),
            sign: Some(1),
            fitted: fits,
            path: Some("potential".into()),
            label: number(potential),
        });
    } else {
        edges.push(plain("network", "outcome", "neighbours' opinions"));
    }
    let detail = match inputs.outcome {
        Some(v) => format!("{:.1}% at tick {} (baseline)", v * 100.0, settings.ticks),
        None => format!("share at tick {} (not run yet)", settings.ticks),
    };
    nodes.push(node("outcome".into(), CausalKind::Outcome, "outcome share", inputs.outcome, detail));

    let (width, height) = lay_out(&mut nodes, &edges);
    CausalGraph {
        nodes,
        edges,
        width,
        height,
        terms: terms.iter().map(|t| t.to_string()).collect(),
        variables,
        attributes,
    }
}

/// Places the nodes: Sugiyama's layers left to right (the crate lays them top to bottom, so
/// its axes are swapped), components stacked. Answers the drawing's width and height.
fn lay_out(nodes: &mut [CausalNode], edges: &[CausalEdge]) -> (f64, f64) {
    let index: BTreeMap<&str, u32> = nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i as u32)).collect();
    // Sizes across the layers' direction first: (height, width) once turned.
    let vertices: Vec<(u32, (f64, f64))> =
        nodes.iter().enumerate().map(|(i, n)| (i as u32, (n.height + 14.0, n.width + LAYER_GAP))).collect();
    let links: Vec<(u32, u32)> =
        edges.iter().filter_map(|e| Some((*index.get(e.from.as_str())?, *index.get(e.to.as_str())?))).collect();
    let config = rust_sugiyama::configure::Config { vertex_spacing: 14.0, ..Default::default() };
    let layouts = rust_sugiyama::from_vertices_and_edges(&vertices, &links, &config);
    let (mut width, mut offset) = (0.0f64, 0.0f64);
    for (placed, _, _) in layouts {
        let min_x = placed.iter().map(|(_, (x, _))| *x).fold(f64::INFINITY, f64::min);
        let min_y = placed.iter().map(|(_, (_, y))| *y).fold(f64::INFINITY, f64::min);
        let mut bottom = 0.0f64;
        for (id, (x, y)) in placed {
            let n = &mut nodes[id];
            // The crate's y (layers) becomes x; its x (within a layer) becomes y.
            n.x = (y - min_y) + n.width / 2.0 + 10.0;
            n.y = (x - min_x) + offset + n.height / 2.0 + 10.0;
            width = width.max(n.x + n.width / 2.0 + 10.0);
            bottom = bottom.max(n.y + n.height / 2.0);
        }
        offset = bottom + 24.0;
    }
    (width, offset.max(NODE_HEIGHT))
}
