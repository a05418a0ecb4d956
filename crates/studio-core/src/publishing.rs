//! Projects moving whole between a desktop and a team server, as `.studio` files: one
//! published into a team (its versions and history with it), one downloaded to be opened on a
//! desktop. The file is the one `studio export` writes, so nothing is lost on the way. And a
//! project's artifacts (a report's exports on a team server) by their hash, from any instance.

use std::path::{Path, PathBuf};

use studio_model::ProjectState;

use crate::error::{CoreError, Result};
use crate::projects::MetadataUpdate;
use crate::studio::Studio;

impl Studio {
    /// Publishes a `.studio` file into `team_id`, as the project of `user_id` (an editor of
    /// the team or above): it keeps its versions, history and results, and is moved into the
    /// team by an edit in its log.
    pub async fn publish_project(&self, file: &Path, team_id: &str, user_id: &str) -> Result<ProjectState> {
        self.role_at_least(team_id, user_id, "editor", "publish projects into it").await?;
        let id = self.projects.import_file(file).await?;
        self.store.set_project_user(&id, user_id).await?;
        self.reports.stop_imported_schedule(&id, user_id).await?;
        let moved = MetadataUpdate { team_id: Some(team_id.to_string()), ..MetadataUpdate::default() };
        self.update_project(&id, user_id, &moved).await?;
        self.projects.imported(id, Path::new("a published .studio file"), user_id).await
    }

    /// Writes the project as a `.studio` file (with its artifacts) into `dir`, for `user_id` to
    /// download; on a team server they must be able to read it. Answers the file's path.
    pub async fn project_file(&self, project_id: &str, user_id: &str, dir: &Path) -> Result<PathBuf> {
        if self.store.team_db().is_some() {
            self.need_on_project(user_id, project_id, crate::rbac::Right::Read).await?;
        }
        let path = dir.join(format!("{project_id}.studio"));
        self.export_project(project_id, &path, true).await?;
        Ok(path)
    }

    /// One of the project's artifacts by its SHA-256 (a report's export on a team server): its
    /// kind and bytes, for `user_id`, who must be able to read the project.
    pub async fn project_artifact(&self, project_id: &str, user_id: &str, hash: &str) -> Result<(String, Vec<u8>)> {
        if self.store.team_db().is_some() {
            self.need_on_project(user_id, project_id, crate::rbac::Right::Read).await?;
        }
        if !self.store.project_has_artifact(project_id, hash).await? {
            return Err(CoreError::new("not_found", format!("project '{project_id}' has no artifact '{hash}'")));
        }
        let artifact = self.store.artifact(hash).await?;
        Ok((artifact.kind, artifact.content))
    }
}
