// The project's question on its first screen: the words the parser took, marked with what it
// took them for (and the words it did not understand), each field of the task editable, and
// Confirm — which makes the conditions' scenario and sets the threshold (one undoable change).
import { useState } from "react";
import type { Backend } from "../api/backend";
import type { Comparison, PredictionTask, ProjectState } from "../api/types";
import { changeValue, describeChange, missing, segments, withChangeValue } from "../state/question";
import type { Notify } from "./ui";

const COMPARISONS: { value: Comparison; label: string }[] = [
  { value: "above", label: "passes (>)" },
  { value: "at_least", label: "reaches (≥)" },
  { value: "below", label: "stays below (<)" },
  { value: "at_most", label: "is at most (≤)" },
];

interface Props {
  backend: Backend;
  state: ProjectState;
  onChanged: (state: ProjectState) => void;
  notify: Notify;
  fail: (e: unknown) => void;
}

export function QuestionCard({ backend, state, onChanged, notify, fail }: Props) {
  const stored = state.prediction_task ?? null;
  const [question, setQuestion] = useState(state.initial_query ?? "");
  const [task, setTask] = useState<PredictionTask | null>(stored);
  // Open while a question waits for confirmation; a project without one shows a line.
  const [open, setOpen] = useState(stored !== null && !stored.confirmed);
  const [busy, setBusy] = useState(false);
  // A change made elsewhere (undo, a peer, a confirmation) shows here: the stored question and
  // task replace what is on screen when they change.
  const storedKey = `${state.initial_query ?? ""}\u0000${stored?.task_id ?? ""}\u0000${stored?.confirmed ?? false}`;
  const [seen, setSeen] = useState(storedKey);
  if (seen !== storedKey) {
    setSeen(storedKey);
    setQuestion(state.initial_query ?? "");
    setTask(stored);
  }

  const variables = Object.keys(
    (state.workbench_states.simulation.config as { variables?: Record<string, number> } | null)?.variables ?? {},
  );
  for (const c of task?.conditions ?? []) if (c.variable && !variables.includes(c.variable)) variables.push(c.variable);

  const read = async () => {
    setBusy(true);
    try {
      const next =
        question === (state.initial_query ?? "") ? state : await backend.setQuestion(state.project_id, question);
      if (next !== state) onChanged(next);
      // Read with the project's data now (its variables, its calendar).
      setTask(question.trim() ? await backend.parseQuestion(state.project_id) : null);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    if (!task) return;
    setBusy(true);
    try {
      const next = await backend.confirmPredictionTask(state.project_id, task);
      onChanged(next);
      notify("Confirmed the question: its scenario and threshold are set (Undo takes them back)");
      setOpen(false);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const edit = (change: Partial<PredictionTask>) => task && setTask({ ...task, ...change, confirmed: false });

  if (!open)
    return (
      <section className="card question closed" data-testid="question">
        <span className="muted small">Question</span>{" "}
        <strong>{state.initial_query || "none yet: ask what the project should forecast"}</strong>
        {stored?.confirmed && <span className="badge ok">confirmed</span>}
        <button className="link" onClick={() => setOpen(true)} data-testid="question-open">
          Edit
        </button>
      </section>
    );
  const gaps = task ? missing(task) : [];
  return (
    <section className="card question" data-testid="question" aria-label="The project's question">
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void read();
        }}
      >
        <label className="grow">
          Question
          <input
            value={question}
            onChange={(e) => setQuestion(e.target.value)}
            placeholder="Will heat-pump adoption pass 30% in five years if electricity prices fall 20%?"
            data-testid="question-text"
          />
        </label>
        <button type="submit" disabled={busy} data-testid="question-read">
          Read
        </button>
        {stored?.confirmed && (
          <button type="button" className="link" onClick={() => setOpen(false)}>
            Close
          </button>
        )}
      </form>
      {task && (
        <>
          <p className="parsed" data-testid="question-parts">
            {segments(task.question, [...task.understood, ...task.not_understood]).map((s, i) =>
              s.field ? (
                <mark key={i} className={`part ${s.field}`} title={s.note} data-field={s.field}>
                  {s.text}
                </mark>
              ) : (
                <span key={i}>{s.text}</span>
              ),
            )}
          </p>
          {task.not_understood.length > 0 && (
            <ul className="not-understood" data-testid="question-unknown">
              {task.not_understood.map((p) => (
                <li key={p.start}>
                  “{p.text}”: {p.note}
                </li>
              ))}
            </ul>
          )}
          <div className="task-fields">
            <label>
              Outcome
              <input value={task.outcome ?? ""} onChange={(e) => edit({ outcome: e.target.value || null })} />
            </label>
            <label>
              Comparison
              <select
                value={task.comparison ?? ""}
                onChange={(e) => edit({ comparison: (e.target.value || null) as Comparison | null })}
                data-testid="question-comparison"
              >
                <option value="">—</option>
                {COMPARISONS.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Target{task.target?.unit.kind === "share" ? " (%)" : task.target?.unit.kind === "factor" ? " (×)" : ""}
              <input
                type="number"
                step="any"
                value={
                  task.target ? (task.target.unit.kind === "share" ? task.target.value * 100 : task.target.value) : ""
                }
                onChange={(e) => {
                  const v = Number(e.target.value);
                  const unit = task.target?.unit ?? { kind: "share" as const };
                  edit({ target: { unit, value: unit.kind === "share" ? v / 100 : v } });
                }}
                data-testid="question-target"
              />
            </label>
            <label>
              By
              <input
                type="date"
                value={task.horizon?.date ?? ""}
                onChange={(e) => edit({ horizon: e.target.value ? { date: e.target.value } : null })}
                data-testid="question-horizon"
              />
              {task.horizon?.ticks != null && <span className="muted small"> tick {task.horizon.ticks}</span>}
            </label>
          </div>
          {(task.conditions ?? []).length > 0 && (
            <table className="conditions" data-testid="question-conditions">
              <thead>
                <tr>
                  <th>Condition</th>
                  <th>Variable</th>
                  <th>Change</th>
                </tr>
              </thead>
              <tbody>
                {(task.conditions ?? []).map((c, i) => (
                  <tr key={i}>
                    <td>
                      “{c.phrase}” {describeChange(c.change)}
                    </td>
                    <td>
                      <select
                        value={c.variable ?? ""}
                        aria-label={`Variable for ${c.phrase}`}
                        onChange={(e) => {
                          const conditions = [...(task.conditions ?? [])];
                          conditions[i] = { ...c, variable: e.target.value || null };
                          edit({ conditions });
                        }}
                      >
                        <option value="">choose…</option>
                        {variables.map((v) => (
                          <option key={v} value={v}>
                            {v}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <input
                        type="number"
                        step="any"
                        aria-label={`Change for ${c.phrase}`}
                        value={changeValue(c.change)}
                        onChange={(e) => {
                          const conditions = [...(task.conditions ?? [])];
                          conditions[i] = { ...c, change: withChangeValue(c.change, Number(e.target.value)) };
                          edit({ conditions });
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="row">
            {gaps.length > 0 && <span className="muted small">Missing: {gaps.join(", ")}</span>}
            <span className="spacer" />
            <button className="primary" onClick={confirm} disabled={busy} data-testid="question-confirm">
              Confirm
            </button>
          </div>
        </>
      )}
    </section>
  );
}
