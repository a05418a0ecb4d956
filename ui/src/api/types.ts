// Transport types: the JSON the core sends, as in crates/studio-model. Checked against
// fixtures the Rust side writes (src/api/fixtures, see transport.test.ts).

export type Workbench = "data" | "population" | "scenario" | "simulation" | "report";
export const WORKBENCHES: Workbench[] = ["data", "population", "scenario", "simulation", "report"];
export type StageStatus = "not_started" | "in_progress" | "running" | "paused" | "complete";
export type ProjectStatus =
  "draft" | "data_ready" | "population_ready" | "scenarios_defined" | "simulated" | "complete";

export interface Override {
  field: string;
  value: unknown;
  reason: string;
}
export interface CustomSource {
  name: string;
  type: string;
  config: unknown;
}
export interface LogEntry {
  timestamp: string;
  user_id: string;
  workbench: string;
  action: string;
  summary: string;
  reversible: boolean;
}
export interface Collaborator {
  user_id: string;
  role: "owner" | "editor" | "viewer";
  last_active: string;
}
export interface PopulationAdjustment {
  dimension: string;
  original: unknown;
  modified: unknown;
}
export interface Annotation {
  annotation_id: string;
  section: string;
  text: string;
  author: string;
  created_at: string;
}
export interface VariableOverride {
  variable: string;
  value: unknown;
}
export interface ShockEvent {
  tick: number;
  variable: string;
  magnitude: number;
}
export interface ScenarioConfig {
  name: string;
  description: string;
  variable_overrides: VariableOverride[];
  population_adjustments?: Record<string, unknown>;
  shock_events?: ShockEvent[];
}
export interface ScenarioRun {
  status: string;
  simulation_id?: string;
  ensemble_id?: string;
  input_hash?: string;
  digest?: string;
  error?: string;
}
export interface ScenarioSummary {
  scenario_id: string;
  name: string;
  description: string;
  status: string;
  simulation_id?: string;
  ensemble_id?: string;
  config: ScenarioConfig;
  run?: ScenarioRun;
}
export type ReportTemplate = "executive_summary" | "detailed_analysis" | "comparison" | "custom";
export interface ReportBranding {
  logo_url?: string;
  /** Set by the core when the logo is set: the stored, checked and scaled logo. */
  logo_id?: string;
  colors?: Record<string, string>;
}
export interface ReportConfig {
  template: ReportTemplate;
  sections: string[];
  branding?: ReportBranding;
  include_charts: boolean;
  include_methodology: boolean;
}
export interface WorkbenchStates {
  data: {
    status: StageStatus;
    overrides: Override[];
    custom_sources: CustomSource[];
    last_accessed: string;
    sources: Record<string, unknown>;
    input_hash?: string;
  };
  population: { status: StageStatus; adjustments: PopulationAdjustment[]; last_accessed: string; input_hash?: string };
  scenario: { status: StageStatus; scenario_count: number; last_accessed: string };
  simulation: {
    status: StageStatus;
    current_tick?: number;
    total_ticks?: number;
    last_accessed: string;
    config?: Record<string, unknown>;
  };
  report: {
    status: StageStatus;
    report_id?: string;
    last_accessed: string;
    config?: ReportConfig;
    annotations: Annotation[];
    schedule?: ReportSchedule;
  };
}
/** The report sent on a schedule (`report/schedule {frequency, recipients}`). */
export interface ReportSchedule {
  frequency: string;
  recipients: string[];
  set_by: string;
  set_at: string;
}
/** One delivery of the scheduled report. */
export interface Delivery {
  at: string;
  reason: "scheduled" | "manual";
  status: "sent" | "outbox" | "failed";
  recipients: string[];
  report_id?: string;
  file?: string;
  sha256?: string;
  eml?: string;
  message: string;
}
export interface ScheduleStatus {
  project_id: string;
  schedule: ReportSchedule | null;
  next_run_at: string | null;
  last_run_at: string | null;
  last_delivery: Delivery | null;
  delivery: "smtp" | "outbox";
  outbox: string;
}
export interface ProjectState {
  project_id: string;
  user_id: string;
  team_id?: string;
  project_name: string;
  description: string;
  created_at: string;
  updated_at: string;
  version: number;
  status: ProjectStatus;
  data_package_id?: string;
  population_id?: string;
  scenarios: ScenarioSummary[];
  workbench_states: WorkbenchStates;
  modification_log: LogEntry[];
  collaborators: Collaborator[];
  active_users: string[];
  initial_query?: string;
}
export interface ProjectSummary {
  project_id: string;
  user_id: string;
  project_name: string;
  description: string;
  status: ProjectStatus;
  version: number;
  created_at: string;
  updated_at: string;
}
export interface VersionInfo {
  version_id: string;
  version_number: number;
  created_by: string;
  created_at: string;
  archived: boolean;
  size: number;
}
export interface StateChanges {
  project_status_changed: boolean;
  downstream_invalidated: Workbench[];
  warnings: string[];
}
export interface WorkbenchResponse {
  project_id: string;
  workbench: Workbench;
  action: string;
  success: boolean;
  result: unknown;
  state_changes: StateChanges;
  updated_project_state: ProjectState;
}
export interface HistoryResponse {
  project_id: string;
  entry: LogEntry;
  state_changes: StateChanges;
  updated_project_state: ProjectState;
}
export interface TemplateInfo {
  template_id: string;
  name: string;
  description: string;
  created_by: string;
  created_at: string;
}
// Reports (crates/studio-model/src/report.rs): a generated report and where its exports are.
export interface ReportChart {
  chart_type: string;
  data: unknown;
  config: unknown;
}
export interface ReportSection {
  title: string;
  type: string;
  content_html: string;
  charts: ReportChart[];
}
export interface ReportAppendix {
  methodology: string;
  data_sources: string[];
  calibration_metrics: unknown;
  caveats: string[];
}
export interface GeneratedReport {
  report_id: string;
  project_id: string;
  generated_at: string;
  content: { title: string; sections: ReportSection[]; appendix: ReportAppendix };
  /** Format → `file:///abs/path#sha256=…`. */
  export_urls: Record<string, string>;
}
export interface ReportListing {
  report_id: string;
  template: string | null;
  generated_at: string;
  export_urls: Record<string, string>;
}
export type ExportFormat = "pdf" | "pptx" | "html" | "docx";
// Crash recovery (crates/studio-core/src/recovery.rs): edits a program acknowledged and then
// crashed before saving, offered back.
export interface UnsavedEdit {
  summary: string;
  created_at: string;
}
export interface RecoveryOffer {
  project_id: string;
  /** In the order they were made. */
  edits: UnsavedEdit[];
}
// The library on disk (crates/studio-core/src/retention.rs).
export interface LibraryInfo {
  path: string;
  /** The library file and its write-ahead log. */
  library_bytes: number;
  exports_dir: string;
  exports_bytes: number;
  exports_files: number;
  /** Copies of imported data files. */
  imported_sources_bytes: number;
  /** Scheduled reports waiting as `.eml` files. */
  outbox_bytes: number;
  total_bytes: number;
  projects: number;
  task_boards: number;
  tasks: number;
  /** Null: kept until deleted by hand. */
  export_retention_days: number | null;
  task_retention_days: number | null;
}
export interface ApiErrorBody {
  code: string;
  message: string;
}

