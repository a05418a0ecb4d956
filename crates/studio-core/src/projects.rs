//! Project lifecycle: create (also from a template), list, get, update metadata, delete,
//! duplicate, templates, and `.studio` files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use studio_model::{
    LogEntry, PROJECT, ProjectContent, ProjectCreate, ProjectHeader, ProjectLoad, ProjectState, ProjectStatus,
    baseline_scenario, project_status, update_metadata, validate_name,
};
use studio_store::{ExportOptions, NewVersion, ProjectRow, TemplateRow};

use crate::actor::Actor;
use crate::document::{ChangeKind, ChangeMessage, ProjectDocument};
use crate::error::{CoreError, Result};
use crate::events::StudioEvent;
use crate::library::Library;
use crate::projects_service::Projects;

/// A project in a listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProjectSummary {
    pub project_id: String,
    pub user_id: String,
    /// The team it is in, on a team server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    pub project_name: String,
    pub description: String,
    pub status: ProjectStatus,
    pub version: u32,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetadataUpdate {
    #[serde(default)]
    pub project_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The question; it is read again into the prediction task (empty removes both).
    #[serde(default)]
    pub initial_query: Option<String>,
    /// Moves the project into this team (empty: out of its team).
    #[serde(default)]
    pub team_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TemplateInfo {
    pub template_id: String,
    pub name: String,
    pub description: String,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExportReceipt {
    pub project_id: String,
    pub path: PathBuf,
    pub bytes: u64,
}

impl Projects {
    /// Creates a project (from a template when `template_id` is given) with its first version.
    pub async fn create_project(&self, req: &ProjectCreate) -> Result<ProjectState> {
        validate_name("project_name", &req.project_name)?;
        if req.user_id.trim().is_empty() {
            return Err(CoreError::invalid("user_id must not be empty"));
        }
        let ctx = self.context(&req.user_id);
        let mut meta = BTreeMap::from([("project_name".to_string(), req.project_name.clone())]);
        let optional =
            [("team_id", &req.team_id), ("description", &req.description), ("initial_query", &req.initial_query)];
        for (key, value) in optional {
            if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
                meta.insert(key.to_string(), v.clone());
            }
        }
        let mut content = ProjectContent::new(meta.clone(), &req.user_id, &ctx.now);
        self.describe_local_user(&mut content, &req.user_id);
        let mut summary = format!("Created project '{}'", req.project_name);
        if let Some(template_id) = &req.template_id {
            let template = self.store.template(template_id).await?;
            let from: ProjectContent = serde_json::from_str(&template.content)
                .map_err(|e| CoreError::new("store_error", format!("template '{template_id}' is malformed: {e}")))?;
            let own_meta = content.meta.clone();
            content = ProjectContent { collaborators: content.collaborators, ..from };
            content.meta.extend(own_meta);
            summary = format!("{summary} from template '{}'", template.name);
        }
        if let Some(question) = content.meta("initial_query").map(str::to_string) {
            let task = crate::question::understand(&content, None, &question, crate::question::day_of(&ctx.now));
            if let Ok(text) = serde_json::to_string(&task) {
                content.meta.insert(studio_model::PREDICTION_TASK.into(), text);
            }
        }
        if content.scenarios.is_empty() {
            // Every project starts with a baseline to compare what-ifs against.
            let baseline = baseline_scenario(&ctx.fresh_id);
            content.scenarios.insert(baseline.scenario_id.clone(), baseline);
        }
        self.insert_new(&content, &ctx.user_id, &ctx.now, "create", summary).await
    }

    async fn insert_new(
        &self,
        content: &ProjectContent,
        user_id: &str,
        now: &str,
        action: &str,
        summary: String,
    ) -> Result<ProjectState> {
        let project_id = uuid::Uuid::new_v4().to_string();
        let entry = LogEntry {
            timestamp: now.to_string(),
            user_id: user_id.to_string(),
            workbench: PROJECT.into(),
            action: action.into(),
            summary: summary.clone(),
            reversible: false,
        };
        let doc = ProjectDocument::create(content, &ChangeMessage::new(entry, ChangeKind::Action, None, &[]))?;
        self.insert_document(project_id, doc, user_id, now, summary).await
    }

    /// The user's projects, most recently updated first.
    pub async fn list_projects(&self, user_id: Option<&str>, team_id: Option<&str>) -> Result<Vec<ProjectSummary>> {
        let rows = self.store.list_projects(user_id, team_id).await?;
        let mut list: Vec<ProjectSummary> = Vec::with_capacity(rows.len());
        for r in rows {
            let mut summary = ProjectSummary {
                project_id: r.project_id,
                user_id: r.user_id,
                team_id: r.team_id,
                project_name: r.project_name,
                description: r.description.unwrap_or_default(),
                // The library writes only the names it knows; a newer one reads as a draft.
                status: ProjectStatus::named(&r.status).unwrap_or_default(),
                version: u32::try_from(r.version).unwrap_or(0),
                created_at: r.created_at,
                updated_at: r.updated_at,
            };
            // Edits not yet autosaved show in the list too.
            if let Some(mut slot) = self.open.lock_existing(&summary.project_id).await
                && let Some(p) = slot.get_mut().filter(|p| p.unsaved.is_some())
            {
                let content = p.doc.content();
                summary.project_name = content.meta("project_name").unwrap_or_default().to_string();
                summary.description = content.meta("description").unwrap_or_default().to_string();
                summary.status = project_status(content);
                summary.updated_at = p.header.updated_at.clone();
            }
            list.push(summary);
        }
        list.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then_with(|| a.project_id.cmp(&b.project_id)));
        Ok(list)
    }

    /// The project's current state, or the state saved as `version`.
    pub async fn get_project(&self, load: &ProjectLoad) -> Result<ProjectState> {
        if let Some(version) = load.version {
            return self.load_version(&load.project_id, version).await;
        }
        let state = {
            let mut open = self.project(&load.project_id).await?;
            Library::state_of(&mut open, &load.user_id)
        };
        Ok(state)
    }

    /// Renames or redescribes a project (reversible, in the log).
    pub async fn update_project(&self, actor: &Actor, update: &MetadataUpdate) -> Result<ProjectState> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let mut open = self.project(project_id).await?;
        Library::check_permission(&open, user_id, studio_model::Permission::Edit)?;
        let ctx = self.context(user_id);
        let content = open.doc.content();
        let task = match &update.initial_query {
            Some(q) if !q.trim().is_empty() => {
                let package = self.data.stored_package(content).await;
                Some(crate::question::understand(content, package.as_ref(), q, crate::question::day_of(&ctx.now)))
            }
            _ => None,
        };
        let question = update.initial_query.as_deref().map(|q| (q, task.as_ref()));
        let names = studio_model::MetadataChange {
            project_name: update.project_name.as_deref(),
            description: update.description.as_deref(),
            question,
            team_id: update.team_id.as_deref(),
        };
        let outcome = update_metadata(content, &names, &ctx)?;
        let state = self.commit_outcome(project_id, &mut open, user_id, &outcome).await?;
        if update.team_id.is_some() {
            // Who may reach it follows its team at once (a team server reads the row's team),
            // not at the next autosave.
            self.fold(project_id, &mut open, None).await?;
        }
        Ok(state)
    }

    /// Soft-deletes a project after folding its unsaved edits; `undelete_project` brings it back.
    pub async fn delete_project(&self, actor: &Actor) -> Result<()> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let mut open = self.project(project_id).await?;
        let owner = open.doc.content().meta("owner").unwrap_or_default().to_string();
        // A project joined at another's hub is this library's copy: whoever joined may drop it
        // (the hub and the other peers keep theirs).
        let joined = self.store.share(project_id).await?.is_some_and(|s| s.side == "peer");
        if owner != user_id && !joined {
            return Err(CoreError::new("forbidden", format!("only the project's owner ({owner}) can delete it")));
        }
        self.fold(project_id, &mut open, None).await?;
        open.close();
        self.store.soft_delete(project_id, &studio_store::now()).await?;
        self.emit(StudioEvent::Deleted { project_id: project_id.into() });
        Ok(())
    }

    pub async fn undelete_project(&self, actor: &Actor) -> Result<ProjectState> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        self.store.undelete(project_id).await?;
        self.get_project(&ProjectLoad { project_id: project_id.into(), user_id: user_id.into(), version: None }).await
    }

    /// A copy of the project's current content as a new project owned by `user_id`.
    pub async fn duplicate_project(&self, actor: &Actor, name: Option<&str>) -> Result<ProjectState> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let (content, original) = {
            let open = self.project(project_id).await?;
            let content = open.doc.content().clone();
            let original = content.meta("project_name").unwrap_or_default().to_string();
            (content, original)
        };
        let name = name.map(str::to_string).unwrap_or_else(|| format!("{original} (copy)"));
        validate_name("project_name", &name)?;
        let now = studio_store::now();
        let mut meta = content.meta.clone();
        meta.insert("project_name".into(), name);
        let mut fresh = ProjectContent::new(meta, user_id, &now);
        self.describe_local_user(&mut fresh, user_id);
        // The copy does not mail the original's recipients: it sets its own schedule.
        let copy = ProjectContent {
            meta: fresh.meta,
            collaborators: fresh.collaborators,
            schedules: Default::default(),
            ..content
        };
        self.insert_new(&copy, user_id, &now, "duplicate", format!("Duplicated from '{original}' ({project_id})")).await
    }

    /// Saves the project's configuration (not its results or history) as a template.
    pub async fn save_template(&self, actor: &Actor, name: &str, description: Option<&str>) -> Result<TemplateInfo> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        validate_name("template name", name)?;
        let content = {
            let open = self.project(project_id).await?;
            open.doc.content().as_template()
        };
        let row = TemplateRow {
            template_id: uuid::Uuid::new_v4().to_string(),
            name: name.to_string(),
            description: description.map(str::to_string),
            content: to_json(&content)?,
            created_by: user_id.to_string(),
            created_at: studio_store::now(),
        };
        self.store.save_template(&row).await?;
        Ok(template_info(row))
    }

    pub async fn templates(&self) -> Result<Vec<TemplateInfo>> {
        Ok(self.store.templates().await?.into_iter().map(template_info).collect())
    }

    /// Writes the project, with its unsaved edits folded in, to a `.studio` file.
    pub async fn export_project(&self, project_id: &str, path: &Path, with_artifacts: bool) -> Result<ExportReceipt> {
        {
            let mut open = self.project(project_id).await?;
            self.fold(project_id, &mut open, None).await?;
        }
        self.store.export_project(project_id, path, ExportOptions { with_artifacts }).await?;
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        Ok(ExportReceipt { project_id: project_id.into(), path: path.to_path_buf(), bytes })
    }

    /// Brings a `.studio` file into the library; the project gets a new id if its own is taken
    /// here. Answers the id.
    pub(crate) async fn import_file(&self, path: &Path) -> Result<String> {
        if !path.is_absolute() {
            return Err(CoreError::invalid(format!(
                "path '{}' must be absolute: the .studio file's full path on this computer",
                path.display()
            )));
        }
        if !path.is_file() {
            return Err(CoreError::invalid(format!("there is no file at {}", path.display())));
        }
        let new_id = uuid::Uuid::new_v4().to_string();
        let id = self.store.import_project(path, &new_id).await?;
        self.forget(&id).await;
        Ok(id)
    }

    /// The imported project's state, announced.
    pub(crate) async fn imported(&self, id: String, path: &Path, user_id: &str) -> Result<ProjectState> {
        let state =
            self.get_project(&ProjectLoad { project_id: id.clone(), user_id: user_id.into(), version: None }).await?;
        self.emit(StudioEvent::StateChanged {
            project_id: id,
            status: state.status,
            summary: format!("Imported from {}", path.display()),
            user_id: user_id.into(),
        });
        Ok(state)
    }
}

