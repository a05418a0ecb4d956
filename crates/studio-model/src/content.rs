//! The user-authored content of a project, as keyed records in named sections.
//!
//! Every section is a map from a key to a record. The project document stores exactly this
//! shape (section → key → JSON text), so an edit is always "set or remove one record", which
//! makes diffs, undo and merging between peers the same operation.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{ModelError, ReportConfig, ReportSchedule, Role, ScenarioConfig, StageStatus, Workbench};

/// The document's storage shape: section → key → record as JSON text.
pub type DocTree = BTreeMap<String, BTreeMap<String, String>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Meta,
    Sources,
    Overrides,
    CustomSources,
    Adjustments,
    Scenarios,
    Simulation,
    Runs,
    Report,
    Annotations,
    Schedules,
    Stages,
    Collaborators,
    Population,
    Workflows,
}

impl Section {
    pub const ALL: [Section; 15] = [
        Section::Meta,
        Section::Sources,
        Section::Overrides,
        Section::CustomSources,
        Section::Adjustments,
        Section::Scenarios,
        Section::Simulation,
        Section::Runs,
        Section::Report,
        Section::Annotations,
        Section::Schedules,
        Section::Stages,
        Section::Collaborators,
        Section::Population,
        Section::Workflows,
    ];

    /// Sections whose edits undo and redo restore. Stage statuses are recomputed instead
    /// (undoing a data change is itself a data change), runs are results, and presence is
    /// not an edit.
    pub const UNDOABLE: [Section; 12] = [
        Section::Meta,
        Section::Sources,
        Section::Overrides,
        Section::CustomSources,
        Section::Adjustments,
        Section::Scenarios,
        Section::Simulation,
        Section::Report,
        Section::Annotations,
        Section::Schedules,
        Section::Population,
        Section::Workflows,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Meta => "meta",
            Section::Sources => "sources",
            Section::Overrides => "overrides",
            Section::CustomSources => "custom_sources",
            Section::Adjustments => "adjustments",
            Section::Scenarios => "scenarios",
            Section::Simulation => "simulation",
            Section::Runs => "runs",
            Section::Report => "report",
            Section::Annotations => "annotations",
            Section::Schedules => "schedules",
            Section::Stages => "stages",
            Section::Collaborators => "collaborators",
            Section::Population => "population",
            Section::Workflows => "workflows",
        }
    }
}

/// One record set or removed: the unit of change, of undo and of merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Edit {
    pub section: Section,
    pub key: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// User JSON the product stores but does not look inside (table rows, source configuration):
/// kept as text, so loading, copying and writing it costs a copy, not a parse.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
#[schemars(transparent)]
pub struct RawJson(#[schemars(with = "serde_json::Value")] Box<serde_json::value::RawValue>);

impl RawJson {
    pub fn from_value(value: &Value) -> RawJson {
        // Serializing a Value cannot fail: its keys are strings.
        RawJson(serde_json::value::to_raw_value(value).unwrap_or_else(|_| RawValue::NULL.to_owned()))
    }

    pub fn get(&self) -> &str {
        self.0.get()
    }

    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.0.get()).unwrap_or(Value::Null)
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

use serde_json::value::RawValue;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Override {
    pub field: String,
    pub value: Value,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CustomSource {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub config: RawJson,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PopulationAdjustment {
    pub dimension: String,
    pub original: Value,
    pub modified: Value,
}

/// One of the population's own settings, as stored in the `population` section: the number of
/// agents (key `size`), the seed, archetypes and network (key `settings`), or one archetype's
/// edits (key `archetype:ID`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PopulationRecord {
    Size(u64),
    Settings(crate::PopulationSettings),
    Archetype(crate::ArchetypeEdits),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScenarioRecord {
    pub scenario_id: String,
    pub name: String,
    pub description: String,
    pub status: ScenarioStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ensemble_id: Option<String>,
    pub config: ScenarioConfig,
    /// Order of creation, for a stable listing.
    pub position: u64,
}

/// Where a scenario's simulation stands. `Defined`: not run since it (or what it depends on)
/// last changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioStatus {
    #[default]
    Defined,
    Running,
    Completed,
    Failed,
}

impl ScenarioStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ScenarioStatus::Defined => "defined",
            ScenarioStatus::Running => "running",
            ScenarioStatus::Completed => "completed",
            ScenarioStatus::Failed => "failed",
        }
    }
}

