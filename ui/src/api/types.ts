// Transport types: generated from the Rust types. schemars writes their JSON Schemas into the
// OpenAPI document (crates/studio-server/src/openapi.json), openapi-typescript turns that into
// schema.ts (`npm run api:types`; `npm run api:check` holds it current in CI). This file only
// names them, and adds what only the UI has.
import type { components } from "./schema";

type S = components["schemas"];

export type Workbench = S["Workbench"];
export const WORKBENCHES: Workbench[] = ["data", "population", "scenario", "simulation", "report"];
export type StageStatus = S["StageStatus"];
export type ProjectStatus = S["ProjectStatus"];
export type Override = S["Override"];
export type CustomSource = S["CustomSource"];
export type LogEntry = S["LogEntry"];
export type Collaborator = S["Collaborator"];
export type PopulationAdjustment = S["PopulationAdjustment"];
export type Annotation = S["Annotation"];
export type VariableOverride = S["VariableOverride"];
export type ShockEvent = S["ShockEvent"];
export type ScenarioConfig = S["ScenarioConfig"];
export type ScenarioRun = S["ScenarioRun"];
export type ScenarioSummary = S["ScenarioSummary"];
export type ReportTemplate = S["ReportTemplate"];
export type ReportBranding = S["Branding"];
export type ReportConfig = S["ReportConfig"];
export type WorkbenchStates = S["WorkbenchStates"];
/** The report sent on a schedule (`report/schedule {frequency, recipients}`). */
export type ReportSchedule = S["ReportSchedule"];
/** One delivery of the scheduled report. */
export type Delivery = S["Delivery"];
export type ScheduleStatus = S["ScheduleStatus"];
export type ProjectState = S["ProjectState"];
export type ProjectSummary = S["ProjectSummary"];
export type VersionInfo = S["VersionInfo"];
export type StateChanges = S["StateChanges"];
export type WorkbenchResponse = S["WorkbenchResponse"];
export type HistoryResponse = S["HistoryResponse"];
export type TemplateInfo = S["TemplateInfo"];
export type ReportChart = S["ReportChart"];
export type ReportSection = S["ReportSection"];
export type ReportAppendix = S["ReportAppendix"];
export type GeneratedReport = S["GeneratedReport"];
export type ReportListing = S["ReportListing"];
export type ExportFormat = S["ReportFormat"];
export type UnsavedEdit = S["UnsavedEdit"];
export type RecoveryOffer = S["RecoveryOffer"];
export type LibraryInfo = S["LibraryInfo"];
export type Health = S["Health"];
export type BusEvent = S["BusEvent"];
export type EventPage = S["EventPage"];
export type WebhookInfo = S["WebhookInfo"];
export type WebhookCreated = S["WebhookCreated"];
export type Workflow = S["Workflow"];
/** A workflow as it is sent to be saved (its `created_by` and `updated_at` are the core's). */
export type WorkflowInput = S["WorkflowInput"];
export type WorkflowStep = S["WorkflowStep"];
export type WorkflowRun = S["WorkflowRun"];
export type RunStatus = S["RunStatus"];
export type StepRun = S["StepRun"];
/** What a run is told between two steps. */
export type RunControl = "pause" | "resume" | "cancel";
export type HealthStatus = S["HealthStatus"];
export type ComponentHealth = S["ComponentHealth"];
export type AuditEntry = S["AuditEntry"];
/** What the audit log is searched by: the `search_audit` request's fields (whose requests:
 *  `member_id`). Its `user_id` is the caller, filled in by the transports. */
export type AuditFilter = Omit<
  Extract<S["Envelope"], { request: "search_audit" }>,
  "request" | "api_version" | "user_id"
>;
export type ApiErrorBody = S["Error"];
export type TaskStatus = S["TaskStatus"];
export type TaskProgress = S["Progress"];
export type TaskResult = S["TaskResult"];
export type TaskAttempt = S["Attempt"];
export type RetryPolicy = S["RetryPolicy"];
export type Task = S["Task"];
export type PipelineRun = S["PipelineRun"];
export type Limits = S["Limits"];
export type Profile = S["Profile"];
export type ProfileUpdate = S["ProfileUpdate"];
export type CollaboratorChange = S["CollaboratorChange"];
export type Role = S["Role"];
export type InviteInfo = S["InviteInfo"];
export type TeamInfo = S["TeamInfo"];
export type TeamMember = S["TeamMember"];
export type TeamInvitation = S["TeamInvitation"];
export type UnsentEdits = S["UnsentEdits"];
export type AppliedUnsent = S["AppliedUnsent"];
export type SessionState = S["SessionState"];
export type TeamLinkStatus = S["TeamLinkStatus"];
export type SyncStatus = S["SyncStatus"];
export type HubInfo = S["HubInfo"];
export type Presence = S["Presence"];
export type PredictionTask = S["PredictionTask"];
export type Sensitivity = S["Sensitivity"];
export type GoalSeek = S["GoalSeek"];
export type CausalGraph = S["CausalGraph"];
export type TimeAxis = S["TimeAxis"];
export type CausalNode = S["CausalNode"];
export type CausalEdge = S["CausalEdge"];
export type GoalSeekAnswer = S["GoalSeekAnswer"];
export type GoalSeekRequest = S["GoalSeekRequest"];
export type GoalCandidate = S["GoalCandidate"];
export type Lever = S["Lever"];
export type SensitivityAnswer = S["SensitivityAnswer"];
export type SensitivityRequest = S["SensitivityRequest"];
export type SensitivityOutput = S["SensitivityOutput"];
export type FactorIndex = S["FactorIndex"];
export type SensitivityFactor = S["SensitivityFactor"];
export type Part = S["Part"];
export type Comparison = S["Comparison"];
export type Change = S["Change"];
export type PresenceItem = S["PresenceItem"];
export type Conflict = S["Conflict"];
export type Section = S["Section"];
/** What the project's WebSocket sends: the state first, then the core's events; `lagged` when
 * the socket fell behind and missed some. */
export type StudioEvent =
  S["StudioEvent"] | { type: "snapshot"; state: ProjectState } | { type: "lagged"; missed: number };

/** p5, p25, p50, p75, p95 of the adoption share at one tick. */
export type Band = [number, number, number, number, number];
/** A shock: from `tick` on, `variable` is `magnitude` higher. */
export type Shock = ShockEvent;
/** Where the console's run stands (the answer to every console control): the generated type,
 * with a band's five quantiles as a tuple. */
export type ConsoleView = Omit<S["ConsoleView"], "bands"> & { bands: Band[] };
