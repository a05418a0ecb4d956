//! The Studio's public face over its services: the operations tests, the shells and tools call
//! by name. Each is one line into the service that owns it (the rules are there), or, where an
//! operation spans services (a project's state with its console, a deletion that closes the
//! console, an import that stops the file's schedule), the few lines that join them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use studio_model::{GeneratedReport, ProjectCreate, ProjectLoad, ProjectState, ReportConfig};
use studio_tasks::{PoolReport, Task, TaskSpec};

use crate::actor::Actor;
use crate::console_state::ConsoleView;
use crate::error::Result;
use crate::library::Progress;
use crate::projects::{ExportReceipt, MetadataUpdate, ProjectSummary, TemplateInfo};
use crate::recovery::{FoldedEdits, RecoveryOffer};
use crate::reports::{ReportExport, ReportListing};
use crate::retention::{LibraryInfo, Pruned};
use crate::saving::VersionInfo;
use crate::schedules::ScheduleStatus;
use crate::studio::Studio;
use crate::tasks::TaskRunner;

impl Studio {
    pub async fn create_project(&self, req: &ProjectCreate) -> Result<ProjectState> {
        self.projects.create_project(req).await
    }

    pub async fn list_projects(&self, user_id: Option<&str>) -> Result<Vec<ProjectSummary>> {
        self.projects.list_projects(user_id, None).await
    }

    /// The user's projects in one team (on a team server, the user's are their own and their
    /// teams').
    pub async fn list_projects_in(&self, user_id: Option<&str>, team_id: Option<&str>) -> Result<Vec<ProjectSummary>> {
        self.projects.list_projects(user_id, team_id).await
    }

    /// A project's state (a saved version's, with `version`), with its console's place when
    /// one is open.
    pub async fn get_project(&self, load: &ProjectLoad) -> Result<ProjectState> {
        let mut state = self.projects.get_project(load).await?;
        if load.version.is_none() {
            self.scenarios.overlay_console(&mut state);
            // Who is connected now, beside the one asking.
            for p in self.sharing.present(&load.project_id) {
                if !state.active_users.contains(&p.user_id) {
                    state.active_users.push(p.user_id);
                }
            }
        }
        Ok(state)
    }

    pub async fn update_project(
        &self,
        project_id: &str,
        user_id: &str,
        update: &MetadataUpdate,
    ) -> Result<ProjectState> {
        self.projects.update_project(&Actor::new(project_id, user_id), update).await
    }

    /// Reads a question (the project's own when `question` is `None`) into a prediction task.
    pub async fn parse_question(
        &self,
        project_id: &str,
        user_id: &str,
        question: Option<&str>,
    ) -> Result<studio_model::PredictionTask> {
        self.projects.parse_question(&Actor::new(project_id, user_id), question).await
    }

    /// Confirms the question's prediction task: stored, its conditions' scenario made, the
    /// simulation's threshold set.
    pub async fn confirm_prediction_task(
        &self,
        project_id: &str,
        user_id: &str,
        task: &studio_model::PredictionTask,
    ) -> Result<ProjectState> {
        self.scenarios.confirm_prediction_task(&Actor::new(project_id, user_id), task).await
    }

    /// Adds a collaborator, changes a role or removes one (an owner only).
    pub async fn change_collaborators(
        &self,
        project_id: &str,
        user_id: &str,
        change: &studio_model::CollaboratorChange,
    ) -> Result<ProjectState> {
        let state = self.projects.change_collaborators(&Actor::new(project_id, user_id), change).await?;
        // A removed collaborator's connection ends now; a new role holds at once.
        self.sharing.refresh_access(project_id).await;
        Ok(state)
    }

    /// Deletes a project (its owner only); its console's thread goes with it.
    pub async fn delete_project(&self, project_id: &str, user_id: &str) -> Result<()> {
        self.projects.delete_project(&Actor::new(project_id, user_id)).await?;
        self.scenarios.close_console(project_id);
        Ok(())
    }

