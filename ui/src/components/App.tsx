// The window: the project library, or one open project.
import { useCallback, useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import { BackendError, PROJECT_COMMAND } from "../api/backend";
import type { Limits } from "../api/types";
import { Library } from "./Library";
import { LimitsContext } from "./limits";
import { ProjectView } from "./ProjectView";
import { dismissToast, expireToasts, nextExpiry, pushToast, type Toast } from "../state/toasts";
import { MessageLine, type Notify } from "./ui";

let nextToast = 1;

export function App({ backend }: { backend: Backend }) {
  const [open, setOpen] = useState<string | null>(null);
  // The desktop asks which project it was started on before showing either screen.
  const [starting, setStarting] = useState(backend.initialProject !== undefined);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [limits, setLimits] = useState<Limits | null>(null);
  const notify: Notify = useCallback((text, kind = "info", action) => {
    setToasts((queue) => pushToast(queue, { id: nextToast++, text, kind, action, at: Date.now() }));
  }, []);
  const fail = useCallback(
    (e: unknown) => {
      notify(e instanceof BackendError ? e.message : String(e), "error");
    },
    [notify],
  );
  const dismiss = useCallback((id: number) => setToasts((queue) => dismissToast(queue, id)), []);
  // Information fades: wake when the next message's time is up.
  useEffect(() => {
    const at = nextExpiry(toasts);
    if (at == null) return;
    // At least what is due at `at` goes, should the timer fire a little early.
    const expire = () => setToasts((queue) => expireToasts(queue, Math.max(Date.now(), at)));
    const timer = window.setTimeout(expire, at - Date.now());
    return () => window.clearTimeout(timer);
  }, [toasts]);

  useEffect(() => {
    backend.limits().then(setLimits).catch(fail);
  }, [backend, fail]);

  useEffect(() => {
    backend
      .initialProject?.()
      .then((id) => id && setOpen(id))
      .catch(fail)
      .finally(() => setStarting(false));
  }, [backend, fail]);

  // The desktop shell's menus, dropped files and errors.
  useEffect(
    () =>
      backend.desktopEvents?.((event) => {
        if (event.kind === "open") setOpen(event.projectId);
        else if (event.kind === "error") notify(event.message, "error");
        else if (event.kind === "menu" && (event.id === "new" || event.id === "library")) setOpen(null);
        else if (event.kind === "menu" || event.kind === "data-files") {
          window.dispatchEvent(new CustomEvent(PROJECT_COMMAND, { detail: event }));
        }
      }),
    [backend, notify],
  );
  return (
    <div className="app">
      <LimitsContext.Provider value={limits}>
        {starting || limits === null ? null : open === null ? (
          <Library backend={backend} onOpen={setOpen} notify={notify} fail={fail} />
        ) : (
          <ProjectView backend={backend} projectId={open} onClose={() => setOpen(null)} notify={notify} fail={fail} />
        )}
      </LimitsContext.Provider>
      <MessageLine queue={toasts} dismiss={dismiss} />
    </div>
  );
}
