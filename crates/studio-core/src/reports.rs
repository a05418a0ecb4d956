//! Reports: `generate` builds a report from the project's results and stores it (the seed's
//! `GeneratedReport`, with what it was made from kept by hash so an export always renders the
//! report as generated); `export` renders it to PDF, PPTX, HTML or DOCX into the export folder
//! and records the file with its hash in `export_urls`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use studio_model::{GeneratedReport, ProjectContent, ReportConfig, ReportContent, ReportFormat, record_report};
use studio_report::{ReportError, ReportInput};
use studio_store::ReportRow;

use crate::actor::Actor;
use crate::document::{ChangeKind, ChangeMessage};
use crate::error::{CoreError, Result};
use crate::file_names::slug;
use crate::library::Library;
use crate::library::Progress;
use crate::report_inputs::default_config;
use crate::reports_service::Reports;

/// What the library keeps of a report: its content and, by hash, what it was made from.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
struct StoredReport {
    content: ReportContent,
    input_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    logo_id: Option<String>,
}

/// A generated report as peers get it: a blob (kind `report`) the Report stage names. What it
/// was made from travels as blobs too; each Studio renders its own exports from them.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SharedReport {
    report_id: String,
    template: Option<String>,
    generated_at: String,
    stored: StoredReport,
}

/// The blobs a shared report's record names: what the report was made from.
pub(crate) fn report_blobs(record: &[u8]) -> Vec<String> {
    match serde_json::from_slice::<SharedReport>(record) {
        Ok(r) => std::iter::once(r.stored.input_id)
            .chain(r.stored.logo_id)
            .filter(|h| studio_sync::is_blob_hash(h))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Keeps in this library a report a peer generated, from its record (once).
pub(crate) async fn keep_shared_report(store: &studio_store::Store, project_id: &str, record: &[u8]) -> Result<()> {
    let shared: SharedReport = serde_json::from_slice(record)
        .map_err(|e| CoreError::invalid(format!("a shared report's record is not one: {e}")))?;
    if store.report(project_id, &shared.report_id).await.is_ok() {
        return Ok(());
    }
    store
        .put_report(&ReportRow {
            report_id: shared.report_id,
            project_id: project_id.to_string(),
            template: shared.template,
            content: serde_json::to_string(&shared.stored).map_err(CoreError::internal)?,
            export_urls: "{}".into(),
            generated_at: shared.generated_at,
        })
        .await?;
    Ok(())
}

/// The id a preview answers with: it names no stored report.
pub const PREVIEW_ID: &str = "preview";

/// A report built and not yet stored: what it was made from, its content, the logo's bytes.
struct Built {
    input: ReportInput,
    content: ReportContent,
    logo: Option<Vec<u8>>,
}

/// A written export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReportExport {
    pub report_id: String,
    pub format: String,
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
    /// `file:///…#sha256=…`, as recorded in `export_urls`.
    pub url: String,
}

/// Checks an export format.
pub fn check_format(format: &str) -> Result<ReportFormat> {
    Ok(ReportFormat::parse(format)?)
}

/// A file URL with the file's hash as its fragment.
fn file_url(path: &Path, sha256: &str) -> String {
    let mut url = String::from("file://");
    for c in path.to_string_lossy().chars() {
        match c {
            ' ' => url.push_str("%20"),
            '#' => url.push_str("%23"),
            '%' => url.push_str("%25"),
            '?' => url.push_str("%3F"),
            c => url.push(c),
        }
    }
    format!("{url}#sha256={sha256}")
}

/// The absolute path and the hash a [`file_url`] names; `None` for anything else.
pub(crate) fn parse_file_url(url: &str) -> Option<(PathBuf, String)> {
    let (location, fragment) = url.split_once('#').unwrap_or((url, ""));
    let location = location.strip_prefix("file://")?;
    let path = PathBuf::from(location.replace("%20", " ").replace("%23", "#").replace("%3F", "?").replace("%25", "%"));
    let sha256 = fragment.strip_prefix("sha256=").unwrap_or_default().to_string();
    path.is_absolute().then_some((path, sha256))
}

/// A report in a project's list: when it was generated, from which template, and the files
/// exported from it (format → file URL with the file's sha256).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ReportListing {
    pub report_id: String,
    pub template: Option<String>,
    pub generated_at: String,
    pub export_urls: std::collections::BTreeMap<String, String>,
}

