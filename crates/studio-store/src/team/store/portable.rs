//! `.studio` files from and into the team database: the same file a library writes, so a
//! project published from the desktop or opened from the team keeps its versions, scenarios,
//! reports and artifacts.

use std::path::Path;

use sqlx::{Postgres, Transaction};

use super::{TeamStore, key};
use crate::local::bundle::{self, Bundle, StoredVersion};
use crate::team::uuid;
use crate::{ExportOptions, Result, Store};

impl TeamStore {
    pub(crate) async fn export_project(&self, project_id: &str, path: &Path, options: ExportOptions) -> Result<()> {
        let project = self.project(project_id).await?;
        let id = key("project", project_id)?;
        let versions = sqlx::query_as::<_, StoredVersion>(
            "SELECT version_id::text AS version_id, version_number::int8 AS version_number,
               state_snapshot::text AS state_snapshot, archived_snapshot, heads::text AS heads,
               created_by::text AS created_by, studio_iso(created_at) AS created_at, studio_iso(archived_at) AS archived_at
             FROM studio_project_versions WHERE project_id = $1 ORDER BY version_number",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let scenarios = self.scenarios(project_id).await?;
        let mut reports = Vec::new();
        for listed in self.reports(project_id).await? {
            reports.push(self.report(project_id, &listed.report_id).await?);
        }
        let mut artifacts = Vec::new();
        if options.with_artifacts {
            for hash in self.project_artifacts(project_id).await? {
                artifacts.push(self.artifact(&hash).await?);
            }
        }
        bundle::write_file(path, &Bundle { project, versions, scenarios, reports, artifacts }).await
    }

    /// Imports a checked `.studio` file; the project gets `new_id` (and its versions and
    /// reports new ids) when its own id is taken. Returns the id it was imported under.
    pub(crate) async fn import_project(&self, path: &Path, new_id: &str) -> Result<String> {
        let check = Store::check_file(path).await?;
        let mut b = bundle::read_file(path).await?;
        let taken = self.project(&check.project_id).await.is_ok() || self.is_deleted(&check.project_id).await?;
        if taken {
            b.project.project_id = new_id.to_string();
            for v in &mut b.versions {
                v.version_id = uuid::Uuid::new_v4().to_string();
            }
            for r in &mut b.reports {
                r.report_id = uuid::Uuid::new_v4().to_string();
            }
        }
        let mut tx = self.pool().begin().await?;
        insert_bundle(&mut tx, &b, self.db().blob_dir()).await?;
        tx.commit().await?;
        Ok(b.project.project_id)
    }
}

async fn insert_bundle(tx: &mut Transaction<'_, Postgres>, b: &Bundle, blob_dir: Option<&Path>) -> Result<()> {
    let p = &b.project;
    let id = uuid("project", &p.project_id)?;
    TeamStore::insert_project(tx, p).await?;
    for v in &b.versions {
        sqlx::query(
            "INSERT INTO studio_project_versions (version_id, project_id, version_number, state_snapshot,
               archived_snapshot, heads, created_by, created_at, archived_at)
             VALUES ($1, $2, $3, $4::json, $5, $6::jsonb, $7, studio_ts($8), studio_ts($9))",
        )
        .bind(uuid("version", &v.version_id)?)
        .bind(id)
        .bind(v.version_number as i32)
        .bind(&v.state_snapshot)
        .bind(&v.archived_snapshot)
        .bind(&v.heads)
        .bind(uuid("user", &v.created_by)?)
        .bind(&v.created_at)
        .bind(&v.archived_at)
        .execute(&mut **tx)
        .await?;
    }
    for s in &b.scenarios {
        sqlx::query(
            "INSERT INTO studio_scenarios (scenario_id, project_id, name, description, config, status, simulation_id,
               ensemble_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, studio_ts($9), studio_ts($9))",
        )
        .bind(&s.scenario_id)
        .bind(id)
        .bind(&s.name)
        .bind(&s.description)
        .bind(&s.config)
        .bind(&s.status)
        .bind(s.simulation_id.as_deref().map(|s| uuid("simulation", s)).transpose()?)
        .bind(&s.ensemble_id)
        .bind(&p.updated_at)
        .execute(&mut **tx)
        .await?;
    }
    for r in &b.reports {
        sqlx::query(
            "INSERT INTO studio_reports (report_id, project_id, template, content, export_urls, generated_at)
             VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, studio_ts($6))",
        )
        .bind(uuid("report", &r.report_id)?)
        .bind(id)
        .bind(&r.template)
        .bind(&r.content)
        .bind(&r.export_urls)
        .bind(&r.generated_at)
        .execute(&mut **tx)
        .await?;
    }
    for a in &b.artifacts {
        let in_row = match blob_dir {
            Some(dir) => {
                super::blob_files::write(dir, &a.hash, &a.content)?;
                None
            }
            None => Some(&a.content),
        };
        sqlx::query(
            "INSERT INTO studio_artifacts (hash, kind, size, content, created_at)
             VALUES ($1, $2, $3, $4, studio_ts($5)) ON CONFLICT (hash) DO NOTHING",
        )
        .bind(&a.hash)
        .bind(&a.kind)
        .bind(a.size)
        .bind(in_row)
        .bind(&a.created_at)
        .execute(&mut **tx)
        .await?;
        sqlx::query("INSERT INTO studio_project_artifacts (project_id, hash) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(id)
            .bind(&a.hash)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
