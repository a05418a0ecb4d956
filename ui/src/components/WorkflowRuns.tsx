// A workflow's runs: Run (with an optional JSON input), the runs newest first, and the run
// chosen step by step — each step's place, status, kind, start, time taken, output and error —
// with Pause, Resume and Cancel as its status allows.
import { useState } from "react";
import type { StepRun, WorkflowRun } from "../api/types";
import { ago } from "../state/logic";
import { formatMs, runControls } from "../state/workflowRuns";
import { parseRunInput } from "../state/workflowText";
import type { useWorkflowRuns } from "./useWorkflowRuns";

type Runs = ReturnType<typeof useWorkflowRuns>;

interface Props {
  runs: Runs;
  /** False while the workflow has never been saved: only a saved workflow runs. */
  canRun: boolean;
}

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleTimeString() : "–");

export function WorkflowRuns({ runs, canRun }: Props) {
  const [input, setInput] = useState("");
  const [inputError, setInputError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  const run = async (e: React.FormEvent) => {
    e.preventDefault();
    const parsed = parseRunInput(input);
    if (!parsed.ok) return setInputError(parsed.error);
    setInputError(null);
    setStarting(true);
    await runs.start(parsed.value);
    setStarting(false);
  };

  return (
    <section className="stack tight" data-testid="workflow-runs">
      <h3>Runs</h3>
      <form className="row" onSubmit={run}>
        <input
          className="mono"
          aria-label="Run input (JSON)"
          placeholder='Input, optional: {"x": 2}'
          value={input}
          onChange={(e) => setInput(e.target.value)}
        />
        <button type="submit" className="primary" disabled={!canRun || starting} data-testid="workflow-run">
          Run
        </button>
      </form>
      {!canRun && <p className="muted small">Save the workflow to run it.</p>}
      {inputError && (
        <p className="error-text small" role="alert">
          {inputError}
        </p>
      )}
      {runs.error && (
        <p className="banner error small" role="alert" data-testid="runs-error">
          {runs.error}
        </p>
      )}
      {runs.runs.length === 0 ? (
        <p className="muted small">No runs yet. Run the workflow and follow it here, step by step.</p>
      ) : (
        <table className="wf-runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Started</th>
              <th>Took</th>
              <th>Steps</th>
            </tr>
          </thead>
          <tbody>
            {runs.runs.map((r) => (
              <tr
                key={r.execution_id}
                className={r.execution_id === runs.shown?.execution_id ? "selected" : ""}
                data-testid="wf-run"
              >
                <td>
                  <button
                    className="link"
                    aria-pressed={r.execution_id === runs.shown?.execution_id}
                    onClick={() => runs.select(r)}
                  >
                    {r.execution_id.slice(0, 8)}
                  </button>
                </td>
                <td>
                  <span className={`chip chip-${r.status}`}>{r.status}</span>
                </td>
                <td title={r.started_at ?? r.created_at}>{ago(r.started_at ?? r.created_at)}</td>
                <td>{formatMs(r.duration == null ? null : r.duration * 1000)}</td>
                <td>
                  {r.steps_completed}/{r.total_steps}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {runs.shown && <RunDetail run={runs.shown} control={runs.control} />}
    </section>
  );
}

function RunDetail({ run, control }: { run: WorkflowRun; control: Runs["control"] }) {
  const can = runControls(run.status);
  return (
    <div className="card stack tight" data-testid="wf-run-detail">
      <div className="row spread">
        <strong>
          Run {run.execution_id.slice(0, 8)}:{" "}
          <span className={`chip chip-${run.status}`} data-testid="wf-run-status">
            {run.status}
          </span>
        </strong>
        <span className="actions">
          <button onClick={() => control(run, "pause")} disabled={!can.pause}>
            Pause
          </button>
          <button onClick={() => control(run, "resume")} disabled={!can.resume}>
            Resume
          </button>
          <button className="danger" onClick={() => control(run, "cancel")} disabled={!can.cancel}>
            Cancel
          </button>
        </span>
      </div>
      <p className="muted small">
        {run.steps_completed} of {run.total_steps} steps completed · started {when(run.started_at)} · took{" "}
        {formatMs(run.duration == null ? null : run.duration * 1000)} · input <code>{JSON.stringify(run.input)}</code>
      </p>
      {run.error && (
        <p className="error-text small" role="alert">
          {run.error}
        </p>
      )}
      {run.steps.length === 0 ? (
        <p className="muted small">
          {run.status === "queued" ? "Waiting for a free slot…" : "No step has started yet."}
        </p>
      ) : (
        <table className="wf-steps-run">
          <thead>
            <tr>
              <th>Step</th>
              <th>Status</th>
              <th>Kind</th>
              <th>Started</th>
              <th>Took</th>
            </tr>
          </thead>
          <tbody>
            {run.steps.map((s) => (
              <StepRow key={s.path} step={s} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function StepRow({ step }: { step: StepRun }) {
  return (
    <tr data-testid="wf-run-step" data-path={step.path} data-status={step.status}>
      <td className="mono">
        {step.path}
        {step.attempt > 1 && <span className="muted small"> · attempt {step.attempt}</span>}
        {step.output !== undefined && step.output !== null && (
          <details className="wf-output">
            <summary className="small">output</summary>
            <pre className="mono small">{JSON.stringify(step.output, null, 2)}</pre>
          </details>
        )}
        {step.error && <p className="error-text small">{step.error}</p>}
      </td>
      <td>
        <span className={`chip chip-${step.status}`}>{step.status}</span>
      </td>
      <td>{step.kind}</td>
      <td>{when(step.started_at)}</td>
      <td data-testid="wf-step-duration">{formatMs(step.duration_ms)}</td>
    </tr>
  );
}
