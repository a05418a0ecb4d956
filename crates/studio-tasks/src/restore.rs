//! A board rebuilt from the tasks a store kept, after the program that ran them stopped.

use std::collections::HashMap;

use crate::{BoardInfo, CapabilityHierarchy, Failure, Task, TaskBoard, TaskId, TaskStatus};

/// The reason given to tasks that were running when their program stopped.
pub const INTERRUPTED: &str = "interrupted: the program running this task stopped before it finished";

impl TaskBoard {
    /// Rebuilds a board. Finished tasks keep their results; pending ones queue again; tasks
    /// that were assigned go back to the queue, and tasks that were running are retried if
    /// their policy allows another attempt, else fail with [`INTERRUPTED`]. Returns the board
    /// and the ids of the tasks that were interrupted.
    pub fn restore(info: BoardInfo, hierarchy: CapabilityHierarchy, mut tasks: Vec<Task>) -> (TaskBoard, Vec<TaskId>) {
        let mut board = TaskBoard::new(info, hierarchy);
        tasks.sort_by(|a, b| a.created_at.cmp(&b.created_at).then_with(|| a.id.cmp(&b.id)));
        // Dependencies first; a dependency the store lost is dropped, a cycle cannot be stored.
        let known: HashMap<String, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id.clone(), i)).collect();
        let mut placed = vec![false; tasks.len()];
        let mut order = Vec::with_capacity(tasks.len());
        for start in 0..tasks.len() {
            let mut stack = vec![(start, false)];
            while let Some((i, expanded)) = stack.pop() {
                if placed[i] {
                    continue;
                }
                if expanded {
                    placed[i] = true;
                    order.push(i);
                    continue;
                }
                stack.push((i, true));
                for dep in &tasks[i].dependencies {
                    if let Some(&j) = known.get(dep).filter(|&&j| !placed[j] && j != i) {
                        stack.push((j, false));
                    }
                }
            }
        }
        let mut slots: Vec<Option<Task>> = tasks.into_iter().map(Some).collect();
        for i in order {
            let mut task = slots[i].take().expect("placed once");
            task.dependencies.retain(|d| board.index.contains_key(d));
            let deps = task.dependencies.iter().map(|d| board.index[d]).collect();
            task.board_id = board.info.id.clone();
            board.place(task, deps);
        }
        let mut interrupted = Vec::new();
        for idx in 0..board.slots.len() {
            match board.slots[idx].task.status {
                TaskStatus::Pending => board.make_ready_if_due(idx),
                TaskStatus::Assigned => board.requeue(idx, String::new(), std::time::Duration::ZERO),
                TaskStatus::InProgress => {
                    interrupted.push(board.slots[idx].task.id.clone());
                    board.active.insert(idx);
                    board.fail_interrupted(idx);
                }
                _ => {}
            }
        }
        (board, interrupted)
    }

    fn fail_interrupted(&mut self, idx: usize) {
        let id = self.slots[idx].task.id.clone();
        let agent = self.slots[idx].task.assigned_agent.clone().unwrap_or_default();
        let _ = self.fail_task(&id, &agent, Failure::transient(INTERRUPTED));
    }
}
