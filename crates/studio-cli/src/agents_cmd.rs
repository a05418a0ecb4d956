//! `studio agent …`, `studio entanglement …` and `studio audit …`: spawned agents and their
//! teams, and the audit log, from the command line — the same requests as the API's routes.

use std::path::PathBuf;

use anyhow::Result;
use clap::Subcommand;
use serde_json::{Value, json};
use studio_core::{
    AgentDetail, AgentList, AgentMessage, AuditEntry, AuditExport, AuditFilter, Entanglement, Request, SpawnedAgent,
    Studio,
};

use crate::call::call;
use crate::output::Printer;

#[derive(Subcommand, Debug)]
pub enum AgentCommand {
    /// The task engine's agents in this program and every spawned agent (--ended: ended ones too).
    List {
        #[arg(long)]
        ended: bool,
    },
    /// Spawn an agent: assistant, data_processor, api, workflow, simulation or report. A
    /// program that runs tasks (the app, `studio serve`) hosts it.
    Spawn {
        agent_type: String,
        #[arg(long)]
        name: Option<String>,
        /// Its configuration, a JSON object (the seed's personality, base URL, …).
        #[arg(long)]
        agent_config: Option<String>,
    },
    /// One agent: state, host, current task, history, teams and latest messages.
    Show { agent: String },
    /// Terminate an agent; a task it runs goes back to the queue.
    Terminate { agent: String },
}

#[derive(Subcommand, Debug)]
pub enum EntanglementCommand {
    /// Every team of agents.
    List,
    /// Make a team of spawned agents.
    Create {
        name: String,
        /// Its agents' ids.
        agents: Vec<String>,
        #[arg(long)]
        description: Option<String>,
    },
    Show {
        entanglement: String,
    },
    /// Dissolve a team (its messages stay).
    Delete {
        entanglement: String,
    },
    /// Add an agent to a team.
    Add {
        entanglement: String,
        agent: String,
    },
    /// Take an agent out of a team.
    Remove {
        entanglement: String,
        agent: String,
    },
    /// Send a message from a member to one agent (--to) or to every other member; kept until
    /// delivered, at least once.
    Send {
        entanglement: String,
        content: String,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// message unless given (task, notification, …).
        #[arg(long = "type")]
        message_type: Option<String>,
    },
    /// The team's messages after a message id, oldest first.
    Messages {
        entanglement: String,
        #[arg(long, default_value_t = 0)]
        after: i64,
    },
}

/// Which rows of the audit log.
#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// Whose requests (a user id).
    #[arg(long)]
    member: Option<String>,
    /// The action's beginning (workflow, workbench_action:data/…).
    #[arg(long)]
    action: Option<String>,
    /// The resource's beginning (project:ID).
    #[arg(long)]
    resource: Option<String>,
    /// allowed, refused or failed.
    #[arg(long)]
    outcome: Option<String>,
    /// From this time (ISO 8601).
    #[arg(long)]
    since: Option<String>,
    #[arg(long)]
    until: Option<String>,
    /// Words in the action, resource, code or message.
    #[arg(long)]
    text: Option<String>,
}

