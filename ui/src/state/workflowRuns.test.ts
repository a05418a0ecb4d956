import { describe, expect, it } from "vitest";
import type { RunStatus, StepRun, WorkflowRun } from "../api/types";
import { formatMs, runControls, runFinished, stepStatuses } from "./workflowRuns";

const row = (step_id: string, status: string, path = step_id): StepRun => ({
  path,
  step_id,
  kind: "task",
  status,
  attempt: 1,
  started_at: "2027-01-04T07:00:00.000Z",
});
// A run as the core answers one (crates/studio-core/src/workflow_runs.rs).
const run = (status: RunStatus, steps: StepRun[]): WorkflowRun => ({
  execution_id: "e1",
  project_id: "p1",
  workflow_id: "quick",
  workflow_name: "Quick",
  status,
  trigger: { type: "manual" },
  input: {},
  user_id: "local",
  created_at: "2027-01-04T07:00:00.000Z",
  steps_completed: steps.filter((s) => s.status === "completed").length,
  total_steps: 3,
  steps,
});
const ids = ["a", "b", "c"];

describe("stepStatuses", () => {
  it("follows a run as it goes: done, running, not reached yet", () => {
    expect(stepStatuses(ids, run("running", [row("a", "completed"), row("b", "running")]))).toEqual({
      a: "completed",
      b: "running",
      c: "pending",
    });
  });
  it("marks a branch not taken as skipped once the run has ended", () => {
    expect(stepStatuses(ids, run("completed", [row("a", "completed"), row("b", "completed")]))).toEqual({
      a: "completed",
      b: "completed",
      c: "skipped",
    });
  });
  it("says what a failure and a cancel did to the steps", () => {
    expect(stepStatuses(ids, run("failed", [row("a", "failed")]))).toEqual({ a: "failed", b: "skipped", c: "skipped" });
    expect(stepStatuses(ids, run("cancelled", [row("a", "completed"), row("b", "running")]))).toEqual({
      a: "completed",
      b: "cancelled",
      c: "cancelled",
    });
  });
  it("shows a step run in a loop by its latest iteration, or the one running", () => {
    const rows = [row("b", "completed", "l[0].b"), row("b", "failed", "l[1].b")];
    expect(stepStatuses(["b"], run("failed", rows)).b).toBe("failed");
    const going = [row("b", "completed", "l[0].b"), row("b", "running", "l[1].b")];
    expect(stepStatuses(["b"], run("running", going)).b).toBe("running");
  });
  it("is empty with no run", () => {
    expect(stepStatuses(ids, null)).toEqual({});
  });
});

describe("runs", () => {
  it("ends when completed, failed or cancelled", () => {
    const all: RunStatus[] = ["queued", "running", "paused", "completed", "failed", "cancelled"];
    expect(all.filter(runFinished)).toEqual(["completed", "failed", "cancelled"]);
  });
  it("takes pause while going, resume while paused, cancel until it ends", () => {
    expect(runControls("running")).toEqual({ pause: true, resume: false, cancel: true });
    expect(runControls("queued")).toEqual({ pause: true, resume: false, cancel: true });
    expect(runControls("paused")).toEqual({ pause: false, resume: true, cancel: true });
    expect(runControls("completed")).toEqual({ pause: false, resume: false, cancel: false });
  });
  it("says durations in words", () => {
    expect(formatMs(null)).toBe("–");
    expect(formatMs(12.4)).toBe("12 ms");
    expect(formatMs(2400)).toBe("2.4 s");
    expect(formatMs(185_000)).toBe("3 min 5 s");
  });
});
