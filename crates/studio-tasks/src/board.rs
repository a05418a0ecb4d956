//! A task board (the seed's Studio): tasks with their dependencies, the ones ready to run,
//! and what changed since the last look. Synchronous and in memory; the runtime around it
//! persists the changes and wakes agents.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, HashSet, VecDeque};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::time::Instant;

use crate::ready::{ReadyKey, ReadyQueue};
use crate::{CapabilityHierarchy, Task, TaskError, TaskId, TaskSpec, TaskStatus};

/// What a board is, without its tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BoardInfo {
    pub id: String,
    pub name: String,
    pub description: String,
    pub metadata: Map<String, Value>,
    pub project_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub(crate) struct Slot {
    pub task: Task,
    pub deps: Vec<usize>,
    pub dependents: Vec<usize>,
    /// Dependencies not completed yet.
    pub waiting: usize,
    /// Length of the longest chain of dependents from here, itself included.
    pub chain: u32,
    pub group: usize,
    pub key: Option<ReadyKey>,
    pub started: Option<Instant>,
    /// A retried task waits for its backoff until then.
    pub not_before: Option<Instant>,
    pub dirty: bool,
}

pub struct TaskBoard {
    pub(crate) info: BoardInfo,
    pub(crate) slots: Vec<Slot>,
    pub(crate) index: HashMap<TaskId, usize>,
    pub(crate) ready: ReadyQueue,
    pub(crate) delayed: BinaryHeap<Reverse<(Instant, usize)>>,
    /// Assigned or in progress.
    pub(crate) active: HashSet<usize>,
    pub(crate) hierarchy: CapabilityHierarchy,
    pub(crate) changed: Vec<usize>,
    /// Whether `take_changes` is wanted; off, nothing is collected.
    pub(crate) track: bool,
    seq: u64,
}

impl TaskBoard {
    pub fn new(info: BoardInfo, hierarchy: CapabilityHierarchy) -> Self {
        TaskBoard {
            info,
            slots: Vec::new(),
            index: HashMap::new(),
            ready: ReadyQueue::default(),
            delayed: BinaryHeap::new(),
            active: HashSet::new(),
            hierarchy,
            changed: Vec::new(),
            track: true,
            seq: 0,
        }
    }

    pub fn info(&self) -> &BoardInfo {
        &self.info
    }

    pub fn id(&self) -> &str {
        &self.info.id
    }

    /// Adds one task whose dependencies are on the board already.
    pub fn add_task(&mut self, spec: TaskSpec) -> Result<TaskId, TaskError> {
        Ok(self.add_tasks(vec![spec])?.remove(0))
    }

    /// Adds tasks that may depend on each other (by the ids their specs give) and on tasks on
    /// the board. Refused whole, with nothing added, on an unknown dependency or a cycle.
    pub fn add_tasks(&mut self, specs: Vec<TaskSpec>) -> Result<Vec<TaskId>, TaskError> {
        let mut specs = specs;
        let mut batch: HashMap<String, usize> = HashMap::new();
        for (i, spec) in specs.iter_mut().enumerate() {
            let id = spec.id.get_or_insert_with(|| uuid::Uuid::new_v4().to_string()).clone();
            if spec.kind.trim().is_empty() {
                return Err(TaskError::Invalid(format!("task '{id}' has no kind: say which handler runs it")));
            }
            if spec.timeout_secs.is_some_and(|t| !t.is_finite() || t <= 0.0) {
                return Err(TaskError::Invalid(format!(
                    "task '{id}' has a timeout that is not a positive number of seconds"
                )));
            }
            if self.index.contains_key(&id) || batch.insert(id.clone(), i).is_some() {
                return Err(TaskError::DuplicateTask(id));
            }
        }
        let order = topological(&specs, &batch, &self.index)?;
        let ids: Vec<TaskId> = specs.iter().map(|s| s.id.clone().unwrap_or_default()).collect();
        let mut specs: Vec<Option<TaskSpec>> = specs.into_iter().map(Some).collect();
        for i in order {
            let spec = specs[i].take().expect("each spec is placed once");
            self.insert(spec);
        }
        Ok(ids)
    }