impl AuditArgs {
    fn filter(self) -> AuditFilter {
        AuditFilter {
            user_id: self.member,
            action: self.action,
            resource: self.resource,
            outcome: self.outcome,
            since: self.since,
            until: self.until,
            text: self.text,
            before: None,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// The rows that pass the filter, newest first.
    Search {
        #[command(flatten)]
        filter: AuditArgs,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// The rows that pass the filter as a file: csv (the default) or jsonl.
    Export {
        #[command(flatten)]
        filter: AuditArgs,
        #[arg(long, default_value = "csv")]
        format: String,
        /// Where to write it (stdout when absent).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn agent_line(a: &SpawnedAgent) -> String {
    let task = a.current_task.as_deref().map(|t| format!(" · running {t}")).unwrap_or_default();
    let host = a.host.as_deref().map(|h| format!(" · on {h}")).unwrap_or_default();
    format!(
        "{}  {:<14} {:<10} {}{host}{task} · {} tasks done",
        a.agent_id, a.agent_type, a.status, a.name, a.tasks_done
    )
}

fn team_line(e: &Entanglement) -> String {
    format!("{}  {}  ({} agents: {})", e.entanglement_id, e.name, e.agents.len(), e.agents.join(", "))
}

fn message_line(m: &AgentMessage) -> String {
    format!("#{} {} → {} [{}] {}", m.message_id, m.sender_id, m.receiver_id, m.message_type, m.content)
}

pub async fn agent(studio: &Studio, user: &str, command: AgentCommand, out: &Printer) -> Result<()> {
    match command {
        AgentCommand::List { ended } => {
            let list: AgentList = call(studio, Request::ListAgents { ended }).await?;
            let mut lines: Vec<String> = list.agents.iter().map(agent_line).collect();
            if lines.is_empty() {
                lines.push("No spawned agents: `studio agent spawn TYPE` makes one.".into());
            }
            lines
                .push(format!("limits: {} per type, {} in all", list.max_instances_per_type, list.max_total_instances));
            out.message(&lines.join("\n"), json!(list))
        }
        AgentCommand::Spawn { agent_type, name, agent_config } => {
            let config = match agent_config {
                Some(text) => serde_json::from_str(&text).map_err(|e| {
                    anyhow::anyhow!(
                        "--agent-config is not JSON: {e} (give an object, such as '{{\"style\": \"brief\"}}')"
                    )
                })?,
                None => json!({}),
            };
            let request = Request::SpawnAgent { agent_type, name, config, user_id: user.into() };
            let agent: SpawnedAgent = call(studio, request).await?;
            out.message(&agent_line(&agent), json!(agent))
        }
        AgentCommand::Show { agent } => {
            let detail: AgentDetail = call(studio, Request::GetAgent { agent_id: agent }).await?;
            let mut lines = vec![agent_line(&detail.agent)];
            if !detail.entanglements.is_empty() {
                lines.push(format!("teams: {}", detail.entanglements.join(", ")));
            }
            lines.extend(detail.messages.iter().map(message_line));
            out.message(&lines.join("\n"), json!(detail))
        }
        AgentCommand::Terminate { agent } => {
            let agent: SpawnedAgent =
                call(studio, Request::TerminateAgent { agent_id: agent, user_id: user.into() }).await?;
            out.message(&agent_line(&agent), json!(agent))
        }
    }
}

pub async fn entanglement(studio: &Studio, user: &str, command: EntanglementCommand, out: &Printer) -> Result<()> {
    let team = |e: Entanglement| -> Result<()> { out.message(&team_line(&e), json!(e)) };
    let user_id = user.to_string();
    match command {
        EntanglementCommand::List => {
            let list: Vec<Entanglement> = call(studio, Request::ListEntanglements).await?;
            let lines: Vec<String> = list.iter().map(team_line).collect();
            let text = if lines.is_empty() { "No teams of agents yet.".into() } else { lines.join("\n") };
            out.message(&text, json!(list))
        }
        EntanglementCommand::Create { name, agents, description } => {
            team(call(studio, Request::CreateEntanglement { name, description, agent_ids: agents, user_id }).await?)
        }
        EntanglementCommand::Show { entanglement } => {
            team(call(studio, Request::GetEntanglement { entanglement_id: entanglement }).await?)
        }
        EntanglementCommand::Delete { entanglement } => {
            let answer: Value =
                call(studio, Request::DeleteEntanglement { entanglement_id: entanglement.clone(), user_id }).await?;
            out.message(&format!("Dissolved {entanglement}"), answer)
        }
        EntanglementCommand::Add { entanglement, agent } => {
            let request = Request::AddEntanglementAgent { entanglement_id: entanglement, agent_id: agent, user_id };
            team(call(studio, request).await?)
        }
        EntanglementCommand::Remove { entanglement, agent } => {
            let request = Request::RemoveEntanglementAgent { entanglement_id: entanglement, agent_id: agent, user_id };
            team(call(studio, request).await?)
        }
        EntanglementCommand::Send { entanglement, content, from, to, message_type } => {
            let request = Request::SendAgentMessage {
                entanglement_id: entanglement,
                sender_id: from,
                receiver_id: to,
                content,
                message_type,
                user_id,
            };
            let sent: Vec<AgentMessage> = call(studio, request).await?;
            let lines: Vec<String> = sent.iter().map(message_line).collect();
            out.message(&lines.join("\n"), json!(sent))
        }
        EntanglementCommand::Messages { entanglement, after } => {
            let request = Request::ListAgentMessages { entanglement_id: entanglement, after, limit: None };
            let messages: Vec<AgentMessage> = call(studio, request).await?;
            let lines: Vec<String> = messages.iter().map(message_line).collect();
            out.message(&lines.join("\n"), json!(messages))
        }
    }
}

pub async fn audit(studio: &Studio, command: AuditCommand, out: &Printer) -> Result<()> {
    match command {
        AuditCommand::Search { filter, limit } => {
            let rows: Vec<AuditEntry> =
                call(studio, Request::SearchAudit { filter: filter.filter(), limit: Some(limit) }).await?;
            let lines: Vec<String> = rows
                .iter()
                .map(|r| {
                    let why = r.message.as_deref().map(|m| format!(" — {m}")).unwrap_or_default();
                    format!(
                        "{}  {:<8} {}  {}  {}  {:.1} ms{why}",
                        r.at, r.outcome, r.user_id, r.action, r.resource, r.ms
                    )
                })
                .collect();
            out.message(&lines.join("\n"), json!(rows))
        }
        AuditCommand::Export { filter, format, out: path } => {
            let export: AuditExport = call(studio, Request::ExportAudit { filter: filter.filter(), format }).await?;
            match path {
                Some(path) => {
                    std::fs::write(&path, &export.content).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                    let text = format!("Wrote {} rows to {}", export.rows, path.display());
                    out.message(&text, json!({"rows": export.rows, "format": export.format, "path": path}))
                }
                None if out.json => out.message("", json!(export)),
                None => {
                    crate::output::write_out(format_args!("{}", export.content));
                    Ok(())
                }
            }
        }
    }
}
