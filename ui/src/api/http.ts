// The backend over `studio serve`: same-origin fetch (the token travels in the cookie the
// server set when the page was opened with ?token=) and a WebSocket per open project.
import { BackendError, type Backend, type NewProject } from "./backend";
import type { StudioEvent } from "./types";

const API = "/api/v1/studio";

export class HttpBackend implements Backend {
  constructor(private base = "") {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) {
      throw new BackendError(json?.code ?? "error", json?.message ?? res.statusText, res.status);
    }
    return json as T;
  }

  listProjects() {
    return this.call<import("./types").ProjectSummary[]>("GET", `${API}/projects`);
  }
  createProject(req: NewProject) {
    return this.call<import("./types").ProjectState>("POST", `${API}/projects`, req);
  }
  getProject(id: string, version?: number) {
    const q = version === undefined ? "" : `?version=${version}`;
    return this.call<import("./types").ProjectState>("GET", `${API}/projects/${id}${q}`);
  }
  renameProject(id: string, project_name: string) {
    return this.call<import("./types").ProjectState>("PUT", `${API}/projects/${id}`, { project_name });
  }
  async deleteProject(id: string) {
    await this.call("DELETE", `${API}/projects/${id}`);
  }
  undeleteProject(id: string) {
    return this.call<import("./types").ProjectState>("POST", `${API}/projects/${id}/undelete`);
  }
  duplicateProject(id: string) {
    return this.call<import("./types").ProjectState>("POST", `${API}/projects/${id}/duplicate`, {});
  }
  save(id: string) {
    return this.call<import("./types").ProjectState>("POST", `${API}/projects/${id}/versions`);
  }
  versions(id: string) {
    return this.call<import("./types").VersionInfo[]>("GET", `${API}/projects/${id}/versions`);
  }
  restore(id: string, version: number) {
    return this.call<import("./types").ProjectState>("POST", `${API}/projects/${id}/versions/${version}/restore`);
  }
  action(id: string, workbench: import("./types").Workbench, action: string, payload: unknown) {
    return this.call<import("./types").WorkbenchResponse>(
      "POST",
      `${API}/projects/${id}/workbench/${workbench}/action`,
      { action, payload },
    );
  }
  undo(id: string) {
    return this.call<import("./types").HistoryResponse>("POST", `${API}/projects/${id}/undo`);
  }
  redo(id: string) {
    return this.call<import("./types").HistoryResponse>("POST", `${API}/projects/${id}/redo`);
  }
  templates() {
    return this.call<import("./types").TemplateInfo[]>("GET", `${API}/templates`);
  }
  saveTemplate(id: string, name: string) {
    return this.call<import("./types").TemplateInfo>("POST", `${API}/templates`, { project_id: id, name });
  }

  tasks(id: string) {
    return this.call<import("./types").Task[]>("GET", `${API}/projects/${id}/tasks`);
  }
  runPipeline(id: string) {
    return this.call<import("./types").PipelineRun>("POST", `${API}/projects/${id}/run`);
  }
  cancelTask(taskId: string) {
    return this.call<import("./types").Task>("POST", `${API}/tasks/${taskId}/cancel`, {});
  }

  generateReport(id: string, report_config?: import("./types").ReportConfig) {
    return this.call<import("./types").GeneratedReport>(
      "POST",
      `${API}/projects/${id}/report/generate`,
      report_config ? { report_config } : {},
    );
  }
  previewReport(id: string, report_config?: import("./types").ReportConfig) {
    return this.call<import("./types").GeneratedReport>(
      "POST",
      `${API}/projects/${id}/report/preview`,
      report_config ? { report_config } : {},
    );
  }
  getReport(id: string, reportId: string) {
    return this.call<import("./types").GeneratedReport>("GET", `${API}/projects/${id}/report/${reportId}`);
  }
  listReports(id: string) {
    return this.call<import("./types").ReportListing[]>("GET", `${API}/projects/${id}/reports`);
  }
  exportReport(id: string, reportId: string, export_format: import("./types").ExportFormat, path?: string) {
    return this.call<import("./types").Task>(
      "POST",
      `${API}/projects/${id}/report/${reportId}/export`,
      path ? { export_format, path } : { export_format },
    );
  }
  reportSchedule(id: string) {
    return this.call<import("./types").ScheduleStatus>("GET", `${API}/projects/${id}/report/schedule`);
  }
  sendReport(id: string) {
    return this.call<import("./types").Task>("POST", `${API}/projects/${id}/report/schedule/send`);
  }
  revealExport(id: string, reportId: string, export_format: import("./types").ExportFormat) {
    return this.call<{ folder: string }>("POST", `${API}/projects/${id}/report/${reportId}/reveal`, { export_format });
  }
  revealOutbox() {
    return this.call<{ folder: string }>("POST", `${API}/outbox/reveal`);
  }

  recoveryOffer(id: string) {
    return this.call<import("./types").RecoveryOffer | null>("GET", `${API}/projects/${id}/recovery`);
  }
  recover(id: string) {
    return this.call<import("./types").ProjectState>("POST", `${API}/projects/${id}/recovery`);
  }
  discardRecovery(id: string) {
    return this.call<{ discarded: number }>("DELETE", `${API}/projects/${id}/recovery`);
  }
  libraryInfo() {
    return this.call<import("./types").LibraryInfo>("GET", `${API}/library`);
  }

  watch(id: string, onEvent: (event: StudioEvent) => void): () => void {
    const url = new URL(`${this.base || window.location.origin}/ws/v1/studio/projects/${id}`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    let socket: WebSocket | null = new WebSocket(url);
    socket.onmessage = (msg) => onEvent(JSON.parse(String(msg.data)) as StudioEvent);
    return () => {
      socket?.close();
      socket = null;
    };
  }
}
