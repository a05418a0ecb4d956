// Operations, for whoever keeps Studio running: the health check (each component's score from
// 0 to 1 and what was seen) and the audit log searched (who did what, to what, how it went and
// how long it took). Read when opened; a refusal (not an admin on a team server) is shown as the
// server says it.
import { useCallback, useState } from "react";
import type { Backend } from "../api/backend";
import type { AuditEntry, Health } from "../api/types";

const OUTCOMES = ["allowed", "refused", "failed"];
/** Rows asked for at once. */
const AUDIT_LIMIT = 50;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function OperationsPanel({ backend }: { backend: Backend }) {
  const [health, setHealth] = useState<Health | null>(null);
  const [healthError, setHealthError] = useState<string | null>(null);
  const [rows, setRows] = useState<AuditEntry[] | null>(null);
  const [auditError, setAuditError] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [outcome, setOutcome] = useState("");

  const check = useCallback(() => {
    backend
      .health()
      .then((h) => {
        setHealth(h);
        setHealthError(null);
      })
      .catch((e) => setHealthError(message(e)));
  }, [backend]);

  const search = useCallback(
    (e?: React.FormEvent) => {
      e?.preventDefault();
      backend
        .searchAudit({ text: text.trim() || null, outcome: outcome || null, limit: AUDIT_LIMIT })
        .then((found) => {
          setRows([...found].sort((a, b) => b.seq - a.seq));
          setAuditError(null);
        })
        .catch((err) => setAuditError(message(err)));
    },
    [backend, text, outcome],
  );

  return (
    <details
      className="card wf-operations"
      data-testid="operations"
      onToggle={(e) => {
        if (!(e.currentTarget as HTMLDetailsElement).open) return;
        check();
        if (rows == null) search();
      }}
    >
      <summary>
        <strong>Operations</strong> <span className="muted small">health and the audit log</span>
      </summary>
      <div className="stack tight">
        <div className="row spread">
          <h3>
            Health{" "}
            {health && (
              <span className={`chip chip-${health.status}`} data-testid="health-status">
                {health.status} · {health.health_score.toFixed(2)}
              </span>
            )}
          </h3>
          <button type="button" onClick={check}>
            Check again
          </button>
        </div>
        {healthError && (
          <p className="banner error small" role="alert">
            {healthError}
          </p>
        )}
        {health && (
          <table data-testid="health">
            <tbody>
              {Object.entries(health.components).map(([name, c]) => (
                <tr key={name} data-testid="health-component">
                  <td>{name.replace("_", " ")}</td>
                  <td>
                    <meter
                      min={0}
                      max={1}
                      low={0.5}
                      high={0.9}
                      optimum={1}
                      value={c.score}
                      aria-label={`${name} score`}
                    />{" "}
                    {c.score.toFixed(2)}
                  </td>
                  <td>
                    <span className={`chip chip-${c.status}`}>{c.status}</span>
                  </td>
                  <td className="small">{c.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3>Audit log</h3>
        <form className="row" onSubmit={search}>
          <input
            aria-label="Search the audit log"
            placeholder="Words in the action, resource or message"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <select aria-label="Outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
            <option value="">any outcome</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
          <button type="submit">Search</button>
        </form>
        {auditError && (
          <p className="banner error small" role="alert" data-testid="audit-error">
            {auditError}
          </p>
        )}
        {rows && rows.length === 0 && <p className="muted small">Nothing in the audit log matches.</p>}
        {rows && rows.length > 0 && (
          <div className="scroll">
            <table className="small" data-testid="audit">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>User</th>
                  <th>Action</th>
                  <th>Resource</th>
                  <th>Outcome</th>
                  <th>ms</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.seq} data-testid="audit-row" title={r.message ?? undefined}>
                    <td>{new Date(r.at).toLocaleString()}</td>
                    <td>{r.user_id}</td>
                    <td className="mono">{r.action}</td>
                    <td className="mono">{r.resource}</td>
                    <td>
                      <span className={`chip chip-${r.outcome}`}>{r.outcome}</span>
                    </td>
                    <td>{r.ms.toFixed(1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </details>
  );
}
