//! A workbench action as one typed value. The seed's wire form — `(workbench, action,
//! payload)` — is parsed once, at the edge, by [`Action::parse`] (in `action_parse.rs`);
//! past that point nothing matches on an action's name or sniffs its payload's keys.
//! What an action needs (its [`Availability`]), what it makes stale and who may ask for it
//! ([`Permission`]) are questions asked of the value.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::payload::{AnnotationInput, OverrideInput, ReportConfig, ScenarioConfig, ShockInput};
use crate::schedule::Frequency;
use crate::simulation_settings::SimulationSettings;
use crate::source_config::SourceConfig;
use crate::{Role, Workbench, invalidated_by};

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Data(DataAction),
    Population(PopulationAction),
    Scenario(ScenarioAction),
    Simulation(SimulationAction),
    Report(ReportAction),
}

#[derive(Debug, Clone, PartialEq)]
pub enum DataAction {
    /// Every source, or the one named.
    ExploreSources {
        source_name: Option<String>,
    },
    /// A file source: `path`, `format`, `role`… (and `import`, `content_base64` until the
    /// core has copied the file in).
    ConfigureSource {
        source_name: String,
        configuration: Box<SourceConfig>,
    },
    PreviewData {
        source_name: String,
    },
    OverrideValue(OverrideInput),
    /// A source typed in by hand; `configuration` is without its `type`, which is `kind`.
    AddCustomSource {
        source_name: String,
        kind: String,
        configuration: Box<SourceConfig>,
    },
    RefreshData,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PopulationAction {
    ViewArchetypes,
    AdjustDistribution(DistributionAdjustment),
    EditArchetype {
        archetype_id: String,
        edits: ArchetypeEdits,
    },
    Resize {
        target_size: u64,
    },
    /// Regenerates the population; with `settings`, first records them.
    Regenerate {
        settings: Option<PopulationSettings>,
    },
    ViewNetwork,
}

/// A reshaped or shifted marginal.
#[derive(Debug, Clone, PartialEq)]
pub struct DistributionAdjustment {
    pub dimension: String,
    pub target: DistributionChange,
    /// The distribution before the change: filled in by the core from the data package.
    pub original: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DistributionChange {
    /// Category → share (≥ 0; normalised by the engine).
    Shares(BTreeMap<String, f64>),
    /// Moves this fraction of the mass up a category (negative: down), in (−1, 1).
    Shift(f64),
}

impl DistributionChange {
    /// As stored in the adjustment: `{"shares": {...}}` or `{"shift": x}`.
    pub fn to_value(&self) -> Value {
        match self {
            DistributionChange::Shares(shares) => serde_json::json!({ "shares": shares }),
            DistributionChange::Shift(by) => serde_json::json!({ "shift": by }),
        }
    }
}

/// The settings a population is synthesised with, beyond its size. Absent fields keep the
/// engine's defaults.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PopulationSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archetypes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkSettings>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degree: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewiring: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homophily: Option<f64>,
}

impl PopulationSettings {
    /// These settings with `newer`'s fields laid over them (a new `network` replaces the
    /// old one whole).
    pub fn merged(&self, newer: &PopulationSettings) -> PopulationSettings {
        PopulationSettings {
            seed: newer.seed.or(self.seed),
            archetypes: newer.archetypes.or(self.archetypes),
            network: newer.network.clone().or_else(|| self.network.clone()),
        }
    }

