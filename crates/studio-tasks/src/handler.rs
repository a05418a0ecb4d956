//! What runs a task: a handler per task kind, given the task and a way to report progress
//! and to learn that it was cancelled.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::{CancelToken, Failure, Task, TaskBoards};

/// What a handler returns when its task succeeds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskOutput {
    pub outputs: Map<String, Value>,
    pub metadata: Map<String, Value>,
}

impl TaskOutput {
    pub fn new(outputs: Map<String, Value>) -> Self {
        TaskOutput { outputs, metadata: Map::new() }
    }

    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.outputs.insert(key.to_string(), value);
        self
    }
}

pub type TaskFuture = Pin<Box<dyn Future<Output = Result<TaskOutput, Failure>> + Send>>;

pub trait TaskHandler: Send + Sync {
    fn run(&self, ctx: TaskContext) -> TaskFuture;
}

impl<F, Fut> TaskHandler for F
where
    F: Fn(TaskContext) -> Fut + Send + Sync,
    Fut: Future<Output = Result<TaskOutput, Failure>> + Send + 'static,
{
    fn run(&self, ctx: TaskContext) -> TaskFuture {
        Box::pin(self(ctx))
    }
}

/// Handlers by task kind.
#[derive(Clone, Default)]
pub struct Handlers {
    by_kind: HashMap<String, Arc<dyn TaskHandler>>,
}

impl Handlers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn on(mut self, kind: &str, handler: impl TaskHandler + 'static) -> Self {
        self.by_kind.insert(kind.to_string(), Arc::new(handler));
        self
    }

    /// These handlers and `other`'s; `other` wins where both handle a kind.
    pub fn merge(mut self, other: Handlers) -> Self {
        self.by_kind.extend(other.by_kind);
        self
    }

    pub fn get(&self, kind: &str) -> Option<Arc<dyn TaskHandler>> {
        self.by_kind.get(kind).cloned()
    }

    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.by_kind.keys().map(String::as_str)
    }
}

/// A running task as its handler sees it.
#[derive(Clone)]
pub struct TaskContext {
    pub task: Task,
    pub agent_id: String,
    pub(crate) boards: TaskBoards,
    pub(crate) cancel: CancelToken,
}

impl TaskContext {
    pub fn inputs(&self) -> &Map<String, Value> {
        &self.task.inputs
    }

    /// Reports how far the task is (0 to 1) with a short message.
    pub fn progress(&self, fraction: f64, message: &str) {
        let _ = self.boards.report_progress(&self.task.id, fraction, message);
    }

    /// True once the task was cancelled (or timed out): stop at the next safe point.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    pub fn cancel_token(&self) -> CancelToken {
        self.cancel.clone()
    }
}
