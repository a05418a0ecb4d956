//! Teams of agents (the seed's entanglements): made with a name, agents added and removed; a
//! message goes to one member or, broadcast, to every other. Each message is kept, one per
//! receiver, until the program hosting the receiver has delivered it (at least once: see
//! `agents::host_agents`).

use serde::{Deserialize, Serialize};
use studio_store::{AgentMessageRow, EntanglementRow, NewAgentMessage};

use crate::error::{CoreError, Result};
use crate::studio::Studio;

/// Largest message, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Entanglement {
    pub entanglement_id: String,
    pub name: String,
    pub description: String,
    pub created_by: String,
    pub created_at: String,
    /// Its agents, in the order they joined.
    pub agents: Vec<String>,
}

/// A message to one agent (a broadcast is one a receiver).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgentMessage {
    /// Its sequence number: messages are delivered in this order.
    pub message_id: i64,
    pub entanglement_id: String,
    /// An agent of the team, or `user:ID` for a person who sent it.
    pub sender_id: String,
    pub receiver_id: String,
    pub content: String,
    /// `message`, `task`, `notification`, … (the sender's word for it).
    pub message_type: String,
    pub created_at: String,
    /// How many times it was handed to its receiver's program.
    pub attempts: i64,
    /// When its receiver's program delivered it (null: waiting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<String>,
}

impl From<AgentMessageRow> for AgentMessage {
    fn from(r: AgentMessageRow) -> Self {
        AgentMessage {
            message_id: r.seq,
            entanglement_id: r.entanglement_id,
            sender_id: r.sender_id,
            receiver_id: r.receiver_id,
            content: r.content,
            message_type: r.message_type,
            created_at: r.created_at,
            attempts: r.attempts,
            delivered_at: r.delivered_at,
        }
    }
}

