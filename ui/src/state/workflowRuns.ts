// A workflow run as the Automation tab shows it: whether it has ended, which controls it takes,
// each step's status (for the graph's colours) and durations in words.
import type { RunControl, RunStatus, StepRun, WorkflowRun } from "../api/types";

export type StepStatus = "pending" | "running" | "completed" | "failed" | "skipped" | "cancelled";

const FINISHED: RunStatus[] = ["completed", "failed", "cancelled"];

/** Whether a run has ended (it is then no longer asked after). */
export function runFinished(status: RunStatus): boolean {
  return FINISHED.includes(status);
}

/** Which controls a run in this status takes. */
export function runControls(status: RunStatus): Record<RunControl, boolean> {
  return {
    pause: status === "running" || status === "queued",
    resume: status === "paused",
    cancel: !runFinished(status),
  };
}

/** Each step's status in a run. A step run more than once (in a loop) shows its latest; one
 *  with no row has not run: pending while the run goes on, skipped once it has ended (a branch
 *  not taken, or after a failure), cancelled with the run. */
export function stepStatuses(stepIds: string[], run: WorkflowRun | null): Record<string, StepStatus> {
  const out: Record<string, StepStatus> = {};
  if (!run) return out;
  for (const id of stepIds) {
    const rows = run.steps.filter((s) => s.step_id === id);
    const row = rows.find((r) => r.status === "running") ?? rows.at(-1);
    out[id] = row ? rowStatus(row, run.status) : notRun(run.status);
  }
  return out;
}

function rowStatus(row: StepRun, run: RunStatus): StepStatus {
  if (row.status === "completed") return "completed";
  // A step still running when its run ended went with the run.
  if (row.status === "running") return !runFinished(run) ? "running" : run === "cancelled" ? "cancelled" : "failed";
  return "failed";
}

function notRun(run: RunStatus): StepStatus {
  if (!runFinished(run)) return "pending";
  return run === "cancelled" ? "cancelled" : "skipped";
}

/** "840 ms", "2.4 s", "3 min 5 s"; "–" when not known. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
