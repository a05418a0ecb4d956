//! Reports on a schedule. `report/schedule {frequency, recipients}` keeps the schedule in the
//! project document (versioned, undoable); every commit that touches it updates an index in
//! the library, which the scheduler reads while the app or `studio serve` runs. A due report
//! is a `deliver_report` task: generate with the project's report settings, render a PDF, and
//! mail it through the configured SMTP server, or write a ready-to-send `.eml` to the outbox.

use std::sync::Arc;

use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use studio_model::{Action, Frequency, ReportAction, ReportSchedule, Role, ScheduleChange, Step};
use studio_store::ScheduleRow;

use crate::actor::Actor;
use crate::document::{ChangeKind, ChangeMessage};
use crate::error::{CoreError, Result};
use crate::file_names::slug;
use crate::library::Library;
use crate::library::Progress;
use crate::ports::{DeliveryChannel, Letter, Posted};
use crate::reports_service::Reports;

/// A project's schedule as the Report workbench shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScheduleStatus {
    pub project_id: String,
    pub schedule: Option<ReportSchedule>,
    pub next_run_at: Option<String>,
    pub last_run_at: Option<String>,
    pub last_delivery: Option<Delivery>,
    /// How reports leave: by SMTP when a mail server is configured, else to the outbox.
    pub delivery: DeliveryChannel,
    pub outbox: std::path::PathBuf,
}

/// Why a report was sent: its schedule came due, or someone asked ("Send now").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryReason {
    #[default]
    Scheduled,
    Manual,
}

/// How a delivery ended: mailed by SMTP, written to the outbox as an `.eml`, or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Sent,
    Outbox,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Outbox => "outbox",
            DeliveryStatus::Failed => "failed",
        }
    }
}

/// What came of one delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Delivery {
    pub at: String,
    pub reason: DeliveryReason,
    pub status: DeliveryStatus,
    pub recipients: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_id: Option<String>,
    /// The PDF attached, and its hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<std::path::PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eml: Option<std::path::PathBuf>,
    pub message: String,
}

fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| CoreError::internal(format!("time '{text}': {e}")))
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The first beat of the schedule (`set_at` plus whole steps) after `after`.
pub fn next_run(schedule: &ReportSchedule, after: Option<DateTime<Utc>>) -> Result<DateTime<Utc>> {
    let anchor = parse_time(&schedule.set_at)?;
    let Some(Frequency(step)) = Frequency::parse(&schedule.frequency).map_err(CoreError::from)? else {
        return Err(CoreError::internal(format!("schedule frequency '{}' is off", schedule.frequency)));
    };
    let after = after.map_or(anchor, |a| a.max(anchor));
    let far = || CoreError::internal("the schedule's next time is out of range");
    match step {
        Step::Minutes(m) => {
            let step = chrono::Duration::minutes(i64::from(m));
            let k = (after - anchor).num_minutes() / i64::from(m) + 1;
            let mut next = anchor + step * i32::try_from(k).map_err(|_| far())?;
            while next <= after {
                next += step;
            }
            Ok(next)
        }
        Step::Months(n) => {
            let months = |k: u32| anchor.checked_add_months(Months::new(n * k)).ok_or_else(far);
            let elapsed = (after - anchor).num_days() / 31;
            let mut k = u32::try_from(elapsed / i64::from(n)).unwrap_or(0).max(1);
            while months(k)? <= after {
                k += 1;
            }
            months(k)
        }
    }
}

impl Reports {
    /// A project file brought in does not mail its sender's recipients from here: its
    /// schedule is stopped (an entry in its log says so) until someone here sets it again.
    pub(crate) async fn stop_imported_schedule(&self, project_id: &str, user_id: &str) -> Result<()> {
        let mut open = self.project(project_id).await?;
        if !open.doc.content().schedules.contains_key("report") {
            return Ok(());
        }
        // Whoever brought the file in, even one it lists as a viewer, stops it.
        let ctx = self.context(user_id);
        let off = Action::Report(ReportAction::Schedule(ScheduleChange::Off));
        let outcome = studio_model::apply_action(open.doc.content(), &off, &ctx)?;
        let message = ChangeMessage::new(outcome.entry.clone(), ChangeKind::Action, None, &outcome.edits);
        self.commit(project_id, &mut open, &outcome.content, &message).await
    }

