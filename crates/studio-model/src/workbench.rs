//! The five workbenches, their statuses and collaborator roles, with the seed's names.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ModelError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Workbench {
    Data,
    Population,
    Scenario,
    Simulation,
    Report,
}

impl Workbench {
    /// In pipeline order.
    pub const ALL: [Workbench; 5] =
        [Workbench::Data, Workbench::Population, Workbench::Scenario, Workbench::Simulation, Workbench::Report];

    pub fn as_str(self) -> &'static str {
        match self {
            Workbench::Data => "data",
            Workbench::Population => "population",
            Workbench::Scenario => "scenario",
            Workbench::Simulation => "simulation",
            Workbench::Report => "report",
        }
    }

    /// Every action the seed names for this workbench, in the seed's order.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Workbench::Data => &[
                "explore_sources",
                "configure_source",
                "preview_data",
                "override_value",
                "add_custom_source",
                "refresh_data",
            ],
            Workbench::Population => &[
                "view_archetypes",
                "adjust_distribution",
                "edit_archetype",
                "resize_population",
                "regenerate",
                "view_network",
            ],
            Workbench::Scenario => &[
                "create_scenario",
                "edit_scenario",
                "duplicate_scenario",
                "delete_scenario",
                "compare_scenarios",
                "run_scenario",
            ],
            Workbench::Simulation => &[
                "run",
                "pause",
                "resume",
                "stop",
                "replay",
                "step_forward",
                "step_backward",
                "inject_shock",
                "export_data",
            ],
            Workbench::Report => &["generate", "customize", "export", "schedule", "add_annotation"],
        }
    }

    /// Checks that `action` belongs to this workbench, naming the valid ones if not.
    pub fn check_action(self, action: &str) -> Result<(), ModelError> {
        if self.actions().contains(&action) {
            return Ok(());
        }
        Err(ModelError::invalid(format!(
            "unknown {} action '{action}'; valid actions are: {}",
            self.as_str(),
            self.actions().join(", ")
        )))
    }
}

impl fmt::Display for Workbench {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Workbench {
    type Err = ModelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Workbench::ALL.into_iter().find(|w| w.as_str() == s).ok_or_else(|| {
            ModelError::invalid(format!(
                "unknown workbench '{s}'; valid workbenches are: data, population, scenario, simulation, report"
            ))
        })
    }
}

/// The status of one workbench. Data, population, scenario and report use
/// `not_started | in_progress | complete`; simulation uses `not_started | running | paused | complete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageStatus {
    #[default]
    NotStarted,
    InProgress,
    Running,
    Paused,
    Complete,
}

impl StageStatus {
    /// True when the stage holds results that a change upstream would make stale.
    pub fn has_results(self) -> bool {
        matches!(self, StageStatus::Complete | StageStatus::Running | StageStatus::Paused)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Editor,
    Viewer,
}
