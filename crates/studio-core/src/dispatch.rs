//! The one dispatch point: every request, from every transport, is run, timed and logged here,
//! and answered as JSON text made once.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{CoreError, Result};
use crate::request::Request;
use crate::studio::Studio;

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

    /// Parses and runs one request given as JSON, made by `caller` signed in as `sign_in`.
    pub async fn dispatch_json_signed(&self, caller: &str, sign_in: Option<&str>, request: &Value) -> Result<Answer> {
        self.dispatch_signed(caller, sign_in, Request::from_envelope(request)?).await
    }

    /// Runs one request; the response is the JSON of the matching method's result. Every
    /// transport comes through here — HTTP routes, the generic envelope route, Tauri IPC, the
    /// command line, a workflow's actions — so this is the one place an operation is checked,
    /// timed, logged (target `studio::request`) and recorded in the audit log.
    pub async fn dispatch(&self, request: Request) -> Result<Answer> {
        self.run_request(None, None, request).await
    }

    /// Runs one request made by `caller`. On a team server the request becomes the caller's and
    /// is refused unless their permissions allow it; on a library on one machine it runs as it
    /// is.
    pub async fn dispatch_as(&self, caller: &str, request: Request) -> Result<Answer> {
        self.dispatch_signed(caller, None, request).await
    }

    /// As [`Studio::dispatch_as`], the audit log naming the caller's sign-in.
    pub async fn dispatch_signed(&self, caller: &str, sign_in: Option<&str>, request: Request) -> Result<Answer> {
        let team = self.store.team_db().is_some();
        self.run_request(team.then_some(caller), sign_in, request).await
    }

    async fn run_request(&self, caller: Option<&str>, sign_in: Option<&str>, mut request: Request) -> Result<Answer> {
        let name = request.name();
        if let Some(caller) = caller {
            request.act_as(caller);
        }
        let user = match caller {
            Some(caller) => caller.to_string(),
            None => request.user_slot().map_or_else(|| "local".to_string(), |u| u.clone()),
        };
        let (action, resource) =
            (crate::request_labels::action_of(&request), crate::request_labels::resource_of(&request));
        // The log names a workbench action as `data/override_value`, as an HTTP route does.
        let logged_action = match &request {
            Request::WorkbenchAction(a) => Some(format!("{}/{}", a.workbench, a.action)),
            _ => None,
        };
        let project = request.project_id().map(str::to_string);
        let edit = match (&request, caller) {
            (Request::WorkbenchAction(edit), Some(_)) => Some(edit.clone()),
            _ => None,
        };
        let started = std::time::Instant::now();
        let admitted = match caller {
            Some(caller) => self.admit(caller, &request).await,
            None => Ok(()),
        };
        let was_admitted = admitted.is_ok();
        let answer = match admitted {
            Ok(()) => self.handle(request).await,
            Err(refused) => Err(refused),
        };
        let answer = match (answer, edit) {
            // The database away: the edit is kept for its author, not lost (`unsent`); applying
            // it later is checked as any edit is.
            (Err(e), Some(edit)) if e.code == "unavailable" => Err(self.park_unsent(edit, e).await),
            (answer, _) => answer,
        };
        // No secret leaves in an error, nor in the log or the audit log.
        let answer = answer.map_err(|mut e| {
            if let std::borrow::Cow::Owned(masked) = crate::secrets::mask(&e.message) {
                e.message = masked;
            }
            e
        });
        let took = started.elapsed();
        let ms = took.as_secs_f64() * 1000.0;
        let outcome = match (was_admitted, &answer) {
            (false, _) => "refused",
            (true, Ok(_)) => "allowed",
            (true, Err(_)) => "failed",
        };
        self.record_audit(&user, sign_in, action, resource, outcome, answer.as_ref().err(), ms);
        let action = logged_action;
        self.vitals.observe_request(name, answer.as_ref().map_or_else(|e| e.code.as_str(), |_| "ok"), took);
        let ms = format!("{ms:.2}");
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
            ListAgents { ended } => json(self.list_agents(ended).await?),
            SpawnAgent { agent_type, name, config, user_id } => {
                json(self.spawn_agent(&agent_type, name.as_deref(), &config, &user_id).await?)
            }
            GetAgent { agent_id } => json(self.get_agent(&agent_id).await?),
            TerminateAgent { agent_id, .. } => json(self.terminate_agent(&agent_id).await?),
            ListEntanglements => json(self.entanglements().await?),
            CreateEntanglement { name, description, agent_ids, user_id } => {
                json(self.create_entanglement(&name, description.as_deref(), &agent_ids, &user_id).await?)
            }
            GetEntanglement { entanglement_id } => json(self.entanglement(&entanglement_id).await?),
            DeleteEntanglement { entanglement_id, .. } => {
                self.delete_entanglement(&entanglement_id).await?;
                json(Deleted { deleted: entanglement_id })
            }
            AddEntanglementAgent { entanglement_id, agent_id, .. } => {
                json(self.change_entanglement(&entanglement_id, &agent_id, true).await?)
            }
            RemoveEntanglementAgent { entanglement_id, agent_id, .. } => {
                json(self.change_entanglement(&entanglement_id, &agent_id, false).await?)
            }
            SendAgentMessage { entanglement_id, sender_id, receiver_id, content, message_type, user_id } => json(
                self.send_agent_message(
                    &entanglement_id,
                    sender_id.as_deref(),
                    receiver_id.as_deref(),
                    &content,
                    message_type.as_deref(),
                    &user_id,
                )
                .await?,
            ),
            ListAgentMessages { entanglement_id, after, limit } => {
                json(self.entanglement_messages(&entanglement_id, after, limit).await?)
            }
            ListRoles => json(self.roles().await?),
            SaveRole { name, description, permissions, user_id } => {
                json(self.save_role(&name, description.as_deref(), &permissions, &user_id).await?)
            }
            DeleteRole { name, .. } => {
                self.delete_role(&name).await?;
                json(Deleted { deleted: name })
            }
            GrantRole { member_id, role, team_id, user_id } => {
                json(self.grant_role(&member_id, &role, team_id.as_deref(), &user_id).await?)
            }
            RevokeRole { member_id, role, team_id, .. } => {
                json(self.revoke_role(&member_id, &role, team_id.as_deref()).await?)
            }
            ListRoleGrants { member_id } => json(self.role_grants(member_id.as_deref()).await?),
            MyRights { user_id, project_id } => json(self.user_rights(&user_id, project_id.as_deref()).await?),
            SearchAudit { filter, limit } => json(self.search_audit(&filter, limit).await?),
            ShowConfig => json(self.config_entries().await?),
            SetConfig { key, value, user_id } => json(self.set_config(&key, value, &user_id).await?),
            ResetConfig { key, user_id } => json(self.reset_config(&key, &user_id).await?),
            ExportAudit { filter, format } => json(self.export_audit(&filter, &format).await?),
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
