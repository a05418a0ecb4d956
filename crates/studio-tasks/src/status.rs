//! The six states of a task and the moves between them.

use serde::{Deserialize, Serialize};

use crate::TaskError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    /// Created, waiting for its dependencies or for an agent.
    Pending,
    /// Taken by an agent, not started yet.
    Assigned,
    /// Being worked on.
    InProgress,
    Completed,
    Failed,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 6] = [
        TaskStatus::Pending,
        TaskStatus::Assigned,
        TaskStatus::InProgress,
        TaskStatus::Completed,
        TaskStatus::Failed,
        TaskStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "PENDING",
            TaskStatus::Assigned => "ASSIGNED",
            TaskStatus::InProgress => "IN_PROGRESS",
            TaskStatus::Completed => "COMPLETED",
            TaskStatus::Failed => "FAILED",
            TaskStatus::Cancelled => "CANCELLED",
        }
    }

    /// Completed, failed and cancelled tasks never move again.
    pub fn is_finished(self) -> bool {
        matches!(self, TaskStatus::Completed | TaskStatus::Failed | TaskStatus::Cancelled)
    }

    /// The legal moves. Back to `Pending` is a re-queue: an agent released the task before
    /// starting it, or a transient failure (or the agent's death) is being retried.
    pub fn can_move_to(self, to: TaskStatus) -> bool {
        use TaskStatus::*;
        matches!(
            (self, to),
            (Pending, Assigned | Cancelled)
                | (Assigned, InProgress | Pending | Failed | Cancelled)
                | (InProgress, Completed | Failed | Cancelled | Pending)
        )
    }

    /// `Ok` when the move is legal, else an error that names both states.
    pub fn check_move(self, to: TaskStatus, task_id: &str) -> Result<(), TaskError> {
        if self.can_move_to(to) {
            Ok(())
        } else {
            Err(TaskError::IllegalTransition { task_id: task_id.to_string(), from: self, to })
        }
    }
}

impl std::fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TaskStatus {
    type Err = TaskError;

    fn from_str(s: &str) -> Result<Self, TaskError> {
        TaskStatus::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| TaskError::Invalid(format!("unknown task status '{s}': expected one of PENDING, ASSIGNED, IN_PROGRESS, COMPLETED, FAILED, CANCELLED")))
    }
}

#[cfg(test)]
mod tests {
    use super::TaskStatus::{self, *};

    #[test]
    fn finished_states_never_move() {
        for from in [Completed, Failed, Cancelled] {
            for to in TaskStatus::ALL {
                assert!(!from.can_move_to(to), "{from} -> {to}");
            }
        }
    }

    #[test]
    fn an_illegal_move_names_both_states() {
        let err = Pending.check_move(Completed, "t1").unwrap_err().to_string();
        assert!(err.contains("PENDING") && err.contains("COMPLETED") && err.contains("t1"), "{err}");
        assert!(Pending.check_move(Assigned, "t1").is_ok());
    }

    #[test]
    fn statuses_parse_and_serialise_as_the_seed_spells_them() {
        for status in TaskStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
            assert_eq!(status.as_str().parse::<TaskStatus>().unwrap(), status);
        }
        assert!("DONE".parse::<TaskStatus>().unwrap_err().to_string().contains("DONE"));
    }
}
