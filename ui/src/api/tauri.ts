// The client inside the desktop window: the same client as the browser's (client.ts), whose
// requests go through the shell's one `dispatch` command in the core's envelope; core events
// arrive as Tauri events. Only the desktop's own parts (menus, dialogs, the window) are here.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWindow } from "@tauri-apps/api/window";
import type { Backend, DesktopEvent } from "./backend";
import { StudioClient, backendError, type Transport } from "./client";
import type { StudioEvent, Task } from "./types";

export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** Requests through the shell's one `dispatch` command, events as Tauri events. */
class TauriTransport implements Transport {
  private user: Promise<string> = invoke<string>("whoami");

  async send(envelope: { user_id?: string }): Promise<unknown> {
    const user_id = envelope.user_id ?? (await this.user);
    try {
      return await invoke("dispatch", { request: { ...envelope, user_id } });
    } catch (e) {
      throw backendError(e, String(e));
    }
  }

  watch(id: string, onEvent: (event: StudioEvent) => void): () => void {
    const stop = listen<StudioEvent>("studio-event", (e) => {
      if ("project_id" in e.payload && e.payload.project_id === id) onEvent(e.payload);
    });
    return () => {
      stop.then((f) => f());
    };
  }
}

/** The client in the desktop window, with what only the desktop has. */
export class TauriBackend extends StudioClient implements Backend {
  constructor() {
    super(new TauriTransport());
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

  async saveSvg(name: string, svg: string): Promise<boolean> {
    try {
      return await invoke<boolean>("save_svg_dialog", { name, svg });
    } catch (e) {
      throw backendError(e, String(e));
    }
  }

  async exportProject(project_id: string, name: string): Promise<Task | null> {
    try {
      return await invoke<Task | null>("export_dialog", { projectId: project_id, name });
    } catch (e) {
      throw backendError(e, String(e));
    }
  }
}
