// The one client. Every operation of the core is one request in its envelope, typed from the
// generated schema (a request name, its fields, its answer); the transports — http.ts (the
// generic route of `studio serve` and a WebSocket) and tauri.ts (the shell's `dispatch` command
// and its events) — only move the bytes.
import { BackendError, type Backend, type NewProject } from "./backend";
import type { components } from "./schema";
import type {
  AuditFilter,
  BusEvent,
  CollaboratorChange,
  ExportFormat,
  GeneratedReport,
  EventPage,
  Health,
  HistoryResponse,
  InviteInfo,
  LibraryInfo,
  Limits,
  LogEntry,
  PipelineRun,
  PredictionTask,
  Presence,
  PresenceItem,
  Profile,
  ProfileUpdate,
  ProjectState,
  ProjectSummary,
  RecoveryOffer,
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
  HubInfo,
  Task,
  TemplateInfo,
  VersionInfo,
  WebhookCreated,
  WebhookInfo,
  Workflow,
  WorkflowInput,
  WorkflowRun,
  RunControl,
  Workbench,
  WorkbenchResponse,
  TeamInfo,
  TeamInvitation,
  TeamMember,
  UnsentEdits,
  AppliedUnsent,
  SessionState,
  TeamLinkStatus,
} from "./types";

type S = components["schemas"];
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A request of the core, as the envelope carries it; `user_id` is filled in by the transport
 * (the desktop's user) or the server (the local user) when left out. */
export type Request = Without<S["Envelope"], "api_version" | "user_id"> & { user_id?: string };
export type RequestName = Request["request"];
export type RequestOf<N extends RequestName> = Extract<Request, { request: N }>;

/** What each request answers. A request missing here does not compile. */
interface AnswerTable {
  create_project: ProjectState;
  list_projects: ProjectSummary[];
  get_project: ProjectState;
  update_project: ProjectState;
  delete_project: S["Deleted"];
  undelete_project: ProjectState;
  duplicate_project: ProjectState;
  save_project: ProjectState | Task;
  list_versions: VersionInfo[];
  restore_version: ProjectState;
  workbench_action: WorkbenchResponse;
  workbench_state: unknown;
  undo: HistoryResponse;
  redo: HistoryResponse;
  log: LogEntry[];
  save_template: TemplateInfo;
  list_templates: TemplateInfo[];
  export_project: Task;
  import_project: ProjectState;
  recovery_offer: RecoveryOffer | null;
  recover: ProjectState;
  discard_recovery: S["Discarded"];
  list_tasks: Task[];
  get_task: Task;
  cancel_task: Task;
  run_pipeline: PipelineRun;
  list_agents: S["AgentList"];
  spawn_agent: S["SpawnedAgent"];
  get_agent: S["AgentDetail"];
  terminate_agent: S["SpawnedAgent"];
  list_entanglements: S["Entanglement"][];
  create_entanglement: S["Entanglement"];
  get_entanglement: S["Entanglement"];
  delete_entanglement: { deleted: string };
  add_entanglement_agent: S["Entanglement"];
  remove_entanglement_agent: S["Entanglement"];
  send_agent_message: S["AgentMessage"][];
  list_agent_messages: S["AgentMessage"][];
  list_roles: S["RoleInfo"][];
  save_role: S["RoleInfo"];
  delete_role: { deleted: string };
  grant_role: S["RoleGrant"][];
  revoke_role: S["RoleGrant"][];
  list_role_grants: S["RoleGrant"][];
  my_rights: S["UserRights"];
  search_audit: S["AuditEntry"][];
  export_audit: { format: string; rows: number; content: string };
  show_config: S["SettingSource"][];
  set_config: S["SettingSource"];
  reset_config: S["SettingSource"];
  generate_report: GeneratedReport;
  preview_report: GeneratedReport;
  get_report: GeneratedReport;
  list_reports: ReportListing[];
  export_report: Task;
  report_schedule: ScheduleStatus;
  send_report: Task;
  reveal_export: S["Folder"];
  reveal_outbox: S["Folder"];
  library_info: LibraryInfo;
  limits: Limits;
  health: Health;
  metrics: { text: string };
  publish_event: BusEvent;
  list_events: EventPage;
  create_webhook: WebhookCreated;
  list_webhooks: WebhookInfo[];
  delete_webhook: { deleted: string };
  list_workflows: Workflow[];
  get_workflow: Workflow;
  save_workflow: Workflow;
  delete_workflow: { deleted: string };
  execute_workflow: WorkflowRun;
  list_workflow_runs: WorkflowRun[];
  get_workflow_run: WorkflowRun;
  control_workflow_run: WorkflowRun;
  change_collaborators: ProjectState;
  create_invite: InviteInfo;
  list_invites: InviteInfo[];
  revoke_invite: InviteInfo;
  join_project: ProjectState;
  sync_status: SyncStatus | null;
  set_presence: Presence[];
  resolve_conflict: ProjectState;
  get_profile: Profile;
  update_profile: Profile;
  hub_status: HubInfo;
  share_on_network: HubInfo;
  parse_question: PredictionTask;
  confirm_prediction_task: ProjectState;
  start_sensitivity: Task;
  get_sensitivity: SensitivityAnswer;
  start_goal_seek: Task;
  get_goal_seek: GoalSeekAnswer;
  causal_graph: CausalGraph;
  time_axis: TimeAxis | null;
  edit_causal_edge: ProjectState;
  list_teams: TeamInfo[];
  create_team: TeamInfo;
  team_members: TeamMember[];
  invite_team_member: TeamInvitation;
  set_team_role: TeamMember;
  remove_team_member: TeamMember[];
  unsent_edits: UnsentEdits;
  apply_unsent: AppliedUnsent;
  discard_unsent: S["Discarded"];
  keep_session: SessionState;
  session_state: SessionState;
  exchange_changes: S["ChangeExchange"];
  team_server_teams: TeamInfo[];
  team_server_projects: ProjectSummary[];
  publish_to_team: TeamLinkStatus;
  open_from_team: ProjectState;
  sync_with_team: TeamLinkStatus;
  team_link: TeamLinkStatus | null;
}
export type Answers = { [N in RequestName]: AnswerTable[N] };

/** Every request's name, held by the compiler to the generated schema both ways. */
const NAMES: { [N in RequestName]: true } = {
  create_project: true,
  list_projects: true,
  get_project: true,
  update_project: true,
  delete_project: true,
  undelete_project: true,
  duplicate_project: true,
  save_project: true,
  list_versions: true,
  restore_version: true,
  workbench_action: true,
  workbench_state: true,
  undo: true,
  redo: true,
  log: true,
  save_template: true,
  list_templates: true,
  export_project: true,
  import_project: true,
  recovery_offer: true,
  recover: true,
  discard_recovery: true,
  list_tasks: true,
  get_task: true,
  cancel_task: true,
  run_pipeline: true,
  list_agents: true,
  spawn_agent: true,
  get_agent: true,
  terminate_agent: true,
  list_entanglements: true,
  create_entanglement: true,
  get_entanglement: true,
  delete_entanglement: true,
  add_entanglement_agent: true,
  remove_entanglement_agent: true,
  send_agent_message: true,
  list_agent_messages: true,
  list_roles: true,
  save_role: true,
  delete_role: true,
  grant_role: true,
  revoke_role: true,
  list_role_grants: true,
  my_rights: true,
  search_audit: true,
  export_audit: true,
  show_config: true,
  set_config: true,
  reset_config: true,
  generate_report: true,
  preview_report: true,
  get_report: true,
  list_reports: true,
  export_report: true,
  report_schedule: true,
  send_report: true,
  reveal_export: true,
  reveal_outbox: true,
  library_info: true,
  limits: true,
  health: true,
  metrics: true,
  publish_event: true,
  list_events: true,
  create_webhook: true,
  list_webhooks: true,
  delete_webhook: true,
  list_workflows: true,
  get_workflow: true,
  save_workflow: true,
  delete_workflow: true,
  execute_workflow: true,
  list_workflow_runs: true,
  get_workflow_run: true,
  control_workflow_run: true,
  change_collaborators: true,
  create_invite: true,
  list_invites: true,
  revoke_invite: true,
  join_project: true,
  sync_status: true,
  set_presence: true,
  resolve_conflict: true,
  get_profile: true,
  update_profile: true,
  hub_status: true,
  share_on_network: true,
  parse_question: true,
  confirm_prediction_task: true,
  start_sensitivity: true,
  get_sensitivity: true,
  start_goal_seek: true,
  get_goal_seek: true,
  causal_graph: true,
  time_axis: true,
  edit_causal_edge: true,
  list_teams: true,
  create_team: true,
  team_members: true,
  invite_team_member: true,
  set_team_role: true,
  remove_team_member: true,
  unsent_edits: true,
  apply_unsent: true,
  discard_unsent: true,
  keep_session: true,
  session_state: true,
  exchange_changes: true,
  team_server_teams: true,
  team_server_projects: true,
  publish_to_team: true,
  open_from_team: true,
  sync_with_team: true,
  team_link: true,
};
export const REQUEST_NAMES = Object.keys(NAMES) as RequestName[];

/** How requests and events move: the only part that differs between the browser and the app. */
export interface Transport {
  /** Sends one request in the core's envelope; answers its result, or throws a BackendError. */
  send(envelope: { api_version: 1 } & Request): Promise<unknown>;
  /** Streams a project's events; returns a function that stops it. */
  watch(projectId: string, onEvent: (event: StudioEvent) => void): () => void;
}

export class StudioClient implements Backend {
  constructor(protected transport: Transport) {}

  /** Runs one request of the core. */
  async request<N extends RequestName>(req: RequestOf<N>): Promise<Answers[N]> {
    return (await this.transport.send({ api_version: 1, ...req })) as Answers[N];
  }

  listProjects() {
    return this.request({ request: "list_projects" });
  }
  createProject(req: NewProject) {
    return this.request({ request: "create_project", ...req });
  }
  getProject(project_id: string, version?: number) {
    return this.request({ request: "get_project", project_id, version });
  }
  renameProject(project_id: string, project_name: string) {
    return this.request({ request: "update_project", project_id, project_name });
  }
  async deleteProject(project_id: string) {
    await this.request({ request: "delete_project", project_id });
  }
  setQuestion(project_id: string, initial_query: string) {
    return this.request({ request: "update_project", project_id, initial_query });
  }
  parseQuestion(project_id: string, question?: string) {
    return this.request({ request: "parse_question", project_id, question });
  }
  confirmPredictionTask(project_id: string, task: PredictionTask) {
    return this.request({ request: "confirm_prediction_task", project_id, task });
  }
  startSensitivity(project_id: string, scenario_id: string, analysis: SensitivityRequest) {
    return this.request({ request: "start_sensitivity", project_id, scenario_id, analysis });
  }
  sensitivity(project_id: string, scenario_id: string) {
    return this.request({ request: "get_sensitivity", project_id, scenario_id });
  }
  startGoalSeek(project_id: string, scenario_id: string, search: GoalSeekRequest) {
    return this.request({ request: "start_goal_seek", project_id, scenario_id, search });
  }
  goalSeek(project_id: string, scenario_id: string) {
    return this.request({ request: "get_goal_seek", project_id, scenario_id });
  }
  timeAxis(project_id: string) {
    return this.request({ request: "time_axis", project_id });
  }
  causalGraph(project_id: string) {
    return this.request({ request: "causal_graph", project_id });
  }
  editCausalEdge(project_id: string, path: string, value: number | null) {
    return this.request({ request: "edit_causal_edge", project_id, edit: { path, value } });
  }
  undeleteProject(project_id: string) {
    return this.request({ request: "undelete_project", project_id });
  }
  duplicateProject(project_id: string) {
    return this.request({ request: "duplicate_project", project_id });
  }
  async save(project_id: string) {
    return (await this.request({ request: "save_project", project_id })) as ProjectState;
  }
  versions(project_id: string) {
    return this.request({ request: "list_versions", project_id });
  }
  restore(project_id: string, version: number) {
    return this.request({ request: "restore_version", project_id, version });
  }
  action(project_id: string, workbench: Workbench, action: string, payload: unknown) {
    return this.request({ request: "workbench_action", project_id, workbench, action, payload });
  }
  undo(project_id: string) {
    return this.request({ request: "undo", project_id });
  }
  redo(project_id: string) {
    return this.request({ request: "redo", project_id });
  }
  templates() {
    return this.request({ request: "list_templates" });
  }
  saveTemplate(project_id: string, name: string) {
    return this.request({ request: "save_template", project_id, name });
  }
  tasks(project_id: string) {
    return this.request({ request: "list_tasks", project_id });
  }
  runPipeline(project_id: string) {
    return this.request({ request: "run_pipeline", project_id });
  }
  cancelTask(task_id: string) {
    return this.request({ request: "cancel_task", task_id });
  }
  generateReport(project_id: string, report_config?: ReportConfig) {
    return this.request({ request: "generate_report", project_id, report_config });
  }
  previewReport(project_id: string, report_config?: ReportConfig) {
    return this.request({ request: "preview_report", project_id, report_config });
  }
  getReport(project_id: string, report_id: string) {
    return this.request({ request: "get_report", project_id, report_id });
  }
  listReports(project_id: string) {
    return this.request({ request: "list_reports", project_id });
  }
  exportReport(project_id: string, report_id: string, format: ExportFormat, path?: string) {
    return this.request({ request: "export_report", project_id, report_id, format, path });
  }
  reportSchedule(project_id: string) {
    return this.request({ request: "report_schedule", project_id });
  }
  sendReport(project_id: string) {
    return this.request({ request: "send_report", project_id });
  }
  revealExport(project_id: string, report_id: string, format: ExportFormat) {
    return this.request({ request: "reveal_export", project_id, report_id, format });
  }
  revealOutbox() {
    return this.request({ request: "reveal_outbox" });
  }
  recoveryOffer(project_id: string) {
    return this.request({ request: "recovery_offer", project_id });
  }
  recover(project_id: string) {
    return this.request({ request: "recover", project_id });
  }
  discardRecovery(project_id: string) {
    return this.request({ request: "discard_recovery", project_id });
  }
  unsentEdits(project_id: string) {
    return this.request({ request: "unsent_edits", project_id });
  }
  applyUnsent(project_id: string) {
    return this.request({ request: "apply_unsent", project_id });
  }
  discardUnsent(project_id: string) {
    return this.request({ request: "discard_unsent", project_id });
  }
  teamServerTeams(server: string, token: string) {
    return this.request({ request: "team_server_teams", server, token });
  }
  teamServerProjects(server: string, token: string, team_id?: string) {
    return this.request({ request: "team_server_projects", server, token, team_id });
  }
  publishToTeam(project_id: string, server: string, token: string, team_id: string) {
    return this.request({ request: "publish_to_team", project_id, server, token, team_id });
  }
  openFromTeam(server: string, token: string, project_id: string) {
    return this.request({ request: "open_from_team", server, token, project_id });
  }
  syncWithTeam(project_id: string) {
    return this.request({ request: "sync_with_team", project_id });
  }
  teamLink(project_id: string) {
    return this.request({ request: "team_link", project_id });
  }
  libraryInfo() {
    return this.request({ request: "library_info" });
  }
  limits() {
    return this.request({ request: "limits" });
  }
  profile() {
    return this.request({ request: "get_profile" });
  }
  updateProfile(update: ProfileUpdate) {
    return this.request({ request: "update_profile", ...update });
  }
  hubStatus() {
    return this.request({ request: "hub_status" });
  }
  shareOnNetwork(on: boolean, listen?: string) {
    return this.request({ request: "share_on_network", on, listen });
  }
  changeCollaborators(project_id: string, change: CollaboratorChange) {
    return this.request({ request: "change_collaborators", project_id, change });
  }
  createInvite(project_id: string, role: Role, expires?: string) {
    return this.request({ request: "create_invite", project_id, role, expires });
  }
  invites(project_id: string) {
    return this.request({ request: "list_invites", project_id });
  }
  revokeInvite(project_id: string, invite_id: string) {
    return this.request({ request: "revoke_invite", project_id, invite_id });
  }
  joinProject(token: string) {
    return this.request({ request: "join_project", token });
  }
  syncStatus(project_id: string) {
    return this.request({ request: "sync_status", project_id });
  }
  setPresence(project_id: string, workbench: Workbench | null, item?: PresenceItem | null) {
    return this.request({ request: "set_presence", project_id, workbench, item });
  }
  resolveConflict(project_id: string, section: Section, key: string, pick: number) {
    return this.request({ request: "resolve_conflict", project_id, section, key, pick });
  }
  workflows(project_id: string) {
    return this.request({ request: "list_workflows", project_id });
  }
  saveWorkflow(project_id: string, workflow: WorkflowInput) {
    return this.request({ request: "save_workflow", project_id, workflow });
  }
  async deleteWorkflow(project_id: string, workflow_id: string) {
    await this.request({ request: "delete_workflow", project_id, workflow_id });
  }
  executeWorkflow(project_id: string, workflow_id: string, input?: object | null) {
    return this.request({ request: "execute_workflow", project_id, workflow_id, input });
  }
  workflowRuns(project_id: string, workflow_id?: string) {
    return this.request({ request: "list_workflow_runs", project_id, workflow_id });
  }
  workflowRun(execution_id: string) {
    return this.request({ request: "get_workflow_run", execution_id });
  }
  controlWorkflowRun(execution_id: string, control: RunControl) {
    return this.request({ request: "control_workflow_run", execution_id, control });
  }
  health() {
    return this.request({ request: "health" });
  }
  searchAudit(filter: AuditFilter) {
    return this.request({ request: "search_audit", ...filter });
  }
  watch(project_id: string, onEvent: (event: StudioEvent) => void): () => void {
    return this.transport.watch(project_id, onEvent);
  }
}

/** A failed request's JSON (`{code, message}`) as the error the screens classify by code. */
export function backendError(body: unknown, fallback: string, status = 0): BackendError {
  const e = (body ?? {}) as { code?: string; message?: string };
  return new BackendError(e.code ?? "error", e.message ?? fallback, status);
}
