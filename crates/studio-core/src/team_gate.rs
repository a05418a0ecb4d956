//! Who may do what on a team server, checked at the one dispatch point before anything runs.
//! Every request is made as the caller its token names: a `user_id` in the request is
//! replaced, never believed. Each request needs a permission (`rbac.rs`): about a project, its
//! roles there and the caller's roles on its team or the server grant it; about the server
//! (agents, their teams, roles, the whole audit log), the caller's server-wide roles do. A
//! refused request is 403 and changes nothing. What only the desktop does (files at a path the
//! caller names, a folder shown, the desktop's hub and invites, its own profile) is refused on
//! a team server by name.

use crate::error::{CoreError, Result};
use crate::rbac::Right;
use crate::request::Request;
use crate::studio::Studio;

/// What a request needs of its caller.
#[derive(Debug, PartialEq)]
pub(crate) enum Needs<'a> {
    /// About a project: this permission there.
    Project(&'a str, Right),
    /// About a task: this permission on the task's project.
    Task(&'a str, Right),
    /// About a workflow run: this permission on its project.
    Run(&'a str, Right),
    /// About the server as a whole: this permission from a server-wide role.
    Server(Right),
    /// About one user: theirs, or this permission on the server.
    SelfOr(Option<&'a str>, Right),
    /// A new project, in a team (being its editor) or the caller's own.
    NewProject(Option<&'a str>),
    /// A project moved into a team (owning it, editing in the team) or out of one ("").
    Move(&'a str, &'a str),
    /// Answered for the caller alone (their lists, the limits), or checked where it is done.
    Caller,
    /// What only the desktop app does.
    Desktop(&'static str),
}

impl Request {
    pub(crate) fn needs(&self) -> Needs<'_> {
        use Request::*;
        use Right::{ProjectEdit as Edit, ProjectOwn as Own, Read};
        match self {
            CreateProject(r) => Needs::NewProject(r.team_id.as_deref()),
            UpdateProject { project_id, update, .. } => match &update.team_id {
                Some(team) => Needs::Move(project_id, team),
                None => Needs::Project(project_id, Edit),
            },
            DeleteProject { project_id, .. } | UndeleteProject { project_id, .. } => Needs::Project(project_id, Own),
            ChangeCollaborators { project_id, .. } => Needs::Project(project_id, Own),
            SaveProject { project_id, .. }
            | RestoreVersion { project_id, .. }
            | Undo { project_id, .. }
            | Redo { project_id, .. }
            | Recover { project_id, .. }
            | DiscardRecovery { project_id }
            | RunPipeline { project_id, .. }
            | GenerateReport { project_id, .. }
            | SendReport { project_id, .. }
            | ConfirmPredictionTask { project_id, .. }
            | StartSensitivity { project_id, .. }
            | StartGoalSeek { project_id, .. }
            | EditCausalEdge { project_id, .. }
            | ResolveConflict { project_id, .. }
            | ApplyUnsent { project_id, .. } => Needs::Project(project_id, Edit),
            WorkbenchAction(a) => Needs::Project(&a.project_id, Edit),
            ExportReport { path: Some(_), .. } => Needs::Desktop("exporting a report to a path of the server's"),
            ExportReport { project_id, .. } => Needs::Project(project_id, Edit),
            GetProject(load) => Needs::Project(&load.project_id, Read),
            DuplicateProject { project_id, .. }
            | ListVersions { project_id }
            | WorkbenchState { project_id, .. }
            | Log { project_id }
            | SaveTemplate { project_id, .. }
            | RecoveryOffer { project_id }
            | ListTasks { project_id }
            | PreviewReport { project_id, .. }
            | GetReport { project_id, .. }
            | ListReports { project_id }
            | ReportSchedule { project_id }
            | ParseQuestion { project_id, .. }
            | GetSensitivity { project_id, .. }
            | GetGoalSeek { project_id, .. }
            | TimeAxis { project_id }
            | CausalGraph { project_id }
            | SyncStatus { project_id }
            | SetPresence { project_id, .. }
            | UnsentEdits { project_id, .. }
            | DiscardUnsent { project_id, .. } => Needs::Project(project_id, Read),
            GetTask { task_id } => Needs::Task(task_id, Read),
            CancelTask { task_id, .. } => Needs::Task(task_id, Edit),
            ListProjects { .. }
            | ListTemplates
            | ListAgents { .. }
            | GetAgent { .. }
            | ListEntanglements
            | GetEntanglement { .. }
            | ListAgentMessages { .. }
            | ListRoles
            | MyRights { .. }
            | LibraryInfo
            | Limits
            | Health
            | Metrics
            | ListTeams { .. }
            | CreateTeam { .. }
            | TeamMembers { .. }
            | InviteTeamMember { .. }
            | SetTeamRole { .. }
            | RemoveTeamMember { .. }
            | KeepSession { .. }
            | SessionState { .. } => Needs::Caller,
            ExportProject { .. } | ImportProject { .. } => {
                Needs::Desktop("a .studio file at a path of the server's (publish from the desktop instead)")
            }
            RevealExport { .. } | RevealOutbox => Needs::Desktop("showing a folder"),
            CreateInvite { .. }
            | ListInvites { .. }
            | RevokeInvite { .. }
            | JoinProject { .. }
            | HubStatus
            | ShareOnNetwork { .. } => Needs::Desktop("sharing by invite (a team shares through its members)"),
            GetProfile | UpdateProfile { .. } => Needs::Desktop("the local user's profile"),
            ExchangeChanges { project_id, changes, .. } if changes.trim().is_empty() => {
                Needs::Project(project_id, Read)
            }
            ExchangeChanges { project_id, .. } => Needs::Project(project_id, Edit),
            PublishEvent { project_id: Some(project_id), .. } => Needs::Project(project_id, Edit),
            ListWorkflows { project_id } | GetWorkflow { project_id, .. } | ListWorkflowRuns { project_id, .. } => {
                Needs::Project(project_id, Read)
            }
            SaveWorkflow { project_id, .. } => Needs::Project(project_id, Right::WorkflowCreate),
            DeleteWorkflow { project_id, .. } => Needs::Project(project_id, Right::WorkflowDelete),
            ExecuteWorkflow { project_id, .. } => Needs::Project(project_id, Right::WorkflowExecute),
            GetWorkflowRun { execution_id } => Needs::Run(execution_id, Read),
            ControlWorkflowRun { execution_id, .. } => Needs::Run(execution_id, Right::WorkflowExecute),
            SpawnAgent { .. } => Needs::Server(Right::AgentSpawn),
            TerminateAgent { .. } => Needs::Server(Right::AgentTerminate),
            CreateEntanglement { .. }
            | DeleteEntanglement { .. }
            | AddEntanglementAgent { .. }
            | RemoveEntanglementAgent { .. }
            | SendAgentMessage { .. } => Needs::Server(Right::EntanglementManage),
            SaveRole { .. } | DeleteRole { .. } | GrantRole { .. } | RevokeRole { .. } => Needs::Server(Right::Admin),
            ShowConfig | SetConfig { .. } | ResetConfig { .. } => Needs::Server(Right::Admin),
            ListRoleGrants { member_id } => Needs::SelfOr(member_id.as_deref(), Right::Admin),
            SearchAudit { filter, .. } | ExportAudit { filter, .. } => match filter.project() {
                Some(project_id) => Needs::Project(project_id, Own),
                None => Needs::Server(Right::Admin),
            },
            ListEvents { filter, .. } | CreateWebhook { filter, .. } => match (&filter.project_id, self) {
                (Some(project_id), ListEvents { .. }) => Needs::Project(project_id, Read),
                (Some(project_id), _) => Needs::Project(project_id, Own),
                (None, _) => Needs::Desktop("events of every project (name a project_id)"),
            },
            PublishEvent { .. } | ListWebhooks | DeleteWebhook { .. } => {
                Needs::Desktop("events and webhooks of every project (name a project_id)")
            }
            TeamServerTeams { .. }
            | TeamServerProjects { .. }
            | PublishToTeam { .. }
            | OpenFromTeam { .. }
            | SyncWithTeam { .. }
            | TeamLink { .. } => Needs::Desktop("a local copy of another team server's project"),
        }
    }

    /// Makes the request the caller's: every `user_id` in it becomes `caller`.
    pub(crate) fn act_as(&mut self, caller: &str) {
        if let Request::ListProjects { user_id, .. } = self {
            *user_id = Some(caller.to_string());
        } else if let Some(user) = self.user_slot() {
            *user = caller.to_string();
        }
    }

    /// The request's `user_id`, where it has one.
    pub(crate) fn user_slot(&mut self) -> Option<&mut String> {
        use Request::*;
        Some(match self {
            CreateProject(r) => &mut r.user_id,
            GetProject(r) => &mut r.user_id,
            WorkbenchAction(r) => &mut r.user_id,
            ListProjects { .. } => return None,
            UpdateProject { user_id, .. }
            | DeleteProject { user_id, .. }
            | UndeleteProject { user_id, .. }
            | DuplicateProject { user_id, .. }
            | SaveProject { user_id, .. }
            | RestoreVersion { user_id, .. }
            | WorkbenchState { user_id, .. }
            | Undo { user_id, .. }
            | Redo { user_id, .. }
            | SaveTemplate { user_id, .. }
            | ImportProject { user_id, .. }
            | Recover { user_id, .. }
            | RunPipeline { user_id, .. }
            | GenerateReport { user_id, .. }
            | PreviewReport { user_id, .. }
            | ExportReport { user_id, .. }
            | SendReport { user_id, .. }
            | ParseQuestion { user_id, .. }
            | ConfirmPredictionTask { user_id, .. }
            | StartSensitivity { user_id, .. }
            | EditCausalEdge { user_id, .. }
            | StartGoalSeek { user_id, .. }
            | ChangeCollaborators { user_id, .. }
            | CreateInvite { user_id, .. }
            | RevokeInvite { user_id, .. }
            | JoinProject { user_id, .. }
            | SetPresence { user_id, .. }
            | ResolveConflict { user_id, .. }
            | ListTeams { user_id }
            | CreateTeam { user_id, .. }
            | TeamMembers { user_id, .. }
            | InviteTeamMember { user_id, .. }
            | SetTeamRole { user_id, .. }
            | RemoveTeamMember { user_id, .. }
            | UnsentEdits { user_id, .. }
            | ApplyUnsent { user_id, .. }
            | DiscardUnsent { user_id, .. }
            | KeepSession { user_id, .. }
            | SessionState { user_id, .. }
            | ExchangeChanges { user_id, .. }
            | PublishEvent { user_id, .. }
            | SaveWorkflow { user_id, .. }
            | DeleteWorkflow { user_id, .. }
            | ExecuteWorkflow { user_id, .. }
            | ControlWorkflowRun { user_id, .. }
            | CreateWebhook { user_id, .. }
            | SpawnAgent { user_id, .. }
            | TerminateAgent { user_id, .. }
            | CreateEntanglement { user_id, .. }
            | DeleteEntanglement { user_id, .. }
            | AddEntanglementAgent { user_id, .. }
            | RemoveEntanglementAgent { user_id, .. }
            | SendAgentMessage { user_id, .. }
            | SaveRole { user_id, .. }
            | DeleteRole { user_id, .. }
            | GrantRole { user_id, .. }
            | RevokeRole { user_id, .. }
            | MyRights { user_id, .. }
            | SetConfig { user_id, .. }
            | ResetConfig { user_id, .. }
            | OpenFromTeam { user_id, .. } => user_id,
            ListVersions { .. }
            | Log { .. }
            | ListTemplates
            | ExportProject { .. }
            | RecoveryOffer { .. }
            | DiscardRecovery { .. }
            | ListTasks { .. }
            | GetTask { .. }
            | CancelTask { .. }
            | ListAgents { .. }
            | GetAgent { .. }
            | ListEntanglements
            | GetEntanglement { .. }
            | ListAgentMessages { .. }
            | ListRoles
            | ListRoleGrants { .. }
            | SearchAudit { .. }
            | ExportAudit { .. }
            | ShowConfig
            | GetReport { .. }
            | ListReports { .. }
            | ReportSchedule { .. }
            | RevealExport { .. }
            | RevealOutbox
            | LibraryInfo
            | Limits
            | Health
            | Metrics
            | ListEvents { .. }
            | ListWebhooks
            | DeleteWebhook { .. }
            | ListWorkflows { .. }
            | GetWorkflow { .. }
            | ListWorkflowRuns { .. }
            | GetWorkflowRun { .. }
            | GetSensitivity { .. }
            | GetGoalSeek { .. }
            | TimeAxis { .. }
            | CausalGraph { .. }
            | ListInvites { .. }
            | SyncStatus { .. }
            | GetProfile
            | HubStatus
            | ShareOnNetwork { .. }
            | UpdateProfile { .. }
            | TeamServerTeams { .. }
            | TeamServerProjects { .. }
            | PublishToTeam { .. }
            | SyncWithTeam { .. }
            | TeamLink { .. } => return None,
        })
    }
}

impl Studio {
    /// Refuses `caller` unless they may make the request (a team server's check).
    pub(crate) async fn admit(&self, caller: &str, request: &Request) -> Result<()> {
        match request.needs() {
            Needs::Project(project_id, need) => self.need_on_project(caller, project_id, need).await,
            Needs::Task(task_id, need) => {
                let task = self.store.task(task_id).await?;
                match task.and_then(|t| t.project_id) {
                    Some(project_id) => self.need_on_project(caller, &project_id, need).await,
                    None => Err(CoreError::new("not_found", format!("task '{task_id}' does not exist"))),
                }
            }
            Needs::Run(run_id, need) => match self.store.workflow_run(run_id).await? {
                Some(run) => self.need_on_project(caller, &run.project_id, need).await,
                None => Err(CoreError::new("not_found", format!("there is no workflow run '{run_id}'"))),
            },
            Needs::Server(need) => self.need_on_server(caller, need).await,
            Needs::SelfOr(Some(user), _) if user == caller => Ok(()),
            Needs::SelfOr(_, need) => self.need_on_server(caller, need).await,
            Needs::NewProject(None) | Needs::Caller => Ok(()),
            Needs::NewProject(Some(team)) => {
                self.role_at_least(team, caller, "editor", "make projects in it").await.map(drop)
            }
            Needs::Move(project_id, team) => {
                self.need_on_project(caller, project_id, Right::ProjectOwn).await?;
                if team.is_empty() {
                    return Ok(());
                }
                self.role_at_least(team, caller, "editor", "move projects into it").await.map(drop)
            }
            Needs::Desktop(what) => {
                Err(CoreError::invalid(format!("{what} is the desktop app's to do, not a team server's")))
            }
        }
    }
}
