// The one backend interface the screens use. Implemented over HTTP + WebSocket (browser,
// tests) here, and over Tauri IPC by the desktop shell.
import type {
  HistoryResponse, ProjectState, ProjectSummary, StudioEvent, TemplateInfo, VersionInfo, Workbench, WorkbenchResponse,
} from "./types";

export interface NewProject { project_name: string; description?: string; initial_query?: string; template_id?: string }

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
  /** Streams the project's events; returns a function that stops it. */
  watch(id: string, onEvent: (event: StudioEvent) => void): () => void;
}

/** An error from the backend, with the core's stable code. */
export class BackendError extends Error {
  constructor(public code: string, message: string, public status = 0) {
    super(message);
  }
}