    /// The project's schedule, when it next sends, and how the last delivery went.
    pub async fn report_schedule(&self, project_id: &str) -> Result<ScheduleStatus> {
        self.store.project(project_id).await?;
        let row = self.store.report_schedule(project_id).await?;
        let schedule: Option<ReportSchedule> = match &row {
            Some(r) => Some(serde_json::from_str(&r.schedule).map_err(CoreError::internal)?),
            None => None,
        };
        let last_run_at = row.as_ref().and_then(|r| r.last_run_at.clone());
        let next_run_at = match &schedule {
            Some(s) => Some(stamp(next_run(s, last_run_at.as_deref().map(parse_time).transpose()?)?)),
            None => None,
        };
        Ok(ScheduleStatus {
            project_id: project_id.to_string(),
            schedule,
            next_run_at,
            last_run_at,
            last_delivery: row.and_then(|r| r.last_outcome).and_then(|o| serde_json::from_str(&o).ok()),
            delivery: self.postman.channel(),
            outbox: self.config.outbox_dir(),
        })
    }

    /// Starts a `deliver_report` task for every schedule due at `now`. Each due schedule is
    /// claimed first, so two programs on one library send it once; a report missed while
    /// nothing ran is sent once, and the next one keeps the schedule's beat.
    pub async fn run_due_reports(&self, now: DateTime<Utc>) -> Result<Vec<studio_tasks::Task>> {
        let mut started = Vec::new();
        for row in self.store.report_schedules().await? {
            // One project's broken schedule does not hold up the others'.
            match self.start_if_due(&row, now).await {
                Ok(Some(task)) => started.push(task),
                Ok(None) => {}
                Err(e) => tracing::warn!(project_id = row.project_id, "the schedule: {}", e.message),
            }
        }
        Ok(started)
    }

    async fn start_if_due(&self, row: &ScheduleRow, now: DateTime<Utc>) -> Result<Option<studio_tasks::Task>> {
        if !self.is_due(row, now)? {
            return Ok(None);
        }
        if !self.store.claim_schedule_run(&row.project_id, row.last_run_at.as_deref(), &stamp(now)).await? {
            return Ok(None);
        }
        match self.start_delivery(&row.project_id, DeliveryReason::Scheduled).await {
            Ok(task) => Ok(Some(task)),
            Err(e) => {
                // Claimed but not started: say so where the analyst looks.
                self.record_delivery(&row.project_id, failed(DeliveryReason::Scheduled, Vec::new(), &e)).await?;
                Err(e)
            }
        }
    }

    fn is_due(&self, row: &ScheduleRow, now: DateTime<Utc>) -> Result<bool> {
        let schedule: ReportSchedule = serde_json::from_str(&row.schedule).map_err(CoreError::internal)?;
        let last = row.last_run_at.as_deref().map(parse_time).transpose()?;
        Ok(next_run(&schedule, last)? <= now)
    }