    /// The names of the fields that are set, for the log: "seed, network".
    pub fn named(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.seed.is_some() {
            out.push("seed");
        }
        if self.archetypes.is_some() {
            out.push("archetypes");
        }
        if self.network.is_some() {
            out.push("network");
        }
        out
    }
}

/// What `edit_archetype` changes of one archetype; absent fields are left as they are.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchetypeEdits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre: Option<BTreeMap<String, f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl ArchetypeEdits {
    /// These edits with `newer`'s fields laid over them.
    pub fn merged(&self, newer: &ArchetypeEdits) -> ArchetypeEdits {
        ArchetypeEdits {
            share: newer.share.or(self.share),
            centre: newer.centre.clone().or_else(|| self.centre.clone()),
            label: newer.label.clone().or_else(|| self.label.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioAction {
    Create(ScenarioConfig),
    Edit {
        scenario_id: String,
        config: ScenarioConfig,
    },
    Duplicate {
        scenario_id: String,
    },
    Delete {
        scenario_id: String,
    },
    /// Two to twenty distinct scenarios.
    Compare {
        compare_ids: Vec<String>,
    },
    Run {
        scenario_id: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum SimulationAction {
    /// Plays a scenario in the console; with `settings`, first records them.
    Run {
        settings: Option<SimulationSettings>,
    },
    Pause,
    Resume,
    Stop,
    Replay {
        tick: u64,
    },
    StepForward,
    StepBackward,
    InjectShock(ShockInput),
    ExportData(DataExport),
}

/// `export_data`: a scenario's series as a file, or without `format` the ensemble's summary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataExport {
    /// The scenario (`simulation_config.scenario_id`); the console's when absent.
    pub scenario_id: Option<String>,
    pub format: Option<ExportFormat>,
    /// One row per agent and tick (of `replicate`) instead of the ensemble's bands.
    pub agents: bool,
    pub replicate: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
    Parquet,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Csv, ExportFormat::Json, ExportFormat::Parquet];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Parquet => "parquet",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReportAction {
    /// With `config`, generates with these settings instead of the project's.
    Generate {
        config: Option<ReportConfig>,
    },
    Customize(ReportConfig),
    Export {
        format: ReportFormat,
    },
    Schedule(ScheduleChange),
    AddAnnotation(AnnotationInput),
}

/// `schedule`: sent every so often to these recipients, or no longer sent.
#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleChange {
    Off,
    /// Recipients checked and tidied (each once, trimmed).
    Every {
        frequency: Frequency,
        recipients: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Pdf,
    Pptx,
    Html,
    Docx,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 4] = [ReportFormat::Pdf, ReportFormat::Pptx, ReportFormat::Html, ReportFormat::Docx];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Pptx => "pptx",
            ReportFormat::Html => "html",
            ReportFormat::Docx => "docx",
        }
    }

    /// `"pdf"` → `Pdf`, or an error listing the formats.
    pub fn parse(text: &str) -> Result<ReportFormat, crate::ModelError> {
        ReportFormat::ALL.into_iter().find(|f| f.as_str() == text).ok_or_else(|| {
            let all: Vec<&str> = ReportFormat::ALL.iter().map(|f| f.as_str()).collect();
            crate::ModelError::invalid(format!("export_format '{text}' is not one of: {}", all.join(", ")))
        })
    }
}

impl std::fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an action works on the document alone, reads, runs as a task or steers the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// One edit of the document, undoable.
    Document,
    /// Answered from the project's data by the core; the document does not change.
    Read,
    /// Runs as a task the core starts; the response carries the task. With settings
    /// ([`Action::records_settings`]) the settings are first recorded as an edit.
    Task,
    /// Steers the console's run (pause, step, replay, shock): the core answers it.
    Control,
}

/// What a user must be allowed to do for a request: read the project, change it, or own it
/// (share it, change roles, delete it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    Read,
    Edit,
    Own,
}

impl Role {
    /// Whether this role grants `permission`.
    pub fn allows(self, permission: Permission) -> bool {
        match self {
            Role::Owner => true,
            Role::Editor => permission <= Permission::Edit,
            Role::Viewer => permission == Permission::Read,
        }
    }
}

impl Action {
    pub fn workbench(&self) -> Workbench {
        match self {
            Action::Data(_) => Workbench::Data,
            Action::Population(_) => Workbench::Population,
            Action::Scenario(_) => Workbench::Scenario,
            Action::Simulation(_) => Workbench::Simulation,
            Action::Report(_) => Workbench::Report,
        }
    }

