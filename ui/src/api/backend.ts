// The one backend interface the screens use. Implemented over HTTP + WebSocket (browser,
// tests) here, and over Tauri IPC by the desktop shell.
import type {
  AuditEntry,
  AuditFilter,
  CollaboratorChange,
  ExportFormat,
  GeneratedReport,
  HistoryResponse,
  InviteInfo,
  LibraryInfo,
  Limits,
  PipelineRun,
  PredictionTask,
  Presence,
  PresenceItem,
  Profile,
  HubInfo,
  ProfileUpdate,
  ProjectState,
  ProjectSummary,
  RecoveryOffer,
  UnsentEdits,
  AppliedUnsent,
  TeamLinkStatus,
  TeamInfo,
  ReportConfig,
  ReportListing,
  Role,
  ScheduleStatus,
  Section,
  SensitivityAnswer,
  SensitivityRequest,
  GoalSeekAnswer,
  GoalSeekRequest,
  CausalGraph,
  TimeAxis,
  StudioEvent,
  SyncStatus,
  Task,
  TemplateInfo,
  VersionInfo,
  Workbench,
  WorkbenchResponse,
  Health,
  RunControl,
  Workflow,
  WorkflowInput,
  WorkflowRun,
} from "./types";

export interface NewProject {
  project_name: string;
  description?: string;
  initial_query?: string;
  template_id?: string;
}

