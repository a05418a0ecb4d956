//! Printing: one JSON document with `--json`, short readable text otherwise.

use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};
use studio_core::model::{LogEntry, ProjectState, WorkbenchResponse};
use studio_core::{CoreError, HistoryResponse, ProjectSummary, TemplateInfo, VersionInfo};

pub struct Printer {
    pub json: bool,
}

impl Printer {
    pub(crate) fn emit<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) -> Result<()> {
        if self.json {
            println!("{}", serde_json::to_string_pretty(value)?);
        } else {
            println!("{}", text());
        }
        Ok(())
    }

    /// Reports an error: the message on stderr (and the error object on stdout with --json).
    pub fn fail(&self, e: &CoreError) -> ExitCode {
        eprintln!("error: {} [{}]", e.message, e.code);
        if self.json {
            println!("{}", json!({ "error": e }));
        }
        ExitCode::FAILURE
    }

    pub fn message(&self, text: &str, value: Value) -> Result<()> {
        self.emit(&value, || text.to_string())
    }

    pub fn state(&self, s: &ProjectState) -> Result<()> {
        self.emit(s, || describe(s))
    }

    pub fn saved(&self, s: &ProjectState) -> Result<()> {
        self.emit(s, || format!("Saved '{}' as version {}", s.project_name, s.version))
    }

    pub fn projects(&self, list: &[ProjectSummary]) -> Result<()> {
        self.emit(&list, || {
            if list.is_empty() {
                return "No projects yet: create one with `studio project new --name NAME`".into();
            }
            list.iter()
                .map(|p| {
                    format!("{}  {:<18} v{:<3} {}  {}", p.project_id, p.status, p.version, p.updated_at, p.project_name)
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn versions(&self, list: &[VersionInfo]) -> Result<()> {
        self.emit(&list, || {
            list.iter()
                .map(|v| {
                    let archived = if v.archived { "  (archived)" } else { "" };
                    format!(
                        "v{:<4} {}  by {}  {} bytes{archived}",
                        v.version_number, v.created_at, v.created_by, v.size
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn action(&self, r: &WorkbenchResponse) -> Result<()> {
        self.emit(r, || {
            let mut lines = vec![format!(
                "{} — project is {}",
                r.updated_project_state.modification_log.last().map(|e| e.summary.as_str()).unwrap_or("done"),
                r.updated_project_state.status.as_str()
            )];
            lines.extend(r.state_changes.warnings.iter().map(|w| format!("warning: {w}")));
            lines.join("\n")
        })
    }

    pub fn history(&self, verb: &str, r: &HistoryResponse) -> Result<()> {
        self.emit(r, || {
            let mut lines = vec![format!("{verb}: {}", r.entry.summary)];
            lines.extend(r.state_changes.warnings.iter().map(|w| format!("warning: {w}")));
            lines.join("\n")
        })
    }

    pub fn log(&self, log: &[LogEntry]) -> Result<()> {
        self.emit(&log, || {
            log.iter()
                .map(|e| {
                    let mark = if e.reversible { "" } else { "  (not reversible)" };
                    format!("{}  {:<10} {:<18} {}{mark}", e.timestamp, e.workbench, e.action, e.summary)
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    pub fn template(&self, t: &TemplateInfo) -> Result<()> {
        self.emit(t, || format!("Saved template '{}' ({})", t.name, t.template_id))
    }

    pub fn templates(&self, list: &[TemplateInfo]) -> Result<()> {
        self.emit(&list, || {
            if list.is_empty() {
                return "No templates yet: save one with `studio template save PROJECT --name NAME`".into();
            }
            list.iter()
                .map(|t| format!("{}  {}  {}", t.template_id, t.name, t.description))
                .collect::<Vec<_>>()
                .join("\n")
        })
    }
}

/// A project's state in a few lines.
pub fn describe(s: &ProjectState) -> String {
    let w = &s.workbench_states;
    let mut lines = vec![
        format!("{}  ({})", s.project_name, s.project_id),
        format!("status {}, version {}, updated {}", s.status.as_str(), s.version, s.updated_at),
        format!(
            "data: {} source(s) configured, {} override(s), {} custom source(s)",
            w.data.sources.len(),
            w.data.overrides.len(),
            w.data.custom_sources.len()
        ),
        format!("scenarios: {}", s.scenarios.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join(", ")),
    ];
    if let Some(config) = &w.report.config {
        lines.push(format!(
            "report: {} with {} section(s), {} annotation(s)",
            serde_json::to_value(config.template).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
            config.sections.len(),
            w.report.annotations.len()
        ));
    }
    lines.push(format!("log: {} entries", s.modification_log.len()));
    lines.join("\n")
}
