//! Requests as data: what a transport (HTTP, Tauri IPC) sends, in one versioned envelope.
//! Each request maps to one `Studio` method; its response is that method's return value.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use studio_model::{ProjectCreate, ProjectLoad, Workbench, WorkbenchAction};

use crate::error::{CoreError, Result};
use crate::projects::MetadataUpdate;
use crate::studio::Studio;

/// Version of the request and response formats.
pub const API_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Envelope {
    pub api_version: u32,
    #[serde(flatten)]
    pub request: Request,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "request", rename_all = "snake_case")]
pub enum Request {
    CreateProject(ProjectCreate),
    ListProjects {
        user_id: Option<String>,
        /// Only the projects of this team.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team_id: Option<String>,
    },
    GetProject(ProjectLoad),
    UpdateProject {
        project_id: String,
        user_id: String,
        #[serde(flatten)]
        update: MetadataUpdate,
    },
    DeleteProject {
        project_id: String,
        user_id: String,
    },
    UndeleteProject {
        project_id: String,
        user_id: String,
    },
    DuplicateProject {
        project_id: String,
        user_id: String,
        project_name: Option<String>,
    },
    SaveProject {
        project_id: String,
        user_id: String,
        /// Save as a task: the answer is the task, progress follows as events.
        #[serde(default)]
        background: bool,
    },
    ListVersions {
        project_id: String,
    },
    RestoreVersion {
        project_id: String,
        user_id: String,
        version: u32,
    },
    WorkbenchAction(WorkbenchAction),
    WorkbenchState {
        project_id: String,
        user_id: String,
        workbench: Workbench,
    },
    Undo {
        project_id: String,
        user_id: String,
    },
    Redo {
        project_id: String,
        user_id: String,
    },
    Log {
        project_id: String,
    },
    SaveTemplate {
        project_id: String,
        user_id: String,
        name: String,
        description: Option<String>,
    },
    ListTemplates,
    /// Runs as a task: the answer is the task.
    ExportProject {
        project_id: String,
        path: PathBuf,
        #[serde(default)]
        with_artifacts: bool,
    },
    ImportProject {
        path: PathBuf,
        user_id: String,
    },
    RecoveryOffer {
        project_id: String,
    },
    Recover {
        project_id: String,
        user_id: String,
    },
    DiscardRecovery {
        project_id: String,
    },
    ListTasks {
        project_id: String,
    },
    GetTask {
        task_id: String,
    },
    CancelTask {
        task_id: String,
        #[serde(default)]
        reason: Option<String>,
    },
    RunPipeline {
        project_id: String,
        user_id: String,
    },
    ListAgents,
    GenerateReport {
        project_id: String,
        user_id: String,
        #[serde(default)]
        report_config: Option<studio_model::ReportConfig>,
    },
    /// The report as it would be generated now, stored nowhere (the builder's preview).
    PreviewReport {
        project_id: String,
        user_id: String,
        #[serde(default)]
        report_config: Option<studio_model::ReportConfig>,
    },
    GetReport {
        project_id: String,
        report_id: String,
    },
    ListReports {
        project_id: String,
    },
    /// Starts the export as a task and answers with it.
    ExportReport {
        project_id: String,
        report_id: String,
        user_id: String,
        format: String,
        #[serde(default)]
        path: Option<PathBuf>,
    },
    /// The report's schedule, its next time and last delivery.
    ReportSchedule {
        project_id: String,
    },
    /// Sends the scheduled report now, as a task.
    SendReport {
        project_id: String,
        user_id: String,
    },
    /// Opens the folder of a report's export in the file manager.
    RevealExport {
        project_id: String,
        report_id: String,
        format: String,
    },
    /// Opens the outbox folder in the file manager.
    RevealOutbox,
    /// The library's size on disk and what is kept how long.
    LibraryInfo,
    /// What the product allows and its defaults.
    Limits,
    /// Each component's health (store, task engine, agents, scheduler, sync) scored 0–1.
    Health,
    /// Every metric in Prometheus's text format.
    Metrics,
    /// Publishes an event of the caller's own topic (not under `studio.`) on the bus.
    PublishEvent {
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        project_id: Option<String>,
        /// The event's fields: a JSON object, 64 KB at most.
        #[serde(default)]
        data: Value,
        user_id: String,
    },
    /// The bus's events after a sequence number (0: from the first), by topic and project.
    ListEvents {
        #[serde(default)]
        after: i64,
        #[serde(flatten)]
        filter: crate::bus::EventFilter,
        /// 100 unless given; 10,000 at most.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<usize>,
    },
    /// A webhook: the events from now on that pass the filter, POSTed signed to `url`.
    CreateWebhook {
        url: String,
        #[serde(flatten)]
        filter: crate::bus::EventFilter,
        /// Its signing secret (16 characters at least); a random one when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        secret: Option<String>,
        user_id: String,
    },
    ListWebhooks,
    DeleteWebhook {
        webhook_id: String,
    },
    /// A project's workflows.
    ListWorkflows {
        project_id: String,
    },
    GetWorkflow {
        project_id: String,
        workflow_id: String,
    },
    /// Makes or replaces a workflow (the seed's create), once its steps, references and
    /// expressions are known to run.
    SaveWorkflow {
        project_id: String,
        user_id: String,
        workflow: studio_model::Workflow,
    },
    DeleteWorkflow {
        project_id: String,
        user_id: String,
        workflow_id: String,
    },
    /// Starts a run (the seed's execute); the answer is the run as it starts.
    ExecuteWorkflow {
        project_id: String,
        user_id: String,
        workflow_id: String,
        #[serde(default)]
        input: Value,
    },
    /// A project's runs, newest first (of one workflow when named).
    ListWorkflowRuns {
        project_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        workflow_id: Option<String>,
    },
    /// A run with each step's status, output and timing.
    GetWorkflowRun {
        execution_id: String,
    },
    /// `pause`, `resume` or `cancel` a run.
    ControlWorkflowRun {
        execution_id: String,
        user_id: String,
        control: String,
    },
    /// Reads a question (the project's own when none is given) into a prediction task with the
    /// project's variables and data calendar; nothing is stored.
    ParseQuestion {
        project_id: String,
        user_id: String,
        #[serde(default)]
        question: Option<String>,
    },
    /// Confirms the question's prediction task as the analyst left it: stores it, makes the
    /// scenario of its conditions and sets the simulation's threshold (one undoable change).
    ConfirmPredictionTask {
        project_id: String,
        user_id: String,
        task: studio_model::PredictionTask,
    },
    /// Starts a scenario's global sensitivity analysis (Morris or Sobol) as a task.
    StartSensitivity {
        project_id: String,
        user_id: String,
        scenario_id: String,
        #[serde(default)]
        analysis: studio_model::SensitivityRequest,
    },
    /// A scenario's latest sensitivity analysis.
    GetSensitivity {
        project_id: String,
        scenario_id: String,
    },
    /// The data's calendar: when each tick is (null when the data's times are not dates).
    TimeAxis {
        project_id: String,
    },
    /// The project's model as a causal graph, laid out.
    CausalGraph {
        project_id: String,
    },
    /// Sets or removes a coefficient of the model (an edge of the causal graph): undoable.
    EditCausalEdge {
        project_id: String,
        user_id: String,
        edit: studio_model::CausalEdit,
    },
    /// Starts a goal seek ("what would it take?") from a scenario as a task.
    StartGoalSeek {
        project_id: String,
        user_id: String,
        scenario_id: String,
        search: studio_model::GoalSeekRequest,
    },
    /// A scenario's latest goal seek.
    GetGoalSeek {
        project_id: String,
        scenario_id: String,
    },
    /// Adds a collaborator, changes a role or removes one: the project's owners only.
    ChangeCollaborators {
        project_id: String,
        user_id: String,
        change: studio_model::CollaboratorChange,
    },
    /// Invites someone to a project (owners only): a signed token for `studio join`.
    CreateInvite {
        project_id: String,
        user_id: String,
        role: studio_model::Role,
        /// How long it holds: `7d`, `12h`, `30m` (default 7d).
        #[serde(default)]
        expires: Option<String>,
        /// The hub's sync address (default: where this library's hub last listened).
        #[serde(default)]
        hub: Option<String>,
    },
    ListInvites {
        project_id: String,
    },
    RevokeInvite {
        project_id: String,
        user_id: String,
        invite_id: String,
    },
    /// Joins the project an invite is for.
    JoinProject {
        token: String,
        user_id: String,
    },
    /// How a shared project is connected (null when it is not shared).
    SyncStatus {
        project_id: String,
    },
    /// Where the user is in a shared project (workbench, item); none: they left it. Answers
    /// who is in the project now.
    SetPresence {
        project_id: String,
        user_id: String,
        #[serde(default)]
        workbench: Option<studio_model::Workbench>,
        #[serde(default)]
        item: Option<studio_model::PresenceItem>,
    },
    /// Settles a conflict: value number `pick` of the record is kept over the others.
    ResolveConflict {
        project_id: String,
        user_id: String,
        section: studio_model::Section,
        key: String,
        pick: usize,
    },
    /// The local user: id, display name, colour, public key.
    GetProfile,
    /// This program's hub: on or off, its address, its certificate's fingerprint.
    HubStatus,
    /// Turns "Share on this network" on (this program becomes the hub of its shared projects,
    /// at `listen`, else where it was, else `0.0.0.0:7878`) or off; remembered for the next
    /// start.
    ShareOnNetwork {
        on: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        listen: Option<String>,
    },
    /// Sets the local user's display name or colour.
    UpdateProfile {
        #[serde(flatten)]
        update: crate::profile::ProfileUpdate,
    },
    /// The teams the user is a member of (a team server's).
    ListTeams {
        user_id: String,
    },
    /// A new team, the user its owner.
    CreateTeam {
        user_id: String,
        name: String,
        /// What a member is unless made otherwise (viewer by default).
        #[serde(default)]
        default_role: Option<String>,
    },
    /// A team's members (for its members).
    TeamMembers {
        team_id: String,
        user_id: String,
    },
    /// Invites someone into a team (its owners and admins): a new member, and the token they
    /// sign in with, shown once.
    InviteTeamMember {
        team_id: String,
        user_id: String,
        display_name: String,
        /// Their ed25519 public key, hex.
        #[serde(default)]
        public_key: Option<String>,
        /// The team's default role when none is given.
        #[serde(default)]
        role: Option<String>,
    },
    /// Changes a member's role (owners and admins; only an owner makes an owner).
    SetTeamRole {
        team_id: String,
        user_id: String,
        member_id: String,
        role: String,
    },
    /// Removes a member (owners and admins), or the user leaves; a team keeps an owner.
    RemoveTeamMember {
        team_id: String,
        user_id: String,
        member_id: String,
    },
    /// The user's edits a team server kept when it could not save them (its database away).
    UnsentEdits {
        project_id: String,
        user_id: String,
    },
    /// Applies the user's kept edits, in order.
    ApplyUnsent {
        project_id: String,
        user_id: String,
    },
    /// Drops the user's kept edits.
    DiscardUnsent {
        project_id: String,
        user_id: String,
    },
    /// Keeps a client's session state for 24 hours (at most 64 KB of JSON).
    KeepSession {
        user_id: String,
        client_id: String,
        state: serde_json::Value,
    },
    /// What a client last kept.
    SessionState {
        user_id: String,
        client_id: String,
    },
    /// A team server's side of keeping a local copy in step: takes in the copy's changes
    /// (base64) and answers those it lacks, given every head it has.
    ExchangeChanges {
        project_id: String,
        user_id: String,
        #[serde(default)]
        have: Vec<String>,
        #[serde(default)]
        changes: String,
    },
    /// The desktop: the teams a member belongs to on a team server.
    TeamServerTeams {
        server: String,
        token: String,
    },
    /// The desktop: the projects on a team server ("Open from team…"), a team's with team_id.
    TeamServerProjects {
        server: String,
        token: String,
        #[serde(default)]
        team_id: Option<String>,
    },
    /// The desktop: "Publish to team…" — the project goes to the team server whole and stays
    /// here as its local copy.
    PublishToTeam {
        project_id: String,
        server: String,
        token: String,
        team_id: String,
    },
    /// The desktop: "Open from team…" — a team project brought down as a local copy.
    OpenFromTeam {
        server: String,
        token: String,
        project_id: String,
        user_id: String,
    },
    /// The desktop: syncs a local copy with its team server now.
    SyncWithTeam {
        project_id: String,
    },
    /// The desktop: a project's link to its team server (null when it is not a local copy).
    TeamLink {
        project_id: String,
    },
}