/// Checks where an export may be written: an absolute path ending in the format's extension.
fn check_out(path: &Path, format: &str) -> Result<()> {
    if !path.is_absolute() {
        return Err(CoreError::invalid(format!("path '{}' must be absolute", path.display())));
    }
    if path.extension().and_then(|e| e.to_str()).map(str::to_lowercase).as_deref() != Some(format) {
        return Err(CoreError::invalid(format!("path '{}' must end in .{format}", path.display())));
    }
    if path.is_dir() {
        return Err(CoreError::invalid(format!("path '{}' is a folder", path.display())));
    }
    Ok(())
}

impl Reports {
    /// The report settings to use: those given, else the project's, else the defaults.
    fn config_for(content: &ProjectContent, given: Option<ReportConfig>) -> ReportConfig {
        given.or_else(|| content.report.get("config").cloned()).unwrap_or_else(default_config)
    }

    /// Generates a report from the project's current results and records it as the Report
    /// stage's. Errors name what is missing (no results yet, an unknown section, a bad logo).
    pub async fn generate_report(
        &self,
        actor: &Actor,
        config: Option<ReportConfig>,
        progress: Progress<'_>,
    ) -> Result<GeneratedReport> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let built = self.build_report(project_id, user_id, config, true, progress).await?;
        progress(0.8, "storing the report");
        let Built { input, content, logo } = built;
        let input_bytes = serde_json::to_vec(&input).map_err(CoreError::internal)?;
        let input_id = self.store.put_artifact(project_id, "report_input", &input_bytes).await?;
        let logo_id = match &logo {
            Some(bytes) => Some(self.store.put_artifact(project_id, "logo", bytes).await?),
            None => None,
        };
        let report = GeneratedReport {
            report_id: uuid::Uuid::new_v4().to_string(),
            project_id: project_id.to_string(),
            generated_at: input.generated_at.clone(),
            content,
            export_urls: BTreeMap::new(),
        };
        let stored = StoredReport { content: report.content.clone(), input_id, logo_id };
        let template = serde_json::to_value(input.config.template).ok().and_then(|v| v.as_str().map(String::from));
        self.store
            .put_report(&ReportRow {
                report_id: report.report_id.clone(),
                project_id: project_id.to_string(),
                template: template.clone(),
                content: serde_json::to_string(&stored).map_err(CoreError::internal)?,
                export_urls: "{}".into(),
                generated_at: report.generated_at.clone(),
            })
            .await?;
        let shared = SharedReport {
            report_id: report.report_id.clone(),
            template,
            generated_at: report.generated_at.clone(),
            stored,
        };
        let record = serde_json::to_vec(&shared).map_err(CoreError::internal)?;
        let record_id = self.store.put_artifact(project_id, "report", &record).await?;
        let summary = format!(
            "Generated a {} report ({} sections, {} scenarios)",
            studio_report::template_name(input.config.template).to_lowercase(),
            report.content.sections.len(),
            input.scenarios.len()
        );
        self.record_report(&Actor::new(project_id, user_id), &report.report_id, &record_id, summary).await?;
        progress(1.0, "report generated");
        Ok(report)
    }

    /// The report as it would be generated now, stored nowhere and logged nowhere: the
    /// builder's live preview. Its id is [`PREVIEW_ID`]; export a generated report instead.
    pub async fn preview_report(&self, actor: &Actor, config: Option<ReportConfig>) -> Result<GeneratedReport> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let Built { input, content, .. } = self.build_report(project_id, user_id, config, false, &|_, _| {}).await?;
        Ok(GeneratedReport {
            report_id: PREVIEW_ID.into(),
            project_id: project_id.to_string(),
            generated_at: input.generated_at,
            content,
            export_urls: BTreeMap::new(),
        })
    }

    /// Gathers the results and builds the report's content (`edit`: the user must be allowed
    /// to change the project, as generating records a result).
    async fn build_report(
        &self,
        project_id: &str,
        user_id: &str,
        config: Option<ReportConfig>,
        edit: bool,
        progress: Progress<'_>,
    ) -> Result<Built> {
        let (content, version) = {
            let mut open = self.project(project_id).await?;
            if edit {
                Library::check_permission(&open, user_id, studio_model::Permission::Edit)?;
            }
            let version = Library::state_of(&mut open, user_id).version;
            (open.doc.content().clone(), version)
        };
        let config = Reports::config_for(&content, config);
        progress(0.1, "gathering the results");
        let logo = self.logo_bytes(&config).await?;
        let mut input = self.report_input(project_id, &content, u64::from(version), config).await?;
        progress(0.3, "writing the narrative and drawing the charts");
        let (input, content) = tokio::task::spawn_blocking(move || -> std::result::Result<_, ReportError> {
            input.logo = logo.map(|bytes| studio_report::raster::prepare_logo(&bytes)).transpose()?;
            let report = studio_report::build(&input)?;
            let content = studio_report::content(&report, &input)?;
            Ok((input, content))
        })
        .await
        .map_err(CoreError::internal)?
        .map_err(CoreError::from)?;
        // The logo as prepared (checked, scaled), so an export never prepares it again.
        let logo = input.logo.as_ref().map(|l| l.bytes.clone());
        Ok(Built { input, content, logo })
    }

    async fn record_report(&self, actor: &Actor, report_id: &str, record_id: &str, summary: String) -> Result<()> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let mut open = self.project(project_id).await?;
        let ctx = self.context(user_id);
        let outcome = record_report(open.doc.content(), report_id, record_id, summary, &ctx);
        let message = ChangeMessage::new(outcome.entry.clone(), ChangeKind::Computed, None, &outcome.edits);
        self.commit(project_id, &mut open, &outcome.content, &message).await?;
        let state = Library::state_of(&mut open, user_id);
        self.announce(project_id, &state, &outcome.entry, &outcome.state_changes);
        Ok(())
    }

    /// A project's report as generated, with its exports.
    pub async fn get_report(&self, project_id: &str, report_id: &str) -> Result<GeneratedReport> {
        let row = self.store.report(project_id, report_id).await?;
        let stored: StoredReport = serde_json::from_str(&row.content).map_err(CoreError::internal)?;
        Ok(GeneratedReport {
            report_id: row.report_id,
            project_id: row.project_id,
            generated_at: row.generated_at,
            content: stored.content,
            export_urls: serde_json::from_str(&row.export_urls).unwrap_or_default(),
        })
    }

    /// The report rebuilt from what it was generated from.
    async fn rebuilt(&self, project_id: &str, report_id: &str) -> Result<(studio_report::Report, String)> {
        let row = self.store.report(project_id, report_id).await?;
        let stored: StoredReport = serde_json::from_str(&row.content).map_err(CoreError::internal)?;
        let mut input: ReportInput = serde_json::from_slice(&self.store.artifact(&stored.input_id).await?.content)
            .map_err(|e| CoreError::internal(format!("the report's stored input: {e}")))?;
        let logo = match &stored.logo_id {
            Some(id) => Some(self.store.artifact(id).await?.content),
            None => None,
        };
        let project_name = input.project_name.clone();
        let report = tokio::task::spawn_blocking(move || -> std::result::Result<_, ReportError> {
            input.logo = logo.map(|bytes| studio_report::raster::prepare_logo(&bytes)).transpose()?;
            studio_report::build(&input)
        })
        .await
        .map_err(CoreError::internal)?
        .map_err(CoreError::from)?;
        Ok((report, project_name))
    }

    /// Renders report `report_id` as `format` into `out` (else the export folder) and records
    /// the file and its hash in the report's `export_urls`.
    pub async fn export_report(
        &self,
        project_id: &str,
        report_id: &str,
        format: &str,
        out: Option<PathBuf>,
        progress: Progress<'_>,
    ) -> Result<ReportExport> {
        check_format(format)?;
        if let Some(p) = &out {
            check_out(p, format)?;
        }
        progress(0.05, "reading the report");
        let (report, project_name) = self.rebuilt(project_id, report_id).await?;
        progress(0.2, &format!("rendering the {}", format.to_uppercase()));
        let kind = format.to_string();
        let bytes = tokio::task::spawn_blocking(move || -> std::result::Result<Vec<u8>, ReportError> {
            match kind.as_str() {
                "pdf" => studio_report::pdf::pdf(&report),
                "pptx" => studio_report::pptx::pptx(&report),
                "docx" => studio_report::docx::docx(&report),
                _ => studio_report::html::html(&report).map(String::into_bytes),
            }
        })
        .await
        .map_err(CoreError::internal)?
        .map_err(CoreError::from)?;
        progress(0.9, "writing the file");
        let path = match out {
            Some(p) => p,
            None => {
                let dir = self.config.exports_dir();
                let short = report_id.get(..8).unwrap_or(report_id);
                dir.join(format!("{}-report-{short}.{format}", slug(&project_name)))
            }
        };
        let sha256 = hex::encode(Sha256::digest(&bytes));
        write_file(&path, &bytes)?;
        let path = std::fs::canonicalize(&path).unwrap_or(path);
        // On a team server the file is one instance's: the team keeps it as the project's
        // artifact (in PostgreSQL or the shared blob directory), downloadable through any.
        let url = if self.store.team_db().is_some() {
            self.store.put_artifact(project_id, &format!("export_{format}"), &bytes).await?;
            format!("/api/v1/studio/projects/{project_id}/artifacts/{sha256}#sha256={sha256}")
        } else {
            file_url(&path, &sha256)
        };
        self.store.set_export_url(report_id, format, &url).await?;
        progress(1.0, &format!("wrote {}", path.display()));
        Ok(ReportExport {
            report_id: report_id.into(),
            format: format.into(),
            path,
            bytes: bytes.len() as u64,
            sha256,
            url,
        })
    }

    /// A project's reports, newest first: id, template, when, and their exports.
    pub async fn list_reports(&self, project_id: &str) -> Result<Vec<ReportListing>> {
        self.store.project(project_id).await?;
        Ok(self
            .store
            .reports(project_id)
            .await?
            .into_iter()
            .map(|r| ReportListing {
                export_urls: serde_json::from_str(&r.export_urls).unwrap_or_default(),
                report_id: r.report_id,
                template: r.template,
                generated_at: r.generated_at,
            })
            .collect())
    }

    /// Starts exporting a report as a task (checked first: the format and that it exists).
    pub async fn start_report_export(
        &self,
        project_id: &str,
        report_id: &str,
        user_id: &str,
        format: &str,
        path: Option<PathBuf>,
    ) -> Result<studio_tasks::Task> {
        check_format(format)?;
        if let Some(p) = &path {
            check_out(p, format)?;
        }
        self.store.report(project_id, report_id).await?;
        let mut spec =
            studio_tasks::TaskSpec::new("export_report", &format!("Export report as {}", format.to_uppercase()))
                .needs("report")
                .input("report_id", serde_json::json!(report_id))
                .input("format", serde_json::json!(format))
                .input("user_id", serde_json::json!(user_id));
        if let Some(p) = path {
            spec = spec.input("path", serde_json::json!(p));
        }
        Ok(self.tasks.submit_tasks(project_id, vec![spec]).await?.remove(0))
    }

    /// Checks a generate request before it starts: known sections, a readable logo, and
    /// results to report on.
    pub(crate) fn check_generate(content: &ProjectContent, given: Option<&ReportConfig>) -> Result<()> {
        let config = Reports::config_for(content, given.cloned());
        let known = |s: &str| studio_report::SECTIONS.contains(&s) || studio_report::APPENDIX.contains(&s);
        if let Some(bad) = config.sections.iter().find(|s| !known(s)) {
            return Err(CoreError::invalid(format!(
                "report_config.sections: unknown section '{bad}'; the sections are {} (and for the appendix {})",
                studio_report::SECTIONS.join(", "),
                studio_report::APPENDIX.join(", ")
            )));
        }
        if let Some(branding) = config.branding.as_ref().filter(|b| b.logo_id.is_none())
            && let Some(url) = branding.logo_url.as_deref().filter(|u| !u.is_empty())
        {
            crate::logos::read_logo(url)?;
        }
        if !content.runs.values().any(|r| r.ensemble_id.is_some()) {
            return Err(CoreError::new(
                "not_ready",
                "the project has no simulation results yet: run a scenario (Scenario workbench → Run) before generating a report",
            ));
        }
        Ok(())
    }

    /// The Report stage's latest report id, or a clear error.
    pub(crate) fn latest_report(content: &ProjectContent) -> Result<String> {
        content.stage(studio_model::Workbench::Report).report_id.ok_or_else(|| {
            CoreError::new("not_ready", "there is no report yet: generate one first (Report workbench → Generate)")
        })
    }
}

/// Writes a file whole or not at all: a temporary file of its own beside it, flushed to disk,
/// then renamed over the target (two exports at once never share a temporary).
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let io = |e: std::io::Error| CoreError::new("io_error", format!("{}: {e}", path.display()));
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// What a generate answers in a task or workbench response: the report, lightly.
pub fn report_summary(r: &GeneratedReport) -> Value {
    serde_json::json!({
        "report_id": r.report_id,
        "generated_at": r.generated_at,
        "title": r.content.title,
        "sections": r.content.sections.iter().map(|s| serde_json::json!({"title": s.title, "type": s.kind})).collect::<Vec<_>>(),
        "caveats": r.content.appendix.caveats,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_name_their_path_again() {
        for path in ["/tmp/a b/report #2 ?.pdf", "/tmp/100%/r.pdf", "/plain/r.html"] {
            assert_eq!(parse_file_url(&file_url(Path::new(path), "abc")), Some((PathBuf::from(path), "abc".into())));
        }
        assert_eq!(parse_file_url("-x/report.pdf#sha256=abc"), None, "not a file URL");
        assert_eq!(parse_file_url("file://relative/report.pdf"), None, "not absolute");
    }
}
