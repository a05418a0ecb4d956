//! The seed's inputs: project lifecycle requests, the workbench action and the five payloads.
//! Field names and enum values are the seed's; unknown fields are refused so typos surface.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Workbench;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectCreate {
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    pub project_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_query: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectLoad {
    pub project_id: String,
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkbenchAction {
    pub project_id: String,
    pub user_id: String,
    pub workbench: Workbench,
    pub action: String,
    #[serde(default)]
    pub payload: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataWorkbenchPayload {
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub source_name: Option<String>,
    #[serde(default)]
    pub configuration: Option<Map<String, Value>>,
    #[serde(default, rename = "override")]
    pub override_value: Option<OverrideInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    pub field: String,
    pub value: Value,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PopulationWorkbenchPayload {
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub adjustment: Option<PopulationAdjustmentInput>,
    #[serde(default)]
    pub archetype_id: Option<String>,
    #[serde(default)]
    pub edits: Option<Map<String, Value>>,
    #[serde(default)]
    pub target_size: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PopulationAdjustmentInput {
    pub dimension: String,
    /// `{"shares": {category: share}}` to reshape, or `{"shift": fraction}` to move mass up a
    /// category (negative: down).
    pub target: Map<String, Value>,
    /// The distribution before the change; filled in by the core from the data package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioWorkbenchPayload {
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub scenario_id: Option<String>,
    #[serde(default)]
    pub scenario_config: Option<ScenarioConfig>,
    #[serde(default)]
    pub compare_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioConfig {
    pub name: String,
    pub description: String,
    pub variable_overrides: Vec<VariableOverride>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population_adjustments: Option<Map<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shock_events: Option<Vec<ShockEvent>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariableOverride {
    pub variable: String,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShockEvent {
    pub tick: u64,
    pub variable: String,
    pub magnitude: f64,
}

impl ShockEvent {
    /// As comparisons and reports write it: "tick 10: price -0.2".
    pub fn label(&self) -> String {
        format!("tick {}: {} {:+}", self.tick, self.variable, self.magnitude)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationConsolePayload {
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub simulation_config: Option<Map<String, Value>>,
    #[serde(default)]
    pub tick: Option<u64>,
    #[serde(default)]
    pub shock: Option<ShockInput>,
    /// `csv | json | parquet`
    #[serde(default)]
    pub export_format: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShockInput {
    pub variable: String,
    pub magnitude: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportGeneratorPayload {
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub report_config: Option<ReportConfig>,
    /// `pdf | pptx | html | docx`
    #[serde(default)]
    pub export_format: Option<String>,
    #[serde(default)]
    pub annotation: Option<AnnotationInput>,
    #[serde(default)]
    pub schedule: Option<ScheduleInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// `executive_summary | detailed_analysis | comparison | custom`
    pub template: ReportTemplate,
    pub sections: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branding: Option<Branding>,
    pub include_charts: bool,
    pub include_methodology: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportTemplate {
    ExecutiveSummary,
    DetailedAnalysis,
    Comparison,
    Custom,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// The logo as read, checked and scaled when it was set (`customize`): the hash it is
    /// stored under. Set by Studio, not by the analyst; reports use it rather than reading the
    /// file again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colors: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnotationInput {
    pub section: String,
    pub text: String,
    pub author: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleInput {
    pub frequency: String,
    pub recipients: Vec<String>,
}
