// One workflow open in the Automation tab: its JSON to edit (Save with the button, Ctrl/Cmd+S or
// Ctrl+Enter; a refusal shown as the core says it, naming the step), its steps listed and
// drawn as a graph from the text as typed, and its runs. A step's status colours the graph
// while a run is shown.
import { useMemo, useState } from "react";
import type { Backend } from "../api/backend";
import type { Workflow, WorkflowInput } from "../api/types";
import { type DraftStep, draftSteps } from "../state/automation";
import { stepStatuses } from "../state/workflowRuns";
import { editorText, parseWorkflow } from "../state/workflowText";
import type { Notify } from "./ui";
import { useWorkflowRuns } from "./useWorkflowRuns";
import { WorkflowGraph } from "./WorkflowGraph";
import { WorkflowRuns } from "./WorkflowRuns";

interface Props {
  backend: Backend;
  projectId: string;
  /** The workflow as saved; null for a new one not saved yet (`draft`). */
  saved: Workflow | null;
  draft: WorkflowInput;
  onSaved: (workflow: Workflow) => void;
  onGone: (workflowId: string) => void;
  notify: Notify;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The steps of the text as typed, when it reads as JSON with a list of steps. */
function typedSteps(text: string): DraftStep[] | null {
  try {
    return draftSteps(JSON.parse(text));
  } catch {
    return null;
  }
}

export function WorkflowEditor({ backend, projectId, saved, draft, onSaved, onGone, notify }: Props) {
  const original = editorText(saved ?? draft);
  const [text, setText] = useState(original);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The workflow changed elsewhere (an undo, another window) shows here unless being edited.
  const [textOf, setTextOf] = useState(original);
  if (textOf !== original) {
    setTextOf(original);
    if (text === textOf) setText(original);
  }
  const dirty = text !== original;
  const savedSteps = useMemo(() => draftSteps(saved ?? draft) ?? [], [saved, draft]);
  const typed = useMemo(() => typedSteps(text), [text]);
  const steps = typed ?? savedSteps;
  const runs = useWorkflowRuns(backend, projectId, saved?.workflow_id ?? null);
  const statuses = useMemo(
    () =>
      stepStatuses(
        steps.map((s) => String(s.id)),
        runs.shown,
      ),
    [steps, runs.shown],
  );

  const save = async () => {
    const parsed = parseWorkflow(text);
    if (!parsed.ok) return setError(parsed.error);
    setBusy(true);
    try {
      const next = await backend.saveWorkflow(projectId, parsed.value);
      setError(null);
      setText(editorText(next));
      onSaved(next);
      notify(`Saved the workflow “${next.name}”`);
    } catch (e) {
      // The core names the step and what is wrong with it: shown as it says it.
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!saved) return onGone(draft.workflow_id);
    if (!window.confirm(`Delete the workflow “${saved.name}”? Its runs stay in the library; Undo brings it back.`))
      return;
    try {
      await backend.deleteWorkflow(projectId, saved.workflow_id);
      onGone(saved.workflow_id);
      notify(`Deleted the workflow “${saved.name}”`);
    } catch (e) {
      setError(message(e));
    }
  };

  const onKey = (e: React.KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && (e.key.toLowerCase() === "s" || e.key === "Enter")) {
      // Here Ctrl+S saves the workflow, not a version of the project.
      e.preventDefault();
      e.stopPropagation();
      if (!busy) save();
    }
  };

  return (
    <section className="stack tight" data-testid="workflow-editor" aria-label={`Workflow ${saved?.name ?? draft.name}`}>
      <div className="row spread">
        <h3>
          {saved?.name ?? draft.name}
          {!saved && <span className="muted small"> · not saved yet</span>}
          {saved && dirty && <span className="muted small"> · changed</span>}
        </h3>
        <span className="actions">
          {dirty && saved && (
            <button
              type="button"
              onClick={() => {
                setText(original);
                setError(null);
              }}
              title="Back to the workflow as saved"
            >
              Revert
            </button>
          )}
          <button type="button" className="danger" onClick={remove}>
            {saved ? "Delete" : "Discard"}
          </button>
          <button
            type="button"
            className="primary"
            onClick={save}
            disabled={busy}
            title="Save the workflow (Ctrl+S or Ctrl+Enter)"
            data-testid="workflow-save"
          >
            Save
          </button>
        </span>
      </div>
      <div className="wf-editor">
        <div className="stack tight">
          <textarea
            className="mono wf-json"
            aria-label="Workflow JSON"
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKey}
            data-testid="workflow-json"
          />
          {error && (
            <p className="banner error small wf-error" role="alert" data-testid="workflow-error">
              {error}
            </p>
          )}
          <StepList steps={steps} />
        </div>
        <WorkflowGraph steps={steps} statuses={statuses} />
      </div>
      <WorkflowRuns runs={runs} canRun={saved != null} />
    </section>
  );
}

/** The steps in the list's order, for those who do not read JSON. */
function StepList({ steps }: { steps: DraftStep[] }) {
  if (steps.length === 0) return <p className="muted small">No steps yet: add them to "steps".</p>;
  return (
    <ol className="wf-step-list small" data-testid="wf-step-list" aria-label="Steps">
      {steps.map((s, i) => (
        <li key={i}>
          <span className="chip">{String(s.type ?? "?")}</span> {typeof s.name === "string" ? s.name : ""}{" "}
          <span className="mono muted">{String(s.id)}</span>
        </li>
      ))}
    </ol>
  );
}
