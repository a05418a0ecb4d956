import { describe, expect, it } from "vitest";
import {
  activeTasks,
  ago,
  diffStates,
  filterProjects,
  isFinished,
  mergeTask,
  nextStale,
  settle,
  statusLabel,
  taskLabel,
} from "./logic";
import type { ProjectState, ProjectSummary, Task } from "../api/types";
import taskFixture from "../api/fixtures/tasks.json";
import fixture from "../api/fixtures/project_state.json";

const summary = (name: string, updated: string, description = ""): ProjectSummary => ({
  project_id: name,
  user_id: "u",
  project_name: name,
  description,
  status: "draft",
  version: 1,
  created_at: updated,
  updated_at: updated,
});

describe("library", () => {
  it("filters by every word, newest first", () => {
    const list = [
      summary("Heat pumps", "2026-01-01"),
      summary("EV charging", "2026-03-01", "heat demand"),
      summary("Solar", "2026-02-01"),
    ];
    expect(filterProjects(list, "heat").map((p) => p.project_name)).toEqual(["EV charging", "Heat pumps"]);
    expect(filterProjects(list, "heat pumps").map((p) => p.project_name)).toEqual(["Heat pumps"]);
    expect(filterProjects(list, "").map((p) => p.project_name)).toEqual(["EV charging", "Solar", "Heat pumps"]);
  });
  it("labels statuses and times", () => {
    expect(statusLabel("scenarios_defined")).toBe("Scenarios defined");
    const now = new Date("2026-11-22T12:00:00Z");
    expect(ago("2026-11-22T11:59:30Z", now)).toBe("just now");
    expect(ago("2026-11-22T11:45:00Z", now)).toBe("15 min ago");
    expect(ago("2026-11-22T09:00:00Z", now)).toBe("3 h ago");
  });
});

describe("stale markers", () => {
  it("adds what a change invalidates and clears the changed stage", () => {
    const changes = {
      project_status_changed: true,
      downstream_invalidated: ["simulation", "report"] as const,
      warnings: [],
    };
    expect(
      nextStale(["scenario"], "scenario", {
        ...changes,
        downstream_invalidated: [...changes.downstream_invalidated],
      }).sort(),
    ).toEqual(["report", "simulation"]);
    expect(
      nextStale(["report"], null, { project_status_changed: false, downstream_invalidated: [], warnings: [] }),
    ).toEqual(["report"]);
  });
});

describe("settling", () => {
  it("clears the marks and warnings of stages that completed, keeps the rest", () => {
    const base = fixture as unknown as ProjectState;
    const state = structuredClone(base);
    state.workbench_states.population.status = "complete";
    state.workbench_states.report.status = "in_progress";
    const warnings = [
      "Population must be re-generated after data changes",
      "Report must be re-generated after data changes",
    ];
    const out = settle(state, ["population", "report"], warnings);
    expect(out.stale).toEqual(["report"]);
    expect(out.warnings).toEqual(["Report must be re-generated after data changes"]);
  });
});

describe("version diff", () => {
  it("says what changed between two states", () => {
    const a = fixture as unknown as ProjectState;
    const b: ProjectState = structuredClone(a);
    b.project_name = "Renamed";
    b.workbench_states.data.overrides = [
      ...b.workbench_states.data.overrides,
      { field: "new.field", value: 1, reason: "r" },
    ];
    b.scenarios = b.scenarios.slice(1);
    const diff = diffStates(a, b);
    expect(diff).toContain(`Name: "${a.project_name}" → "Renamed"`);
    expect(diff).toContain("Override added: new.field");
    expect(diff).toContain(`Scenario removed: ${a.scenarios[0].name}`);
    expect(diffStates(a, a)).toEqual([]);
  });
});

describe("tasks", () => {
  const tasks = taskFixture as Task[];

  it("replaces a task it has with a later state and puts a new one first", () => {
    const pending: Task = { ...tasks[1], status: "PENDING", result: null };
    const list = mergeTask(
      tasks.filter((t) => t.id !== pending.id),
      pending,
    );
    const running: Task = { ...pending, status: "IN_PROGRESS", progress: { fraction: 0.4, message: "ticking" } };
    const merged = mergeTask(list, running);
    expect(merged.find((t) => t.id === pending.id)?.progress?.fraction).toBe(0.4);
    // An answer that arrives after the events never rolls a task back.
    expect(mergeTask(merged, pending)).toBe(merged);
    expect(mergeTask(tasks, pending)).toBe(tasks);
    // A retry (a later attempt) does replace a failed one.
    const retry: Task = { ...tasks[1], status: "PENDING", attempt: 2 };
    expect(mergeTask(tasks, retry).find((t) => t.id === retry.id)?.status).toBe("PENDING");
    const fresh: Task = { ...tasks[0], id: "new-task", status: "PENDING" };
    expect(mergeTask(tasks, fresh)[0].id).toBe("new-task");
  });

  it("counts what has not finished and names statuses for people", () => {
    expect(activeTasks(tasks)).toBe(0);
    expect(activeTasks(mergeTask(tasks, { ...tasks[0], id: "running", status: "IN_PROGRESS" }))).toBe(1);
    expect(isFinished("FAILED") && !isFinished("ASSIGNED")).toBe(true);
    expect(taskLabel("IN_PROGRESS")).toBe("Running");
  });
});
