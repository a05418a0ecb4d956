// The screens' state logic, kept pure so it is tested without a browser.
import type {
  ProjectState,
  ProjectStatus,
  ProjectSummary,
  StateChanges,
  Task,
  TaskStatus,
  Workbench,
} from "../api/types";

const STATUS_LABELS: Record<ProjectStatus, string> = {
  draft: "Draft",
  data_ready: "Data ready",
  population_ready: "Population ready",
  scenarios_defined: "Scenarios defined",
  simulated: "Simulated",
  complete: "Complete",
};

export function statusLabel(status: ProjectStatus): string {
  return STATUS_LABELS[status] ?? status;
}

export const WORKBENCH_LABELS: Record<Workbench, string> = {
  data: "Data",
  population: "Population",
  scenario: "Scenario",
  simulation: "Simulation",
  report: "Report",
};

/** Projects whose name or description holds every word of the query, newest first. */
export function filterProjects(list: ProjectSummary[], query: string): ProjectSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return list
    .filter((p) => {
      const text = `${p.project_name} ${p.description}`.toLowerCase();
      return words.every((w) => text.includes(w));
    })
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at));
}

/** Stale workbenches after a change: the invalidated ones join; the changed one is fresh. */
export function nextStale(stale: Workbench[], changed: Workbench | null, changes: StateChanges): Workbench[] {
  const set = new Set(stale.filter((w) => w !== changed));
  for (const w of changes.downstream_invalidated) set.add(w);
  return [...set];
}

const WARNING_STAGE: [string, Workbench][] = [
  ["Data sources must be refreshed", "data"],
  ["Population must be re-generated", "population"],
  ["Scenarios must be re-validated", "scenario"],
  ["Simulations must be re-run", "simulation"],
  ["Report must be re-generated", "report"],
];

/** Stale marks and warnings that a stage's completion has answered (a regenerated population
 *  clears "Population must be re-generated"). */
export function settle(state: ProjectState, stale: Workbench[], warnings: string[]) {
  const done = (w: Workbench) => state.workbench_states[w].status === "complete";
  return {
    stale: stale.filter((w) => !done(w)),
    warnings: warnings.filter((text) => !WARNING_STAGE.some(([start, w]) => text.startsWith(start) && done(w))),
  };
}

/** "3 min ago" style, for lists. */
export function ago(iso: string, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(iso).toLocaleDateString();
}

/** What differs between two saved states, in words, for the versions panel. */
export function diffStates(a: ProjectState, b: ProjectState): string[] {
  const out: string[] = [];
  if (a.project_name !== b.project_name) out.push(`Name: "${a.project_name}" → "${b.project_name}"`);
  if (a.description !== b.description) out.push("Description changed");
  if (a.status !== b.status) out.push(`Status: ${statusLabel(a.status)} → ${statusLabel(b.status)}`);
  const keyed = <T>(items: T[], key: (t: T) => string) => new Map(items.map((i) => [key(i), JSON.stringify(i)]));
  const compare = (what: string, before: Map<string, string>, after: Map<string, string>) => {
    for (const [k, v] of after) {
      if (!before.has(k)) out.push(`${what} added: ${k}`);
      else if (before.get(k) !== v) out.push(`${what} changed: ${k}`);
    }
    for (const k of before.keys()) if (!after.has(k)) out.push(`${what} removed: ${k}`);
  };
  const wa = a.workbench_states,
    wb = b.workbench_states;
  compare(
    "Override",
    keyed(wa.data.overrides, (o) => o.field),
    keyed(wb.data.overrides, (o) => o.field),
  );
  compare(
    "Custom source",
    keyed(wa.data.custom_sources, (s) => s.name),
    keyed(wb.data.custom_sources, (s) => s.name),
  );
  compare(
    "Scenario",
    keyed(a.scenarios, (s) => s.name),
    keyed(b.scenarios, (s) => s.name),
  );
  compare(
    "Annotation",
    keyed(wa.report.annotations, (n) => `${n.section}: ${n.text}`),
    keyed(wb.report.annotations, (n) => `${n.section}: ${n.text}`),
  );
  if (JSON.stringify(wa.report.config) !== JSON.stringify(wb.report.config)) out.push("Report settings changed");
  return out;
}

const TASK_STAGE: Record<TaskStatus, number> = {
  PENDING: 0,
  ASSIGNED: 1,
  IN_PROGRESS: 2,
  COMPLETED: 3,
  FAILED: 3,
  CANCELLED: 3,
};

/** Whether `a` is the same task at a later point than `b`: a later attempt, or further along
 * in the same one. Events and answers can arrive out of order; the older never wins. */
export function isLater(a: Task, b: Task): boolean {
  if (a.attempt !== b.attempt) return a.attempt > b.attempt;
  if (isFinished(b.status)) return false;
  return TASK_STAGE[a.status] >= TASK_STAGE[b.status];
}

/** The task list with `task` put in: replaced where it was (unless what is there is later),
 * else added first (newest first). */
export function mergeTask(list: Task[], task: Task): Task[] {
  const at = list.findIndex((t) => t.id === task.id);
  if (at < 0) return [task, ...list];
  if (!isLater(task, list[at])) return list;
  const next = list.slice();
  next[at] = task;
  return next;
}

export function isFinished(status: TaskStatus): boolean {
  return status === "COMPLETED" || status === "FAILED" || status === "CANCELLED";
}

const TASK_LABELS: Record<TaskStatus, string> = {
  PENDING: "Waiting",
  ASSIGNED: "Starting",
  IN_PROGRESS: "Running",
  COMPLETED: "Done",
  FAILED: "Failed",
  CANCELLED: "Cancelled",
};

export function taskLabel(status: TaskStatus): string {
  return TASK_LABELS[status] ?? status;
}

/** Tasks not finished yet: what the tasks tab counts. */
export function activeTasks(list: Task[]): number {
  return list.filter((t) => !isFinished(t.status)).length;
}