impl From<EntanglementRow> for Entanglement {
    fn from(r: EntanglementRow) -> Self {
        Entanglement {
            agents: r.members.split(',').filter(|m| !m.is_empty()).map(str::to_string).collect(),
            entanglement_id: r.entanglement_id,
            name: r.name,
            description: r.description,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

impl Studio {
    /// A new team of (live, spawned) agents.
    pub async fn create_entanglement(
        &self,
        name: &str,
        description: Option<&str>,
        agent_ids: &[String],
        user_id: &str,
    ) -> Result<Entanglement> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(CoreError::invalid("an entanglement's name is 1 to 100 characters"));
        }
        let description = description.unwrap_or("").trim();
        if description.chars().count() > 1000 {
            return Err(CoreError::invalid("an entanglement's description is 1,000 characters at most"));
        }
        let mut members: Vec<String> = Vec::new();
        for agent_id in agent_ids {
            self.live_agent(agent_id).await?;
            if !members.contains(agent_id) {
                members.push(agent_id.clone());
            }
        }
        let id = format!("ent_{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let row = EntanglementRow {
            entanglement_id: id.clone(),
            name: name.into(),
            description: description.into(),
            created_by: user_id.into(),
            created_at: studio_store::now(),
            members: members.join(","),
        };
        self.store.add_entanglement(&row).await?;
        self.entanglement(&id).await
    }

    pub async fn entanglements(&self) -> Result<Vec<Entanglement>> {
        Ok(self.store.entanglements(None).await?.into_iter().map(Entanglement::from).collect())
    }

    pub async fn entanglement(&self, entanglement_id: &str) -> Result<Entanglement> {
        self.store
            .entanglements(Some(entanglement_id))
            .await?
            .pop()
            .map(Entanglement::from)
            .ok_or_else(|| CoreError::new("not_found", format!("there is no entanglement '{entanglement_id}'")))
    }

    /// Dissolves a team; its messages stay (and are still delivered).
    pub async fn delete_entanglement(&self, entanglement_id: &str) -> Result<()> {
        if !self.store.remove_entanglement(entanglement_id).await? {
            return Err(CoreError::new("not_found", format!("there is no entanglement '{entanglement_id}'")));
        }
        Ok(())
    }

    /// Adds an agent to a team (`add`) or takes one out.
    pub async fn change_entanglement(&self, entanglement_id: &str, agent_id: &str, add: bool) -> Result<Entanglement> {
        let team = self.entanglement(entanglement_id).await?;
        if add {
            self.live_agent(agent_id).await?;
        } else if !team.agents.iter().any(|a| a == agent_id) {
            return Err(CoreError::new(
                "not_found",
                format!("agent '{agent_id}' is not in entanglement '{entanglement_id}'"),
            ));
        }
        self.store.set_entanglement_member(entanglement_id, agent_id, add, &studio_store::now()).await?;
        self.entanglement(entanglement_id).await
    }

    /// Sends a message to one member of the team, or to every other member when `receiver_id`
    /// is absent (a broadcast). The sender is a member agent, or the person sending it.
    pub async fn send_agent_message(
        &self,
        entanglement_id: &str,
        sender_id: Option<&str>,
        receiver_id: Option<&str>,
        content: &str,
        message_type: Option<&str>,
        user_id: &str,
    ) -> Result<Vec<AgentMessage>> {
        let team = self.entanglement(entanglement_id).await?;
        let member = |id: &str| team.agents.iter().any(|a| a == id);
        let sender = match sender_id {
            Some(id) if member(id) => id.to_string(),
            Some(id) => {
                return Err(CoreError::invalid(format!(
                    "sender '{id}' is not in entanglement '{entanglement_id}' (leave sender_id out to send as yourself)"
                )));
            }
            None => format!("user:{user_id}"),
        };
        if content.len() > MAX_MESSAGE_BYTES {
            return Err(CoreError::invalid(format!(
                "a message is {} KB at most; this one is {} KB",
                MAX_MESSAGE_BYTES / 1024,
                content.len().div_ceil(1024)
            )));
        }
        let message_type = message_type.unwrap_or("message");
        let plain = message_type.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if message_type.is_empty() || message_type.len() > 40 || !plain {
            return Err(CoreError::invalid(format!(
                "message_type '{message_type}' is not a word of lowercase letters, digits and _ (40 at most)"
            )));
        }
        let receivers: Vec<&String> = match receiver_id {
            Some(id) if member(id) => team.agents.iter().filter(|a| *a == id).collect(),
            Some(id) => {
                return Err(CoreError::invalid(format!("receiver '{id}' is not in entanglement '{entanglement_id}'")));
            }
            None => team.agents.iter().filter(|a| **a != sender).collect(),
        };
        if receivers.is_empty() {
            return Err(CoreError::invalid(format!(
                "entanglement '{entanglement_id}' has no other agent to receive the message"
            )));
        }
        let created_at = studio_store::now();
        let rows: Vec<NewAgentMessage> = receivers
            .iter()
            .map(|receiver| NewAgentMessage {
                entanglement_id: entanglement_id.into(),
                sender_id: sender.clone(),
                receiver_id: (*receiver).clone(),
                content: content.into(),
                message_type: message_type.into(),
                created_at: created_at.clone(),
            })
            .collect();
        let seqs = self.store.add_agent_messages(&rows).await?;
        Ok(rows
            .into_iter()
            .zip(seqs)
            .map(|(m, seq)| AgentMessage {
                message_id: seq,
                entanglement_id: m.entanglement_id,
                sender_id: m.sender_id,
                receiver_id: m.receiver_id,
                content: m.content,
                message_type: m.message_type,
                created_at: m.created_at,
                attempts: 0,
                delivered_at: None,
            })
            .collect())
    }

    /// A team's messages after `after`, oldest first (100 unless told; 1,000 at most).
    pub async fn entanglement_messages(
        &self,
        entanglement_id: &str,
        after: i64,
        limit: Option<usize>,
    ) -> Result<Vec<AgentMessage>> {
        self.entanglement(entanglement_id).await?;
        let limit = limit.unwrap_or(100).clamp(1, 1000) as i64;
        let rows = self.store.agent_messages(Some(entanglement_id), None, after, limit).await?;
        Ok(rows.into_iter().map(AgentMessage::from).collect())
    }

    async fn live_agent(&self, agent_id: &str) -> Result<()> {
        let row = self.agent_row(agent_id).await?;
        if row.status == "terminated" {
            return Err(CoreError::invalid(format!("agent '{agent_id}' was terminated")));
        }
        Ok(())
    }
}
