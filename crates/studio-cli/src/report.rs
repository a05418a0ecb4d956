//! `studio report generate|export|list|schedule|send`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use clap::Subcommand;
use serde_json::{Value, json};
use studio_core::model::{GeneratedReport, ReportConfig, Workbench, WorkbenchAction, WorkbenchResponse};
use studio_core::task_engine::{Task, TaskStatus};
use studio_core::{DeliveryChannel, ReportExport, ReportListing, Request, ScheduleStatus, Studio};

use crate::call::{call, resolve};
use crate::output::Printer;

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Generate a report from the project's results (the project's report settings unless
    /// --template or --sections is given).
    Generate {
        project: String,
        /// executive_summary, detailed_analysis, comparison or custom.
        #[arg(long)]
        template: Option<String>,
        /// Sections in their order, comma-separated (e.g. summary,results,caveats).
        #[arg(long, value_delimiter = ',')]
        sections: Vec<String>,
        /// A PNG or SVG logo for every format.
        #[arg(long)]
        logo: Option<PathBuf>,
        #[arg(long)]
        no_charts: bool,
        #[arg(long)]
        no_methodology: bool,
    },
    /// Render a generated report into a file and record it with its hash.
    Export {
        project: String,
        report_id: String,
        /// pdf, pptx, html or docx.
        #[arg(long)]
        format: String,
        /// Where to write it (default: the export folder beside the library).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Show the report's schedule, or set it: `--frequency daily --to ana@example.org,bo@example.org`
    /// (`--frequency off` stops it). While the app or `studio serve` runs, a due report is
    /// mailed through STUDIO_SMTP_URL, or written as an .eml to the outbox folder.
    Schedule {
        project: String,
        /// hourly, daily, weekly, monthly, "every N minutes|hours|days|weeks|months" or off.
        #[arg(long)]
        frequency: Option<String>,
        /// Recipients, comma-separated.
        #[arg(long, value_delimiter = ',')]
        to: Vec<String>,
    },
    /// Send the scheduled report now and wait for it.
    Send { project: String },
    /// List a project's reports and their exports.
    List { project: String },
}

pub async fn run(studio: &Arc<Studio>, user: &str, cmd: ReportCommand, out: &Printer) -> Result<()> {
    match cmd {
        ReportCommand::Generate { project, template, sections, logo, no_charts, no_methodology } => {
            let id = resolve(studio, user, &project).await?;
            let config = if template.is_some() || !sections.is_empty() || logo.is_some() || no_charts || no_methodology
            {
                let logo = logo.map(std::path::absolute).transpose()?;
                let config: ReportConfig = serde_json::from_value(json!({
                    "template": template.as_deref().unwrap_or(if sections.is_empty() { "executive_summary" } else { "custom" }),
                    "sections": sections,
                    "branding": logo.map(|l| json!({"logo_url": l})),
                    "include_charts": !no_charts,
                    "include_methodology": !no_methodology,
                }))
                .map_err(|e| anyhow::anyhow!("--template: {e} (executive_summary, detailed_analysis, comparison or custom)"))?;
                Some(config)
            } else {
                None
            };
            let request = Request::GenerateReport { project_id: id, user_id: user.into(), report_config: config };
            let report: GeneratedReport = call(studio, request).await?;
            let text = format!(
                "Generated report {} — {}: {}",
                report.report_id,
                report.content.title,
                report.content.sections.iter().map(|s| s.title.as_str()).collect::<Vec<_>>().join(", ")
            );
            out.message(&text, serde_json::to_value(&report)?)
        }
        ReportCommand::Export { project, report_id, format, out: path } => {
            let id = resolve(studio, user, &project).await?;
            let path = path.map(std::path::absolute).transpose()?;
            // An export is a task; the command runs it here and waits for its receipt.
            studio.start_tasks().await?;
            let request =
                Request::ExportReport { project_id: id, report_id, user_id: user.into(), format: format.clone(), path };
            let task: Task = call(studio, request).await?;
            let done = studio.wait_task(&task.id, |_| {}).await?;
            if done.status != TaskStatus::Completed {
                let reason = done.reason().unwrap_or("the task did not complete");
                return Err(anyhow::anyhow!("the report was not exported as {format}: {reason}"));
            }
            let outputs = done.result.map(|r| r.outputs).unwrap_or_default();
            let receipt: ReportExport = serde_json::from_value(Value::Object(outputs))?;
            let text = format!("Wrote {} ({} bytes, sha256 {})", receipt.path.display(), receipt.bytes, receipt.sha256);
            out.message(&text, serde_json::to_value(&receipt)?)
        }
        ReportCommand::Schedule { project, frequency, to } => {
            let id = resolve(studio, user, &project).await?;
            if let Some(frequency) = frequency {
                let req = WorkbenchAction {
                    project_id: id.clone(),
                    user_id: user.to_string(),
                    workbench: Workbench::Report,
                    action: "schedule".into(),
                    payload: json!({"schedule": {"frequency": frequency, "recipients": to}}),
                };
                let _: WorkbenchResponse = call(studio, Request::WorkbenchAction(req)).await?;
            }
            let status: ScheduleStatus = call(studio, Request::ReportSchedule { project_id: id }).await?;
            out.message(&schedule_text(&status), serde_json::to_value(&status)?)
        }
        ReportCommand::Send { project } => {
            let id = resolve(studio, user, &project).await?;
            studio.start_tasks().await?;
            let task: Task = call(studio, Request::SendReport { project_id: id.clone(), user_id: user.into() }).await?;
            let done = studio.wait_task(&task.id, |_| {}).await?;
            let status: ScheduleStatus = call(studio, Request::ReportSchedule { project_id: id }).await?;
            match status.last_delivery.filter(|_| done.status == TaskStatus::Completed) {
                Some(d) => out.message(&d.message, serde_json::to_value(&d)?),
                None => Err(anyhow::anyhow!(
                    "the report was not sent: {}",
                    done.reason().unwrap_or("the task did not complete")
                )),
            }
        }
        ReportCommand::List { project } => {
            let id = resolve(studio, user, &project).await?;
            let list: Vec<ReportListing> = call(studio, Request::ListReports { project_id: id }).await?;
            let text = list
                .iter()
                .map(|r| format!("{}  {}  {}", r.report_id, r.generated_at, r.template.as_deref().unwrap_or("")))
                .collect::<Vec<_>>()
                .join("\n");
            out.message(if text.is_empty() { "No reports yet" } else { &text }, json!(list))
        }
    }
}

fn schedule_text(s: &ScheduleStatus) -> String {
    let Some(schedule) = &s.schedule else { return "The report is not scheduled".into() };
    let mut text = format!(
        "The report is sent {} to {}; next at {}",
        schedule.frequency,
        schedule.recipients.join(", "),
        s.next_run_at.as_deref().unwrap_or("?")
    );
    text.push_str(&match s.delivery {
        DeliveryChannel::Smtp => " by mail".to_string(),
        DeliveryChannel::Outbox => format!(" as an .eml in {} (no STUDIO_SMTP_URL)", s.outbox.display()),
    });
    if let Some(d) = &s.last_delivery {
        text.push_str(&format!(
            "
Last: {} at {} — {}",
            d.status.as_str(),
            d.at,
            d.message
        ));
    }
    text
}
