// The project's tasks: what runs, how far it is, what failed and why; cancel what has not
// finished. Updates arrive as task_changed events, so bars move without polling.
import type { Task } from "../api/types";
import { ago, isFinished, taskLabel } from "../state/logic";

interface Props {
  tasks: Task[];
  cancel: (task: Task) => void;
}

export function TasksPanel({ tasks, cancel }: Props) {
  if (tasks.length === 0) {
    return (
      <p className="muted small" data-testid="tasks">
        No tasks yet. Run all, or export, and they show here.
      </p>
    );
  }
  return (
    <ol className="tasks" data-testid="tasks">
      {tasks.map((t) => {
        const fraction = t.status === "COMPLETED" ? 1 : (t.progress?.fraction ?? 0);
        return (
          <li key={t.id} className={`task task-${t.status.toLowerCase()}`} data-testid="task">
            <div className="task-head">
              <span className="task-name">{t.name}</span>
              <span className={`chip chip-${t.status.toLowerCase()}`}>{taskLabel(t.status)}</span>
              {!isFinished(t.status) && (
                <button className="link small" onClick={() => cancel(t)} aria-label={`Cancel ${t.name}`}>
                  Cancel
                </button>
              )}
            </div>
            <div
              className="bar"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(fraction * 100)}
            >
              <span style={{ width: `${Math.round(fraction * 100)}%` }} />
            </div>
            <div className="muted small">
              {t.status === "IN_PROGRESS" && t.progress?.message ? `${t.progress.message} · ` : ""}
              {t.result?.reason ? <span className="reason">{t.result.reason} · </span> : null}
              {t.attempt > 1 ? `attempt ${t.attempt} · ` : ""}
              {ago(t.created_at)}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