    /// "Send now": delivers the scheduled report at once, off the schedule's beat.
    pub async fn send_report_now(&self, actor: &Actor) -> Result<studio_tasks::Task> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        {
            let open = self.project(project_id).await?;
            Library::check_permission(&open, user_id, studio_model::Permission::Edit)?;
            if !open.doc.content().schedules.contains_key("report") {
                return Err(CoreError::new(
                    "not_ready",
                    "the report is not scheduled: set a frequency and recipients first (Report workbench → Schedule)",
                ));
            }
        }
        self.start_delivery(project_id, DeliveryReason::Manual).await
    }

    async fn start_delivery(&self, project_id: &str, reason: DeliveryReason) -> Result<studio_tasks::Task> {
        let spec = studio_tasks::TaskSpec::new("deliver_report", "Send the scheduled report")
            .needs("report")
            .input("reason", serde_json::json!(reason));
        self.tasks
            .submit_tasks(project_id, vec![spec])
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| CoreError::internal("the delivery task was not created"))
    }

    /// Looks at the schedules every `schedule_check` until the Studio is dropped.
    pub fn spawn_report_schedule(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(self);
        let every = self.config.schedule_check;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                let Some(reports) = weak.upgrade() else { break };
                reports.vitals.scheduler_beat();
                if let Err(e) = reports.run_due_reports(Utc::now()).await {
                    tracing::error!("could not start a scheduled report: {}", e.message);
                }
            }
        })
    }

    /// The delivery itself (the task's body): the outcome is recorded whatever happens. The
    /// schedule is read from the library's index, which every program's edits update, so a
    /// recipient removed in another window is not mailed.
    pub(crate) async fn deliver_report(
        &self,
        project_id: &str,
        reason: DeliveryReason,
        progress: Progress<'_>,
    ) -> Result<Delivery> {
        let outcome = match self.indexed_schedule(project_id).await {
            Ok(schedule) => {
                self.try_deliver(project_id, &schedule, progress).await.map_err(|e| (schedule.recipients, e))
            }
            Err(e) => Err((Vec::new(), e)),
        };
        let delivery = match &outcome {
            Ok(d) => Delivery { at: stamp(Utc::now()), reason, ..d.clone() },
            Err((recipients, e)) => failed(reason, recipients.clone(), e),
        };
        self.record_delivery(project_id, delivery.clone()).await?;
        outcome.map(|_| delivery).map_err(|(_, e)| e)
    }

    async fn record_delivery(&self, project_id: &str, delivery: Delivery) -> Result<()> {
        let json = serde_json::to_string(&delivery).map_err(CoreError::internal)?;
        self.store.record_schedule_outcome(project_id, &json).await?;
        Ok(())
    }

    /// The schedule as indexed, if the one who set it may still edit the project.
    async fn indexed_schedule(&self, project_id: &str) -> Result<ReportSchedule> {
        let row = self
            .store
            .report_schedule(project_id)
            .await?
            .ok_or_else(|| CoreError::new("not_ready", "the report is no longer scheduled"))?;
        let schedule: ReportSchedule = serde_json::from_str(&row.schedule).map_err(CoreError::internal)?;
        let open = self.project(project_id).await?;
        let role = open.doc.content().collaborators.get(&schedule.set_by).map(|c| c.role);
        if !matches!(role, Some(Role::Owner | Role::Editor)) {
            return Err(CoreError::new(
                "forbidden",
                format!(
                    "the schedule was set by '{}', who no longer edits this project: an owner or editor sets it again",
                    schedule.set_by
                ),
            ));
        }
        Ok(schedule)
    }

    async fn try_deliver(
        &self,
        project_id: &str,
        schedule: &ReportSchedule,
        progress: Progress<'_>,
    ) -> Result<Delivery> {
        let quiet = |_: f64, _: &str| {};
        progress(0.05, "generating the report");
        let report = self.generate_report(&Actor::new(project_id, schedule.set_by.as_str()), None, &quiet).await?;
        progress(0.5, "rendering the PDF");
        let export = self.export_report(project_id, &report.report_id, "pdf", None, &quiet).await?;
        let bytes = std::fs::read(&export.path)
            .map_err(|e| CoreError::new("io_error", format!("{}: {e}", export.path.display())))?;
        let name = export.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or("report.pdf".into());
        let project_name = self.store.project(project_id).await?.project_name;
        let date = report.generated_at.get(..10).unwrap_or(&report.generated_at).to_string();
        let letter = Letter {
            to: schedule.recipients.clone(),
            subject: format!("{project_name} — report of {date}"),
            body: letter_body(&project_name, schedule, &report, &export.sha256),
            attachment_name: name,
            attachment: bytes,
            content_type: "application/pdf".into(),
        };
        let eml_name = format!(
            "{}-{}-{}",
            slug(&project_name),
            report.generated_at.get(..19).unwrap_or_default().replace([':', 'T'], "-"),
            report.report_id.get(..8).unwrap_or_default()
        );
        progress(
            0.8,
            if self.postman.channel() == DeliveryChannel::Smtp {
                "mailing the report"
            } else {
                "writing the mail to the outbox"
            },
        );
        let (status, eml, message) = match self.postman.post(&letter, &eml_name).await? {
            Posted::Sent { via } => (DeliveryStatus::Sent, None, via),
            Posted::Outbox { eml, why } => (DeliveryStatus::Outbox, Some(eml), why),
        };
        Ok(Delivery {
            at: String::new(),
            reason: DeliveryReason::default(),
            status,
            recipients: schedule.recipients.clone(),
            report_id: Some(report.report_id.clone()),
            file: Some(export.path.clone()),
            sha256: Some(export.sha256.clone()),
            eml,
            message,
        })
    }
}