export interface Backend {
  listProjects(): Promise<ProjectSummary[]>;
  createProject(req: NewProject): Promise<ProjectState>;
  getProject(id: string, version?: number): Promise<ProjectState>;
  renameProject(id: string, project_name: string): Promise<ProjectState>;
  deleteProject(id: string): Promise<void>;
  undeleteProject(id: string): Promise<ProjectState>;
  duplicateProject(id: string): Promise<ProjectState>;
  save(id: string): Promise<ProjectState>;
  versions(id: string): Promise<VersionInfo[]>;
  restore(id: string, version: number): Promise<ProjectState>;
  action(id: string, workbench: Workbench, action: string, payload: unknown): Promise<WorkbenchResponse>;
  undo(id: string): Promise<HistoryResponse>;
  redo(id: string): Promise<HistoryResponse>;
  templates(): Promise<TemplateInfo[]>;
  saveTemplate(id: string, name: string): Promise<TemplateInfo>;
  /** The project's tasks, newest first. */
  tasks(id: string): Promise<Task[]>;
  /** Runs the stages that are not complete, as a graph of tasks. */
  runPipeline(id: string): Promise<PipelineRun>;
  cancelTask(taskId: string): Promise<Task>;
  /** Generates a report now (the project's settings, or `config`) and answers with it. */
  generateReport(id: string, config?: ReportConfig): Promise<GeneratedReport>;
  /** The report as it would be generated now, stored nowhere (its id is "preview"). */
  previewReport(id: string, config?: ReportConfig): Promise<GeneratedReport>;
  getReport(id: string, reportId: string): Promise<GeneratedReport>;
  /** The project's reports, newest first. */
  listReports(id: string): Promise<ReportListing[]>;
  /** Starts rendering a report to a file, as a task (`path`: where, absolute; else the export folder). */
  exportReport(id: string, reportId: string, format: ExportFormat, path?: string): Promise<Task>;
  /** The report's schedule, its next time and its last delivery. */
  reportSchedule(id: string): Promise<ScheduleStatus>;
  /** Sends the scheduled report now, as a task. */
  sendReport(id: string): Promise<Task>;
  /** "Show in folder": opens the export's folder in the file manager; answers the folder. */
  revealExport(id: string, reportId: string, format: ExportFormat): Promise<{ folder: string }>;
  /** Opens the outbox folder (scheduled reports waiting as .eml files). */
  revealOutbox(): Promise<{ folder: string }>;
  /** Edits a crashed session acknowledged and never saved, if any (null: none). */
  recoveryOffer(id: string): Promise<RecoveryOffer | null>;
  /** Merges the offered edits into the project and answers its state. */
  recover(id: string): Promise<ProjectState>;
  /** Drops the offered edits for good; answers how many there were. */
  discardRecovery(id: string): Promise<{ discarded: number }>;
  /** The user's edits a team server kept when its database could not save them. */
  unsentEdits(id: string): Promise<UnsentEdits>;
  /** Applies them in order; those refused again stay kept. */
  applyUnsent(id: string): Promise<AppliedUnsent>;
  /** Drops them for good; answers how many there were. */
  discardUnsent(id: string): Promise<{ discarded: number }>;
  /** The teams a member belongs to on a team server (the desktop). */
  teamServerTeams(server: string, token: string): Promise<TeamInfo[]>;
  /** The projects on a team server the member may open, a team's with teamId. */
  teamServerProjects(server: string, token: string, teamId?: string): Promise<ProjectSummary[]>;
  /** "Publish to team…": the project goes to the team whole and stays here as its local copy. */
  publishToTeam(id: string, server: string, token: string, teamId: string): Promise<TeamLinkStatus>;
  /** "Open from team…": a team project brought down as a local copy that works offline. */
  openFromTeam(server: string, token: string, projectId: string): Promise<ProjectState>;
  /** Syncs a local copy with its team server now. */
  syncWithTeam(id: string): Promise<TeamLinkStatus>;
  /** The project's link to its team server (null: not a local copy). */
  teamLink(id: string): Promise<TeamLinkStatus | null>;
  /** The library's size on disk and how long what it holds is kept. */
  libraryInfo(): Promise<LibraryInfo>;
  /** What the product allows (scenarios, population size, ticks…) and its defaults. */
  limits(): Promise<Limits>;
  /** The local user: id, display name, colour, public key. */
  profile(): Promise<Profile>;
  /** Sets the local user's display name or colour (#rrggbb). */
  updateProfile(update: ProfileUpdate): Promise<Profile>;
  hubStatus(): Promise<HubInfo>;
  shareOnNetwork(on: boolean, listen?: string): Promise<HubInfo>;
  /** Adds a collaborator, changes a role or removes one (owners only). */
  changeCollaborators(id: string, change: CollaboratorChange): Promise<ProjectState>;
  /** Invites someone (owners only): a signed token to hand them. `expires`: 7d, 12h, 30m. */
  createInvite(id: string, role: Role, expires?: string): Promise<InviteInfo>;
  /** The project's invites, newest first. */
  invites(id: string): Promise<InviteInfo[]>;
  revokeInvite(id: string, inviteId: string): Promise<InviteInfo>;
  /** Joins the project an invite is for; it comes into the library and syncs. */
  joinProject(token: string): Promise<ProjectState>;
  /** How a shared project is connected (null: not shared). */
  syncStatus(id: string): Promise<SyncStatus | null>;
  /** Says where the user is in a shared project (null: left it); answers who is in it now. */
  setPresence(id: string, workbench: Workbench | null, item?: PresenceItem | null): Promise<Presence[]>;
  /** Settles a conflict: value number `pick` of the record is kept over the others. */
  resolveConflict(id: string, section: Section, key: string, pick: number): Promise<ProjectState>;
  /** Changes the project's question; it is read again into the prediction task. */
  setQuestion(id: string, question: string): Promise<ProjectState>;
  /** Reads a question (default: the project's own) with the project's variables and calendar. */
  parseQuestion(id: string, question?: string): Promise<PredictionTask>;
  /** Confirms the task as corrected: its conditions' scenario and the threshold follow. */
  confirmPredictionTask(id: string, task: PredictionTask): Promise<ProjectState>;
  /** Starts a scenario's global sensitivity analysis (Sobol or Morris) as a task. */
  startSensitivity(id: string, scenarioId: string, analysis: SensitivityRequest): Promise<Task>;
  /** A scenario's latest sensitivity analysis (error `not_ready` when there is none). */
  sensitivity(id: string, scenarioId: string): Promise<SensitivityAnswer>;
  /** Starts "what would it take?" from a scenario: a goal seek over the levers, as a task. */
  startGoalSeek(id: string, scenarioId: string, search: GoalSeekRequest): Promise<Task>;
  /** A scenario's latest goal seek (error `not_ready` when there is none). */
  goalSeek(id: string, scenarioId: string): Promise<GoalSeekAnswer>;
  /** The data's calendar: when each tick is (null when the data's times are not dates). */
  timeAxis(id: string): Promise<TimeAxis | null>;
  /** The project's model as a causal graph, laid out. */
  causalGraph(id: string): Promise<CausalGraph>;
  /** Sets a coefficient of the model (an edge), or removes it (null): undoable. */
  editCausalEdge(id: string, path: string, value: number | null): Promise<ProjectState>;
  /** The project's workflows (Automation). */
  workflows(id: string): Promise<Workflow[]>;
  /** Saves a workflow (made, or replaced whole) once the core has checked it will run; a
   *  refusal's message names the step and the problem. */
  saveWorkflow(id: string, workflow: WorkflowInput): Promise<Workflow>;
  deleteWorkflow(id: string, workflowId: string): Promise<void>;
  /** Starts a run (`input`: a JSON object, or nothing); answers it as it starts. */
  executeWorkflow(id: string, workflowId: string, input?: object | null): Promise<WorkflowRun>;
  /** The project's runs, newest first (of one workflow when it is named). */
  workflowRuns(id: string, workflowId?: string): Promise<WorkflowRun[]>;
  /** One run with each of its steps as it stands now. */
  workflowRun(executionId: string): Promise<WorkflowRun>;
  /** Pauses a run between two steps, resumes it, or cancels it. */
  controlWorkflowRun(executionId: string, control: RunControl): Promise<WorkflowRun>;
  /** How the program is: each component's score and what was seen. */
  health(): Promise<Health>;
  /** The audit log's rows that pass the filter, newest first. */
  searchAudit(filter: AuditFilter): Promise<AuditEntry[]>;
  /** Streams the project's events; returns a function that stops it. */
  watch(id: string, onEvent: (event: StudioEvent) => void): () => void;
  /** Desktop only: menu commands, files dropped on the window, errors from the shell. */
  desktopEvents?(onEvent: (event: DesktopEvent) => void): () => void;
  /** Desktop only: the native window's title (the page's own title is set as well). */
  setTitle?(title: string): void;
  /** Desktop only: the first screen has its data; the shell shows the window. */
  ready?(): void;
  /** Desktop only: the project the app was started on, if any (asked once). */
  initialProject?(): Promise<string | null>;
  /** Desktop only: asks where to write the .studio file and starts the export task. */
  exportProject?(id: string, name: string): Promise<Task | null>;
  /** Desktop only: asks where to save an SVG drawing and writes it; false when cancelled. */
  saveSvg?(name: string, svg: string): Promise<boolean>;
}

export type DesktopEvent =
  | { kind: "menu"; id: string }
  | { kind: "open"; projectId: string }
  | { kind: "error"; message: string }
  | { kind: "data-files"; paths: string[] };

/** Menu commands for the open project travel to it as this DOM event. */
export const PROJECT_COMMAND = "studio-project-command";

/** An error from the backend, with the core's stable code. */
export class BackendError extends Error {
  constructor(
    public code: string,
    message: string,
    public status = 0,
  ) {
    super(message);
  }
}
