//! Agents spawned through the API, their teams (entanglements) and the messages between them.
//! A spawn is counted against its limits in the same transaction that writes it; a message is
//! leased to the program hosting its receiver and kept until that program says it is delivered.

use super::{IMMEDIATE, Local};
use crate::Result;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AgentRow {
    pub agent_id: String,
    pub agent_type: String,
    pub name: String,
    /// JSON.
    pub config: String,
    pub status: String,
    pub session_id: Option<String>,
    pub spawned_by: String,
    pub spawned_at: String,
    pub terminated_at: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EntanglementRow {
    pub entanglement_id: String,
    pub name: String,
    pub description: String,
    pub created_by: String,
    pub created_at: String,
    /// Its agents' ids, comma-separated, in the order they were added.
    pub members: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AgentMessageRow {
    pub seq: i64,
    pub entanglement_id: String,
    pub sender_id: String,
    pub receiver_id: String,
    pub content: String,
    pub message_type: String,
    pub created_at: String,
    pub attempts: i64,
    pub delivered_at: Option<String>,
}

/// A message as it is sent (one per receiver).
#[derive(Debug, Clone, PartialEq)]
pub struct NewAgentMessage {
    pub entanglement_id: String,
    pub sender_id: String,
    pub receiver_id: String,
    pub content: String,
    pub message_type: String,
    pub created_at: String,
}

/// What a library or team database refuses a spawn for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpawnRoom {
    Made,
    /// As many live agents of the type as `max_instances_per_type`.
    TypeFull(i64),
    /// As many live agents as `max_total_instances`.
    Full(i64),
}

const AGENT_COLUMNS: &str = "agent_id, agent_type, name, config, status, session_id, spawned_by, spawned_at, \
     terminated_at, updated_at";
const MESSAGE_COLUMNS: &str =
    "seq, entanglement_id, sender_id, receiver_id, content, message_type, created_at, attempts, delivered_at";
/// Statuses of an agent that counts against the limits.
pub(crate) const LIVE_AGENTS: &str = "('requested', 'running', 'terminating')";

impl Local {
    /// Writes a new agent if its type and the library have room for it.
    pub(crate) async fn add_agent(&self, row: &AgentRow, per_type: i64, total: i64) -> Result<SpawnRoom> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        let (of_type, all): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COALESCE(SUM(agent_type = ?), 0), COUNT(*) FROM studio_agents WHERE status IN {LIVE_AGENTS}"
        )))
        .bind(&row.agent_type)
        .fetch_one(&mut *tx)
        .await?;
        if of_type >= per_type {
            return Ok(SpawnRoom::TypeFull(of_type));
        }
        if all >= total {
            return Ok(SpawnRoom::Full(all));
        }
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO studio_agents ({AGENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )))
        .bind(&row.agent_id)
        .bind(&row.agent_type)
        .bind(&row.name)
        .bind(&row.config)
        .bind(&row.status)
        .bind(&row.session_id)
        .bind(&row.spawned_by)
        .bind(&row.spawned_at)
        .bind(&row.terminated_at)
        .bind(&row.updated_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(SpawnRoom::Made)
    }

    /// Agents, newest first: the live ones, and with `ended` the terminated too (500 at most).
    pub(crate) async fn agent_rows(&self, ended: bool) -> Result<Vec<AgentRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {AGENT_COLUMNS} FROM studio_agents WHERE ? OR status IN {LIVE_AGENTS}
             ORDER BY spawned_at DESC, agent_id LIMIT 500"
        )))
        .bind(ended)
        .fetch_all(&self.pool)
        .await?)
    }

    pub(crate) async fn agent_row(&self, agent_id: &str) -> Result<Option<AgentRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {AGENT_COLUMNS} FROM studio_agents WHERE agent_id = ?")))
            .bind(agent_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Moves an agent to `status` (and `session`) if it is still hosted by `expected` and not
    /// terminated: compare and set, so two programs never both host it.
    pub(crate) async fn move_agent(
        &self,
        agent_id: &str,
        expected: Option<&str>,
        status: &str,
        session: Option<&str>,
        at: &str,
    ) -> Result<bool> {
        let ended = if status == "terminated" { Some(at) } else { None };
        let done = sqlx::query(
            "UPDATE studio_agents SET status = ?, session_id = ?, updated_at = ?, terminated_at = ?
             WHERE agent_id = ? AND session_id IS ? AND status != 'terminated'",
        )
        .bind(status)
        .bind(session)
        .bind(at)
        .bind(ended)
        .bind(agent_id)
        .bind(expected)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn add_entanglement(&self, row: &EntanglementRow) -> Result<()> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        sqlx::query(
            "INSERT INTO studio_entanglements (entanglement_id, name, description, created_by, created_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&row.entanglement_id)
        .bind(&row.name)
        .bind(&row.description)
        .bind(&row.created_by)
        .bind(&row.created_at)
        .execute(&mut *tx)
        .await?;
        for agent_id in row.members.split(',').filter(|a| !a.is_empty()) {
            sqlx::query(
                "INSERT INTO studio_entanglement_members (entanglement_id, agent_id, added_at) VALUES (?, ?, ?)",
            )
            .bind(&row.entanglement_id)
            .bind(agent_id)
            .bind(&row.created_at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every entanglement (or the one named), oldest first, with its members.
    pub(crate) async fn entanglements(&self, only: Option<&str>) -> Result<Vec<EntanglementRow>> {
        Ok(sqlx::query_as(
            "SELECT e.entanglement_id, e.name, e.description, e.created_by, e.created_at,
                    COALESCE((SELECT group_concat(agent_id, ',') FROM
                      (SELECT agent_id FROM studio_entanglement_members m
                       WHERE m.entanglement_id = e.entanglement_id ORDER BY added_at, agent_id)), '') AS members
             FROM studio_entanglements e WHERE ? IS NULL OR e.entanglement_id = ?
             ORDER BY e.created_at, e.entanglement_id",
        )
        .bind(only)
        .bind(only)
        .fetch_all(&self.pool)
        .await?)
    }

    pub(crate) async fn remove_entanglement(&self, entanglement_id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM studio_entanglements WHERE entanglement_id = ?")
            .bind(entanglement_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Adds (`add`) or removes an agent; false when that changed nothing.
    pub(crate) async fn set_entanglement_member(
        &self,
        entanglement_id: &str,
        agent_id: &str,
        add: bool,
        at: &str,
    ) -> Result<bool> {
        let done = if add {
            sqlx::query(
                "INSERT OR IGNORE INTO studio_entanglement_members (entanglement_id, agent_id, added_at) VALUES (?, ?, ?)",
            )
            .bind(entanglement_id)
            .bind(agent_id)
            .bind(at)
            .execute(&self.pool)
            .await?
        } else {
            sqlx::query("DELETE FROM studio_entanglement_members WHERE entanglement_id = ? AND agent_id = ?")
                .bind(entanglement_id)
                .bind(agent_id)
                .execute(&self.pool)
                .await?
        };
        Ok(done.rows_affected() == 1)
    }

    /// Keeps messages; their sequence numbers in order.
    pub(crate) async fn add_agent_messages(&self, messages: &[NewAgentMessage]) -> Result<Vec<i64>> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        let mut seqs = Vec::with_capacity(messages.len());
        for m in messages {
            let seq: i64 = sqlx::query_scalar(
                "INSERT INTO studio_agent_messages (entanglement_id, sender_id, receiver_id, content, message_type,
                   created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING seq",
            )
            .bind(&m.entanglement_id)
            .bind(&m.sender_id)
            .bind(&m.receiver_id)
            .bind(&m.content)
            .bind(&m.message_type)
            .bind(&m.created_at)
            .fetch_one(&mut *tx)
            .await?;
            seqs.push(seq);
        }
        tx.commit().await?;
        Ok(seqs)
    }

    /// Leases up to `limit` undelivered messages to `receiver` whose lease has run out, oldest
    /// first, counting the attempt.
    pub(crate) async fn lease_agent_messages(
        &self,
        receiver: &str,
        until: &str,
        now: &str,
        limit: i64,
    ) -> Result<Vec<AgentMessageRow>> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        let rows: Vec<AgentMessageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE studio_agent_messages SET attempts = attempts + 1, lease_until = ?
             WHERE seq IN (SELECT seq FROM studio_agent_messages WHERE receiver_id = ? AND delivered_at IS NULL
                           AND (lease_until IS NULL OR lease_until < ?) ORDER BY seq LIMIT ?)
             RETURNING {MESSAGE_COLUMNS}"
        )))
        .bind(until)
        .bind(receiver)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut rows = rows;
        rows.sort_by_key(|r| r.seq);
        Ok(rows)
    }

    pub(crate) async fn mark_messages_delivered(&self, seqs: &[i64], at: &str) -> Result<()> {
        let mut tx = self.pool.begin_with(IMMEDIATE).await?;
        for seq in seqs {
            sqlx::query("UPDATE studio_agent_messages SET delivered_at = ?, lease_until = NULL WHERE seq = ?")
                .bind(at)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Messages of a team (or to or from an agent) after `after`, oldest first.
    pub(crate) async fn agent_messages(
        &self,
        entanglement_id: Option<&str>,
        agent_id: Option<&str>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<AgentMessageRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {MESSAGE_COLUMNS} FROM studio_agent_messages WHERE seq > ?
               AND (? IS NULL OR entanglement_id = ?) AND (? IS NULL OR receiver_id = ? OR sender_id = ?)
             ORDER BY seq LIMIT ?"
        )))
        .bind(after)
        .bind(entanglement_id)
        .bind(entanglement_id)
        .bind(agent_id)
        .bind(agent_id)
        .bind(agent_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// An agent's newest `limit` messages (sent or received), oldest first.
    pub(crate) async fn latest_agent_messages(&self, agent_id: &str, limit: i64) -> Result<Vec<AgentMessageRow>> {
        let mut rows: Vec<AgentMessageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {MESSAGE_COLUMNS} FROM studio_agent_messages WHERE receiver_id = ? OR sender_id = ?
             ORDER BY seq DESC LIMIT ?"
        )))
        .bind(agent_id)
        .bind(agent_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.reverse();
        Ok(rows)
    }
}
