//! The audit log (the seed's audit service): every request the dispatch sees — allowed, refused
//! or failed — with who made it, in which session, what it did to what, when, how long it took
//! and how it ended; requests a team server refuses before they reach the dispatch (no token, a
//! bad one) too. Append-only, secrets masked before a row is written; searched newest first
//! and exported as CSV or JSON lines.

use serde::{Deserialize, Serialize};
use studio_store::{AuditQuery, AuditRow};

use crate::error::{CoreError, Result};
use crate::secrets::mask;
use crate::studio::Studio;

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub user_id: String,
    /// The program's session that served it, and on a team server the caller's sign-in
    /// (`token:` and the first characters of its hash).
    pub session_id: String,
    /// The request, with the workbench action or control it carried.
    pub action: String,
    /// What it was about: `project:ID`, `task:ID`, `run:ID`, `agent:ID`, … ('' for none).
    pub resource: String,
    /// `allowed`, `refused` or `failed`.
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub ms: f64,
}

/// Which rows to find; every part given must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditFilter {
    /// Whose requests. `member_id` in a request, as `user_id` there is who asks.
    #[serde(rename = "member_id", default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The action's beginning (`workflow` finds every workflow request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The resource's beginning (`project:ID`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// `allowed`, `refused` or `failed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// From this time (ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Words found in the action, resource, code or message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Rows before this one (the next page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
}

/// The audit log, or part of it, as a file's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditExport {
    /// `csv` or `jsonl`.
    pub format: String,
    pub rows: usize,
    pub content: String,
}

/// Most rows an export holds.
pub const MAX_EXPORT_ROWS: usize = 100_000;

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            user_id: r.user_id,
            session_id: r.session_id,
            action: r.action,
            resource: r.resource,
            outcome: r.outcome,
            code: r.code,
            message: r.message,
            ms: r.ms,
        }
    }
}

impl AuditFilter {
    fn query(&self) -> Result<AuditQuery> {
        if let Some(outcome) = &self.outcome
            && !["allowed", "refused", "failed"].contains(&outcome.as_str())
        {
            return Err(CoreError::invalid(format!("outcome is allowed, refused or failed, not '{outcome}'")));
        }
        for time in [&self.since, &self.until].into_iter().flatten() {
            chrono::DateTime::parse_from_rfc3339(time).map_err(|_| {
                CoreError::invalid(format!("'{time}' is not a time (ISO 8601, e.g. 2026-12-07T09:00:00Z)"))
            })?;
        }
        Ok(AuditQuery {
            user_id: self.user_id.clone(),
            action: self.action.clone(),
            resource: self.resource.clone(),
            outcome: self.outcome.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
            text: self.text.clone().filter(|t| !t.trim().is_empty()),
            before: self.before,
        })
    }

    /// The project the filter is limited to (`resource` of `project:ID`).
    pub fn project(&self) -> Option<&str> {
        self.resource.as_deref()?.strip_prefix("project:").filter(|p| !p.is_empty() && !p.contains(':'))
    }
}

impl Studio {
    /// Records one request's row (the message masked).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record_audit(
        &self,
        user_id: &str,
        session: Option<&str>,
        action: String,
        resource: String,
        outcome: &str,
        error: Option<&CoreError>,
        ms: f64,
    ) {
        let session_id = match session {
            Some(sign_in) => format!("{} {sign_in}", self.session_id),
            None => self.session_id.clone(),
        };
        self.audit.record(AuditRow {
            seq: 0,
            at: studio_store::now(),
            user_id: mask(user_id).into_owned(),
            session_id,
            action,
            resource: mask(&resource).into_owned(),
            outcome: outcome.to_string(),
            code: error.map(|e| e.code.clone()),
            message: error.map(|e| mask(&e.message).into_owned()),
            ms,
        });
    }

    /// Records a request a team server refused before it was read (no token, a bad one).
    pub fn record_refusal(&self, method: &str, path: &str, error: &CoreError) {
        let action = format!("{method} {}", mask(path));
        self.record_audit("anonymous", None, action, String::new(), "refused", Some(error), 0.0);
    }

    /// The rows that pass the filter, newest first (100 unless told; 10,000 at most).
    pub async fn search_audit(&self, filter: &AuditFilter, limit: Option<usize>) -> Result<Vec<AuditEntry>> {
        self.audit.flush(std::time::Duration::from_secs(2)).await;
        let limit = limit.unwrap_or(100).clamp(1, 10_000) as i64;
        let rows = self.store.audit(&filter.query()?, limit).await?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    /// The rows that pass the filter (100,000 at most, newest first) as CSV or JSON lines.
    pub async fn export_audit(&self, filter: &AuditFilter, format: &str) -> Result<AuditExport> {
        if format != "csv" && format != "jsonl" {
            return Err(CoreError::invalid(format!("the audit log exports as csv or jsonl, not '{format}'")));
        }
        let rows = self.search_all(filter).await?;
        let content = if format == "csv" {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer
                .write_record([
                    "seq",
                    "at",
                    "user_id",
                    "session_id",
                    "action",
                    "resource",
                    "outcome",
                    "code",
                    "message",
                    "ms",
                ])
                .map_err(CoreError::internal)?;
            for r in &rows {
                let (seq, ms) = (r.seq.to_string(), format!("{:.3}", r.ms));
                let code = r.code.as_deref().unwrap_or("");
                let message = r.message.as_deref().unwrap_or("");
                let record =
                    [&seq, &r.at, &r.user_id, &r.session_id, &r.action, &r.resource, &r.outcome, code, message, &ms];
                writer.write_record(record.iter().map(|s| s.as_bytes())).map_err(CoreError::internal)?;
            }
            String::from_utf8(writer.into_inner().map_err(CoreError::internal)?).map_err(CoreError::internal)?
        } else {
            let mut text = String::new();
            for r in &rows {
                text.push_str(&serde_json::to_string(r).map_err(CoreError::internal)?);
                text.push('\n');
            }
            text
        };
        Ok(AuditExport { format: format.into(), rows: rows.len(), content })
    }

    async fn search_all(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut all = Vec::new();
        let mut page = filter.clone();
        while all.len() < MAX_EXPORT_ROWS {
            let rows = self.search_audit(&page, Some(10_000)).await?;
            let Some(last) = rows.last() else { break };
            page.before = Some(last.seq);
            let full = rows.len() == 10_000;
            all.extend(rows);
            if !full {
                break;
            }
        }
        all.truncate(MAX_EXPORT_ROWS);
        Ok(all)
    }
}
