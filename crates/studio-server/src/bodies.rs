//! The bodies the routes read, as types: the handlers parse them and the OpenAPI document
//! describes them from the same definitions. `user_id` is optional in each: the server fills
//! in the local user.

use std::borrow::Cow;
use std::path::PathBuf;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::Value;
use studio_core::model::{
    DataWorkbenchPayload, PopulationWorkbenchPayload, ReportConfig, ReportFormat, ReportGeneratorPayload,
    ScenarioWorkbenchPayload, SimulationConsolePayload, Workbench,
};

/// `POST …/workbench/{workbench}/action`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    /// One of the workbench's actions, by the seed's name.
    #[schemars(with = "ActionName")]
    pub action: String,
    /// The workbench's payload; each action reads the fields it needs.
    #[serde(default)]
    #[schemars(with = "Payload")]
    pub payload: Value,
    #[serde(default)]
    pub user_id: Option<String>,
}

/// The payload of one of the five workbenches (described only: the core reads it).
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum Payload {
    Data(DataWorkbenchPayload),
    Population(PopulationWorkbenchPayload),
    Scenario(ScenarioWorkbenchPayload),
    Simulation(SimulationConsolePayload),
    Report(ReportGeneratorPayload),
}

/// Every action name of the seed, as a string enum.
struct ActionName;

impl JsonSchema for ActionName {
    fn schema_name() -> Cow<'static, str> {
        "ActionName".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut names: Vec<&str> = Workbench::ALL.iter().flat_map(|w| w.actions().iter().copied()).collect();
        names.sort_unstable();
        names.dedup();
        schemars::json_schema!({"type": "string", "enum": names})
    }
}

/// `POST …/duplicate`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateBody {
    /// The copy's name; "NAME (copy)" when absent.
    #[serde(default)]
    pub project_name: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
}

/// `POST /templates`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateBody {
    pub project_id: String,
    /// The template's name.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
}

/// `POST …/report/generate` and `…/report/preview`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateBody {
    /// Settings for this report only; the project's when absent.
    #[serde(default)]
    pub report_config: Option<ReportConfig>,
    #[serde(default)]
    pub user_id: Option<String>,
}

/// `POST …/report/{rid}/export`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportExportBody {
    #[schemars(with = "ReportFormat")]
    pub export_format: String,
    /// Where to write the file (absolute); default: the export folder.
    #[serde(default)]
    pub path: Option<PathBuf>,
    #[serde(default)]
    pub user_id: Option<String>,
}

/// `POST …/report/{rid}/reveal`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealBody {
    #[schemars(with = "ReportFormat")]
    pub export_format: String,
    /// Read and not needed: the operation does not depend on who asks.
    #[serde(default, rename = "user_id")]
    pub _user_id: Option<String>,
}

/// `POST …/export` (a `.studio` file).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectExportBody {
    /// Where to write the file: an absolute path.
    pub path: PathBuf,
    /// Include the data files, populations and results (a larger file that opens complete).
    #[serde(default)]
    pub with_artifacts: bool,
    /// Read and not needed: the operation does not depend on who asks.
    #[serde(default, rename = "user_id")]
    pub _user_id: Option<String>,
}

/// `POST /tasks/{tid}/cancel`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    #[serde(default)]
    pub reason: Option<String>,
    /// Read and not needed: the operation does not depend on who asks.
    #[serde(default, rename = "user_id")]
    pub _user_id: Option<String>,
}