/// A scenario's latest run: `running | completed | failed`, what it produced and whether
/// something upstream changed since.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScenarioRun {
    pub status: ScenarioStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ensemble_id: Option<String>,
    /// The hash of the scenario, population and simulation settings the run used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The artifact of the scenario's latest sensitivity analysis (it names its inputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity_id: Option<String>,
    /// The artifact of the scenario's latest goal seek (it names its inputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal_seek_id: Option<String>,
}

impl ScenarioRun {
    /// A run just started from inputs with hash `input_hash`.
    pub fn running(input_hash: &str) -> ScenarioRun {
        ScenarioRun {
            status: ScenarioStatus::Running,
            input_hash: Some(input_hash.to_string()),
            ..ScenarioRun::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Annotation {
    pub annotation_id: String,
    pub section: String,
    pub text: String,
    pub author: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct StageState {
    pub status: StageStatus,
    #[serde(default)]
    pub last_accessed: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_tick: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_ticks: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_id: Option<String>,
    /// The stored result of the stage (data package, population), by the hash of its bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_id: Option<String>,
    /// The hash of everything that result was computed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Collaborator {
    pub user_id: String,
    pub role: Role,
    pub last_active: String,
    /// How peers see them: the name and colour from their profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Their ed25519 public key (base64url), with which a hub knows their connections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
}

impl Collaborator {
    pub fn new(user_id: impl Into<String>, role: Role, now: impl Into<String>) -> Self {
        Collaborator {
            user_id: user_id.into(),
            role,
            last_active: now.into(),
            display_name: None,
            color: None,
            public_key: None,
        }
    }
}

/// Everything a user authored in a project. Derived artifacts are not here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(default)]
pub struct ProjectContent {
    /// `project_name`, `description`, `initial_query`, `team_id`, `owner`, `created_at`.
    pub meta: BTreeMap<String, String>,
    /// Source configuration by source name.
    pub sources: BTreeMap<String, RawJson>,
    /// Overrides by field; a new override of a field replaces the old one.
    pub overrides: BTreeMap<String, Override>,
    pub custom_sources: BTreeMap<String, CustomSource>,
    /// Population adjustments by dimension. (Documents written before the `population`
    /// section also hold the size, settings and archetype edits here, under `size`,
    /// `settings` and `archetype:ID`: read when the section has no record of its own.)
    pub adjustments: BTreeMap<String, PopulationAdjustment>,
    /// The population's own settings: its size, its settings, each edited archetype.
    pub population: BTreeMap<String, PopulationRecord>,
    pub scenarios: BTreeMap<String, ScenarioRecord>,
    /// The simulation console's configuration under the key `config`.
    pub simulation: BTreeMap<String, RawJson>,
    /// Each scenario's latest run, by scenario id: a result, so not undone with the scenario.
    pub runs: BTreeMap<String, ScenarioRun>,
    /// The report configuration under the key `config`.
    pub report: BTreeMap<String, ReportConfig>,
    pub annotations: BTreeMap<String, Annotation>,
    /// The report's schedule under the key `report`.
    pub schedules: BTreeMap<String, ReportSchedule>,
    /// Stage state by workbench name.
    pub stages: BTreeMap<String, StageState>,
    pub collaborators: BTreeMap<String, Collaborator>,
    /// The project's workflows by id.
    pub workflows: BTreeMap<String, crate::Workflow>,
}

/// Runs `$body` with `$map` bound to the typed map of `$section`.
macro_rules! with_section {
    ($content:expr, $section:expr, |$map:ident| $body:expr) => {
        match $section {
            Section::Meta => {
                let $map = &$content.meta;
                $body
            }
            Section::Sources => {
                let $map = &$content.sources;
                $body
            }
            Section::Overrides => {
                let $map = &$content.overrides;
                $body
            }
            Section::CustomSources => {
                let $map = &$content.custom_sources;
                $body
            }
            Section::Adjustments => {
                let $map = &$content.adjustments;
                $body
            }
            Section::Scenarios => {
                let $map = &$content.scenarios;
                $body
            }
            Section::Simulation => {
                let $map = &$content.simulation;
                $body
            }
            Section::Runs => {
                let $map = &$content.runs;
                $body
            }
            Section::Report => {
                let $map = &$content.report;
                $body
            }
            Section::Annotations => {
                let $map = &$content.annotations;
                $body
            }
            Section::Schedules => {
                let $map = &$content.schedules;
                $body
            }
            Section::Stages => {
                let $map = &$content.stages;
                $body
            }
            Section::Collaborators => {
                let $map = &$content.collaborators;
                $body
            }
            Section::Population => {
                let $map = &$content.population;
                $body
            }
            Section::Workflows => {
                let $map = &$content.workflows;
                $body
            }
        }
    };
}

macro_rules! with_section_mut {
    ($content:expr, $section:expr, |$map:ident| $body:expr) => {
        match $section {
            Section::Meta => {
                let $map = &mut $content.meta;
                $body
            }
            Section::Sources => {
                let $map = &mut $content.sources;
                $body
            }
            Section::Overrides => {
                let $map = &mut $content.overrides;
                $body
            }
            Section::CustomSources => {
                let $map = &mut $content.custom_sources;
                $body
            }
            Section::Adjustments => {
                let $map = &mut $content.adjustments;
                $body
            }
            Section::Scenarios => {
                let $map = &mut $content.scenarios;
                $body
            }
            Section::Simulation => {
                let $map = &mut $content.simulation;
                $body
            }
            Section::Runs => {
                let $map = &mut $content.runs;
                $body
            }
            Section::Report => {
                let $map = &mut $content.report;
                $body
            }
            Section::Annotations => {
                let $map = &mut $content.annotations;
                $body
            }
            Section::Schedules => {
                let $map = &mut $content.schedules;
                $body
            }
            Section::Stages => {
                let $map = &mut $content.stages;
                $body
            }
            Section::Collaborators => {
                let $map = &mut $content.collaborators;
                $body
            }
            Section::Population => {
                let $map = &mut $content.population;
                $body
            }
            Section::Workflows => {
                let $map = &mut $content.workflows;
                $body
            }
        }
    };
}

macro_rules! with_section_pair {
    ($a:expr, $b:expr, $section:expr, |$ma:ident, $mb:ident| $body:expr) => {
        match $section {
            Section::Meta => {
                let $ma = &$a.meta;
                let $mb = &$b.meta;
                $body
            }
            Section::Sources => {
                let $ma = &$a.sources;
                let $mb = &$b.sources;
                $body
            }
            Section::Overrides => {
                let $ma = &$a.overrides;
                let $mb = &$b.overrides;
                $body
            }
            Section::CustomSources => {
                let $ma = &$a.custom_sources;
                let $mb = &$b.custom_sources;
                $body
            }
            Section::Adjustments => {
                let $ma = &$a.adjustments;
                let $mb = &$b.adjustments;
                $body
            }
            Section::Scenarios => {
                let $ma = &$a.scenarios;
                let $mb = &$b.scenarios;
                $body
            }
            Section::Simulation => {
                let $ma = &$a.simulation;
                let $mb = &$b.simulation;
                $body
            }
            Section::Runs => {
                let $ma = &$a.runs;
                let $mb = &$b.runs;
                $body
            }
            Section::Report => {
                let $ma = &$a.report;
                let $mb = &$b.report;
                $body
            }
            Section::Annotations => {
                let $ma = &$a.annotations;
                let $mb = &$b.annotations;
                $body
            }
            Section::Schedules => {
                let $ma = &$a.schedules;
                let $mb = &$b.schedules;
                $body
            }
            Section::Stages => {
                let $ma = &$a.stages;
                let $mb = &$b.stages;
                $body
            }
            Section::Collaborators => {
                let $ma = &$a.collaborators;
                let $mb = &$b.collaborators;
                $body
            }
            Section::Population => {
                let $ma = &$a.population;
                let $mb = &$b.population;
                $body
            }
            Section::Workflows => {
                let $ma = &$a.workflows;
                let $mb = &$b.workflows;
                $body
            }
        }
    };
}

impl ProjectContent {
    /// A new project's content: its metadata, the owner as collaborator, every stage not started.
    pub fn new(meta: BTreeMap<String, String>, owner: &str, now: &str) -> Self {
        let mut content = ProjectContent { meta, ..Default::default() };
        content.meta.insert("owner".into(), owner.into());
        content.meta.insert("created_at".into(), now.into());
        content.collaborators.insert(owner.into(), Collaborator::new(owner, Role::Owner, now));
        content
    }

    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta.get(key).map(String::as_str)
    }

    pub fn stage(&self, workbench: Workbench) -> StageState {
        self.stages.get(workbench.as_str()).cloned().unwrap_or_default()
    }

    pub fn stage_mut(&mut self, workbench: Workbench) -> &mut StageState {
        self.stages.entry(workbench.as_str().to_string()).or_default()
    }

    /// Scenarios in the order they were created.
    pub fn scenarios_in_order(&self) -> Vec<&ScenarioRecord> {
        let mut list: Vec<_> = self.scenarios.values().collect();
        list.sort_by_key(|s| (s.position, s.scenario_id.clone()));
        list
    }

    /// One record as JSON, if present.
    pub fn get(&self, section: Section, key: &str) -> Option<Value> {
        with_section!(self, section, |map| map.get(key).and_then(|v| serde_json::to_value(v).ok()))
    }

    /// Sets (`Some`) or removes (`None`) one record.
    pub fn set(&mut self, section: Section, key: &str, value: Option<&Value>) -> Result<(), ModelError> {
        with_section_mut!(self, section, |map| set_record(map, section, key, value))
    }

    /// Sets one record from its JSON text (the document's storage form).
    pub fn set_text(&mut self, section: Section, key: &str, text: &str) -> Result<(), ModelError> {
        with_section_mut!(self, section, |map| {
            let record = serde_json::from_str(text).map_err(|e| {
                ModelError::invalid(format!("document record {}/{key} is malformed: {e}", section.as_str()))
            })?;
            map.insert(key.to_string(), record);
            Ok(())
        })
    }

    /// One record as JSON text, if present.
    pub fn record_text(&self, section: Section, key: &str) -> Option<String> {
        with_section!(self, section, |map| map.get(key).and_then(|v| serde_json::to_string(v).ok()))
    }

    /// The records that differ between `self` and `other`, compared as typed values.
    pub fn changed_keys(&self, other: &ProjectContent, sections: &[Section]) -> Vec<(Section, String)> {
        let mut out = Vec::new();
        for &section in sections {
            with_section_pair!(self, other, section, |a, b| {
                let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                out.extend(keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).map(|k| (section, k.clone())));
            });
        }
        out
    }

    /// The record edits that turn `self` into `other`, over the given sections.
    pub fn diff(&self, other: &ProjectContent, sections: &[Section]) -> Vec<Edit> {
        let mut edits = Vec::new();
        for &section in sections {
            with_section_pair!(self, other, section, |a, b| diff_records(section, a, b, &mut edits));
        }
        edits
    }

    /// The storage shape of the content.
    pub fn to_tree(&self) -> DocTree {
        let mut tree = DocTree::new();
        for section in Section::ALL {
            let records = with_section!(self, section, |map| map
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::to_string(v).unwrap_or_default()))
                .collect::<BTreeMap<_, _>>());
            tree.insert(section.as_str().to_string(), records);
        }
        tree
    }