    pub async fn undelete_project(&self, project_id: &str, user_id: &str) -> Result<ProjectState> {
        self.projects.undelete_project(&Actor::new(project_id, user_id)).await
    }

    pub async fn duplicate_project(&self, project_id: &str, user_id: &str, name: Option<&str>) -> Result<ProjectState> {
        self.projects.duplicate_project(&Actor::new(project_id, user_id), name).await
    }

    pub async fn save_template(
        &self,
        project_id: &str,
        user_id: &str,
        name: &str,
        description: Option<&str>,
    ) -> Result<TemplateInfo> {
        self.projects.save_template(&Actor::new(project_id, user_id), name, description).await
    }

    pub async fn templates(&self) -> Result<Vec<TemplateInfo>> {
        self.projects.templates().await
    }

    pub async fn export_project(&self, project_id: &str, path: &Path, with_artifacts: bool) -> Result<ExportReceipt> {
        self.projects.export_project(project_id, path, with_artifacts).await
    }

    /// Imports a `.studio` file. A schedule it carries is stopped here until someone here sets
    /// it again: a file brought in does not mail its sender's recipients.
    pub async fn import_project(&self, path: &Path, user_id: &str) -> Result<ProjectState> {
        let id = self.projects.import_file(path).await?;
        self.reports.stop_imported_schedule(&id, user_id).await?;
        self.projects.imported(id, path, user_id).await
    }

    pub async fn autosave_all(&self) -> Result<()> {
        self.projects.autosave_all().await
    }

    pub async fn save(&self, project_id: &str, user_id: &str) -> Result<ProjectState> {
        self.projects.save(&Actor::new(project_id, user_id)).await
    }

    pub async fn versions(&self, project_id: &str) -> Result<Vec<VersionInfo>> {
        self.projects.versions(project_id).await
    }

    pub async fn load_version(&self, project_id: &str, number: u32) -> Result<ProjectState> {
        self.projects.load_version(project_id, number).await
    }

    pub async fn restore_version(&self, project_id: &str, user_id: &str, number: u32) -> Result<ProjectState> {
        self.projects.restore_version(&Actor::new(project_id, user_id), number).await
    }

    pub async fn close_project(&self, project_id: &str) -> Result<()> {
        self.projects.close_project(project_id).await
    }

    pub async fn recovery_offer(&self, project_id: &str) -> Result<Option<RecoveryOffer>> {
        self.projects.recovery_offer(project_id).await
    }

    pub async fn recover(&self, project_id: &str, user_id: &str) -> Result<ProjectState> {
        self.projects.recover(&Actor::new(project_id, user_id)).await
    }

    pub async fn discard_recovery(&self, project_id: &str) -> Result<usize> {
        self.projects.discard_recovery(project_id).await
    }

    pub async fn fold_previous_sessions(&self) -> Result<Vec<FoldedEdits>> {
        self.projects.fold_previous_sessions().await
    }

    pub async fn announce_recoveries(&self) -> Result<()> {
        self.projects.announce_recoveries().await
    }

    pub async fn library_info(&self) -> Result<LibraryInfo> {
        self.projects.library_info().await
    }

    pub async fn prune(&self, now: SystemTime) -> Result<Pruned> {
        self.projects.prune(now).await
    }
    /// Generates a report from the project's results (see `Reports::generate_report`).
    pub async fn generate_report(
        &self,
        project_id: &str,
        user_id: &str,
        config: Option<ReportConfig>,
        progress: Progress<'_>,
    ) -> Result<GeneratedReport> {
        self.reports.generate_report(&Actor::new(project_id, user_id), config, progress).await
    }

    /// The report as it would be generated now, stored nowhere.
    pub async fn preview_report(
        &self,
        project_id: &str,
        user_id: &str,
        config: Option<ReportConfig>,
    ) -> Result<GeneratedReport> {
        self.reports.preview_report(&Actor::new(project_id, user_id), config).await
    }

    /// A project's report as generated, with its exports.
    pub async fn get_report(&self, project_id: &str, report_id: &str) -> Result<GeneratedReport> {
        self.reports.get_report(project_id, report_id).await
    }

