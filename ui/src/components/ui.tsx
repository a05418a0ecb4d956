// Small shared pieces: toasts, banners, status badges.
import { useEffect } from "react";
import type { ProjectStatus, StageStatus } from "../api/types";
import { statusLabel } from "../state/logic";

export interface ToastMessage {
  id: number;
  text: string;
  kind: "info" | "error";
  action?: { label: string; run: () => void };
}

/** Shows a message to the analyst, optionally with an action (e.g. Undo). */
export interface Notify {
  (text: string, kind?: "info" | "error", action?: ToastMessage["action"]): void;
}

export function Toasts({ toasts, dismiss }: { toasts: ToastMessage[]; dismiss: (id: number) => void }) {
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <Toast key={t.id} toast={t} dismiss={dismiss} />
      ))}
    </div>
  );
}

function Toast({ toast, dismiss }: { toast: ToastMessage; dismiss: (id: number) => void }) {
  useEffect(() => {
    const timer = window.setTimeout(() => dismiss(toast.id), toast.action ? 8000 : 4000);
    return () => window.clearTimeout(timer);
  }, [toast, dismiss]);
  return (
    <div className={`toast ${toast.kind}`} data-testid="toast">
      <span>{toast.text}</span>
      {toast.action && (
        <button
          className="link"
          onClick={() => {
            toast.action?.run();
            dismiss(toast.id);
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button className="icon" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

export function StatusBadge({ status }: { status: ProjectStatus }) {
  return <span className={`badge status-${status}`}>{statusLabel(status)}</span>;
}

export function StageDot({ status }: { status: StageStatus }) {
  return <span className={`dot stage-${status}`} title={status.replace("_", " ")} />;
}
