//! The workflow dependency graph and invalidation rules, exactly as the seed's JSON, and the
//! project status derived from the workbench statuses.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::content::ProjectContent;
use crate::{StageStatus, Workbench};

/// The seed's "DependencyGraph Dependency Graph", verbatim. The rules below are read from it.
pub const WORKFLOW_JSON: &str = r#"{
  "workflow": {
    "stages": ["data", "population", "scenario", "simulation", "report"],
    "dependencies": {
      "data": [],
      "population": ["data"],
      "scenario": ["population"],
      "simulation": ["scenario"],
      "report": ["simulation"]
    },
    "invalidation_rules": {
      "data_changed": ["population", "scenario", "simulation", "report"],
      "population_changed": ["scenario", "simulation", "report"],
      "scenario_changed": ["simulation", "report"],
      "simulation_changed": ["report"]
    }
  }
}"#;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DependencyGraph {
    pub stages: Vec<Workbench>,
    pub dependencies: BTreeMap<Workbench, Vec<Workbench>>,
    pub invalidation_rules: BTreeMap<String, Vec<Workbench>>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct WorkflowFile {
    workflow: DependencyGraph,
}

impl DependencyGraph {
    /// The seed's workflow, parsed once.
    pub fn seed() -> &'static DependencyGraph {
        static WORKFLOW: OnceLock<DependencyGraph> = OnceLock::new();
        WORKFLOW.get_or_init(|| {
            match serde_json::from_str::<WorkflowFile>(WORKFLOW_JSON) {
                Ok(file) => file.workflow,
                // The constant is part of the source and checked by a test.
                Err(e) => panic!("WORKFLOW_JSON is malformed: {e}"),
            }
        })
    }
}

/// The stages a change in `changed` invalidates, per the seed's `<stage>_changed` rule.
pub fn invalidated_by(changed: Workbench) -> &'static [Workbench] {
    DependencyGraph::seed()
        .invalidation_rules
        .get(&format!("{}_changed", changed.as_str()))
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// The warning shown when `stage` is invalidated by a change in `cause`.
pub fn warning_for(stage: Workbench, cause: Workbench) -> String {
    let what = match stage {
        Workbench::Data => "Data sources must be refreshed",
        Workbench::Population => "Population must be re-generated",
        Workbench::Scenario => "Scenarios must be re-validated",
        Workbench::Simulation => "Simulations must be re-run",
        Workbench::Report => "Report must be re-generated",
    };
    format!("{what} after {cause} changes")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    #[default]
    Draft,
    DataReady,
    PopulationReady,
    ScenariosDefined,
    Simulated,
    Complete,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 6] = [
        ProjectStatus::Draft,
        ProjectStatus::DataReady,
        ProjectStatus::PopulationReady,
        ProjectStatus::ScenariosDefined,
        ProjectStatus::Simulated,
        ProjectStatus::Complete,
    ];

    /// The status a stored name stands for (`"data_ready"` → `DataReady`).
    pub fn named(name: &str) -> Option<ProjectStatus> {
        ProjectStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Draft => "draft",
            ProjectStatus::DataReady => "data_ready",
            ProjectStatus::PopulationReady => "population_ready",
            ProjectStatus::ScenariosDefined => "scenarios_defined",
            ProjectStatus::Simulated => "simulated",
            ProjectStatus::Complete => "complete",
        }
    }
}

/// The project status: how far along the pipeline every stage is complete, in order.
/// A stage complete after an incomplete one does not count.
pub fn project_status(content: &ProjectContent) -> ProjectStatus {
    const REACHED: [ProjectStatus; 5] = [
        ProjectStatus::DataReady,
        ProjectStatus::PopulationReady,
        ProjectStatus::ScenariosDefined,
        ProjectStatus::Simulated,
        ProjectStatus::Complete,
    ];
    let mut status = ProjectStatus::Draft;
    for (stage, reached) in Workbench::ALL.into_iter().zip(REACHED) {
        if content.stage(stage).status != StageStatus::Complete {
            break;
        }
        status = reached;
    }
    status
}