    /// A project's reports, newest first.
    pub async fn list_reports(&self, project_id: &str) -> Result<Vec<ReportListing>> {
        self.reports.list_reports(project_id).await
    }

    /// Renders a report into a file here and now (the export task's body).
    pub async fn export_report(
        &self,
        project_id: &str,
        report_id: &str,
        format: &str,
        out: Option<PathBuf>,
        progress: Progress<'_>,
    ) -> Result<ReportExport> {
        self.reports.export_report(project_id, report_id, format, out, progress).await
    }

    /// Starts a report's export as a task.
    pub async fn start_report_export(
        &self,
        project_id: &str,
        report_id: &str,
        user_id: &str,
        format: &str,
        path: Option<PathBuf>,
    ) -> Result<Task> {
        self.reports.start_report_export(project_id, report_id, user_id, format, path).await
    }

    /// Shows a report's export in the file manager; answers its folder.
    pub async fn reveal_export(&self, project_id: &str, report_id: &str, format: &str) -> Result<PathBuf> {
        self.reports.reveal_export(project_id, report_id, format).await
    }

    /// Opens the outbox folder.
    pub fn reveal_outbox(&self) -> Result<PathBuf> {
        self.reports.reveal_outbox()
    }

    /// The report's schedule, when it next sends, and how the last delivery went.
    pub async fn report_schedule(&self, project_id: &str) -> Result<ScheduleStatus> {
        self.reports.report_schedule(project_id).await
    }

    /// Starts the deliveries that are due at `now`.
    pub async fn run_due_reports(&self, now: DateTime<Utc>) -> Result<Vec<Task>> {
        self.reports.run_due_reports(now).await
    }

    /// Sends the scheduled report now, as a task.
    pub async fn send_report_now(&self, project_id: &str, user_id: &str) -> Result<Task> {
        self.reports.send_report_now(&Actor::new(project_id, user_id)).await
    }

    /// Looks at the schedules on an interval until the Studio is dropped.
    pub fn spawn_report_schedule(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        self.reports.spawn_report_schedule()
    }

    /// Stops the agents, letting running tasks finish for up to `grace`, and writes every task
    /// change.
    pub async fn stop_tasks(&self, grace: Duration) {
        self.tasks.stop(grace).await;
    }

    /// Waits until every task change so far is written to the library.
    pub async fn flush_tasks(&self) {
        self.tasks.flush_all().await;
    }

    /// Adds tasks for a project; they run as soon as an agent is free.
    pub async fn submit_tasks(&self, project_id: &str, specs: Vec<TaskSpec>) -> Result<Vec<Task>> {
        self.tasks.submit_tasks(project_id, specs).await
    }

    /// A task, from memory if this program runs it, else as the library last recorded it.
    pub async fn get_task(&self, task_id: &str) -> Result<Task> {
        self.tasks.get_task(task_id).await
    }

    /// A project's tasks, newest first.
    pub async fn list_tasks(&self, project_id: &str) -> Result<Vec<Task>> {
        self.tasks.list_tasks(project_id).await
    }

    /// Cancels a task and what depends on it.
    pub async fn cancel_task(&self, task_id: &str, reason: Option<&str>) -> Result<Task> {
        self.tasks.cancel_task(task_id, reason).await
    }

    /// Waits until a task finishes, calling `on_change` with each state it passes through.
    pub async fn wait_task(&self, task_id: &str, on_change: impl FnMut(&Task)) -> Result<Task> {
        self.tasks.wait_task(task_id, on_change).await
    }

    /// The agents of this program.
    pub fn agents(&self) -> Result<PoolReport> {
        self.tasks.agents()
    }

    /// The live program on this library that runs tasks, if any.
    pub async fn task_runner(&self) -> Result<Option<TaskRunner>> {
        self.tasks.task_runner().await
    }

    /// Where the Simulation console of a project stands, if one is open.
    pub fn console_view(&self, project_id: &str) -> Option<ConsoleView> {
        self.scenarios.console_view(project_id)
    }
}
