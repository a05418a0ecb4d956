//! Long work as tasks: task boards (the seed's Studio) hold tasks with dependencies, required
//! capabilities, timeouts, priorities and retry policies; a pool of agents (seed 003) picks
//! the next task each can do and runs it through a handler, reporting progress and honouring
//! cancellation. Boards are in memory; the changes they report are what a store persists.

mod agent;
mod board;
mod boards;
mod cancel;
mod capabilities;
mod error;
mod handler;
mod moves;
mod pool;
mod ready;
mod restore;
mod status;
mod task;

pub use agent::{Agent, AgentConfig, AgentStatus, AgentTaskRecord, create_agent};
pub use board::{BoardInfo, TaskBoard};
pub use boards::{TaskBoards, TaskUpdates};
pub use cancel::CancelToken;
pub use capabilities::CapabilityHierarchy;
pub use error::TaskError;
pub use handler::{Handlers, TaskContext, TaskFuture, TaskHandler, TaskOutput};
pub use moves::{FailOutcome, Failure};
pub use pool::{AgentPool, AgentReport, PoolConfig, PoolReport, PoolStatus, create_pool};
pub use restore::INTERRUPTED;
pub use status::TaskStatus;
pub use task::{Attempt, Progress, RetryPolicy, Task, TaskId, TaskResult, TaskSpec};
