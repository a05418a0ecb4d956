//! Generated reports: their content (JSON) and where their exports are.

use super::Local;
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ReportRow {
    pub report_id: String,
    pub project_id: String,
    pub template: Option<String>,
    /// The `GeneratedReport` as JSON (with `export_urls` kept in their own column).
    pub content: String,
    /// JSON object: format → URL of the exported file.
    pub export_urls: String,
    pub generated_at: String,
}

impl Local {
    pub(crate) async fn put_report(&self, r: &ReportRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_reports (report_id, project_id, template, content, export_urls, generated_at)
             VALUES (?,?,?,?,?,?)",
        )
        .bind(&r.report_id)
        .bind(&r.project_id)
        .bind(&r.template)
        .bind(&r.content)
        .bind(&r.export_urls)
        .bind(&r.generated_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A project's report.
    pub(crate) async fn report(&self, project_id: &str, report_id: &str) -> Result<ReportRow> {
        sqlx::query_as::<_, ReportRow>(
            "SELECT report_id, project_id, template, content, export_urls, generated_at FROM studio_reports
             WHERE report_id = ? AND project_id = ?",
        )
        .bind(report_id)
        .bind(project_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::not_found("report", report_id))
    }

    /// A project's reports, newest first, without their content.
    pub(crate) async fn reports(&self, project_id: &str) -> Result<Vec<ReportRow>> {
        Ok(sqlx::query_as::<_, ReportRow>(
            "SELECT report_id, project_id, template, '' AS content, export_urls, generated_at FROM studio_reports
             WHERE project_id = ? ORDER BY generated_at DESC, report_id",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records one format's export in a single statement, so exports of several formats at
    /// once keep each other's entries.
    pub(crate) async fn set_export_url(&self, report_id: &str, format: &str, url: &str) -> Result<()> {
        let done =
            sqlx::query("UPDATE studio_reports SET export_urls = json_set(export_urls, ?, ?) WHERE report_id = ?")
                .bind(format!("$.{format}"))
                .bind(url)
                .bind(report_id)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::not_found("report", report_id));
        }
        Ok(())
    }
}
