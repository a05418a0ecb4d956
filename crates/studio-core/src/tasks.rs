//! Long work as tasks: a board per project, a pool of agents that runs them, every change
//! persisted in the library and streamed as an event. Boards left by a program that stopped
//! are adopted by the next one that runs tasks: finished results stay, interrupted tasks are
//! re-queued or failed with a reason that says so.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use studio_store::{TaskBoardRow, TaskRow};
use studio_tasks::{
    AgentPool, BoardInfo, CapabilityHierarchy, PoolReport, Task, TaskBoard, TaskBoards, TaskError, TaskSpec,
    TaskStatus, TaskUpdates,
};

use crate::error::{CoreError, Result};
use crate::events::StudioEvent;
use crate::library::{Library, on_library};
use crate::liveness;

/// What the product's agents can do; the default agent can do all of it.
pub const CAPABILITIES: [&str; 8] =
    ["data", "population", "simulation", "report", "files", "assistant", "api", "workflow"];

/// How often a session looks for cancel requests made by other programs.
const CANCEL_POLL: Duration = Duration::from_millis(250);
/// Every this many cancel polls (2 s), boards of programs that ended are adopted.
const ADOPT_EVERY: u64 = 8;
/// Progress of a running task is written to the library at most this often (status changes
/// always are), and sent as an event at most this often.
const PERSIST_PROGRESS_EVERY: Duration = Duration::from_secs(1);
const EVENT_PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// A program that runs the tasks other programs queue.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct TaskRunner {
    /// How the analyst knows it: "the Studio app", "studio serve".
    pub program: String,
    pub pid: i64,
    pub host: String,
}

impl std::fmt::Display for TaskRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (pid {} on {})", self.program, self.pid, self.host)
    }
}

/// The Tasks service: the boards of this session's projects, persisted in the library and
/// streamed as events, and the pool of agents once this program runs tasks.
pub struct Tasks {
    library: Arc<Library>,
    pub(crate) boards: TaskBoards,
    pub(crate) pool: OnceLock<AgentPool>,
    /// The board of each project this session has submitted tasks to.
    project_boards: Mutex<HashMap<String, String>>,
    /// Batches of changes the persister has written.
    persisted: Arc<AtomicU64>,
}

on_library!(Tasks);

impl Tasks {
    /// Boards whose changes go to the library and to its events.
    pub(crate) fn start(library: Arc<Library>) -> Self {
        let (boards, updates) = TaskBoards::with_updates(CapabilityHierarchy::new());
        let persisted = Arc::new(AtomicU64::new(0));
        tokio::spawn(persist(library.clone(), updates, persisted.clone()));
        Tasks { library, boards, pool: OnceLock::new(), project_boards: Mutex::new(HashMap::new()), persisted }
    }

    /// Batches of task changes written to the library so far.
    pub(crate) fn persisted(&self) -> u64 {
        self.persisted.load(Ordering::SeqCst)
    }