impl Request {
    /// The request in an envelope (`{"api_version": 1, "request": "get_project", …}`).
    pub fn from_envelope(value: &Value) -> Result<Request> {
        let envelope =
            Envelope::deserialize(value).map_err(|e| CoreError::invalid(format!("malformed request: {e}")))?;
        if envelope.api_version != API_VERSION {
            return Err(CoreError::invalid(format!(
                "api_version {} is not supported; this Studio speaks version {API_VERSION}",
                envelope.api_version
            )));
        }
        Ok(envelope.request)
    }

    /// The request's name on the wire (`"workbench_action"`, `"get_project"`): what logs,
    /// metrics and permission checks key on.
    pub fn name(&self) -> &'static str {
        match self {
            Request::CreateProject(_) => "create_project",
            Request::ListProjects { .. } => "list_projects",
            Request::GetProject(_) => "get_project",
            Request::UpdateProject { .. } => "update_project",
            Request::DeleteProject { .. } => "delete_project",
            Request::UndeleteProject { .. } => "undelete_project",
            Request::DuplicateProject { .. } => "duplicate_project",
            Request::SaveProject { .. } => "save_project",
            Request::ListVersions { .. } => "list_versions",
            Request::RestoreVersion { .. } => "restore_version",
            Request::WorkbenchAction(_) => "workbench_action",
            Request::WorkbenchState { .. } => "workbench_state",
            Request::Undo { .. } => "undo",
            Request::Redo { .. } => "redo",
            Request::Log { .. } => "log",
            Request::SaveTemplate { .. } => "save_template",
            Request::ListTemplates => "list_templates",
            Request::ExportProject { .. } => "export_project",
            Request::ImportProject { .. } => "import_project",
            Request::RecoveryOffer { .. } => "recovery_offer",
            Request::Recover { .. } => "recover",
            Request::DiscardRecovery { .. } => "discard_recovery",
            Request::ListTasks { .. } => "list_tasks",
            Request::GetTask { .. } => "get_task",
            Request::CancelTask { .. } => "cancel_task",
            Request::RunPipeline { .. } => "run_pipeline",
            Request::ListAgents => "list_agents",
            Request::GenerateReport { .. } => "generate_report",
            Request::PreviewReport { .. } => "preview_report",
            Request::GetReport { .. } => "get_report",
            Request::ListReports { .. } => "list_reports",
            Request::ExportReport { .. } => "export_report",
            Request::ReportSchedule { .. } => "report_schedule",
            Request::SendReport { .. } => "send_report",
            Request::RevealExport { .. } => "reveal_export",
            Request::RevealOutbox => "reveal_outbox",
            Request::ParseQuestion { .. } => "parse_question",
            Request::ConfirmPredictionTask { .. } => "confirm_prediction_task",
            Request::StartSensitivity { .. } => "start_sensitivity",
            Request::GetSensitivity { .. } => "get_sensitivity",
            Request::StartGoalSeek { .. } => "start_goal_seek",
            Request::CausalGraph { .. } => "causal_graph",
            Request::TimeAxis { .. } => "time_axis",
            Request::EditCausalEdge { .. } => "edit_causal_edge",
            Request::GetGoalSeek { .. } => "get_goal_seek",
            Request::ChangeCollaborators { .. } => "change_collaborators",
            Request::LibraryInfo => "library_info",
            Request::Limits => "limits",
            Request::Health => "health",
            Request::Metrics => "metrics",
            Request::PublishEvent { .. } => "publish_event",
            Request::ListEvents { .. } => "list_events",
            Request::CreateWebhook { .. } => "create_webhook",
            Request::ListWebhooks => "list_webhooks",
            Request::DeleteWebhook { .. } => "delete_webhook",
            Request::ListWorkflows { .. } => "list_workflows",
            Request::GetWorkflow { .. } => "get_workflow",
            Request::SaveWorkflow { .. } => "save_workflow",
            Request::DeleteWorkflow { .. } => "delete_workflow",
            Request::ExecuteWorkflow { .. } => "execute_workflow",
            Request::ListWorkflowRuns { .. } => "list_workflow_runs",
            Request::GetWorkflowRun { .. } => "get_workflow_run",
            Request::ControlWorkflowRun { .. } => "control_workflow_run",
            Request::CreateInvite { .. } => "create_invite",
            Request::ListInvites { .. } => "list_invites",
            Request::RevokeInvite { .. } => "revoke_invite",
            Request::JoinProject { .. } => "join_project",
            Request::SyncStatus { .. } => "sync_status",
            Request::SetPresence { .. } => "set_presence",
            Request::ResolveConflict { .. } => "resolve_conflict",
            Request::GetProfile => "get_profile",
            Request::HubStatus => "hub_status",
            Request::ShareOnNetwork { .. } => "share_on_network",
            Request::UpdateProfile { .. } => "update_profile",
            Request::ListTeams { .. } => "list_teams",
            Request::CreateTeam { .. } => "create_team",
            Request::TeamMembers { .. } => "team_members",
            Request::InviteTeamMember { .. } => "invite_team_member",
            Request::SetTeamRole { .. } => "set_team_role",
            Request::RemoveTeamMember { .. } => "remove_team_member",
            Request::UnsentEdits { .. } => "unsent_edits",
            Request::ApplyUnsent { .. } => "apply_unsent",
            Request::DiscardUnsent { .. } => "discard_unsent",
            Request::KeepSession { .. } => "keep_session",
            Request::SessionState { .. } => "session_state",
            Request::ExchangeChanges { .. } => "exchange_changes",
            Request::TeamServerTeams { .. } => "team_server_teams",
            Request::TeamServerProjects { .. } => "team_server_projects",
            Request::PublishToTeam { .. } => "publish_to_team",
            Request::OpenFromTeam { .. } => "open_from_team",
            Request::SyncWithTeam { .. } => "sync_with_team",
            Request::TeamLink { .. } => "team_link",
        }
    }

    /// The project the request is about, when it is about one.
    pub fn project_id(&self) -> Option<&str> {
        match self {
            Request::GetProject(r) => Some(&r.project_id),
            Request::UpdateProject { project_id, .. } => Some(project_id),
            Request::DeleteProject { project_id, .. } => Some(project_id),
            Request::UndeleteProject { project_id, .. } => Some(project_id),
            Request::DuplicateProject { project_id, .. } => Some(project_id),
            Request::SaveProject { project_id, .. } => Some(project_id),
            Request::ListVersions { project_id, .. } => Some(project_id),
            Request::RestoreVersion { project_id, .. } => Some(project_id),
            Request::WorkbenchAction(r) => Some(&r.project_id),
            Request::WorkbenchState { project_id, .. } => Some(project_id),
            Request::Undo { project_id, .. } => Some(project_id),
            Request::Redo { project_id, .. } => Some(project_id),
            Request::Log { project_id, .. } => Some(project_id),
            Request::SaveTemplate { project_id, .. } => Some(project_id),
            Request::ExportProject { project_id, .. } => Some(project_id),
            Request::RecoveryOffer { project_id, .. } => Some(project_id),
            Request::Recover { project_id, .. } => Some(project_id),
            Request::DiscardRecovery { project_id, .. } => Some(project_id),
            Request::ListTasks { project_id, .. } => Some(project_id),
            Request::RunPipeline { project_id, .. } => Some(project_id),
            Request::GenerateReport { project_id, .. } => Some(project_id),
            Request::PreviewReport { project_id, .. } => Some(project_id),
            Request::GetReport { project_id, .. } => Some(project_id),
            Request::ListReports { project_id, .. } => Some(project_id),
            Request::ExportReport { project_id, .. } => Some(project_id),
            Request::ReportSchedule { project_id, .. } => Some(project_id),
            Request::SendReport { project_id, .. } => Some(project_id),
            Request::RevealExport { project_id, .. } => Some(project_id),
            Request::ParseQuestion { project_id, .. } => Some(project_id),
            Request::ConfirmPredictionTask { project_id, .. } => Some(project_id),
            Request::StartSensitivity { project_id, .. } => Some(project_id),
            Request::GetSensitivity { project_id, .. } => Some(project_id),
            Request::StartGoalSeek { project_id, .. } => Some(project_id),
            Request::CausalGraph { project_id } => Some(project_id),
            Request::TimeAxis { project_id } => Some(project_id),
            Request::EditCausalEdge { project_id, .. } => Some(project_id),
            Request::GetGoalSeek { project_id, .. } => Some(project_id),
            Request::ChangeCollaborators { project_id, .. } => Some(project_id),
            Request::CreateInvite { project_id, .. } => Some(project_id),
            Request::ListInvites { project_id } => Some(project_id),
            Request::RevokeInvite { project_id, .. } => Some(project_id),
            Request::SyncStatus { project_id } => Some(project_id),
            Request::SetPresence { project_id, .. } => Some(project_id),
            Request::ResolveConflict { project_id, .. } => Some(project_id),
            Request::UnsentEdits { project_id, .. }
            | Request::ApplyUnsent { project_id, .. }
            | Request::DiscardUnsent { project_id, .. }
            | Request::ExchangeChanges { project_id, .. }
            | Request::PublishToTeam { project_id, .. }
            | Request::SyncWithTeam { project_id }
            | Request::TeamLink { project_id } => Some(project_id),
            _ => None,
        }
    }
}

