// Small shared pieces: the message line, status badges, a labelled number field, a task's
// progress.
import { useEffect, useState } from "react";
import type { ProjectStatus, StageStatus, Task } from "../api/types";
import { statusLabel } from "../state/logic";
import { messageLine, type Toast } from "../state/toasts";

/** Shows a message to the analyst, optionally with an action (e.g. Undo). */
export interface Notify {
  (text: string, kind?: Toast["kind"], action?: Toast["action"]): void;
}

/** The message line: one line at the bottom of the window, in a strip the page keeps free for
 *  it, so it never covers a control. It shows the newest message; "+N more" (or the message
 *  itself, cut short on one line) opens the list of all of them, newest first, in full.
 *  Escape closes that list, else dismisses the message shown. */
export function MessageLine({ queue, dismiss }: { queue: Toast[]; dismiss: (id: number) => void }) {
  const [open, setOpen] = useState(false);
  const { newest, older } = messageLine(queue);
  const listed = open && newest != null;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // A form that handles Escape itself (closing an editor) keeps it.
      if (e.key !== "Escape" || e.defaultPrevented) return;
      if (listed) setOpen(false);
      else if (newest) dismiss(newest.id);
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [listed, newest, dismiss]);
  const toggle = () => setOpen(!listed);
  return (
    <footer className={`message-line${newest ? ` ${newest.kind}` : ""}`} data-testid="message-line">
      <div className="message" role="status" aria-live="polite">
        {newest && <Message toast={newest} dismiss={dismiss} onText={toggle} />}
      </div>
      {older.length > 0 && (
        <button className="link more" aria-expanded={listed} onClick={toggle} data-testid="toast-more">
          +{older.length} more
        </button>
      )}
      {listed && (
        <ol className="message-history" data-testid="toast-history" aria-label="Messages, newest first">
          {queue.map((t) => (
            <li key={t.id}>
              <Message toast={t} dismiss={dismiss} />
            </li>
          ))}
        </ol>
      )}
    </footer>
  );
}

function Message({ toast, dismiss, onText }: { toast: Toast; dismiss: (id: number) => void; onText?: () => void }) {
  const text = (
    <>
      {toast.kind === "error" && <span className="sr-only">Error: </span>}
      {toast.text}
      {(toast.count ?? 1) > 1 && <span className="muted small"> ×{toast.count}</span>}
    </>
  );
  return (
    <div className={`toast ${toast.kind}`} data-testid="toast">
      {onText ? (
        <button className="text" title={`${toast.text} (click for all messages)`} onClick={onText}>
          {text}
        </button>
      ) : (
        <span className="text">{text}</span>
      )}
      {toast.action && (
        <button
          className="link"
          onClick={() => {
            toast.action?.run();
            dismiss(toast.id);
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button className="icon" aria-label="Dismiss" title="Dismiss (Esc)" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

export function StatusBadge({ status }: { status: ProjectStatus }) {
  return <span className={`badge status-${status}`}>{statusLabel(status)}</span>;
}

export function StageDot({ status }: { status: StageStatus }) {
  return <span className={`dot stage-${status}`} title={status.replace("_", " ")} />;
}

/** A labelled number field whose label is also its accessible name. The value stays as typed
 *  (a string) until the form sends it, so a half-typed number is not corrected under the
 *  analyst's fingers; the browser keeps it within `min`..`max`. */
export function NumberField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  min?: number;
  max?: number;
  step?: number | "any";
}) {
  const { label, value, onChange, min, max, step } = props;
  return (
    <label>
      {label}{" "}
      <input
        aria-label={label}
        type="number"
        min={min}
        max={max}
        step={step}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

/** Whether a task has ended, one way or another. */
export function taskEnded(task: Task): boolean {
  return ["COMPLETED", "FAILED", "CANCELLED"].includes(task.status);
}

/** A task's progress bar while it runs, and the line saying where it is or why it ended. */
export function TaskProgress({ task, label, testId }: { task: Task; label: string; testId: string }) {
  const percent = Math.round((task.progress?.fraction ?? 0) * 100);
  return (
    <>
      {!taskEnded(task) && (
        <div
          className="bar"
          role="progressbar"
          aria-label={label}
          aria-valuenow={percent}
          aria-valuemin={0}
          aria-valuemax={100}
        >
          <span style={{ width: `${percent}%` }} />
        </div>
      )}
      <p className="muted small" data-testid={testId}>
        {task.result?.reason ?? task.progress?.message ?? "waiting to start"}
      </p>
    </>
  );
}