    /// Waits (up to `limit`) until every change sent so far is written to the library.
    pub async fn flush(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.persisted.load(Ordering::SeqCst) < self.boards.batches_sent() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

impl From<TaskError> for CoreError {
    fn from(e: TaskError) -> Self {
        let code = match e {
            TaskError::UnknownTask(_) | TaskError::UnknownBoard(_) | TaskError::UnknownAgent(_) => "not_found",
            TaskError::IllegalTransition { .. } | TaskError::NotAssignedTo { .. } | TaskError::DuplicateTask(_) => {
                "conflict"
            }
            TaskError::PoolFull(_) => "limit_reached",
            _ => "invalid_request",
        };
        CoreError::new(code, e.to_string())
    }
}

/// Writes changed tasks to the library (progress throttled) and streams them as events, to a
/// team server's other instances too.
async fn persist(library: Arc<Library>, mut updates: TaskUpdates, done: Arc<AtomicU64>) {
    let store = library.store.clone();
    let mut persisted: HashMap<String, (TaskStatus, Instant)> = HashMap::new();
    let mut evented: HashMap<String, (TaskStatus, Instant)> = HashMap::new();
    let mut published: HashMap<String, TaskStatus> = HashMap::new();
    while let Some(mut batch) = updates.recv().await {
        let mut batches = 1;
        while let Ok(more) = updates.try_recv() {
            batch.extend(more);
            batches += 1;
        }
        // Every move is on the bus — a quick task's start too, though its end came in the same batch.
        for task in &batch {
            if published.insert(task.id.clone(), task.status) != Some(task.status) {
                let (topic, data) = task_event(task);
                library.bus.publish(topic, task.project_id.as_deref(), data);
            }
            if task.status.is_finished() {
                published.remove(&task.id);
            }
        }
        // The newest state of each task, in the order they first changed.
        let mut latest: Vec<Task> = Vec::with_capacity(batch.len());
        let mut at: HashMap<String, usize> = HashMap::new();
        for task in batch {
            match at.get(&task.id) {
                Some(&i) => latest[i] = task,
                None => {
                    at.insert(task.id.clone(), latest.len());
                    latest.push(task);
                }
            }
        }
        let now = Instant::now();
        let due = |seen: &HashMap<String, (TaskStatus, Instant)>, t: &Task, every: Duration| {
            seen.get(&t.id).is_none_or(|(status, when)| *status != t.status || now.duration_since(*when) >= every)
        };
        let rows: Vec<TaskRow> =
            latest.iter().filter(|t| due(&persisted, t, PERSIST_PROGRESS_EVERY)).map(row_of).collect();
        if !rows.is_empty() {
            if let Err(e) = store.put_tasks(&rows).await {
                tracing::error!("could not record task changes: {e}");
            }
            for t in latest.iter().filter(|t| rows.iter().any(|r| r.task_id == t.id)) {
                persisted.insert(t.id.clone(), (t.status, now));
            }
        }
        for task in latest {
            if due(&evented, &task, EVENT_PROGRESS_EVERY) {
                evented.insert(task.id.clone(), (task.status, now));
                if task.status.is_finished() {
                    evented.remove(&task.id);
                    persisted.remove(&task.id);
                }
                let project_id = task.project_id.clone().unwrap_or_default();
                library.cross_out_task(&project_id, &task);
                library.emit(StudioEvent::TaskChanged { project_id, task: Box::new(task) });
            }
        }
        done.fetch_add(batches, Ordering::SeqCst);
    }
}

/// A task's move as a bus event: `studio.task.queued|assigned|started|completed|failed|cancelled`.
fn task_event(task: &Task) -> (&'static str, serde_json::Map<String, serde_json::Value>) {
    let topic = match task.status {
        TaskStatus::Pending => "studio.task.queued",
        TaskStatus::Assigned => "studio.task.assigned",
        TaskStatus::InProgress => "studio.task.started",
        TaskStatus::Completed => "studio.task.completed",
        TaskStatus::Failed => "studio.task.failed",
        TaskStatus::Cancelled => "studio.task.cancelled",
    };
    let mut data = serde_json::Map::new();
    data.insert("task_id".into(), task.id.clone().into());
    data.insert("kind".into(), task.kind.clone().into());
    data.insert("status".into(), task.status.as_str().into());
    if let Some(agent) = &task.assigned_agent {
        data.insert("agent_id".into(), agent.clone().into());
    }
    if let Some(reason) = task.reason() {
        data.insert("reason".into(), reason.into());
    }
    if let (Some(start), Some(end)) = (task.started_at, task.finished_at) {
        data.insert("duration".into(), ((end - start).num_milliseconds() as f64 / 1000.0).into());
    }
    (topic, data)
}

/// The task's row; what went wrong (an attempt's reason, the result's) masked of secrets — a
/// mail server's password in its error, say — since its inputs alone are read back.
fn row_of(task: &Task) -> TaskRow {
    let mut masked;
    let mut task = task;
    let secret = |text: &str| matches!(crate::secrets::mask(text), std::borrow::Cow::Owned(_));
    let reasons = task.failed_attempts.iter().map(|a| a.reason.as_str());
    if reasons.chain(task.result.as_ref().and_then(|r| r.reason.as_deref())).any(secret) {
        masked = task.clone();
        for a in &mut masked.failed_attempts {
            a.reason = crate::secrets::mask(&a.reason).into_owned();
        }
        if let Some(reason) = masked.result.as_mut().and_then(|r| r.reason.as_mut()) {
            *reason = crate::secrets::mask(reason).into_owned();
        }
        task = &masked;
    }
    TaskRow {
        task_id: task.id.clone(),
        board_id: task.board_id.clone(),
        project_id: task.project_id.clone(),
        kind: task.kind.clone(),
        status: task.status.as_str().to_string(),
        task: serde_json::to_string(task).unwrap_or_default(),
        cancel_requested_at: None,
        created_at: task.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        updated_at: studio_store::now(),
    }
}

fn task_of(row: &TaskRow) -> Result<Task> {
    serde_json::from_str(&row.task)
        .map_err(|e| CoreError::new("store_error", format!("task {} in the library is unreadable: {e}", row.task_id)))
}

impl Tasks {
    /// Stops the agents, letting running tasks finish for up to `grace` (the rest are
    /// re-queued or failed, per their retry policies), and writes every task change.
    pub async fn stop(&self, grace: Duration) {
        if let Some(pool) = self.pool.get() {
            pool.stop_all(grace).await;
        }
        self.flush(Duration::from_secs(5)).await;
    }

    /// Waits until every task change so far is written to the library.
    pub async fn flush_all(&self) {
        self.flush(Duration::from_secs(5)).await;
    }

    pub(crate) async fn adopt_orphaned_boards(&self) -> Result<()> {
        for row in self.store.open_task_boards(&self.session_id).await? {
            if self.boards.get_board(&row.board_id).is_some() {
                continue;
            }
            let alive = match self.store.session(&row.session_id).await? {
                Some(session) => {
                    session.closed_at.is_none() && liveness::session_alive(&session, Duration::from_secs(90))
                }
                None => false,
            };
            // Another program (or team instance) adopting it at the same moment takes it alone.
            if alive || !self.store.adopt_task_board(&row.board_id, &row.session_id, &self.session_id).await? {
                continue;
            }
            let tasks: Vec<Task> =
                self.store.board_tasks(&row.board_id).await?.iter().filter_map(|r| task_of(r).ok()).collect();
            let info: BoardInfo = serde_json::from_str(&row.info).map_err(CoreError::internal)?;
            let (board, _interrupted) = TaskBoard::restore(info, self.boards.hierarchy().clone(), tasks);
            if let Some(project_id) = &row.project_id {
                lock(&self.project_boards).insert(project_id.clone(), row.board_id.clone());
            }
            // Its changes (the interrupted tasks re-queued or failed) are persisted as any others.
            self.boards.insert_board(board);
        }
        Ok(())
    }

    /// This project's board in this session, made (and recorded) on first use.
    async fn project_board(&self, project_id: &str) -> Result<String> {
        if let Some(id) = lock(&self.project_boards).get(project_id) {
            return Ok(id.clone());
        }
        let info = self.boards.create_board(&format!("Project {project_id}"), "", Default::default(), Some(project_id));
        let row = TaskBoardRow {
            board_id: info.id.clone(),
            project_id: Some(project_id.to_string()),
            session_id: self.session_id.clone(),
            info: serde_json::to_string(&info).map_err(CoreError::internal)?,
            created_at: studio_store::now(),
        };
        self.store.put_task_board(&row).await?;
        lock(&self.project_boards).insert(project_id.to_string(), info.id.clone());
        Ok(info.id)
    }

    /// Adds tasks for a project; they run as soon as an agent is free. Returns them as added.
    pub async fn submit_tasks(&self, project_id: &str, mut specs: Vec<TaskSpec>) -> Result<Vec<Task>> {
        self.store.project(project_id).await?;
        let board = self.project_board(project_id).await?;
        for spec in &mut specs {
            spec.project_id = Some(project_id.to_string());
        }
        Ok(self.boards.add_tasks_as_added(&board, specs)?)
    }

    /// A task, from memory if this program runs it, else as the library last recorded it.
    pub async fn get_task(&self, task_id: &str) -> Result<Task> {
        if let Ok(task) = self.boards.get_task(task_id) {
            return Ok(task);
        }
        match self.store.task(task_id).await? {
            Some(row) => task_of(&row),
            None => Err(CoreError::new("not_found", format!("no task with id '{task_id}'"))),
        }
    }

    /// A project's tasks, newest first (at most 200).
    pub async fn list_tasks(&self, project_id: &str) -> Result<Vec<Task>> {
        self.store.project(project_id).await?;
        let mut tasks: Vec<Task> = Vec::new();
        for row in self.store.project_tasks(project_id, 200).await? {
            let task = self.boards.get_task(&row.task_id).or_else(|_| task_of(&row))?;
            tasks.push(task);
        }
        // Tasks added here that the library has not recorded yet.
        if let Some(board) = lock(&self.project_boards).get(project_id).cloned() {
            for task in self.boards.tasks(&board)? {
                if !tasks.iter().any(|t| t.id == task.id) {
                    tasks.push(task);
                }
            }
        }
        tasks.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
        Ok(tasks)
    }

    /// Cancels a task (and what depends on it). A task run by another program is asked to
    /// stop through the library; one whose program has gone is cancelled in the library.
    pub async fn cancel_task(&self, task_id: &str, reason: Option<&str>) -> Result<Task> {
        let reason = reason.unwrap_or("cancelled by the analyst");
        if self.boards.board_of(task_id).is_some() {
            self.boards.cancel_task(task_id, reason)?;
            return self.get_task(task_id).await;
        }
        let task = self.get_task(task_id).await?;
        if task.status.is_finished() {
            return Err(TaskError::IllegalTransition {
                task_id: task.id,
                from: task.status,
                to: TaskStatus::Cancelled,
            }
            .into());
        }
        self.store.request_task_cancel(task_id, &studio_store::now()).await?;
        // Its program looks every quarter second; give it a moment to answer.
        for _ in 0..12 {
            tokio::time::sleep(CANCEL_POLL).await;
            let task = self.get_task(task_id).await?;
            if task.status.is_finished() {
                return Ok(task);
            }
        }
        Err(CoreError::new(
            "conflict",
            format!("task '{task_id}' is run by another program that has not answered the cancel request yet"),
        ))
    }

    /// Waits until a task finishes, calling `on_change` with each state it passes through.
    pub async fn wait_task(&self, task_id: &str, mut on_change: impl FnMut(&Task)) -> Result<Task> {
        let mut events = self.subscribe();
        let mut task = self.get_task(task_id).await?;
        on_change(&task);
        while !task.status.is_finished() {
            match tokio::time::timeout(Duration::from_millis(500), events.recv()).await {
                Ok(Ok(StudioEvent::TaskChanged { task: changed, .. })) if changed.id == task_id => task = *changed,
                Ok(Ok(_)) => continue,
                // Lagged, closed or quiet: read it afresh.
                _ => task = self.get_task(task_id).await?,
            }
            on_change(&task);
        }
        Ok(task)
    }

    /// The agents of this program.
    pub fn agents(&self) -> Result<PoolReport> {
        self.pool.get().map(AgentPool::report).ok_or_else(|| {
            CoreError::new("not_available", "this program runs no agents (it has not started its task pool)")
        })
    }

    /// The live program on this library that runs tasks (the app, `studio serve`), if any: a
    /// long action queued by another program is run by it within two seconds. With none, a
    /// queued task would wait for the next program that runs tasks.
    pub async fn task_runner(&self) -> Result<Option<TaskRunner>> {
        for session in self.store.task_running_sessions(&self.session_id).await? {
            let long_running = matches!(session.program.as_str(), "serve" | "desktop");
            if long_running && liveness::session_alive(&session, Duration::from_secs(90)) {
                return Ok(Some(TaskRunner {
                    program: crate::config::Program::describe(&session.program).to_string(),
                    pid: session.pid,
                    host: session.host,
                }));
            }
        }
        Ok(None)
    }
}

/// Follows cancel requests made by other programs and, every few seconds, adopts the boards
/// of programs that have ended (a `studio export` queued without `--wait`, say).
pub(crate) async fn follow_cancel_requests(tasks: Weak<Tasks>) {
    for round in 1u64.. {
        tokio::time::sleep(CANCEL_POLL).await;
        let Some(tasks) = tasks.upgrade() else { return };
        if round % ADOPT_EVERY == 0 {
            let _ = tasks.adopt_orphaned_boards().await;
        }
        let Ok(requests) = tasks.store.cancel_requests(&tasks.session_id).await else { continue };
        for task_id in requests {
            let _ = tasks.boards.cancel_task(&task_id, "cancelled by the analyst (from another program)");
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