/// The answer to `delete_project`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Deleted {
    pub deleted: String,
}

/// The answer to `discard_recovery`: how many unsaved edits were dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Discarded {
    pub discarded: usize,
}

/// The answer to `reveal_export` and `reveal_outbox`: the folder the file manager opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Folder {
    pub folder: PathBuf,
}

/// A request's answer, serialized once, where it is made: a transport writes it as it is
/// (turning a whole `ProjectState` into a `Value` first cost a third of an action's time).
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Answer(Box<serde_json::value::RawValue>);

impl Answer {
    /// The answer's JSON text.
    pub fn json(&self) -> &str {
        self.0.get()
    }

    /// The answer as a JSON value, for a caller that looks inside it.
    pub fn value(&self) -> Value {
        serde_json::from_str(self.0.get()).unwrap_or(Value::Null)
    }
}

fn json<T: Serialize>(value: T) -> Result<Answer> {
    serde_json::value::to_raw_value(&value).map(Answer).map_err(CoreError::internal)
}

impl Studio {
    /// Parses and runs one request given as JSON.
    pub async fn dispatch_json(&self, request: &Value) -> Result<Answer> {
        self.dispatch(Request::from_envelope(request)?).await
    }

    /// Parses and runs one request given as JSON, made by `caller` (see [`Studio::dispatch_as`]).
    pub async fn dispatch_json_as(&self, caller: &str, request: &Value) -> Result<Answer> {
        self.dispatch_as(caller, Request::from_envelope(request)?).await
    }

