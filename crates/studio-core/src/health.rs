//! The health check and the metrics, as an operator reads them: each component — the store,
//! the task engine, the agents, the report scheduler, sync — scored from 0 (down) to 1 with a
//! sentence saying why, the program's score their mean (the seed's `health_score`); and the
//! same facts, with every request's timing and the process's CPU, memory and disk, as
//! Prometheus text.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use studio_tasks::{AgentStatus, PoolStatus};

use crate::config::Program;
use crate::error::Result;
use crate::studio::Studio;
use crate::vitals::BusLink;

/// A store query slower than this makes the store's score drop.
const STORE_SLOW: Duration = Duration::from_millis(250);
/// A store that has not answered by then is taken as down.
const STORE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Healthy,
    /// Working, with something an operator should look at.
    Degraded,
    Unhealthy,
}

impl HealthStatus {
    /// A score's status: 0.9 and above is healthy, below 0.5 unhealthy.
    fn of(score: f64) -> Self {
        if score >= 0.9 {
            HealthStatus::Healthy
        } else if score >= 0.5 {
            HealthStatus::Degraded
        } else {
            HealthStatus::Unhealthy
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ComponentHealth {
    pub status: HealthStatus,
    /// 0 (down) to 1.
    pub score: f64,
    /// What was seen, in a sentence (left out of the unauthenticated probe's answer).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

/// The seed's health answer: `{"status", "health_score", "components": {name: {status, score}}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Health {
    /// Unhealthy when any component is down, else the status of the score.
    pub status: HealthStatus,
    /// The mean of the components' scores.
    pub health_score: f64,
    /// `store`, `task_engine`, `agents`, `scheduler`, `sync`.
    pub components: BTreeMap<String, ComponentHealth>,
    pub uptime_seconds: f64,
    pub checked_at: String,
}

impl Health {
    /// The seed's shape alone — statuses and scores — for a probe that shows no token: what
    /// each component saw (addresses, errors) is for those who may call the API.
    pub fn without_details(mut self) -> Health {
        for c in self.components.values_mut() {
            c.detail.clear();
        }
        self
    }
}

/// The metrics in Prometheus's text format (version 0.0.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MetricsText {
    pub text: String,
}

fn component(score: f64, detail: impl Into<String>) -> ComponentHealth {
    let score = (score.clamp(0.0, 1.0) * 100.0).round() / 100.0;
    ComponentHealth { status: HealthStatus::of(score), score, detail: detail.into() }
}

impl Studio {
    /// Each component's health and the program's.
    pub async fn health(&self) -> Result<Health> {
        let mut components = BTreeMap::new();
        components.insert("store".to_string(), self.store_health().await);
        components.insert("task_engine".to_string(), self.task_engine_health());
        components.insert("agents".to_string(), self.agents_health());
        components.insert("scheduler".to_string(), self.scheduler_health());
        components.insert("sync".to_string(), self.sync_health().await);
        for (name, c) in &components {
            self.vitals.gauges.health.with_label_values(&[name]).set(c.score);
        }
        let mean = components.values().map(|c| c.score).sum::<f64>() / components.len() as f64;
        let health_score = (mean * 100.0).round() / 100.0;
        let down = components.values().any(|c| c.score == 0.0);
        Ok(Health {
            status: if down { HealthStatus::Unhealthy } else { HealthStatus::of(health_score) },
            health_score,
            components,
            uptime_seconds: self.vitals.uptime().as_secs_f64(),
            checked_at: studio_store::now(),
        })
    }

    /// Every metric, read now, as Prometheus text.
    pub async fn metrics(&self) -> Result<MetricsText> {
        self.health().await?;
        let g = &self.vitals.gauges;
        for (status, count) in self.tasks.boards.status_counts() {
            g.tasks.with_label_values(&[status.as_str()]).set(count as i64);
        }
        g.queue.set(self.tasks.boards.queue_length() as i64);
        for state in ["idle", "working", "stopped", "failed"] {
            g.agents.with_label_values(&[state]).set(0);
        }
        if let Ok(report) = self.tasks.agents() {
            for agent in &report.agents {
                let state = agent_state(agent.agent.status, agent.current_task.is_some());
                g.agents.with_label_values(&[state]).inc();
            }
        }
        g.open_projects.set(self.open.ids().len() as i64);
        g.events.inc_by(self.bus.written().saturating_sub(g.events.get()));
        g.uptime.set(self.vitals.uptime().as_secs_f64());
        let place = self.config.db_path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        let read = self.vitals.read_resources(&place);
        g.cpu_usage.set(read.cpu_usage);
        g.resident.set(read.resident_bytes as i64);
        g.memory_total.set(read.memory_total as i64);
        g.memory_used.set(read.memory_used as i64);
        g.disk_total.set(read.disk_total as i64);
        g.disk_available.set(read.disk_available as i64);
        Ok(MetricsText { text: self.vitals.encode() })
    }

    async fn store_health(&self) -> ComponentHealth {
        let started = Instant::now();
        match tokio::time::timeout(STORE_TIMEOUT, self.store.ping()).await {
            Err(_) => component(0.0, format!("the store did not answer within {} s", STORE_TIMEOUT.as_secs())),
            Ok(Err(e)) => component(0.0, format!("the store cannot be reached: {e}")),
            Ok(Ok(())) => {
                let took = started.elapsed();
                let what = if self.store.team_db().is_some() { "PostgreSQL" } else { "the library file" };
                let ms = took.as_secs_f64() * 1000.0;
                if took <= STORE_SLOW {
                    component(1.0, format!("{what} answered in {ms:.1} ms"))
                } else {
                    component(0.7, format!("{what} is slow: it answered in {ms:.0} ms"))
                }
            }
        }
    }

    /// Tasks run only in a program that started its pool; a command that leaves them to the
    /// app or a server is not unhealthy for it.
    fn runs_tasks_by_design(&self) -> bool {
        matches!(self.config.program, Program::Serve | Program::Desktop)
    }

    fn task_engine_health(&self) -> ComponentHealth {
        let Ok(report) = self.tasks.agents() else {
            return if self.runs_tasks_by_design() {
                component(0.0, "the task pool has not started")
            } else {
                component(1.0, "this program leaves tasks to the app or a server")
            };
        };
        let unwritten = self.tasks.boards.batches_sent().saturating_sub(self.tasks.persisted());
        match report.status {
            PoolStatus::Stopped => component(0.0, "the task pool has stopped"),
            PoolStatus::Initialized => component(0.5, "the task pool is starting"),
            PoolStatus::Running if unwritten > 100 => {
                component(0.6, format!("{unwritten} batches of task changes are waiting to be written"))
            }
            PoolStatus::Running => component(1.0, format!("running; {} tasks queued", report.queue_length)),
        }
    }

    fn agents_health(&self) -> ComponentHealth {
        let Ok(report) = self.tasks.agents() else {
            return component(1.0, "no agents in this program");
        };
        let alive = report.agents.iter().filter(|a| matches!(a.agent.status, AgentStatus::Running)).count();
        let failed = report.agents.iter().filter(|a| matches!(a.agent.status, AgentStatus::Failed)).count();
        let working = report.agents.iter().filter(|a| a.current_task.is_some()).count();
        let wanted = report.min_agents.max(1);
        let mut score = (alive as f64 / wanted as f64).min(1.0);
        if failed > 0 {
            score = score.min(0.8);
        }
        if report.status != PoolStatus::Running {
            score = 0.0;
        }
        let detail = format!(
            "{alive} of at most {} agents running ({working} working, {} idle){}",
            report.max_agents,
            alive.saturating_sub(working),
            if failed > 0 { format!("; {failed} failed") } else { String::new() }
        );
        component(score, detail)
    }

    fn scheduler_health(&self) -> ComponentHealth {
        let every = self.config.schedule_check;
        let late = every * 2 + Duration::from_secs(5);
        match self.vitals.since_scheduler() {
            None if !self.runs_tasks_by_design() => component(1.0, "this program sends no scheduled reports"),
            None if self.vitals.uptime() < late => component(1.0, "starting"),
            None => component(0.0, "the report scheduler has not run"),
            Some(ago) if ago <= late => component(1.0, format!("looked at the schedules {} s ago", ago.as_secs())),
            Some(ago) if ago <= every * 5 + Duration::from_secs(5) => {
                component(0.5, format!("late: it last looked {} s ago (every {} s)", ago.as_secs(), every.as_secs()))
            }
            Some(ago) => component(0.0, format!("stalled: it last looked {} s ago", ago.as_secs())),
        }
    }

    async fn sync_health(&self) -> ComponentHealth {
        if self.store.team_db().is_some() {
            return match self.vitals.bus() {
                BusLink::Up => component(1.0, "in step with the other instances through Redis"),
                BusLink::Lost => {
                    component(0.4, "Redis is away: the other instances' edits arrive when it is back (none is lost)")
                }
                BusLink::None => component(1.0, "a single instance (no Redis)"),
            };
        }
        let (joined_up, joined) = self.sharing.joined_links();
        let copies = self.store.team_links().await.unwrap_or_default();
        let copies_up = copies.iter().filter(|c| c.last_error.is_none()).count();
        let (up, all) = (joined_up + copies_up, joined + copies.len());
        if all == 0 {
            return component(1.0, "no shared project or team copy to keep in step");
        }
        let detail = format!("{up} of {all} shared projects and team copies in step");
        component(0.4 + 0.6 * up as f64 / all as f64, detail)
    }
}

fn agent_state(status: AgentStatus, busy: bool) -> &'static str {
    match status {
        AgentStatus::Running | AgentStatus::Initialized if busy => "working",
        AgentStatus::Running | AgentStatus::Initialized => "idle",
        AgentStatus::Stopped => "stopped",
        AgentStatus::Failed => "failed",
    }
}
