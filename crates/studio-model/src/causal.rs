//! The model as a causal graph: data sources → variables → the model's terms → the outcome;
//! agents' attributes → terms; the network → the neighbours' term; each edge with its
//! coefficient, its sign and whether calibration fits it; laid out for drawing. And the one edit
//! it allows: a coefficient of a variable or an attribute on a term set (an edge added or
//! changed) or removed — an undoable change of the simulation settings that leaves every
//! scenario's run to be done again.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::apply::{Change, Outcome, finish};
use crate::{ActionContext, ModelError, ProjectContent, SimulationSettings, Workbench};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CausalKind {
    Source,
    Variable,
    Attribute,
    Network,
    Term,
    Potential,
    Outcome,
}

/// A node, placed: its centre and size in the drawing's units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CausalNode {
    /// `source:NAME`, `variable:NAME`, `attribute:NAME`, `network`, `term:NAME`, `potential`,
    /// `outcome`.
    pub id: String,
    pub kind: CausalKind,
    pub label: String,
    /// Its current value (a variable's, a term's at the baseline, the outcome's last share).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The value in words, with what it is.
    pub detail: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// An edge: its coefficient (when the model has one for it), whether calibration fits it, and
/// the path to edit it by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CausalEdge {
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coefficient: Option<f64>,
    /// `+1`, `-1` or `0` (none: the edge carries no coefficient).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<i8>,
    pub fitted: bool,
    /// The coefficient's path (`spontaneous.variables.price`): edges that can be edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub label: String,
}

/// The graph, laid out left to right; `width` and `height` bound it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CausalGraph {
    pub nodes: Vec<CausalNode>,
    pub edges: Vec<CausalEdge>,
    pub width: f64,
    pub height: f64,
    /// The model's terms that edges may be added to (`spontaneous`, `influence`…).
    pub terms: Vec<String>,
    /// Variables and attributes that may get an edge to a term.
    pub variables: Vec<String>,
    pub attributes: Vec<String>,
}

/// The edit: a coefficient of a variable or an attribute on a term (`TERM.variables.NAME`,
/// `TERM.attributes.NAME`), or a term's constant or the potential, set to `value`; a variable's
/// or an attribute's removed when `value` is null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CausalEdit {
    pub path: String,
    #[serde(default)]
    pub value: Option<f64>,
}

/// The terms a model of `kind` has.
pub fn model_terms(model: &Value) -> &'static [&'static str] {
    match model.get("kind").and_then(Value::as_str) {
        Some("opinion") => &["initial", "drift"],
        _ => &["spontaneous", "influence"],
    }
}

/// Applies `edit` to the project's model, checking the names against `variables` and
/// `attributes` (those the project has); an undoable change that leaves the runs to redo.
pub fn edit_causal_edge(
    content: &ProjectContent,
    edit: &CausalEdit,
    variables: &[String],
    attributes: &[String],
    ctx: &ActionContext,
) -> Result<Outcome, ModelError> {
    let mut settings = SimulationSettings::of(content)?;
    let terms = model_terms(&settings.model);
    let parts: Vec<&str> = edit.path.split('.').collect();
    let bad = |why: String| Err(ModelError::invalid(format!("path '{}': {why}", edit.path)));
    if let Some(v) = edit.value
        && !(v.is_finite() && v.abs() <= 1e6)
    {
        return bad(format!("the coefficient {v} must be a finite number within ±1,000,000"));
    }
    let mut model = settings.model.clone();
    let said = match parts.as_slice() {
        ["potential"] => {
            let Some(v) = edit.value else { return bad("the potential cannot be removed; set it to 1 instead".into()) };
            if !(v > 0.0 && v <= 1.0) {
                return bad(format!("the potential is a share above 0, at most 1; got {v}"));
            }
            model["potential"] = json!(v);
            format!("Set the potential to {v}")
        }
        [term, "constant"] if terms.contains(term) => {
            let Some(v) = edit.value else { return bad("a term's constant cannot be removed; set it to 0".into()) };
            model[*term]["constant"] = json!(v);
            format!("Set {term}'s constant to {v}")
        }
        [term, group @ ("variables" | "attributes"), name] if terms.contains(term) => {
            let (known, what, a) =
                if *group == "variables" { (variables, "variable", "a") } else { (attributes, "attribute", "an") };
            let present = model[*term][*group].get(*name).is_some();
            if edit.value.is_some() && !present && !known.iter().any(|k| k == name) {
                let list = if known.is_empty() { "none".into() } else { known.join(", ") };
                return bad(format!("'{name}' is not {a} {what} of the project; its {what}s: {list}"));
            }
            match edit.value {
                Some(v) => {
                    if !model[*term][*group].is_object() {
                        model[*term][*group] = json!({});
                    }
                    model[*term][*group][*name] = json!(v);
                    if present {
                        format!("Set the coefficient of {name} on {term} to {v}")
                    } else {
                        format!("Added an edge {name} → {term} with coefficient {v}")
                    }
                }
                None => {
                    if !present {
                        return bad(format!("{term} has no coefficient on {name} to remove"));
                    }
                    if let Some(map) = model[*term][*group].as_object_mut() {
                        map.remove(*name);
                    }
                    format!("Removed the edge {name} → {term}")
                }
            }
        }
        _ => {
            return bad(format!(
                "a coefficient is TERM.variables.NAME, TERM.attributes.NAME, TERM.constant or potential, TERM one of {}",
                terms.join(", ")
            ));
        }
    };
    settings.model = model;
    settings.check()?;
    let mut next = content.clone();
    next.simulation.insert(crate::simulation_settings::SETTINGS.into(), settings.to_raw());
    let fitted = settings.calibration.as_ref().is_some_and(|c| c.parameters.iter().any(|p| p.path == edit.path));
    let summary = if fitted { format!("{said} (calibration fits it: its next fit starts there)") } else { said };
    let change = Change {
        // A change of the model changes what every scenario computes.
        workbench: Some(Workbench::Scenario),
        action: "edit_causal_edge",
        summary,
        reversible: true,
        result: json!({"path": edit.path, "value": edit.value}),
        status: None,
    };
    Ok(finish(content, next, change, ctx))
}