    /// Reads content back from its storage shape; unknown sections are ignored.
    pub fn from_tree(tree: &DocTree) -> Result<Self, ModelError> {
        let mut content = ProjectContent::default();
        for section in Section::ALL {
            let Some(records) = tree.get(section.as_str()) else { continue };
            for (key, text) in records {
                content.set_text(section, key, text)?;
            }
        }
        Ok(content)
    }

    /// Marks every completed run as needing a re-run: its inputs changed upstream.
    pub fn mark_runs_stale(&mut self) {
        for run in self.runs.values_mut() {
            if run.status == ScenarioStatus::Completed {
                run.status = ScenarioStatus::Defined;
            }
        }
    }

    /// The content a template keeps: configuration, not results, presence or history.
    pub fn as_template(&self) -> ProjectContent {
        let mut template = self.clone();
        template.stages.clear();
        template.runs.clear();
        template.collaborators.clear();
        // A schedule mails people: a project made from the template sets its own.
        template.schedules.clear();
        template.meta.retain(|k, _| k == "description" || k == "initial_query");
        for scenario in template.scenarios.values_mut() {
            scenario.status = ScenarioStatus::Defined;
            scenario.simulation_id = None;
            scenario.ensemble_id = None;
        }
        template
    }
}

fn set_record<T: DeserializeOwned>(
    map: &mut BTreeMap<String, T>,
    section: Section,
    key: &str,
    value: Option<&Value>,
) -> Result<(), ModelError> {
    match value {
        None => {
            map.remove(key);
        }
        Some(value) => {
            // Through text, so that records holding raw JSON read it as they do from the document.
            let record = serde_json::from_str(&value.to_string())
                .map_err(|e| ModelError::invalid(format!("record {}/{key} is malformed: {e}", section.as_str())))?;
            map.insert(key.to_string(), record);
        }
    }
    Ok(())
}

fn diff_records<T: Serialize + PartialEq>(
    section: Section,
    a: &BTreeMap<String, T>,
    b: &BTreeMap<String, T>,
    out: &mut Vec<Edit>,
) {
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let (old, new) = (a.get(key), b.get(key));
        if old != new {
            let json = |v: Option<&T>| v.and_then(|v| serde_json::to_value(v).ok());
            out.push(Edit { section, key: key.clone(), before: json(old), after: json(new) });
        }
    }
}