/// A delivery that did not happen, and why.
fn failed(reason: DeliveryReason, recipients: Vec<String>, e: &CoreError) -> Delivery {
    Delivery {
        at: stamp(Utc::now()),
        reason,
        status: DeliveryStatus::Failed,
        recipients,
        report_id: None,
        file: None,
        sha256: None,
        eml: None,
        message: e.message.clone(),
    }
}

/// The mail's text: what is attached, its caveats, how to trace it, how to stop it.
fn letter_body(
    project: &str,
    schedule: &ReportSchedule,
    report: &studio_model::GeneratedReport,
    sha256: &str,
) -> String {
    let mut text = format!(
        "The {} report of the project \"{project}\", generated {}, is attached as a PDF.\n",
        schedule.frequency, report.generated_at
    );
    let caveats = &report.content.appendix.caveats;
    if !caveats.is_empty() {
        text.push_str("\nRead it with these caveats:\n");
        for c in caveats {
            text.push_str(&format!("- {c}\n"));
        }
    }
    text.push_str(&format!(
        "\nReport {} · SHA-256 of the attachment {sha256}\n\nSent by FutureOS Studio. To change or stop this schedule, open the project's Report workbench.\n",
        report.report_id
    ));
    text
}

/// The delivery as the task's output.
pub(crate) fn delivery_output(d: &Delivery) -> Value {
    serde_json::to_value(d).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(frequency: &str, set_at: &str) -> ReportSchedule {
        ReportSchedule {
            frequency: frequency.into(),
            recipients: vec!["ana@example.org".into()],
            set_by: "u".into(),
            set_at: set_at.into(),
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        parse_time(text).unwrap()
    }

    #[test]
    fn the_next_report_keeps_the_schedules_beat() {
        let daily = schedule("daily", "2026-11-02T09:00:00Z");
        assert_eq!(next_run(&daily, None).unwrap(), at("2026-11-03T09:00:00Z"));
        assert_eq!(next_run(&daily, Some(at("2026-11-03T09:00:20Z"))).unwrap(), at("2026-11-04T09:00:00Z"));
        // Missed for a week: one report now, the next on the beat.
        assert_eq!(next_run(&daily, Some(at("2026-11-10T13:30:00Z"))).unwrap(), at("2026-11-11T09:00:00Z"));
        // A run recorded before the schedule was set does not count.
        assert_eq!(next_run(&daily, Some(at("2026-10-01T00:00:00Z"))).unwrap(), at("2026-11-03T09:00:00Z"));
        let quarter = schedule("every 15 minutes", "2026-11-02T09:00:00Z");
        assert_eq!(next_run(&quarter, Some(at("2026-11-02T09:15:00Z"))).unwrap(), at("2026-11-02T09:30:00Z"));
    }

    #[test]
    fn monthly_reports_fall_on_the_same_day_or_the_months_last() {
        let monthly = schedule("monthly", "2026-01-31T08:00:00Z");
        assert_eq!(next_run(&monthly, None).unwrap(), at("2026-02-28T08:00:00Z"));
        assert_eq!(next_run(&monthly, Some(at("2026-02-28T08:00:00Z"))).unwrap(), at("2026-03-31T08:00:00Z"));
        assert_eq!(next_run(&monthly, Some(at("2027-06-15T00:00:00Z"))).unwrap(), at("2027-06-30T08:00:00Z"));
        let quarterly = schedule("every 3 months", "2026-01-15T08:00:00Z");
        assert_eq!(next_run(&quarterly, Some(at("2026-05-01T00:00:00Z"))).unwrap(), at("2026-07-15T08:00:00Z"));
    }

    #[test]
    fn a_stored_schedule_that_cannot_be_read_is_an_error_not_a_panic() {
        assert!(next_run(&schedule("off", "2026-01-01T00:00:00Z"), None).is_err());
        assert!(next_run(&schedule("daily", "yesterday"), None).is_err());
    }
}
