//! Domain types and rules of a FutureOS Studio project.
//!
//! Pure: no IO, no clock, no randomness. Callers pass the time and fresh ids in an
//! [`ActionContext`]; everything here is a function of its inputs.
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

mod action;
mod action_parse;
mod actions;
mod apply;
mod automation;
mod causal;
mod collaborators;
mod content;
mod context;
mod error;
mod goal_seek;
mod payload;
mod population_actions;
mod population_checks;
mod prediction_task;
mod presence;
mod question;
mod report;
mod results;
mod runs;
mod scenario_compare;
mod schedule;
mod sensitivity;
mod simulation_settings;
mod source_config;
mod state;
mod time_axis;
mod workbench;
mod workflow;

pub use action::{
    Action, ArchetypeEdits, Availability, DataAction, DataExport, DistributionAdjustment, DistributionChange,
    ExportFormat, NetworkSettings, Permission, PopulationAction, PopulationSettings, ReportAction, ReportFormat,
    ScenarioAction, ScheduleChange, SimulationAction,
};
pub use actions::baseline_scenario;
pub use apply::{
    MetadataChange, Outcome, PROJECT, StageResult, apply_action, apply_edits, record_stage_result, restore_content,
    update_metadata,
};
pub use automation::{
    AGENT_TYPES, CONTEXT_NAMES, MAX_ATTEMPTS, MAX_ITERATIONS, MAX_STEPS, MAX_WAIT_SECS, MAX_WORKFLOWS, StepKind,
    Trigger, Workflow, WorkflowStep, delete_workflow, save_workflow,
};
pub use causal::{CausalEdge, CausalEdit, CausalGraph, CausalKind, CausalNode, edit_causal_edge, model_terms};
pub use collaborators::{CollaboratorChange, NewCollaborator, change_collaborators, check_user_id, role_name};
pub use content::{
    Annotation, Collaborator, CustomSource, DocTree, Edit, Override, PopulationAdjustment, PopulationRecord,
    ProjectContent, RawJson, ScenarioRecord, ScenarioRun, ScenarioStatus, Section, StageState,
};
pub use context::ActionContext;
pub use error::ModelError;
pub use goal_seek::{
    DEFAULT_ROLLOUTS, GOAL_SEEK_FORMAT, GoalCandidate, GoalSeek, GoalSeekRequest, Lever, LeverSetting, MAX_LEVERS,
    MAX_ROLLOUTS,
};
pub use payload::{
    AnnotationInput, Branding, DataWorkbenchPayload, OverrideInput, PopulationAdjustmentInput,
    PopulationWorkbenchPayload, ProjectCreate, ProjectLoad, ReportConfig, ReportGeneratorPayload, ReportTemplate,
    ScenarioConfig, ScenarioWorkbenchPayload, ScheduleInput, ShockEvent, ShockInput, SimulationConsolePayload,
    VariableOverride, WorkbenchAction,
};
pub use population_actions::{DEFAULT_POPULATION, MAX_POPULATION};
pub use population_checks::{MAX_ARCHETYPES, MAX_DEGREE};
pub use prediction_task::{
    Change, Comparison, Condition, Duration, Horizon, Part, PartField, PredictionTask, Target, TargetUnit, TimeUnit,
};
pub use presence::{Presence, PresenceItem};
pub use question::{
    PREDICTION_TASK, QUESTION_SCENARIO, TaskPlan, check_prediction_task, confirm_prediction_task, override_of,
};
pub use report::{GeneratedReport, ReportAppendix, ReportChart, ReportContent, ReportSection};
pub use results::{
    CALIBRATION_FORMAT, CalibrationFit, ENSEMBLE_FORMAT, Ensemble, EnsembleSummary, EnsembleVariables, FinalShares,
    ThresholdOdds, wilson,
};
pub use runs::{Analysis, Ticks, record_analysis, record_report, record_scenario_run};
pub use scenario_compare::compare_scenarios;
pub use schedule::{Frequency, MAX_RECIPIENTS, MIN_INTERVAL_MINUTES, ReportSchedule, Step, check_recipients};
pub use sensitivity::{
    FactorIndex, FactorKind, FactorRange, MAX_EVALUATIONS, MAX_FACTORS, SENSITIVITY_FORMAT, Sensitivity,
    SensitivityFactor, SensitivityMethod, SensitivityOutput, SensitivityRequest,
};
pub use simulation_settings::{
    CalibrationSettings, CoefficientBounds, MAX_REPLICATES, MAX_TICKS, SimulationSettings, Threshold,
};
pub use source_config::{FilterOp, RowFilter, SourceConfig};
pub use state::{
    Conflict, ConflictValue, DataState, LogEntry, PopulationState, ProjectHeader, ProjectState, ReportState,
    ScenarioState, ScenarioSummary, SimulationState, StateChanges, WorkbenchResponse, WorkbenchStates,
};
pub use time_axis::{Day, TimeAxis, TimeStep};
pub use workbench::{Role, StageStatus, Workbench};
pub use workflow::{DependencyGraph, ProjectStatus, WORKFLOW_JSON, invalidated_by, project_status, warning_for};

/// Longest project or scenario name, in characters (the seed's `VARCHAR(255)`).
pub const MAX_NAME_LEN: usize = 255;
/// Most scenarios a project may hold.
pub const MAX_SCENARIOS: usize = 20;
/// Largest serialized project state a version may hold, in bytes.
pub const MAX_SNAPSHOT_BYTES: usize = 10 * 1024 * 1024;
/// Largest project state on a team server: the seed's "< 5MB per project" (5 MiB).
pub const TEAM_STATE_BYTES: usize = 5 * 1024 * 1024;
/// Most versions kept live per project; older ones are archived.
pub const MAX_LIVE_VERSIONS: usize = 50;

/// Checks a project or scenario name: 1 to 255 characters, not only blanks.
pub fn validate_name(what: &str, name: &str) -> Result<(), ModelError> {
    let len = name.chars().count();
    if name.trim().is_empty() {
        return Err(ModelError::invalid(format!("{what} must not be empty")));
    }
    if len > MAX_NAME_LEN {
        return Err(ModelError::invalid(format!("{what} is {len} characters long; the limit is {MAX_NAME_LEN}")));
    }
    Ok(())
}

/// Checks the size of a serialized snapshot against [`MAX_SNAPSHOT_BYTES`].
pub fn validate_snapshot_size(bytes: usize) -> Result<(), ModelError> {
    validate_snapshot_within(bytes, MAX_SNAPSHOT_BYTES)
}

/// Checks the size of a serialized snapshot against `limit` bytes (a team server holds a
/// project's state to the seed's 5 MB: [`TEAM_STATE_BYTES`]).
pub fn validate_snapshot_within(bytes: usize, limit: usize) -> Result<(), ModelError> {
    if bytes > limit {
        return Err(ModelError::SnapshotTooLarge { bytes, limit });
    }
    Ok(())
}
