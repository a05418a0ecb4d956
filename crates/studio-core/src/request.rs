//! Requests as data: what a transport (HTTP, Tauri IPC) sends, in one versioned envelope.
//! Each request maps to one `Studio` method; its response is that method's return value.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use studio_model::{ProjectCreate, ProjectLoad, Workbench, WorkbenchAction};

use crate::error::{CoreError, Result};
use crate::projects::MetadataUpdate;

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
    /// Every agent: this program's task pool and the agents spawned (with `ended`, the
    /// terminated ones too).
    ListAgents {
        #[serde(default)]
        ended: bool,
    },
    /// Spawns an agent of a type (assistant, data_processor, api, workflow, simulation,
    /// report) within `max_instances_per_type` and `max_total_instances`.
    SpawnAgent {
        agent_type: String,
        /// How it is shown (its type unless given).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Its configuration: a JSON object, 16 KB at most.
        #[serde(default)]
        config: Value,
        user_id: String,
    },
    /// A spawned agent: its state, current task, history, teams and latest messages.
    GetAgent {
        agent_id: String,
    },
    /// Terminates a spawned agent; a task it runs goes back to the queue.
    TerminateAgent {
        agent_id: String,
        user_id: String,
    },
    /// Every team of agents (entanglement).
    ListEntanglements,
    /// A new team of spawned agents.
    CreateEntanglement {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        #[serde(default)]
        agent_ids: Vec<String>,
        user_id: String,
    },
    GetEntanglement {
        entanglement_id: String,
    },
    /// Dissolves a team (its messages stay).
    DeleteEntanglement {
        entanglement_id: String,
        user_id: String,
    },
    /// Adds a spawned agent to a team.
    AddEntanglementAgent {
        entanglement_id: String,
        agent_id: String,
        user_id: String,
    },
    /// Takes an agent out of a team.
    RemoveEntanglementAgent {
        entanglement_id: String,
        agent_id: String,
        user_id: String,
    },
    /// Sends a message to one agent of the team, or to every other one without `receiver_id`;
    /// kept until delivered, at least once.
    SendAgentMessage {
        entanglement_id: String,
        /// A member agent (the caller when absent).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sender_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receiver_id: Option<String>,
        content: String,
        /// `message` unless given (`task`, `notification`, …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_type: Option<String>,
        user_id: String,
    },
    /// The custom roles (a team server's): each a set of permissions.
    ListRoles,
    /// Makes a custom role, or changes its permissions (a server admin).
    SaveRole {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        /// read, project:edit, project:own, workflow:execute, workflow:create, workflow:delete,
        /// agent:spawn, agent:terminate, entanglement:manage, admin.
        permissions: Vec<String>,
        user_id: String,
    },
    /// Removes a custom role from the server and from everyone who held it.
    DeleteRole {
        name: String,
        user_id: String,
    },
    /// Gives a member a role on one team's projects, or on the whole server without a team.
    GrantRole {
        member_id: String,
        role: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team_id: Option<String>,
        user_id: String,
    },
    /// Takes a role back (the server keeps one admin).
    RevokeRole {
        member_id: String,
        role: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        team_id: Option<String>,
        user_id: String,
    },
    /// Who holds which role: one member's (anyone's own), or everyone's (an admin).
    ListRoleGrants {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        member_id: Option<String>,
    },
    /// What the caller may do: on the server, and on a project when one is named.
    MyRights {
        user_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        project_id: Option<String>,
    },
    /// The audit log's rows that pass the filter, newest first (100 unless given).
    SearchAudit {
        #[serde(flatten)]
        filter: crate::audit::AuditFilter,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<usize>,
    },
    /// The audit log's rows that pass the filter as a file's text: `csv` or `jsonl`.
    ExportAudit {
        #[serde(flatten)]
        filter: crate::audit::AuditFilter,
        format: String,
    },
    /// Every setting, its value (secrets masked), where it came from (default, file,
    /// environment, command line, runtime) and whether a change reaches a running program.
    ShowConfig,
    /// Changes a live setting (`workflow.max_concurrent_executions`, …) for every program on
    /// this library or team server; kept until reset.
    SetConfig {
        key: String,
        value: serde_json::Value,
        user_id: String,
    },
    /// Drops a runtime change: the key's value is the configuration's again.
    ResetConfig {
        key: String,
        user_id: String,
    },
    /// A team's messages after a message id (0: from the first), oldest first.
    ListAgentMessages {
        entanglement_id: String,
        #[serde(default)]
        after: i64,
        /// 100 unless given; 1,000 at most.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<usize>,
    },
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
            Request::ListAgents { .. } => "list_agents",
            Request::SpawnAgent { .. } => "spawn_agent",
            Request::GetAgent { .. } => "get_agent",
            Request::TerminateAgent { .. } => "terminate_agent",
            Request::ListEntanglements => "list_entanglements",
            Request::CreateEntanglement { .. } => "create_entanglement",
            Request::GetEntanglement { .. } => "get_entanglement",
            Request::DeleteEntanglement { .. } => "delete_entanglement",
            Request::AddEntanglementAgent { .. } => "add_entanglement_agent",
            Request::RemoveEntanglementAgent { .. } => "remove_entanglement_agent",
            Request::SendAgentMessage { .. } => "send_agent_message",
            Request::ListAgentMessages { .. } => "list_agent_messages",
            Request::ListRoles => "list_roles",
            Request::SaveRole { .. } => "save_role",
            Request::DeleteRole { .. } => "delete_role",
            Request::GrantRole { .. } => "grant_role",
            Request::RevokeRole { .. } => "revoke_role",
            Request::ListRoleGrants { .. } => "list_role_grants",
            Request::MyRights { .. } => "my_rights",
            Request::SearchAudit { .. } => "search_audit",
            Request::ExportAudit { .. } => "export_audit",
            Request::ShowConfig => "show_config",
            Request::SetConfig { .. } => "set_config",
            Request::ResetConfig { .. } => "reset_config",
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
            Request::MyRights { project_id, .. } => project_id.as_deref(),
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