// Tasks (crates/studio-tasks): long work, run by agents, with progress.
export type TaskStatus = "PENDING" | "ASSIGNED" | "IN_PROGRESS" | "COMPLETED" | "FAILED" | "CANCELLED";
export interface TaskProgress {
  fraction: number;
  message: string;
}
export interface TaskResult {
  outputs: Record<string, unknown>;
  metadata: Record<string, unknown>;
  status: TaskStatus;
  timestamp: string;
  reason?: string;
}
export interface TaskAttempt {
  attempt: number;
  agent_id: string | null;
  reason: string;
  at: string;
}
export interface RetryPolicy {
  max_attempts: number;
  backoff_ms: number;
  max_backoff_ms: number;
}
export interface Task {
  id: string;
  board_id: string;
  name: string;
  description: string;
  kind: string;
  status: TaskStatus;
  assigned_agent: string | null;
  inputs: Record<string, unknown>;
  result: TaskResult | null;
  dependencies: string[];
  required_capabilities: string[];
  timeout_secs: number | null;
  priority: number;
  retry: RetryPolicy;
  attempt: number;
  failed_attempts?: TaskAttempt[];
  progress: TaskProgress | null;
  project_id: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}
export interface PipelineRun {
  project_id: string;
  tasks: Task[];
  message?: string;
}
export type StudioEvent =
  | { type: "snapshot"; state: ProjectState }
  | { type: "state_changed"; project_id: string; status: ProjectStatus; summary: string; user_id: string }
  | { type: "invalidated"; project_id: string; stages: Workbench[]; warnings: string[] }
  | { type: "saved"; project_id: string; version: number }
  | { type: "autosaved"; project_id: string }
  | { type: "deleted"; project_id: string }
  | { type: "recovery_available"; project_id: string; edits: number }
  | { type: "task_changed"; project_id: string; task: Task }
  | {
      type: "simulation_tick";
      project_id: string;
      run_id: string;
      seq: number;
      scenario_id: string;
      status: string;
      tick: number;
      total_ticks: number;
      from_tick: number;
      bands: Band[];
    }
  | { type: "lagged"; missed: number };

/** p5, p25, p50, p75, p95 of the adoption share at one tick. */
export type Band = [number, number, number, number, number];
export interface Shock {
  tick: number;
  variable: string;
  magnitude: number;
}
/** Where the console's run stands (the answer to every console control). */
export interface ConsoleView {
  run_id: string;
  seq: number;
  scenario_id: string;
  status: "running" | "paused" | "complete" | "stopped";
  current_tick: number;
  total_ticks: number;
  bands: Band[];
  injected_shocks: Shock[];
  checkpoints: number[];
  digest?: string;
}
