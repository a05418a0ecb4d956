// The backend inside the desktop window: every request goes through the shell's one
// `dispatch` command, in the same envelope the core takes from any transport; core events
// arrive as Tauri events.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWindow } from "@tauri-apps/api/window";
import { BackendError, type Backend, type DesktopEvent, type NewProject } from "./backend";
import type {
  ExportFormat,
  GeneratedReport,
  HistoryResponse,
  LibraryInfo,
  PipelineRun,
  ProjectState,
  ProjectSummary,
  RecoveryOffer,
  ReportConfig,
  ReportListing,
  ScheduleStatus,
  StudioEvent,
  Task,
  TemplateInfo,
  VersionInfo,
  Workbench,
  WorkbenchResponse,
} from "./types";

export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

export class TauriBackend implements Backend {
  private user: Promise<string> = invoke<string>("whoami");

  private async send<T>(request: string, fields: Record<string, unknown> = {}): Promise<T> {
    const user_id = await this.user;
    try {
      return await invoke<T>("dispatch", { request: { api_version: 1, request, user_id, ...fields } });
    } catch (e) {
      const err = e as { code?: string; message?: string };
      throw new BackendError(err.code ?? "error", err.message ?? String(e));
    }
  }

  async listProjects() {
    return this.send<ProjectSummary[]>("list_projects");
  }
  async createProject(req: NewProject) {
    return this.send<ProjectState>("create_project", { ...req });
  }
  async getProject(project_id: string, version?: number) {
    return this.send<ProjectState>("get_project", { project_id, version });
  }
  async renameProject(project_id: string, project_name: string) {
    return this.send<ProjectState>("update_project", { project_id, project_name });
  }
  async deleteProject(project_id: string) {
    await this.send("delete_project", { project_id });
  }
  async undeleteProject(project_id: string) {
    return this.send<ProjectState>("undelete_project", { project_id });
  }
  async duplicateProject(project_id: string) {
    return this.send<ProjectState>("duplicate_project", { project_id });
  }
  async save(project_id: string) {
    return this.send<ProjectState>("save_project", { project_id });
  }
  async versions(project_id: string) {
    return this.send<VersionInfo[]>("list_versions", { project_id });
  }
  async restore(project_id: string, version: number) {
    return this.send<ProjectState>("restore_version", { project_id, version });
  }
  async action(project_id: string, workbench: Workbench, action: string, payload: unknown) {
    return this.send<WorkbenchResponse>("workbench_action", { project_id, workbench, action, payload });
  }
  async undo(project_id: string) {
    return this.send<HistoryResponse>("undo", { project_id });
  }
  async redo(project_id: string) {
    return this.send<HistoryResponse>("redo", { project_id });
  }
  async templates() {
    return this.send<TemplateInfo[]>("list_templates");
  }
  async saveTemplate(project_id: string, name: string) {
    return this.send<TemplateInfo>("save_template", { project_id, name });
  }

  async tasks(project_id: string) {
    return this.send<Task[]>("list_tasks", { project_id });
  }
  async runPipeline(project_id: string) {
    return this.send<PipelineRun>("run_pipeline", { project_id });
  }
  async cancelTask(task_id: string) {
    return this.send<Task>("cancel_task", { task_id });
  }

  async generateReport(project_id: string, report_config?: ReportConfig) {
    return this.send<GeneratedReport>("generate_report", { project_id, report_config });
  }
  async previewReport(project_id: string, report_config?: ReportConfig) {
    return this.send<GeneratedReport>("preview_report", { project_id, report_config });
  }
  async getReport(project_id: string, report_id: string) {
    return this.send<GeneratedReport>("get_report", { project_id, report_id });
  }
  async listReports(project_id: string) {
    return this.send<ReportListing[]>("list_reports", { project_id });
  }
  async exportReport(project_id: string, report_id: string, format: ExportFormat, path?: string) {
    return this.send<Task>("export_report", { project_id, report_id, format, path });
  }
  async reportSchedule(project_id: string) {
    return this.send<ScheduleStatus>("report_schedule", { project_id });
  }
  async sendReport(project_id: string) {
    return this.send<Task>("send_report", { project_id });
  }
  async revealExport(project_id: string, report_id: string, format: ExportFormat) {
    return this.send<{ folder: string }>("reveal_export", { project_id, report_id, format });
  }
  async revealOutbox() {
    return this.send<{ folder: string }>("reveal_outbox");
  }

  async recoveryOffer(project_id: string) {
    return this.send<RecoveryOffer | null>("recovery_offer", { project_id });
  }
  async recover(project_id: string) {
    return this.send<ProjectState>("recover", { project_id });
  }
  async discardRecovery(project_id: string) {
    return this.send<{ discarded: number }>("discard_recovery", { project_id });
  }
  async libraryInfo() {
    return this.send<LibraryInfo>("library_info");
  }

  watch(id: string, onEvent: (event: StudioEvent) => void): () => void {
    const stop = listen<StudioEvent>("studio-event", (e) => {
      if ("project_id" in e.payload && e.payload.project_id === id) onEvent(e.payload);
    });
    return () => {
      stop.then((f) => f());
    };
  }

  desktopEvents(onEvent: (event: DesktopEvent) => void): () => void {
    const stops = [
      listen<{ id: string }>("studio-menu", (e) => onEvent({ kind: "menu", id: e.payload.id })),
      listen<{ project_id: string }>("studio-open", (e) => onEvent({ kind: "open", projectId: e.payload.project_id })),
      listen<{ code: string; message: string }>("studio-error", (e) =>
        onEvent({ kind: "error", message: e.payload.message }),
      ),
      listen<{ paths: string[] }>("studio-data-files", (e) => onEvent({ kind: "data-files", paths: e.payload.paths })),
    ];
    return () => {
      stops.forEach((s) => s.then((f) => f()));
    };
  }

  setTitle(title: string): void {
    getCurrentWindow()
      .setTitle(title)
      .catch(() => {});
  }

  ready(): void {
    invoke("ui_ready").catch(() => {});
  }

  async initialProject(): Promise<string | null> {
    return invoke<string | null>("take_initial_project");
  }

  async exportProject(project_id: string, name: string): Promise<Task | null> {
    try {
      return await invoke<Task | null>("export_dialog", { projectId: project_id, name });
    } catch (e) {
      const err = e as { code?: string; message?: string };
      throw new BackendError(err.code ?? "error", err.message ?? String(e));
    }
  }
}
