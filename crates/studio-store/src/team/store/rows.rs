//! Reports, artifacts, templates and the index of scheduled reports in the team database.

use sha2::{Digest, Sha256};

use super::{TeamStore, key};
use crate::team::uuid;
use crate::{ArtifactRow, ReportRow, Result, ScheduleRow, StoreError, TemplateRow};

const REPORT_COLUMNS: &str = "report_id::text AS report_id, project_id::text AS project_id, template, \
     content::text AS content, COALESCE(export_urls, '{}')::text AS export_urls, studio_iso(generated_at) AS generated_at";

/// Links an artifact to a project, once.
const LINK: &str = "INSERT INTO studio_project_artifacts (project_id, hash) VALUES ($1, $2) ON CONFLICT DO NOTHING";

impl TeamStore {
    pub(crate) async fn put_report(&self, r: &ReportRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_reports (report_id, project_id, template, content, export_urls, generated_at)
             VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, studio_ts($6))",
        )
        .bind(uuid("report", &r.report_id)?)
        .bind(uuid("project", &r.project_id)?)
        .bind(&r.template)
        .bind(&r.content)
        .bind(&r.export_urls)
        .bind(&r.generated_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub(crate) async fn report(&self, project_id: &str, report_id: &str) -> Result<ReportRow> {
        sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {REPORT_COLUMNS} FROM studio_reports WHERE report_id = $1 AND project_id = $2"
        )))
        .bind(key("report", report_id)?)
        .bind(key("project", project_id)?)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("report", report_id))
    }

    pub(crate) async fn reports(&self, project_id: &str) -> Result<Vec<ReportRow>> {
        let columns = REPORT_COLUMNS.replace("content::text AS content", "'' AS content");
        Ok(sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {columns} FROM studio_reports WHERE project_id = $1 ORDER BY generated_at DESC, report_id"
        )))
        .bind(key("project", project_id)?)
        .fetch_all(self.pool())
        .await?)
    }

    /// One format's export, in a single statement: exports of several formats at once keep
    /// each other's entries.
    pub(crate) async fn set_export_url(&self, report_id: &str, format: &str, url: &str) -> Result<()> {
        let done = sqlx::query(
            "UPDATE studio_reports SET export_urls = jsonb_set(COALESCE(export_urls, '{}'), ARRAY[$1], to_jsonb($2::text))
             WHERE report_id = $3",
        )
        .bind(format)
        .bind(url)
        .bind(key("report", report_id)?)
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("report", report_id));
        }
        Ok(())
    }

    pub(crate) async fn put_artifact(&self, project_id: &str, kind: &str, content: &[u8]) -> Result<String> {
        let hash = hex::encode(Sha256::digest(content));
        // In the shared directory, the bytes are written (whole, then renamed) before the row
        // that names them.
        let in_row = match self.db().blob_dir() {
            Some(dir) => {
                super::blob_files::write(dir, &hash, content)?;
                None
            }
            None => Some(content),
        };
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO studio_artifacts (hash, kind, size, content, created_at)
             VALUES ($1, $2, $3, $4, studio_ts($5)) ON CONFLICT (hash) DO NOTHING",
        )
        .bind(&hash)
        .bind(kind)
        .bind(content.len() as i64)
        .bind(in_row)
        .bind(crate::now())
        .execute(&mut *tx)
        .await?;
        sqlx::query(LINK).bind(uuid("project", project_id)?).bind(&hash).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(hash)
    }

    pub(crate) async fn artifact(&self, hash: &str) -> Result<ArtifactRow> {
        let row: Option<StoredArtifact> = sqlx::query_as(
            "SELECT hash::text AS hash, kind, size, content, studio_iso(created_at) AS created_at
             FROM studio_artifacts WHERE hash = $1",
        )
        .bind(hash)
        .fetch_optional(self.pool())
        .await?;
        let a = row.ok_or_else(|| StoreError::not_found("artifact", hash))?;
        let content = match a.content {
            Some(bytes) => bytes,
            None => super::blob_files::read(self.db().blob_dir(), &a.hash)?,
        };
        Ok(ArtifactRow { hash: a.hash, kind: a.kind, size: a.size, content, created_at: a.created_at })
    }

    /// As on the library file; an export kept in the shared directory leaves it too.
    pub(crate) async fn prune_exports(&self, before: &str) -> Result<(u64, u64)> {
        let mut tx = self.pool().begin().await?;
        let gone: Vec<(String, i64)> = sqlx::query_as(
            "SELECT hash::text, size FROM studio_artifacts
             WHERE kind LIKE 'export\\_%' AND created_at < studio_ts($1)",
        )
        .bind(before)
        .fetch_all(&mut *tx)
        .await?;
        let hashes: Vec<String> = gone.iter().map(|(h, _)| h.clone()).collect();
        sqlx::query("DELETE FROM studio_project_artifacts WHERE hash = ANY($1)")
            .bind(&hashes)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM studio_artifacts WHERE hash = ANY($1)").bind(&hashes).execute(&mut *tx).await?;
        tx.commit().await?;
        if let Some(dir) = self.db().blob_dir() {
            for hash in &hashes {
                super::blob_files::remove(dir, hash);
            }
        }
        Ok((gone.len() as u64, gone.iter().map(|(_, size)| *size as u64).sum()))
    }

    pub(crate) async fn project_artifacts(&self, project_id: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar("SELECT hash::text FROM studio_project_artifacts WHERE project_id = $1 ORDER BY hash")
            .bind(key("project", project_id)?)
            .fetch_all(self.pool())
            .await?)
    }

    pub(crate) async fn artifact_kind(&self, hash: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT kind FROM studio_artifacts WHERE hash = $1")
            .bind(hash)
            .fetch_optional(self.pool())
            .await?)
    }

    pub(crate) async fn link_artifact(&self, project_id: &str, hash: &str) -> Result<()> {
        sqlx::query(LINK).bind(key("project", project_id)?).bind(hash).execute(self.pool()).await?;
        Ok(())
    }

    pub(crate) async fn project_has_artifact(&self, project_id: &str, hash: &str) -> Result<bool> {
        let Ok(project) = key("project", project_id) else { return Ok(false) };
        let found: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM studio_project_artifacts WHERE project_id = $1 AND hash = $2")
                .bind(project)
                .bind(hash)
                .fetch_optional(self.pool())
                .await?;
        Ok(found.is_some())
    }

    pub(crate) async fn save_template(&self, t: &TemplateRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_templates (template_id, name, description, content, created_by, created_at)
             VALUES ($1, $2, $3, $4::jsonb, $5, studio_ts($6))",
        )
        .bind(uuid("template", &t.template_id)?)
        .bind(&t.name)
        .bind(&t.description)
        .bind(&t.content)
        .bind(uuid("user", &t.created_by)?)
        .bind(&t.created_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub(crate) async fn templates(&self) -> Result<Vec<TemplateRow>> {
        Ok(sqlx::query_as::<_, TemplateRow>(
            "SELECT template_id::text AS template_id, name, description, '' AS content,
               created_by::text AS created_by, studio_iso(created_at) AS created_at
             FROM studio_templates ORDER BY name, created_at",
        )
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn template(&self, template_id: &str) -> Result<TemplateRow> {
        sqlx::query_as::<_, TemplateRow>(
            "SELECT template_id::text AS template_id, name, description, content::text AS content,
               created_by::text AS created_by, studio_iso(created_at) AS created_at
             FROM studio_templates WHERE template_id = $1",
        )
        .bind(key("template", template_id)?)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::not_found("template", template_id))
    }

    pub(crate) async fn set_report_schedule(&self, project_id: &str, schedule: Option<&str>, now: &str) -> Result<()> {
        let project = uuid("project", project_id)?;
        match schedule {
            Some(json) => {
                sqlx::query(
                    "INSERT INTO studio_report_schedules (project_id, schedule, last_run_at)
                     VALUES ($1, $2::jsonb, studio_ts($3))
                     ON CONFLICT (project_id) DO UPDATE SET schedule = excluded.schedule",
                )
                .bind(project)
                .bind(json)
                .bind(now)
                .execute(self.pool())
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM studio_report_schedules WHERE project_id = $1")
                    .bind(project)
                    .execute(self.pool())
                    .await?;
            }
        }
        Ok(())
    }

    pub(crate) async fn report_schedules(&self) -> Result<Vec<ScheduleRow>> {
        Ok(sqlx::query_as::<_, ScheduleRow>(
            "SELECT s.project_id::text AS project_id, s.schedule::text AS schedule,
               studio_iso(s.last_run_at) AS last_run_at, s.last_outcome::text AS last_outcome
             FROM studio_report_schedules s JOIN studio_projects p ON p.project_id = s.project_id
             WHERE p.deleted_at IS NULL ORDER BY s.project_id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn report_schedule(&self, project_id: &str) -> Result<Option<ScheduleRow>> {
        let Ok(project) = key("project", project_id) else { return Ok(None) };
        Ok(sqlx::query_as::<_, ScheduleRow>(
            "SELECT project_id::text AS project_id, schedule::text AS schedule,
               studio_iso(last_run_at) AS last_run_at, last_outcome::text AS last_outcome
             FROM studio_report_schedules WHERE project_id = $1",
        )
        .bind(project)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Marks a run started at `at` if nobody did since `seen`: one instance wins the run.
    pub(crate) async fn claim_schedule_run(&self, project_id: &str, seen: Option<&str>, at: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE studio_report_schedules SET last_run_at = studio_ts($1)
             WHERE project_id = $2 AND last_run_at IS NOT DISTINCT FROM studio_ts($3)",
        )
        .bind(at)
        .bind(uuid("project", project_id)?)
        .bind(seen)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn record_schedule_outcome(&self, project_id: &str, outcome: &str) -> Result<()> {
        sqlx::query("UPDATE studio_report_schedules SET last_outcome = $1::jsonb WHERE project_id = $2")
            .bind(outcome)
            .bind(uuid("project", project_id)?)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// An artifact's row: its bytes, or none when they are in the shared directory.
#[derive(sqlx::FromRow)]
struct StoredArtifact {
    hash: String,
    kind: String,
    size: i64,
    content: Option<Vec<u8>>,
    created_at: String,
}
