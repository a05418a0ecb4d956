// The Automation tab: the project's workflows (what starts each, how many steps), "New
// workflow", the one chosen open to edit, draw and run (WorkflowEditor), and Operations. Not a
// pipeline stage: workflows run the stages. A render error stays inside this tab.
import { Component, type ReactNode, useCallback, useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { ProjectState, Workflow, WorkflowInput } from "../api/types";
import { starterWorkflow, triggersSummary } from "../state/workflowText";
import { OperationsPanel } from "./OperationsPanel";
import type { Notify } from "./ui";
import { WorkflowEditor } from "./WorkflowEditor";

interface Props {
  backend: Backend;
  state: ProjectState;
  notify: Notify;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const byName = (list: Workflow[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));

export function AutomationPane(props: Props) {
  return (
    <PaneGuard>
      <Automation {...props} />
    </PaneGuard>
  );
}

function Automation({ backend, state, notify }: Props) {
  const projectId = state.project_id;
  const [workflows, setWorkflows] = useState<Workflow[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  // A new workflow, shown until it is saved or discarded.
  const [draft, setDraft] = useState<WorkflowInput | null>(null);

  const reload = useCallback(() => {
    backend
      .workflows(projectId)
      .then((list) => {
        setWorkflows(byName(list));
        setLoadError(null);
      })
      .catch((e) => setLoadError(message(e)));
  }, [backend, projectId]);
  // Read again when the project changes (a save here, an undo, another window).
  const changes = `${state.version}:${state.modification_log.length}:${state.updated_at}`;
  useEffect(reload, [reload, changes]);

  const saved = workflows?.find((w) => w.workflow_id === selected) ?? null;
  const open = saved ?? (draft?.workflow_id === selected ? draft : null);

  const create = () => {
    const next = starterWorkflow((workflows ?? []).map((w) => w.workflow_id));
    setDraft(next);
    setSelected(next.workflow_id);
  };
  const onSaved = (w: Workflow) => {
    setWorkflows((list) => byName([...(list ?? []).filter((o) => o.workflow_id !== w.workflow_id), w]));
    setDraft(null);
    setSelected(w.workflow_id);
    reload();
  };
  const onGone = (id: string) => {
    setWorkflows((list) => (list ?? []).filter((w) => w.workflow_id !== id));
    setDraft(null);
    setSelected(null);
    reload();
  };

  return (
    <div className="stack automation" data-testid="automation">
      <section className="stack tight">
        <div className="row spread">
          <h2>Workflows</h2>
          <button type="button" className="primary" onClick={create} data-testid="workflow-new">
            New workflow
          </button>
        </div>
        {loadError && (
          <p className="banner error small" role="alert">
            Could not read the workflows: {loadError}
          </p>
        )}
        {workflows == null && !loadError && <p className="muted small">Reading the workflows…</p>}
        {workflows?.length === 0 && !draft && (
          <p className="muted small" data-testid="workflows-empty">
            No workflows yet. “New workflow” starts one: steps that run the pipeline by themselves — by hand, on a
            schedule, on an event or when a data file changes.
          </p>
        )}
        {((workflows?.length ?? 0) > 0 || draft) && (
          <table data-testid="workflow-list">
            <thead>
              <tr>
                <th>Workflow</th>
                <th>Starts</th>
                <th>Steps</th>
              </tr>
            </thead>
            <tbody>
              {[...(workflows ?? []), ...(draft ? [draft] : [])].map((w) => (
                <tr
                  key={w.workflow_id}
                  className={w.workflow_id === selected ? "selected" : ""}
                  data-testid="workflow-item"
                >
                  <td>
                    <button
                      className="link strong"
                      aria-pressed={w.workflow_id === selected}
                      onClick={() => setSelected(w.workflow_id)}
                    >
                      {w.name}
                    </button>{" "}
                    <span className="mono muted small">{w.workflow_id}</span>
                    {w === draft && <span className="muted small"> · not saved yet</span>}
                  </td>
                  <td>{triggersSummary(w.triggers)}</td>
                  <td>{w.steps.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {!open && (workflows?.length ?? 0) > 0 && (
          <p className="muted small">Choose a workflow to edit it, see it drawn and run it.</p>
        )}
      </section>
      {open && (
        <WorkflowEditor
          key={open.workflow_id}
          backend={backend}
          projectId={projectId}
          saved={saved}
          draft={open}
          onSaved={onSaved}
          onGone={onGone}
          notify={notify}
        />
      )}
      <OperationsPanel backend={backend} />
    </div>
  );
}

/** Keeps a render error inside the tab, saying so, rather than blanking the window. */
class PaneGuard extends Component<{ children: ReactNode }, { error: string | null }> {
  state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: message(e) };
  }
  render() {
    if (this.state.error == null) return this.props.children;
    return (
      <div className="banner error" role="alert">
        The Automation tab ran into a problem: {this.state.error}
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
