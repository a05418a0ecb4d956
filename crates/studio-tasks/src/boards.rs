//! The boards of a program (the seed's StudioManager: create, get, list, delete), shared by
//! the agents that work on them. Every change is sent, once per task and batch, to whoever
//! persists and streams it; agents are woken when work may have become ready.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::Utc;
use serde_json::{Map, Value};
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

use crate::{
    BoardInfo, CancelToken, CapabilityHierarchy, FailOutcome, Failure, Task, TaskBoard, TaskError, TaskId, TaskSpec,
    TaskStatus,
};

/// Changed tasks, in the order they changed.
pub type TaskUpdates = mpsc::UnboundedReceiver<Vec<Task>>;

#[derive(Clone)]
pub struct TaskBoards {
    inner: Arc<Inner>,
}

struct Inner {
    boards: Mutex<Vec<Arc<Mutex<TaskBoard>>>>,
    /// Which board holds a task.
    owner: Mutex<HashMap<TaskId, String>>,
    hierarchy: CapabilityHierarchy,
    wake: Notify,
    running: Mutex<HashMap<TaskId, CancelToken>>,
    updates: Option<mpsc::UnboundedSender<Vec<Task>>>,
    /// Batches of changes sent so far.
    sent: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl TaskBoards {
    /// Boards whose changes nobody follows (tests, benchmarks).
    pub fn new(hierarchy: CapabilityHierarchy) -> Self {
        Self::build(hierarchy, None)
    }

    /// Boards that send every change to the returned receiver.
    pub fn with_updates(hierarchy: CapabilityHierarchy) -> (Self, TaskUpdates) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self::build(hierarchy, Some(tx)), rx)
    }

    fn build(hierarchy: CapabilityHierarchy, updates: Option<mpsc::UnboundedSender<Vec<Task>>>) -> Self {
        TaskBoards {
            inner: Arc::new(Inner {
                boards: Mutex::new(Vec::new()),
                owner: Mutex::new(HashMap::new()),
                hierarchy,
                wake: Notify::new(),
                running: Mutex::new(HashMap::new()),
                updates,
                sent: AtomicU64::new(0),
            }),
        }
    }

    pub fn hierarchy(&self) -> &CapabilityHierarchy {
        &self.inner.hierarchy
    }

    pub fn create_board(
        &self,
        name: &str,
        description: &str,
        metadata: Map<String, Value>,
        project_id: Option<&str>,
    ) -> BoardInfo {
        let info = BoardInfo {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.to_string(),
            description: description.to_string(),
            metadata,
            project_id: project_id.map(str::to_string),
            created_at: Utc::now(),
        };
        self.insert_board(TaskBoard::new(info.clone(), self.inner.hierarchy.clone()));
        info
    }

    /// Adopts a board (one restored from a store, say).
    pub fn insert_board(&self, board: TaskBoard) {
        {
            let mut owner = lock(&self.inner.owner);
            for task in board.tasks() {
                owner.insert(task.id.clone(), board.id().to_string());
            }
        }
        let mut board = board;
        board.track = self.inner.updates.is_some();
        let changes = board.take_changes();
        lock(&self.inner.boards).push(Arc::new(Mutex::new(board)));
        self.send(changes);
        self.inner.wake.notify_waiters();
    }

    pub fn get_board(&self, board_id: &str) -> Option<BoardInfo> {
        self.find(board_id).map(|b| lock(&b).info().clone())
    }

    pub fn list_boards(&self) -> Vec<BoardInfo> {
        lock(&self.inner.boards).iter().map(|b| lock(b).info().clone()).collect()
    }

    /// Removes a board; its running tasks are cancelled first.
    pub fn delete_board(&self, board_id: &str) -> Result<(), TaskError> {
        let board = self.find(board_id).ok_or_else(|| TaskError::UnknownBoard(board_id.to_string()))?;
        let ids: Vec<TaskId> = lock(&board).tasks().map(|t| t.id.clone()).collect();
        for id in &ids {
            if let Some(token) = lock(&self.inner.running).get(id) {
                token.cancel();
            }
        }
        lock(&self.inner.boards).retain(|b| !Arc::ptr_eq(b, &board));
        let mut owner = lock(&self.inner.owner);
        for id in ids {
            owner.remove(&id);
        }
        Ok(())
    }

    fn find(&self, board_id: &str) -> Option<Arc<Mutex<TaskBoard>>> {
        lock(&self.inner.boards).iter().find(|b| lock(b).id() == board_id).cloned()
    }

    /// Runs `f` on a board, then sends what changed and wakes the agents.
    pub fn with_board<R>(&self, board_id: &str, f: impl FnOnce(&mut TaskBoard) -> R) -> Result<R, TaskError> {
        let board = self.find(board_id).ok_or_else(|| TaskError::UnknownBoard(board_id.to_string()))?;
        Ok(self.apply(&board, f))
    }

    fn with_task<R>(&self, task_id: &str, f: impl FnOnce(&mut TaskBoard) -> R) -> Result<R, TaskError> {
        let board_id =
            lock(&self.inner.owner).get(task_id).cloned().ok_or_else(|| TaskError::UnknownTask(task_id.to_string()))?;
        self.with_board(&board_id, f)
    }

    fn apply<R>(&self, board: &Mutex<TaskBoard>, f: impl FnOnce(&mut TaskBoard) -> R) -> R {
        let (result, changes, more_work) = {
            let mut board = lock(board);
            let before = (board.ready.len(), board.delayed.len());
            let result = f(&mut board);
            let more_work = board.ready.len() > before.0 || board.delayed.len() > before.1;
            (result, board.take_changes(), more_work)
        };
        self.send(changes);
        // Only news of work wakes the agents; an agent's own claim must not wake it again.
        if more_work {
            self.inner.wake.notify_waiters();
        }
        result
    }

    fn send(&self, changes: Vec<Task>) {
        if let (Some(tx), false) = (&self.inner.updates, changes.is_empty()) {
            self.inner.sent.fetch_add(1, Ordering::SeqCst);
            let _ = tx.send(changes);
        }
    }

    pub fn add_tasks(&self, board_id: &str, specs: Vec<TaskSpec>) -> Result<Vec<TaskId>, TaskError> {
        Ok(self.add_tasks_as_added(board_id, specs)?.into_iter().map(|t| t.id).collect())
    }

    /// Adds tasks and returns them as they were when added, before any agent could move them.
    pub fn add_tasks_as_added(&self, board_id: &str, mut specs: Vec<TaskSpec>) -> Result<Vec<Task>, TaskError> {
        // Known before any agent can take one of them, so its report finds the board.
        let ids: Vec<TaskId> =
            specs.iter_mut().map(|s| s.id.get_or_insert_with(|| uuid::Uuid::new_v4().to_string()).clone()).collect();
        {
            let mut owner = lock(&self.inner.owner);
            if let Some(taken) = ids.iter().find(|id| owner.contains_key(*id)) {
                return Err(TaskError::DuplicateTask(taken.clone()));
            }
            for id in &ids {
                owner.insert(id.clone(), board_id.to_string());
            }
        }
        let added = self
            .with_board(board_id, |b| {
                let ids = b.add_tasks(specs)?;
                Ok(ids.iter().filter_map(|id| b.get_task(id).cloned()).collect::<Vec<Task>>())
            })
            .and_then(|r| r);
        if added.is_err() {
            let mut owner = lock(&self.inner.owner);
            for id in &ids {
                owner.remove(id);
            }
        }
        added
    }

    pub fn add_task(&self, board_id: &str, spec: TaskSpec) -> Result<TaskId, TaskError> {
        Ok(self.add_tasks(board_id, vec![spec])?.remove(0))
    }

    pub fn get_task(&self, task_id: &str) -> Result<Task, TaskError> {
        self.with_task(task_id, |b| b.get_task(task_id).cloned())?
            .ok_or_else(|| TaskError::UnknownTask(task_id.to_string()))
    }

    pub fn board_of(&self, task_id: &str) -> Option<String> {
        lock(&self.inner.owner).get(task_id).cloned()
    }

    /// Every task of a board, in the order they were added.
    pub fn tasks(&self, board_id: &str) -> Result<Vec<Task>, TaskError> {
        let board = self.find(board_id).ok_or_else(|| TaskError::UnknownBoard(board_id.to_string()))?;
        Ok(lock(&board).tasks().cloned().collect())
    }

    pub fn report_progress(&self, task_id: &str, fraction: f64, message: &str) -> Result<(), TaskError> {
        self.with_task(task_id, |b| b.report_progress(task_id, fraction, message))?
    }

    pub fn complete_task(
        &self,
        task_id: &str,
        agent_id: &str,
        outputs: Map<String, Value>,
        metadata: Map<String, Value>,
    ) -> Result<(), TaskError> {
        self.with_task(task_id, |b| b.complete_task(task_id, agent_id, outputs, metadata))?
    }

    pub fn fail_task(&self, task_id: &str, agent_id: &str, failure: Failure) -> Result<FailOutcome, TaskError> {
        let outcome = self.with_task(task_id, |b| b.fail_task(task_id, agent_id, failure))??;
        if let FailOutcome::Failed { cancelled } = &outcome {
            self.signal(cancelled);
        }
        Ok(outcome)
    }

    /// Cancels a task and its dependents; a running one is told to stop.
    pub fn cancel_task(&self, task_id: &str, reason: &str) -> Result<Vec<TaskId>, TaskError> {
        let cancelled = self.with_task(task_id, |b| b.cancel_task(task_id, reason))??;
        self.signal(&cancelled);
        Ok(cancelled)
    }

    fn signal(&self, ids: &[TaskId]) {
        let running = lock(&self.inner.running);
        for id in ids {
            if let Some(token) = running.get(id) {
                token.cancel();
            }
        }
    }

    /// The best task any board has ready for an agent, assigned to it and started.
    pub fn claim(&self, agent_id: &str, expanded: &BTreeSet<String>) -> Option<Task> {
        let boards: Vec<Arc<Mutex<TaskBoard>>> = lock(&self.inner.boards).clone();
        boards.iter().find_map(|board| self.apply(board, |b| b.claim_next(agent_id, expanded)))
    }

    pub(crate) fn register_running(&self, task_id: &str) -> CancelToken {
        let token = CancelToken::new();
        lock(&self.inner.running).insert(task_id.to_string(), token.clone());
        token
    }

    pub(crate) fn unregister_running(&self, task_id: &str) {
        lock(&self.inner.running).remove(task_id);
    }

    /// Fails running tasks past their timeout, on every board; their handlers are told to stop.
    pub fn check_timeouts(&self) -> Vec<TaskId> {
        let boards: Vec<Arc<Mutex<TaskBoard>>> = lock(&self.inner.boards).clone();
        let now = Instant::now();
        let expired: Vec<TaskId> = boards.iter().flat_map(|b| self.apply(b, |b| b.check_timeouts(now))).collect();
        self.signal(&expired);
        expired
    }

    /// An agent went away: its tasks are re-queued or failed, per their retry policies.
    pub fn release_agent(&self, agent_id: &str, reason: &str) -> Vec<TaskId> {
        let boards: Vec<Arc<Mutex<TaskBoard>>> = lock(&self.inner.boards).clone();
        let released: Vec<TaskId> =
            boards.iter().flat_map(|b| self.apply(b, |b| b.release_agent(agent_id, reason))).collect();
        self.signal(&released);
        released
    }

    /// Tasks waiting for an agent, on every board.
    pub fn queue_length(&self) -> usize {
        lock(&self.inner.boards).iter().map(|b| lock(b).queue_length()).sum()
    }

    /// How many tasks, on every board, are in each status (every status named, in order).
    pub fn status_counts(&self) -> Vec<(TaskStatus, usize)> {
        let mut counts: Vec<(TaskStatus, usize)> = TaskStatus::ALL.iter().map(|s| (*s, 0)).collect();
        for board in lock(&self.inner.boards).iter() {
            for task in lock(board).tasks() {
                if let Some(count) = counts.iter_mut().find(|(s, _)| *s == task.status) {
                    count.1 += 1;
                }
            }
        }
        counts
    }

    /// When the earliest retry in its backoff becomes ready.
    pub fn next_due(&self) -> Option<Instant> {
        lock(&self.inner.boards).iter().filter_map(|b| lock(b).next_due()).min()
    }

    /// How many batches of changes have been sent to the receiver of `with_updates`.
    pub fn batches_sent(&self) -> u64 {
        self.inner.sent.load(Ordering::SeqCst)
    }

    pub(crate) fn wake(&self) -> &Notify {
        &self.inner.wake
    }
}
