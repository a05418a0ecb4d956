// The report's schedule: how often and to whom (saved as the `report/schedule` action, so it is
// versioned and undoable), when it next goes out and how (by mail, or as a ready-to-send .eml
// in the outbox folder when no mail server is set), the last delivery, and "Send now".
import { useCallback, useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { ReportSchedule, ScheduleStatus, Task } from "../api/types";
import { taskLabel } from "../state/logic";
import { recipientsFrom } from "../state/report";
import type { Run } from "./pane";
import type { Notify } from "./ui";

const FREQUENCIES = ["hourly", "daily", "weekly", "monthly", "every 30 minutes", "every 2 weeks"];

interface Props {
  projectId: string;
  saved: ReportSchedule | null | undefined;
  backend: Backend;
  run: Run;
  tasks: Task[];
  notify: Notify;
}

export function ReportScheduleCard({ projectId, saved, backend, run, tasks, notify }: Props) {
  const [frequency, setFrequency] = useState(saved?.frequency ?? "weekly");
  const [recipients, setRecipients] = useState((saved?.recipients ?? []).join(", "));
  const [status, setStatus] = useState<ScheduleStatus | null>(null);
  const [sending, setSending] = useState<Task | null>(null);
  const [busy, setBusy] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const savedKey = JSON.stringify(saved ?? null);

  const refresh = useCallback(() => {
    backend
      .reportSchedule(projectId)
      .then((s) => {
        setStatus(s);
        setLoadError(null);
      })
      .catch((e) => setLoadError(e instanceof Error ? e.message : String(e)));
  }, [backend, projectId]);

  // The saved schedule (after a save, an undo, another window) shows here, with its status.
  const [formOf, setFormOf] = useState(savedKey);
  if (formOf !== savedKey) {
    setFormOf(savedKey);
    setFrequency(saved?.frequency ?? "weekly");
    setRecipients((saved?.recipients ?? []).join(", "));
  }
  useEffect(refresh, [savedKey, refresh]);

  // The delivery sent here, else the latest one (the scheduler's, or another window's).
  const task = sending
    ? (tasks.find((t) => t.id === sending.id) ?? sending)
    : (tasks.find((t) => t.kind === "deliver_report") ?? null);
  const finished =
    task != null && (task.status === "COMPLETED" || task.status === "FAILED" || task.status === "CANCELLED");
  const finishedId = finished ? task.id : null;
  // Once the delivery sent here is done, follow whichever comes next (the scheduler's included).
  if (sending && finishedId === sending.id) setSending(null);
  useEffect(() => {
    if (finishedId) refresh();
  }, [finishedId, refresh]);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    await run("report", "schedule", {
      schedule: { frequency: frequency.trim(), recipients: recipientsFrom(recipients) },
    });
    setBusy(false);
  };
  const stop = async () => {
    setBusy(true);
    await run("report", "schedule", { schedule: { frequency: "off", recipients: [] } });
    setBusy(false);
  };
  const sendNow = async () => {
    try {
      setSending(await backend.sendReport(projectId));
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), "error");
    }
  };

  const last = status?.last_delivery;
  const inFlight = task != null && !finished;
  return (
    <section className="card stack tight" data-testid="report-schedule">
      <h2>Schedule</h2>
      <form className="stack tight" onSubmit={save}>
        <label className="row">
          <span className="grow-1">Send</span>
          <input
            aria-label="Frequency"
            list="report-frequencies"
            value={frequency}
            required
            onChange={(e) => setFrequency(e.target.value)}
          />
          <datalist id="report-frequencies">
            {FREQUENCIES.map((f) => (
              <option key={f} value={f} />
            ))}
          </datalist>
        </label>
        <label className="row">
          <span className="grow-1">To</span>
          <input
            aria-label="Recipients"
            placeholder="ana@example.org, bo@example.org"
            value={recipients}
            required
            onChange={(e) => setRecipients(e.target.value)}
          />
        </label>
        <div className="row">
          <button type="submit" className="primary" disabled={busy || !recipients.trim()}>
            {saved ? "Update schedule" : "Schedule"}
          </button>
          {saved && (
            <button type="button" onClick={stop} disabled={busy}>
              Stop
            </button>
          )}
          {saved && (
            <button type="button" data-testid="send-report-now" onClick={sendNow} disabled={inFlight}>
              {inFlight ? "Sending…" : "Send now"}
            </button>
          )}
        </div>
      </form>
      <p className="muted small" data-testid="schedule-status" aria-live="polite">
        {scheduleLine(saved, status)}
      </p>
      {loadError && (
        <p className="banner error small" role="alert">
          Could not read the schedule: {loadError}
        </p>
      )}
      {task && !finished && (
        <p className="small">
          {taskLabel(task.status)} · {task.progress?.message ?? "starting"}
        </p>
      )}
      {status?.delivery === "outbox" && (
        <button
          type="button"
          className="link small"
          onClick={() =>
            backend
              .revealOutbox()
              .then(({ folder }) => notify(`Opened ${folder}`))
              .catch((e) => notify(e instanceof Error ? e.message : String(e), "error"))
          }
        >
          Show outbox
        </button>
      )}
      {last && (
        <p className={`small ${last.status === "failed" ? "banner error" : ""}`} data-testid="last-delivery">
          Last {last.reason === "manual" ? "sent by hand" : "scheduled"} {new Date(last.at).toLocaleString()}:{" "}
          {last.message}
        </p>
      )}
    </section>
  );
}

function scheduleLine(saved: ReportSchedule | null | undefined, status: ScheduleStatus | null): string {
  if (!saved) return "Not scheduled. While Studio runs, a scheduled report is generated, rendered as a PDF and sent.";
  const next = status?.next_run_at ? new Date(status.next_run_at).toLocaleString() : "…";
  const how =
    status?.delivery === "smtp"
      ? "by mail"
      : `as a ready-to-send .eml in ${status?.outbox ?? "the outbox folder"} (no mail server is set)`;
  return `Sent ${saved.frequency} to ${saved.recipients.join(", ")}, ${how}. Next: ${next}.`;
}
