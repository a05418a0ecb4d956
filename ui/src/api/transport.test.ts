// Holds the TypeScript transport types against JSON the Rust core really produced
// (written by tests/tests/transport.rs). Each `Keys<T>` record must name exactly the type's
// fields (the compiler checks that); this test checks the JSON has exactly those fields.
import { describe, expect, it } from "vitest";
import type {
  HistoryResponse,
  LibraryInfo,
  LogEntry,
  ProjectState,
  ProjectSummary,
  RecoveryOffer,
  ScenarioSummary,
  StateChanges,
  Task,
  TaskResult,
  UnsavedEdit,
  VersionInfo,
  WorkbenchResponse,
  WorkbenchStates,
} from "./types";
import tasks from "./fixtures/tasks.json";
import state from "./fixtures/project_state.json";
import response from "./fixtures/workbench_response.json";
import history from "./fixtures/history_response.json";
import list from "./fixtures/project_list.json";
import versions from "./fixtures/versions.json";
import offer from "./fixtures/recovery_offer.json";
import library from "./fixtures/library_info.json";

// A key is optional when an object without it is still a Pick<T, K>.
type Keys<T> = { [K in keyof T]-?: Record<never, never> extends Pick<T, K> ? "optional" : "required" };

const projectState: Keys<ProjectState> = {
  project_id: "required",
  user_id: "required",
  team_id: "optional",
  project_name: "required",
  description: "required",
  created_at: "required",
  updated_at: "required",
  version: "required",
  status: "required",
  scenarios: "required",
  workbench_states: "required",
  modification_log: "required",
  collaborators: "required",
  active_users: "required",
  initial_query: "optional",
  data_package_id: "optional",
  population_id: "optional",
  prediction_task_id: "optional",
  prediction_task: "optional",
  conflicts: "optional",
  workflows: "optional",
};
const workbenchStates: { [K in keyof WorkbenchStates]: Keys<WorkbenchStates[K]> } = {
  data: {
    status: "required",
    overrides: "required",
    custom_sources: "required",
    last_accessed: "required",
    sources: "required",
    input_hash: "optional",
  },
  population: {
    status: "required",
    adjustments: "required",
    size: "required",
    settings: "required",
    archetype_edits: "required",
    last_accessed: "required",
    input_hash: "optional",
  },
  scenario: { status: "required", scenario_count: "required", last_accessed: "required" },
  simulation: {
    status: "required",
    current_tick: "optional",
    total_ticks: "optional",
    last_accessed: "required",
    config: "optional",
  },
  report: {
    status: "required",
    report_id: "optional",
    last_accessed: "required",
    config: "optional",
    annotations: "required",
    schedule: "optional",
  },
};
const scenario: Keys<ScenarioSummary> = {
  scenario_id: "required",
  name: "required",
  description: "required",
  status: "required",
  simulation_id: "optional",
  ensemble_id: "optional",
  config: "required",
  run: "optional",
};
const logEntry: Keys<LogEntry> = {
  timestamp: "required",
  user_id: "required",
  workbench: "required",
  action: "required",
  summary: "required",
  reversible: "required",
};
const workbenchResponse: Keys<WorkbenchResponse> = {
  project_id: "required",
  workbench: "required",
  action: "required",
  success: "required",
  result: "required",
  state_changes: "required",
  updated_project_state: "required",
};
const stateChanges: Keys<StateChanges> = {
  project_status_changed: "required",
  downstream_invalidated: "required",
  warnings: "required",
};
const historyResponse: Keys<HistoryResponse> = {
  project_id: "required",
  entry: "required",
  state_changes: "required",
  updated_project_state: "required",
};
const summary: Keys<ProjectSummary> = {
  project_id: "required",
  user_id: "required",
  team_id: "optional",
  project_name: "required",
  description: "required",
  status: "required",
  version: "required",
  created_at: "required",
  updated_at: "required",
};
const versionInfo: Keys<VersionInfo> = {
  version_id: "required",
  version_number: "required",
  created_by: "required",
  created_at: "required",
  archived: "required",
  size: "required",
};

const recoveryOffer: Keys<RecoveryOffer> = {
  project_id: "required",
  edits: "required",
};
const unsavedEdit: Keys<UnsavedEdit> = {
  summary: "required",
  created_at: "required",
};
const libraryInfo: Keys<LibraryInfo> = {
  path: "required",
  library_bytes: "required",
  exports_dir: "required",
  exports_bytes: "required",
  exports_files: "required",
  imported_sources_bytes: "required",
  outbox_bytes: "required",
  total_bytes: "required",
  projects: "required",
  task_boards: "required",
  tasks: "required",
  export_retention_days: "required",
  task_retention_days: "required",
};

function conforms(what: string, json: unknown, keys: Record<string, "required" | "optional">) {
  const present = Object.keys(json as object);
  const unknown = present.filter((k) => !(k in keys));
  const missing = Object.entries(keys)
    .filter(([k, need]) => need === "required" && !present.includes(k))
    .map(([k]) => k);
  expect({ what, unknown, missing }).toEqual({ what, unknown: [], missing: [] });
}

const task: Keys<Task> = {
  id: "required",
  board_id: "required",
  name: "required",
  description: "required",
  kind: "required",
  status: "required",
  assigned_agent: "required",
  inputs: "required",
  result: "required",
  dependencies: "required",
  required_capabilities: "required",
  timeout_secs: "required",
  priority: "required",
  retry: "required",
  attempt: "required",
  failed_attempts: "optional",
  progress: "required",
  project_id: "required",
  created_at: "required",
  started_at: "required",
  finished_at: "required",
};
const taskResult: Keys<TaskResult> = {
  outputs: "required",
  metadata: "required",
  status: "required",
  timestamp: "required",
  reason: "optional",
};

describe("transport types match the core's JSON", () => {
  it("ProjectState and its parts", () => {
    conforms("ProjectState", state, projectState);
    for (const [name, keys] of Object.entries(workbenchStates)) {
      conforms(`workbench_states.${name}`, (state.workbench_states as Record<string, unknown>)[name], keys);
    }
    state.scenarios.forEach((s) => conforms("ScenarioSummary", s, scenario));
    state.modification_log.forEach((e) => conforms("LogEntry", e, logEntry));
  });
  it("responses, lists and versions", () => {
    conforms("WorkbenchResponse", response, workbenchResponse);
    conforms("StateChanges", response.state_changes, stateChanges);
    conforms("HistoryResponse", history, historyResponse);
    list.forEach((p) => conforms("ProjectSummary", p, summary));
    versions.forEach((v) => conforms("VersionInfo", v, versionInfo));
  });
  it("a recovery offer and the library's size", () => {
    conforms("RecoveryOffer", offer, recoveryOffer);
    expect(offer.edits.length).toBeGreaterThan(0);
    offer.edits.forEach((e) => conforms("UnsavedEdit", e, unsavedEdit));
    conforms("LibraryInfo", library, libraryInfo);
    // Days, or null for "kept for good": a number here.
    expect(typeof library.export_retention_days).toBe("number");
  });
  it("tasks", () => {
    expect(tasks.length).toBeGreaterThan(0);
    tasks.forEach((t) => {
      conforms("Task", t, task);
      if (t.result) conforms("TaskResult", t.result, taskResult);
    });
  });
});
