use crate::TaskStatus;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TaskError {
    #[error("no task with id '{0}'")]
    UnknownTask(String),
    #[error("no task board with id '{0}'")]
    UnknownBoard(String),
    #[error("no agent with id '{0}'")]
    UnknownAgent(String),
    #[error("task '{task_id}' depends on '{dependency}', which is not on this board")]
    UnknownDependency { task_id: String, dependency: String },
    #[error("these tasks depend on each other in a cycle: {}", .0.join(" → "))]
    Cycle(Vec<String>),
    #[error("task '{task_id}' cannot move from {from} to {to}")]
    IllegalTransition { task_id: String, from: TaskStatus, to: TaskStatus },
    #[error("task '{task_id}' is assigned to {assigned}, not to {agent}")]
    NotAssignedTo { task_id: String, agent: String, assigned: String },
    #[error("task '{task_id}' is waiting for {waiting} unfinished dependencies")]
    DependenciesUnfinished { task_id: String, waiting: usize },
    #[error("agent '{agent}' lacks the capabilities {missing:?} that task '{task_id}' requires")]
    MissingCapabilities { task_id: String, agent: String, missing: Vec<String> },
    #[error("a task with id '{0}' exists already")]
    DuplicateTask(String),
    #[error("the pool is full: it holds at most {0} agents")]
    PoolFull(usize),
    #[error("{0}")]
    Invalid(String),
}
