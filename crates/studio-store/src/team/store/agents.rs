//! Agents, their teams and their messages on PostgreSQL, as in the library file. A spawn takes
//! a transaction-scoped advisory lock, so two instances never both fill the last place.

use super::TeamStore;
use crate::Result;
use crate::local::{AgentMessageRow, AgentRow, EntanglementRow, LIVE_AGENTS, NewAgentMessage, SpawnRoom};

/// The advisory lock spawns hold (any constant of ours).
const SPAWN_LOCK: i64 = 0x5354_5544_4147_4e54;

const AGENT_SELECT: &str = "SELECT agent_id, agent_type, name, config::text AS config, status, session_id, spawned_by, \
     studio_iso(spawned_at) AS spawned_at, studio_iso(terminated_at) AS terminated_at, \
     studio_iso(updated_at) AS updated_at FROM studio_agents";
const MESSAGE_SELECT: &str = "SELECT seq, entanglement_id, sender_id, receiver_id, content, message_type, \
     studio_iso(created_at) AS created_at, attempts::bigint AS attempts, studio_iso(delivered_at) AS delivered_at \
     FROM studio_agent_messages";

impl TeamStore {
    pub(crate) async fn add_agent(&self, row: &AgentRow, per_type: i64, total: i64) -> Result<SpawnRoom> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(SPAWN_LOCK).execute(&mut *tx).await?;
        let (of_type, all): (i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FILTER (WHERE agent_type = $1), COUNT(*) FROM studio_agents WHERE status IN {LIVE_AGENTS}"
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
        sqlx::query(
            "INSERT INTO studio_agents (agent_id, agent_type, name, config, status, session_id, spawned_by, spawned_at,
               terminated_at, updated_at)
             VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, studio_ts($8), studio_ts($9), studio_ts($10))",
        )
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

    pub(crate) async fn agent_rows(&self, ended: bool) -> Result<Vec<AgentRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{AGENT_SELECT} WHERE $1 OR status IN {LIVE_AGENTS} ORDER BY spawned_at DESC, agent_id LIMIT 500"
        )))
        .bind(ended)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn agent_row(&self, agent_id: &str) -> Result<Option<AgentRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{AGENT_SELECT} WHERE agent_id = $1")))
            .bind(agent_id)
            .fetch_optional(self.pool())
            .await?)
    }

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
            "UPDATE studio_agents SET status = $1, session_id = $2, updated_at = studio_ts($3),
               terminated_at = studio_ts($4)
             WHERE agent_id = $5 AND session_id IS NOT DISTINCT FROM $6 AND status != 'terminated'",
        )
        .bind(status)
        .bind(session)
        .bind(at)
        .bind(ended)
        .bind(agent_id)
        .bind(expected)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn add_entanglement(&self, row: &EntanglementRow) -> Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "INSERT INTO studio_entanglements (entanglement_id, name, description, created_by, created_at)
             VALUES ($1, $2, $3, $4, studio_ts($5))",
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
                "INSERT INTO studio_entanglement_members (entanglement_id, agent_id, added_at)
                 VALUES ($1, $2, studio_ts($3))",
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

    pub(crate) async fn entanglements(&self, only: Option<&str>) -> Result<Vec<EntanglementRow>> {
        Ok(sqlx::query_as(
            "SELECT e.entanglement_id, e.name, e.description, e.created_by, studio_iso(e.created_at) AS created_at,
                    COALESCE((SELECT string_agg(agent_id, ',' ORDER BY added_at, agent_id)
                              FROM studio_entanglement_members m WHERE m.entanglement_id = e.entanglement_id), '')
                      AS members
             FROM studio_entanglements e WHERE $1::text IS NULL OR e.entanglement_id = $1
             ORDER BY e.created_at, e.entanglement_id",
        )
        .bind(only)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn remove_entanglement(&self, entanglement_id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM studio_entanglements WHERE entanglement_id = $1")
            .bind(entanglement_id)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn set_entanglement_member(
        &self,
        entanglement_id: &str,
        agent_id: &str,
        add: bool,
        at: &str,
    ) -> Result<bool> {
        let done = if add {
            sqlx::query(
                "INSERT INTO studio_entanglement_members (entanglement_id, agent_id, added_at)
                 VALUES ($1, $2, studio_ts($3)) ON CONFLICT DO NOTHING",
            )
            .bind(entanglement_id)
            .bind(agent_id)
            .bind(at)
            .execute(self.pool())
            .await?
        } else {
            sqlx::query("DELETE FROM studio_entanglement_members WHERE entanglement_id = $1 AND agent_id = $2")
                .bind(entanglement_id)
                .bind(agent_id)
                .execute(self.pool())
                .await?
        };
        Ok(done.rows_affected() == 1)
    }

    pub(crate) async fn add_agent_messages(&self, messages: &[NewAgentMessage]) -> Result<Vec<i64>> {
        let mut tx = self.pool().begin().await?;
        let mut seqs = Vec::with_capacity(messages.len());
        for m in messages {
            let seq: i64 = sqlx::query_scalar(
                "INSERT INTO studio_agent_messages (entanglement_id, sender_id, receiver_id, content, message_type,
                   created_at) VALUES ($1, $2, $3, $4, $5, studio_ts($6)) RETURNING seq",
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

    pub(crate) async fn lease_agent_messages(
        &self,
        receiver: &str,
        until: &str,
        now: &str,
        limit: i64,
    ) -> Result<Vec<AgentMessageRow>> {
        let mut rows: Vec<AgentMessageRow> = sqlx::query_as(
            "UPDATE studio_agent_messages SET attempts = attempts + 1, lease_until = studio_ts($1)
             WHERE seq IN (SELECT seq FROM studio_agent_messages WHERE receiver_id = $2 AND delivered_at IS NULL
                           AND (lease_until IS NULL OR lease_until < studio_ts($3)) ORDER BY seq LIMIT $4
                           FOR UPDATE SKIP LOCKED)
             RETURNING seq, entanglement_id, sender_id, receiver_id, content, message_type,
               studio_iso(created_at) AS created_at, attempts::bigint AS attempts,
               studio_iso(delivered_at) AS delivered_at",
        )
        .bind(until)
        .bind(receiver)
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.sort_by_key(|r| r.seq);
        Ok(rows)
    }

    pub(crate) async fn mark_messages_delivered(&self, seqs: &[i64], at: &str) -> Result<()> {
        sqlx::query(
            "UPDATE studio_agent_messages SET delivered_at = studio_ts($1), lease_until = NULL WHERE seq = ANY($2)",
        )
        .bind(at)
        .bind(seqs)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    pub(crate) async fn agent_messages(
        &self,
        entanglement_id: Option<&str>,
        agent_id: Option<&str>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<AgentMessageRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} WHERE seq > $1 AND ($2::text IS NULL OR entanglement_id = $2)
               AND ($3::text IS NULL OR receiver_id = $3 OR sender_id = $3)
             ORDER BY seq LIMIT $4"
        )))
        .bind(after)
        .bind(entanglement_id)
        .bind(agent_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    pub(crate) async fn latest_agent_messages(&self, agent_id: &str, limit: i64) -> Result<Vec<AgentMessageRow>> {
        let mut rows: Vec<AgentMessageRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{MESSAGE_SELECT} WHERE receiver_id = $1 OR sender_id = $1 ORDER BY seq DESC LIMIT $2"
        )))
        .bind(agent_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.reverse();
        Ok(rows)
    }
}
