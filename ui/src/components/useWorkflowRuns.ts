// A workflow's runs as the Automation tab follows them: the list (newest first), the run shown,
// asked after every half second until it ends (the core writes each step as it starts and
// ends, and sends no event per step), and starting and controlling runs. Errors are kept as
// the core's text to show, never thrown.
import { useCallback, useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { RunControl, WorkflowRun } from "../api/types";
import { runFinished } from "../state/workflowRuns";

/** How often the run shown is asked after while it goes on. */
export const POLL_MS = 500;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** The list with `run` in place of its older copy (or first, when it is new). */
const withRun = (list: WorkflowRun[], run: WorkflowRun) =>
  list.some((r) => r.execution_id === run.execution_id)
    ? list.map((r) => (r.execution_id === run.execution_id ? run : r))
    : [run, ...list];

export function useWorkflowRuns(backend: Backend, projectId: string, workflowId: string | null) {
  const [runs, setRuns] = useState<WorkflowRun[]>([]);
  const [shown, setShown] = useState<WorkflowRun | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(() => {
    if (!workflowId) return;
    backend
      .workflowRuns(projectId, workflowId)
      .then((list) => setRuns([...list].sort((a, b) => b.created_at.localeCompare(a.created_at))))
      .catch((e) => setError(message(e)));
  }, [backend, projectId, workflowId]);
  useEffect(refresh, [refresh]);

  const show = useCallback((run: WorkflowRun) => {
    setShown(run);
    setRuns((list) => withRun(list, run));
  }, []);

  // The run shown, asked after until it ends; then the list is read again (its neighbours
  // may have moved on too).
  const shownId = shown?.execution_id ?? null;
  const live = shown != null && !runFinished(shown.status);
  useEffect(() => {
    if (!shownId || !live) return;
    let stopped = false;
    let timer = 0;
    const ask = () =>
      backend
        .workflowRun(shownId)
        .then((run) => {
          if (stopped) return;
          show(run);
          setError(null);
          if (runFinished(run.status)) refresh();
          else timer = window.setTimeout(ask, POLL_MS);
        })
        .catch((e) => {
          if (stopped) return;
          setError(message(e));
          // The server may be back in a moment: ask again, less often.
          timer = window.setTimeout(ask, POLL_MS * 4);
        });
    timer = window.setTimeout(ask, POLL_MS);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [backend, shownId, live, show, refresh]);

  const select = useCallback(
    (run: WorkflowRun) => {
      setShown(run);
      backend
        .workflowRun(run.execution_id)
        .then(show)
        .catch((e) => setError(message(e)));
    },
    [backend, show],
  );

  /** Starts a run; true when it started. */
  const start = useCallback(
    async (input: object | null) => {
      if (!workflowId) return false;
      try {
        show(await backend.executeWorkflow(projectId, workflowId, input));
        setError(null);
        return true;
      } catch (e) {
        setError(message(e));
        return false;
      }
    },
    [backend, projectId, workflowId, show],
  );

  const control = useCallback(
    async (run: WorkflowRun, what: RunControl) => {
      try {
        show(await backend.controlWorkflowRun(run.execution_id, what));
        setError(null);
      } catch (e) {
        setError(message(e));
      }
    },
    [backend, show],
  );

  return { runs, shown, error, select, start, control };
}