    fn insert(&mut self, spec: TaskSpec) {
        let now = Utc::now();
        let id = spec.id.unwrap_or_default();
        let deps: Vec<usize> = spec.dependencies.iter().map(|d| self.index[d]).collect();
        let task = Task {
            id: id.clone(),
            board_id: self.info.id.clone(),
            name: if spec.name.is_empty() { spec.kind.clone() } else { spec.name },
            description: spec.description,
            kind: spec.kind,
            status: TaskStatus::Pending,
            assigned_agent: None,
            inputs: spec.inputs,
            result: None,
            dependencies: spec.dependencies,
            required_capabilities: spec.required_capabilities,
            timeout_secs: spec.timeout_secs,
            priority: spec.priority,
            retry: spec.retry,
            attempt: 1,
            failed_attempts: Vec::new(),
            progress: None,
            project_id: spec.project_id.or_else(|| self.info.project_id.clone()),
            created_at: now,
            started_at: None,
            finished_at: None,
        };
        self.place(task, deps);
        let idx = self.slots.len() - 1;
        self.mark(idx);
        // A dependency that has failed or was cancelled already blocks the new task at once.
        if let Some(&blocker) = self.slots[idx]
            .deps
            .iter()
            .find(|&&d| matches!(self.slots[d].task.status, TaskStatus::Failed | TaskStatus::Cancelled))
        {
            let reason = self.blocked_reason(blocker);
            self.finish(idx, TaskStatus::Cancelled, Some(reason), Map::new(), Map::new());
        } else {
            self.make_ready_if_due(idx);
        }
    }

    /// Puts a task in a new slot, linked to its dependencies, updating the critical path.
    pub(crate) fn place(&mut self, task: Task, deps: Vec<usize>) {
        let idx = self.slots.len();
        let waiting = deps.iter().filter(|&&d| self.slots[d].task.status != TaskStatus::Completed).count();
        let group = self.ready.group(&task.required_capabilities);
        self.index.insert(task.id.clone(), idx);
        for &d in &deps {
            self.slots[d].dependents.push(idx);
        }
        self.slots.push(Slot {
            task,
            deps,
            dependents: Vec::new(),
            waiting,
            chain: 1,
            group,
            key: None,
            started: None,
            not_before: None,
            dirty: false,
        });
        let deps = self.slots[idx].deps.clone();
        for d in deps {
            self.lengthen_chain(d, 2);
        }
    }

    fn lengthen_chain(&mut self, idx: usize, chain: u32) {
        let mut stack = vec![(idx, chain)];
        while let Some((i, chain)) = stack.pop() {
            if self.slots[i].chain >= chain {
                continue;
            }
            self.slots[i].chain = chain;
            if self.slots[i].key.is_some() {
                self.unready(i);
                self.make_ready_if_due(i);
            }
            stack.extend(self.slots[i].deps.iter().map(|&d| (d, chain + 1)));
        }
    }

    pub(crate) fn mark(&mut self, idx: usize) {
        if self.track && !self.slots[idx].dirty {
            self.slots[idx].dirty = true;
            self.changed.push(idx);
        }
    }

    /// Queues a pending task whose dependencies are done and whose backoff has passed.
    pub(crate) fn make_ready_if_due(&mut self, idx: usize) {
        let slot = &self.slots[idx];
        if slot.task.status != TaskStatus::Pending || slot.waiting > 0 || slot.key.is_some() {
            return;
        }
        if slot.not_before.is_some_and(|t| t > Instant::now()) {
            return;
        }
        self.seq += 1;
        let key = (Reverse(slot.task.priority), Reverse(slot.chain), self.seq, idx);
        let group = slot.group;
        self.ready.insert(group, key);
        let slot = &mut self.slots[idx];
        slot.key = Some(key);
        slot.not_before = None;
    }

    pub(crate) fn unready(&mut self, idx: usize) {
        if let Some(key) = self.slots[idx].key.take() {
            self.ready.remove(self.slots[idx].group, &key);
        }
    }

    /// Moves retried tasks whose backoff has passed into the ready queue.
    pub fn promote_due(&mut self, now: Instant) {
        while let Some(&Reverse((at, idx))) = self.delayed.peek() {
            if at > now {
                break;
            }
            self.delayed.pop();
            if self.slots[idx].not_before == Some(at) {
                self.slots[idx].not_before = None;
                self.make_ready_if_due(idx);
            }
        }
    }

    /// When the next retried task becomes ready, if one waits.
    pub fn next_due(&self) -> Option<Instant> {
        self.delayed.peek().map(|r| r.0.0)
    }

    pub(crate) fn slot(&self, task_id: &str) -> Result<usize, TaskError> {
        self.index.get(task_id).copied().ok_or_else(|| TaskError::UnknownTask(task_id.to_string()))
    }

    pub fn get_task(&self, task_id: &str) -> Option<&Task> {
        self.index.get(task_id).map(|&i| &self.slots[i].task)
    }

