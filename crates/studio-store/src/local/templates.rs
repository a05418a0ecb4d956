//! Saved templates: a project's configuration, to start new projects from.

use super::Local;
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TemplateRow {
    pub template_id: String,
    pub name: String,
    pub description: Option<String>,
    pub content: String,
    pub created_by: String,
    pub created_at: String,
}

impl Local {
    pub(crate) async fn save_template(&self, t: &TemplateRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO studio_templates (template_id, name, description, content, created_by, created_at)
             VALUES (?,?,?,?,?,?)",
        )
        .bind(&t.template_id)
        .bind(&t.name)
        .bind(&t.description)
        .bind(&t.content)
        .bind(&t.created_by)
        .bind(&t.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every template, by name, without their content.
    pub(crate) async fn templates(&self) -> Result<Vec<TemplateRow>> {
        Ok(sqlx::query_as::<_, TemplateRow>(
            "SELECT template_id, name, description, '' AS content, created_by, created_at
             FROM studio_templates ORDER BY name, created_at",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub(crate) async fn template(&self, template_id: &str) -> Result<TemplateRow> {
        sqlx::query_as::<_, TemplateRow>(
            "SELECT template_id, name, description, content, created_by, created_at FROM studio_templates
             WHERE template_id = ?",
        )
        .bind(template_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::not_found("template", template_id))
    }
}