fn template_info(row: TemplateRow) -> TemplateInfo {
    TemplateInfo {
        template_id: row.template_id,
        name: row.name,
        description: row.description.unwrap_or_default(),
        created_by: row.created_by,
        created_at: row.created_at,
    }
}

/// JSON text of a value, with the API's error.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(CoreError::internal)
}

impl Library {
    /// Stores `doc` as a new project `project_id` at version 1 (a project made here, or joined
    /// at a hub under the id it has there).
    pub(crate) async fn insert_document(
        &self,
        project_id: String,
        mut doc: ProjectDocument,
        user_id: &str,
        now: &str,
        summary: String,
    ) -> Result<ProjectState> {
        let content = &doc.content().clone();
        let header = ProjectHeader {
            project_id: project_id.clone(),
            version: 1,
            created_at: now.to_string(),
            updated_at: now.to_string(),
            ..Default::default()
        };
        let state = ProjectState::assemble(&header, content, doc.log(), vec![user_id.to_string()]);
        let row = ProjectRow {
            project_id: project_id.clone(),
            user_id: user_id.to_string(),
            team_id: state.team_id.clone(),
            project_name: state.project_name.clone(),
            description: Some(state.description.clone()).filter(|d| !d.is_empty()),
            status: project_status(content).as_str().into(),
            version: 1,
            prediction_task_id: None,
            data_package_id: None,
            population_id: None,
            workbench_states: crate::saving::workbench_summary(&state)?,
            modification_log: to_json(&state.modification_log)?,
            document: doc.save(),
            created_at: now.to_string(),
            updated_at: now.to_string(),
            deleted_at: None,
        };
        let first = NewVersion {
            version_id: uuid::Uuid::new_v4().to_string(),
            project_id: project_id.clone(),
            version_number: 1,
            state_snapshot: to_json(&state)?,
            heads: to_json(&doc.heads())?,
            created_by: user_id.to_string(),
            created_at: now.to_string(),
        };
        studio_model::validate_snapshot_within(first.state_snapshot.len(), self.config.max_state_bytes)?;
        self.store.create_project(&row, &first).await?;
        self.emit(StudioEvent::StateChanged { project_id, status: state.status, summary, user_id: user_id.into() });
        Ok(state)
    }
}