    /// Tasks with this status and/or assigned to this agent, in the order they were added.
    pub fn list_tasks(&self, status: Option<TaskStatus>, agent: Option<&str>) -> Vec<&Task> {
        self.slots
            .iter()
            .map(|s| &s.task)
            .filter(|t| status.is_none_or(|s| t.status == s))
            .filter(|t| agent.is_none_or(|a| t.assigned_agent.as_deref() == Some(a)))
            .collect()
    }

    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.slots.iter().map(|s| &s.task)
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The tasks this one depends on.
    pub fn task_dependencies(&self, task_id: &str) -> Result<Vec<&Task>, TaskError> {
        let idx = self.slot(task_id)?;
        Ok(self.slots[idx].deps.iter().map(|&d| &self.slots[d].task).collect())
    }

    /// The tasks that depend on this one.
    pub fn task_dependents(&self, task_id: &str) -> Result<Vec<&Task>, TaskError> {
        let idx = self.slot(task_id)?;
        Ok(self.slots[idx].dependents.iter().map(|&d| &self.slots[d].task).collect())
    }

    /// The best task ready for an agent with these capabilities (implied ones included),
    /// without assigning it.
    pub fn next_task(&mut self, capabilities: &BTreeSet<String>) -> Option<&Task> {
        self.promote_due(Instant::now());
        let capabilities = self.hierarchy.expand(capabilities);
        self.ready.best_for(&capabilities).map(|i| &self.slots[i].task)
    }

    /// Tasks waiting to run: ready ones and retries in their backoff.
    pub fn queue_length(&self) -> usize {
        self.ready.len() + self.delayed.len()
    }

    /// True when no task is pending, assigned or running.
    pub fn is_settled(&self) -> bool {
        self.active.is_empty() && self.slots.iter().all(|s| s.task.status.is_finished())
    }

    /// The tasks changed since the last call, once each.
    pub fn take_changes(&mut self) -> Vec<Task> {
        let changed = std::mem::take(&mut self.changed);
        changed
            .into_iter()
            .map(|i| {
                self.slots[i].dirty = false;
                self.slots[i].task.clone()
            })
            .collect()
    }

    pub(crate) fn blocked_reason(&self, blocker: usize) -> String {
        let task = &self.slots[blocker].task;
        let what = if task.status == TaskStatus::Failed { "failed" } else { "was cancelled" };
        format!("blocked: dependency “{}” {what}", task.name)
    }
}

/// The order to insert a batch in so dependencies come first; an error names a cycle or an
/// unknown dependency.
fn topological(
    specs: &[TaskSpec],
    batch: &HashMap<String, usize>,
    existing: &HashMap<TaskId, usize>,
) -> Result<Vec<usize>, TaskError> {
    let mut waiting = vec![0usize; specs.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); specs.len()];
    for (i, spec) in specs.iter().enumerate() {
        let id = spec.id.as_deref().unwrap_or_default();
        for dep in &spec.dependencies {
            if let Some(&j) = batch.get(dep) {
                waiting[i] += 1;
                dependents[j].push(i);
            } else if !existing.contains_key(dep) {
                return Err(TaskError::UnknownDependency { task_id: id.to_string(), dependency: dep.clone() });
            }
        }
    }
    let mut queue: VecDeque<usize> = (0..specs.len()).filter(|&i| waiting[i] == 0).collect();
    let mut order = Vec::with_capacity(specs.len());
    while let Some(i) = queue.pop_front() {
        order.push(i);
        for &j in &dependents[i] {
            waiting[j] -= 1;
            if waiting[j] == 0 {
                queue.push_back(j);
            }
        }
    }
    if order.len() < specs.len() {
        return Err(TaskError::Cycle(find_cycle(specs, batch, &waiting)));
    }
    Ok(order)
}

/// One cycle among the tasks left over by the topological sort, as ids.
fn find_cycle(specs: &[TaskSpec], batch: &HashMap<String, usize>, waiting: &[usize]) -> Vec<String> {
    let id = |i: usize| specs[i].id.clone().unwrap_or_default();
    let start = (0..specs.len()).find(|&i| waiting[i] > 0).unwrap_or(0);
    let mut path = vec![start];
    let mut seen = HashMap::from([(start, 0usize)]);
    let mut at = start;
    loop {
        let Some(next) = specs[at].dependencies.iter().filter_map(|d| batch.get(d).copied()).find(|&j| waiting[j] > 0)
        else {
            return path.into_iter().map(id).collect();
        };
        if let Some(&pos) = seen.get(&next) {
            let mut cycle: Vec<String> = path[pos..].iter().map(|&i| id(i)).collect();
            cycle.push(id(next));
            return cycle;
        }
        seen.insert(next, path.len());
        path.push(next);
        at = next;
    }
}
