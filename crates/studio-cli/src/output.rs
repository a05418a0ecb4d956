//! Printing: one JSON document with `--json`, short readable text otherwise. Printing never
//! fails a command: a reader that went away (`| head`, `| true`) does not undo or strand work
//! that is done, so a closed stdout or stderr is ignored rather than a panic.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};
use studio_core::model::{LogEntry, ProjectState, WorkbenchResponse};
use studio_core::{CoreError, HistoryResponse, LibraryInfo, ProjectSummary, Pruned, TemplateInfo, VersionInfo};

/// Writes a line on stdout, ignoring a reader that went away.
pub fn write_out(text: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_fmt(text).and_then(|()| out.write_all(b"\n")).and_then(|()| out.flush());
}

/// Writes a line on stderr, ignoring a reader that went away.
pub fn write_err(text: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(text).and_then(|()| err.write_all(b"\n"));
}

/// `println!` that never panics on a closed stdout.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => { $crate::output::write_out(format_args!($($arg)*)) };
}

/// `eprintln!` that never panics on a closed stderr.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => { $crate::output::write_err(format_args!($($arg)*)) };
}

pub struct Printer {
    pub json: bool,
}

impl Printer {
    pub(crate) fn emit<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) -> Result<()> {
        if self.json {
            crate::outln!("{}", serde_json::to_string_pretty(value)?);
        } else {
            crate::outln!("{}", text());
        }
        Ok(())
    }

    /// Reports an error: the message on stderr (and the error object on stdout with --json).
    pub fn fail(&self, e: &CoreError) -> ExitCode {
        crate::errln!("error: {} [{}]", e.message, e.code);
        if self.json {
            crate::outln!("{}", json!({ "error": e }));
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
                    format!(
                        "{}  {:<18} v{:<3} {}  {}",
                        p.project_id,
                        p.status.as_str(),
                        p.version,
                        p.updated_at,
                        p.project_name
                    )
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

    pub fn library(&self, info: &LibraryInfo, pruned: Option<&Pruned>) -> Result<()> {
        let value = json!({"library": info, "pruned": pruned});
        self.emit(&value, || {
            let kept = |days: Option<u64>| days.map_or("for good".to_string(), |d| format!("{d} days"));
            let mut lines = vec![
                format!("Library {}: {}", info.path.display(), size(info.total_bytes)),
                format!(
                    "  library file {}, exports {} in {} file(s), imported sources {}, outbox {}",
                    size(info.library_bytes),
                    size(info.exports_bytes),
                    info.exports_files,
                    size(info.imported_sources_bytes),
                    size(info.outbox_bytes)
                ),
                format!(
                    "  {} project(s), {} task board(s) with {} task(s)",
                    info.projects, info.task_boards, info.tasks
                ),
                format!(
                    "  exports are kept {}, finished task boards {}",
                    kept(info.export_retention_days),
                    kept(info.task_retention_days)
                ),
            ];
            if let Some(p) = pruned {
                lines.push(format!(
                    "Pruned {} export(s) ({}) and {} finished task board(s)",
                    p.exports,
                    size(p.export_bytes),
                    p.task_boards
                ));
            }
            lines.join("\n")
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

/// Bytes as the analyst reads them: 1.4 MB.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    // Compared as printed, so 999,950 bytes is "1.0 MB", not "1000.0 KB".
    while (value * 10.0).round() >= 10_000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
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

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_printed() {
        assert_eq!(super::size(999), "999 B");
        assert_eq!(super::size(1_250), "1.2 KB");
        assert_eq!(super::size(999_950), "1.0 MB");
        assert_eq!(super::size(4_400_000), "4.4 MB");
    }
}