    /// The seed's name of the action.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Data(a) => a.name(),
            Action::Population(a) => a.name(),
            Action::Scenario(a) => a.name(),
            Action::Simulation(a) => a.name(),
            Action::Report(a) => a.name(),
        }
    }

    pub fn availability(&self) -> Availability {
        use Availability::*;
        match self {
            Action::Data(DataAction::ExploreSources { .. } | DataAction::PreviewData { .. })
            | Action::Population(PopulationAction::ViewArchetypes | PopulationAction::ViewNetwork)
            | Action::Scenario(ScenarioAction::Compare { .. })
            | Action::Simulation(SimulationAction::ExportData(_)) => Read,
            Action::Data(DataAction::RefreshData)
            | Action::Population(PopulationAction::Regenerate { .. })
            | Action::Scenario(ScenarioAction::Run { .. })
            | Action::Simulation(SimulationAction::Run { .. })
            | Action::Report(ReportAction::Generate { .. } | ReportAction::Export { .. }) => Task,
            Action::Simulation(_) => Control,
            _ => Document,
        }
    }

    /// True for a task that first records new settings (`regenerate` with `edits`, `run` with
    /// `simulation_config`) as an undoable edit.
    pub fn records_settings(&self) -> bool {
        matches!(
            self,
            Action::Population(PopulationAction::Regenerate { settings: Some(_) })
                | Action::Simulation(SimulationAction::Run { settings: Some(_) })
        )
    }

    /// The stages this action makes stale when it changes something: the seed's
    /// invalidation rule for its workbench. Reads and console controls change nothing.
    pub fn invalidates(&self) -> &'static [Workbench] {
        match self.availability() {
            Availability::Document | Availability::Task => invalidated_by(self.workbench()),
            Availability::Read | Availability::Control => &[],
        }
    }

    /// What the user must be allowed to do: reads need read access, everything else edits.
    pub fn permission(&self) -> Permission {
        match self.availability() {
            Availability::Read => Permission::Read,
            _ => Permission::Edit,
        }
    }
}

impl DataAction {
    /// The seed's name of the action.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ExploreSources { .. } => "explore_sources",
            Self::ConfigureSource { .. } => "configure_source",
            Self::PreviewData { .. } => "preview_data",
            Self::OverrideValue(_) => "override_value",
            Self::AddCustomSource { .. } => "add_custom_source",
            Self::RefreshData => "refresh_data",
        }
    }
}

impl PopulationAction {
    /// The seed's name of the action.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ViewArchetypes => "view_archetypes",
            Self::AdjustDistribution(_) => "adjust_distribution",
            Self::EditArchetype { .. } => "edit_archetype",
            Self::Resize { .. } => "resize_population",
            Self::Regenerate { .. } => "regenerate",
            Self::ViewNetwork => "view_network",
        }
    }
}

impl ScenarioAction {
    /// The seed's name of the action.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Create(_) => "create_scenario",
            Self::Edit { .. } => "edit_scenario",
            Self::Duplicate { .. } => "duplicate_scenario",
            Self::Delete { .. } => "delete_scenario",
            Self::Compare { .. } => "compare_scenarios",
            Self::Run { .. } => "run_scenario",
        }
    }
}

impl SimulationAction {
    /// The seed's name of the action.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Run { .. } => "run",
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::Stop => "stop",
            Self::Replay { .. } => "replay",
            Self::StepForward => "step_forward",
            Self::StepBackward => "step_backward",
            Self::InjectShock(_) => "inject_shock",
            Self::ExportData(_) => "export_data",
        }
    }
}

impl ReportAction {
    /// The seed's name of the action.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Generate { .. } => "generate",
            Self::Customize(_) => "customize",
            Self::Export { .. } => "export",
            Self::Schedule(_) => "schedule",
            Self::AddAnnotation(_) => "add_annotation",
        }
    }
}