    /// Runs one request; the response is the JSON of the matching method's result. Every
    /// transport comes through here — HTTP routes, the generic envelope route, Tauri IPC, the
    /// command line — so this is the one place to see, time, check or record an operation:
    /// today it times each one and logs it (target `studio::request`).
    pub async fn dispatch(&self, request: Request) -> Result<Answer> {
        let name = request.name();
        let project = request.project_id().map(str::to_string);
        let action = match &request {
            Request::WorkbenchAction(a) => Some(format!("{}/{}", a.workbench, a.action)),
            _ => None,
        };
        let started = std::time::Instant::now();
        let answer = self.handle(request).await;
        let took = started.elapsed();
        self.vitals.observe_request(name, answer.as_ref().map_or_else(|e| e.code.as_str(), |_| "ok"), took);
        let ms = format!("{:.2}", took.as_secs_f64() * 1000.0);
        match &answer {
            Ok(_) => tracing::info!(target: "studio::request", request = name, project, action, ms, "ok"),
            Err(e) => {
                tracing::info!(target: "studio::request", request = name, project, action, ms, code = e.code, "{}", e.message)
            }
        }
        answer
    }

    /// The handler of each request: one arm a variant.
    async fn handle(&self, request: Request) -> Result<Answer> {
        use Request::*;
        match request {
            CreateProject(req) => json(self.create_project(&req).await?),
            ListProjects { user_id, team_id } => {
                json(self.list_projects_in(user_id.as_deref(), team_id.as_deref()).await?)
            }
            GetProject(load) => json(self.get_project(&load).await?),
            UpdateProject { project_id, user_id, update } => {
                json(self.update_project(&project_id, &user_id, &update).await?)
            }
            DeleteProject { project_id, user_id } => {
                self.delete_project(&project_id, &user_id).await?;
                json(Deleted { deleted: project_id })
            }
            UndeleteProject { project_id, user_id } => json(self.undelete_project(&project_id, &user_id).await?),
            DuplicateProject { project_id, user_id, project_name } => {
                json(self.duplicate_project(&project_id, &user_id, project_name.as_deref()).await?)
            }
            SaveProject { project_id, user_id, background: false } => json(self.save(&project_id, &user_id).await?),
            SaveProject { project_id, user_id, background: true } => {
                json(self.start_save(&project_id, &user_id).await?)
            }
            ListVersions { project_id } => json(self.versions(&project_id).await?),
            RestoreVersion { project_id, user_id, version } => {
                json(self.restore_version(&project_id, &user_id, version).await?)
            }
            WorkbenchAction(action) => json(self.workbench_action(&action).await?),
            WorkbenchState { project_id, user_id, workbench } => {
                json(self.workbench_state(&project_id, &user_id, workbench).await?)
            }
            Undo { project_id, user_id } => json(self.undo(&project_id, &user_id).await?),
            Redo { project_id, user_id } => json(self.redo(&project_id, &user_id).await?),
            Log { project_id } => json(self.log(&project_id).await?),
            SaveTemplate { project_id, user_id, name, description } => {
                json(self.save_template(&project_id, &user_id, &name, description.as_deref()).await?)
            }
            ListTemplates => json(self.templates().await?),
            ExportProject { project_id, path, with_artifacts } => {
                json(self.start_export(&project_id, path, with_artifacts).await?)
            }
            ImportProject { path, user_id } => json(self.import_project(&path, &user_id).await?),
            RecoveryOffer { project_id } => json(self.recovery_offer(&project_id).await?),
            Recover { project_id, user_id } => json(self.recover(&project_id, &user_id).await?),
            DiscardRecovery { project_id } => json(Discarded { discarded: self.discard_recovery(&project_id).await? }),
            ListTasks { project_id } => json(self.list_tasks(&project_id).await?),
            GetTask { task_id } => json(self.get_task(&task_id).await?),
            CancelTask { task_id, reason } => json(self.cancel_task(&task_id, reason.as_deref()).await?),
            RunPipeline { project_id, user_id } => json(self.run_pipeline(&project_id, &user_id).await?),
            ListAgents => json(self.agents()?),
            GenerateReport { project_id, user_id, report_config } => {
                let report = self.generate_report(&project_id, &user_id, report_config, &|_, _| {}).await?;
                json(report)
            }
            ReportSchedule { project_id } => json(self.reports.report_schedule(&project_id).await?),
            SendReport { project_id, user_id } => json(self.send_report_now(&project_id, &user_id).await?),
            RevealExport { project_id, report_id, format } => {
                json(Folder { folder: self.reports.reveal_export(&project_id, &report_id, &format).await? })
            }
            RevealOutbox => json(Folder { folder: self.reports.reveal_outbox()? }),
            LibraryInfo => json(self.library_info().await?),
            Limits => json(crate::limits::Limits::current()),
            Health => json(self.health().await?),
            Metrics => json(self.metrics().await?),
            PublishEvent { topic, project_id, data, user_id } => {
                json(self.publish_event(&topic, project_id.as_deref(), &data, &user_id).await?)
            }
            ListEvents { after, filter, limit } => json(self.list_events(after, &filter, limit).await?),
            CreateWebhook { url, filter, secret, user_id } => {
                json(self.create_webhook(&url, &filter, secret.as_deref(), &user_id).await?)
            }
            ListWebhooks => json(self.webhooks().await?),
            DeleteWebhook { webhook_id } => {
                self.delete_webhook(&webhook_id).await?;
                json(Deleted { deleted: webhook_id })
            }
            ListWorkflows { project_id } => json(self.automation.workflows(&project_id).await?),
            GetWorkflow { project_id, workflow_id } => json(self.automation.workflow(&project_id, &workflow_id).await?),
            SaveWorkflow { project_id, user_id, workflow } => {
                json(self.automation.save_workflow(&project_id, &user_id, &workflow).await?)
            }
            DeleteWorkflow { project_id, user_id, workflow_id } => {
                self.automation.delete_workflow(&project_id, &user_id, &workflow_id).await?;
                json(Deleted { deleted: workflow_id })
            }
            ExecuteWorkflow { project_id, user_id, workflow_id, input } => {
                json(self.execute_workflow(&project_id, &workflow_id, &user_id, &input, &Value::Null).await?)
            }
            ListWorkflowRuns { project_id, workflow_id } => {
                json(self.workflow_runs(&project_id, workflow_id.as_deref()).await?)
            }
            GetWorkflowRun { execution_id } => json(self.workflow_run(&execution_id).await?),
            ControlWorkflowRun { execution_id, user_id, control } => {
                json(self.control_run(&execution_id, &user_id, &control).await?)
            }
            GetProfile => json(self.profile()?),
            HubStatus => json(self.sharing.hub_info().await?),
            ShareOnNetwork { on, listen } => json(self.sharing.share_on_network(on, listen.as_deref(), true).await?),
            ResolveConflict { project_id, user_id, section, key, pick } => json(
                self.resolve_conflict(&crate::actor::Actor::new(&project_id, &user_id), section, &key, pick).await?,
            ),
            SetPresence { project_id, user_id, workbench, item } => {
                json(self.sharing.set_presence(&project_id, &user_id, workbench, item).await?)
            }
            CreateInvite { project_id, user_id, role, expires, hub } => {
                let expires = crate::invites::parse_expiry(expires.as_deref().unwrap_or("7d"))?;
                json(self.sharing.create_invite(&project_id, &user_id, role, expires, hub.as_deref()).await?)
            }
            ListInvites { project_id } => json(self.sharing.invites(&project_id).await?),
            RevokeInvite { project_id, user_id, invite_id } => {
                json(self.sharing.revoke_invite(&project_id, &user_id, &invite_id).await?)
            }
            JoinProject { token, user_id } => json(self.sharing.join(&token, &user_id).await?),
            SyncStatus { project_id } => json(self.sharing.sync_status(&project_id).await?),
            ParseQuestion { project_id, user_id, question } => {
                json(self.parse_question(&project_id, &user_id, question.as_deref()).await?)
            }
            ConfirmPredictionTask { project_id, user_id, task } => {
                json(self.confirm_prediction_task(&project_id, &user_id, &task).await?)
            }
            StartSensitivity { project_id, user_id, scenario_id, analysis } => {
                json(self.start_sensitivity(&project_id, &user_id, &scenario_id, &analysis).await?)
            }
            GetSensitivity { project_id, scenario_id } => json(self.sensitivity(&project_id, &scenario_id).await?),
            StartGoalSeek { project_id, user_id, scenario_id, search } => {
                json(self.start_goal_seek(&project_id, &user_id, &scenario_id, &search).await?)
            }
            GetGoalSeek { project_id, scenario_id } => json(self.goal_seek(&project_id, &scenario_id).await?),
            CausalGraph { project_id } => json(self.causal_graph(&project_id).await?),
            TimeAxis { project_id } => json(self.time_axis(&project_id).await?),
            EditCausalEdge { project_id, user_id, edit } => {
                json(self.edit_causal_edge(&project_id, &user_id, &edit).await?)
            }
            ChangeCollaborators { project_id, user_id, change } => {
                json(self.change_collaborators(&project_id, &user_id, &change).await?)
            }
            UpdateProfile { update } => json(self.update_profile(&update)?),
            PreviewReport { project_id, user_id, report_config } => {
                json(self.preview_report(&project_id, &user_id, report_config).await?)
            }
            GetReport { project_id, report_id } => json(self.reports.get_report(&project_id, &report_id).await?),
            ListReports { project_id } => json(self.reports.list_reports(&project_id).await?),
            ExportReport { project_id, report_id, user_id, format, path } => {
                json(self.reports.start_report_export(&project_id, &report_id, &user_id, &format, path).await?)
            }
            ListTeams { user_id } => json(self.list_teams(&user_id).await?),
            CreateTeam { user_id, name, default_role } => {
                json(self.create_team(&user_id, &name, default_role.as_deref()).await?)
            }
            TeamMembers { team_id, user_id } => json(self.team_members(&team_id, &user_id).await?),
            InviteTeamMember { team_id, user_id, display_name, public_key, role } => json(
                self.invite_team_member(&team_id, &user_id, &display_name, public_key.as_deref(), role.as_deref())
                    .await?,
            ),
            SetTeamRole { team_id, user_id, member_id, role } => {
                json(self.set_team_role(&team_id, &user_id, &member_id, &role).await?)
            }
            RemoveTeamMember { team_id, user_id, member_id } => {
                json(self.remove_team_member(&team_id, &user_id, &member_id).await?)
            }
            UnsentEdits { project_id, user_id } => json(self.unsent_edits(&project_id, &user_id).await?),
            ApplyUnsent { project_id, user_id } => json(self.apply_unsent(&project_id, &user_id).await?),
            DiscardUnsent { project_id, user_id } => {
                json(Discarded { discarded: self.discard_unsent(&project_id, &user_id).await? })
            }
            KeepSession { user_id, client_id, state } => json(self.keep_session(&user_id, &client_id, &state).await?),
            SessionState { user_id, client_id } => json(self.session_state(&user_id, &client_id).await?),
            ExchangeChanges { project_id, user_id, have, changes } => {
                json(self.exchange_changes(&project_id, &user_id, &have, &changes).await?)
            }
            TeamServerTeams { server, token } => json(self.team_server_teams(&server, &token).await?),
            TeamServerProjects { server, token, team_id } => {
                json(self.team_server_projects(&server, &token, team_id.as_deref()).await?)
            }
            PublishToTeam { project_id, server, token, team_id } => {
                json(self.publish_to_team(&project_id, &server, &token, &team_id).await?)
            }
            OpenFromTeam { server, token, project_id, user_id } => {
                json(self.open_from_team(&server, &token, &project_id, &user_id).await?)
            }
            SyncWithTeam { project_id } => json(self.sync_with_team(&project_id).await?),
            TeamLink { project_id } => json(self.team_link(&project_id).await?),
        }
    }
}
