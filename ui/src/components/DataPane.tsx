// The Data workbench: a drop zone for files, the sources with their roles and status, the
// schema and statistics of the selected source, a preview grid where a value is overridden
// with a reason, and banners for sources in error and for data changed since its refresh.
import { useEffect, useState } from "react";
import type { Task } from "../api/types";
import { valueText } from "../state/format";
import type { PaneProps } from "./pane";
import { Avatars } from "./People";
import { onItem } from "../state/people";

interface Column {
  name: string;
  type: string;
  count: number;
  nulls: number;
  min?: number | string | null;
  max?: number | string | null;
  mean?: number | null;
  distinct: number;
}
interface Explored {
  source_name: string;
  status: string;
  message?: string;
  role?: string | null;
  rows?: number;
  path?: string;
  columns?: Column[];
  preview?: Record<string, unknown>[];
  bad_row_count?: number;
  bad_rows?: { line: number; reason: string }[];
  overrides?: { field: string; value: unknown; reason: string }[];
}

export const ROLES = ["", "marginal", "microdata", "time_series", "variables"];

/** A role guessed from a file's name; the analyst can change it. */
export function guessRole(file: string): string {
  const f = file.toLowerCase();
  if (f.includes("marginal") || f.includes("census")) return "marginal";
  if (f.includes("survey") || f.includes("microdata") || f.includes("sample")) return "microdata";
  if (f.includes("history") || f.includes("adoption") || f.includes("series")) return "time_series";
  if (f.includes("price") || f.includes("variable")) return "variables";
  return "";
}

/** A source name from a file name: its stem, with anything unusual made an underscore. */
export function sourceName(file: string): string {
  return file.replace(/\.[^.]+$/, "").replace(/[^A-Za-z0-9_-]+/g, "_") || "source";
}

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

// A cell of the preview grid, also the value the override form starts from (so a plain minus sign).
const show = (v: unknown) =>
  v === null || v === undefined
    ? ""
    : typeof v === "number"
      ? String(Math.round(v * 1e4) / 1e4)
      : typeof v === "object"
        ? valueText(v)
        : String(v);
const running = (tasks: Task[], kind: string) =>
  tasks.find((t) => t.kind === kind && !["COMPLETED", "FAILED", "CANCELLED"].includes(t.status));

export function DataPane({ state, run, read, tasks, people }: PaneProps) {
  const data = state.workbench_states.data;
  const [explored, setExplored] = useState<Explored[]>([]);
  const [selected, setSelectedState] = useState<string | null>(null);
  // The source I have open is what my collaborators see me on.
  const setSelected = (name: string | null) => {
    if (name !== selected) people?.focus(name ? { kind: "source", id: name } : null);
    setSelectedState(name);
  };
  const [previewed, setPreviewed] = useState<{ source: string; preview: Explored | null } | null>(null);
  const [editing, setEditing] = useState<{ row: number; column: string; value: string; reason: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const key = JSON.stringify([data.sources, data.overrides, state.data_package_id]);

  // An answer that a newer request overtook (the data changed again, another source picked) is dropped.
  useEffect(() => {
    let latest = true;
    read("data", "explore_sources", {}).then((r) => latest && r && setExplored((r as { sources: Explored[] }).sources));
    return () => {
      latest = false;
    };
  }, [key, read]);
  useEffect(() => {
    if (!selected) return;
    let latest = true;
    read("data", "preview_data", { source_name: selected }).then(
      (r) => latest && setPreviewed({ source: selected, preview: (r as Explored) ?? null }),
    );
    return () => {
      latest = false;
    };
  }, [selected, key, read]);
  // The selected source's preview only: another's is not shown while this one loads.
  const preview = selected && previewed?.source === selected ? previewed.preview : null;

  const addFiles = async (files: File[]) => {
    for (const file of files) {
      const role = guessRole(file.name);
      const configuration = {
        import: true,
        file_name: file.name,
        content_base64: await base64Of(file),
        ...(role ? { role } : {}),
      };
      if (await run("data", "configure_source", { source_name: sourceName(file.name), configuration }))
        setSelected(sourceName(file.name));
    }
  };
  const setRole = (name: string, role: string) => {
    const config = { ...((data.sources[name] as Record<string, unknown>) ?? {}) };
    if (role) config.role = role;
    else delete config.role;
    run("data", "configure_source", { source_name: name, configuration: config });
  };
  const override = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!editing || !selected) return;
    let value: unknown = editing.value.trim();
    try {
      value = JSON.parse(editing.value);
    } catch {
      /* text */
    }
    const field = `${selected}.${editing.column}[${editing.row + 1}]`;
    if (await run("data", "override_value", { override: { field, value, reason: editing.reason.trim() } }))
      setEditing(null);
  };
  const refreshing = running(tasks, "refresh_data");
  const failed = explored.filter((s) => s.status !== "ok");
  const names = Object.keys(data.sources);

  return (
    <div className="stack">
      {failed.length > 0 && (
        <div className="banner error" role="alert" data-testid="source-errors">
          <ul>
            {failed.map((s) => (
              <li key={s.source_name}>
                <strong>{s.source_name}</strong>: {s.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {names.length > 0 && data.status !== "complete" && (
        <div className="banner" data-testid="data-stale">
          <span>
            The sources changed since the data was last refreshed: the population will use the refreshed data.
          </span>
          <button onClick={() => run("data", "refresh_data", {})} disabled={!!refreshing}>
            Refresh now
          </button>
        </div>
      )}
      <section
        className={`dropzone${dragging ? " over" : ""}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          addFiles(Array.from(e.dataTransfer.files));
        }}
      >
        <p>
          <strong>Drop CSV, JSON or Parquet files here</strong> to import them into the project, or{" "}
          <label className="link">
            choose files
            <input
              type="file"
              multiple
              accept=".csv,.tsv,.txt,.json,.parquet"
              hidden
              onChange={(e) => {
                addFiles(Array.from(e.target.files ?? []));
                e.target.value = "";
              }}
            />
          </label>
          .
        </p>
        <p className="muted small">
          In the desktop app, files dropped on the window stay where they are and are watched for changes.
        </p>
      </section>
      <section>
        <div className="row spread">
          <h2>Sources</h2>
          <span className="row">
            {refreshing && (
              <span className="small muted" data-testid="refresh-progress">
                {refreshing.progress?.message ?? "refreshing…"}
              </span>
            )}
            <button
              onClick={() => run("data", "refresh_data", {})}
              disabled={!!refreshing || names.length === 0}
              data-testid="refresh-data"
            >
              Refresh data
            </button>
          </span>
        </div>
        <table className="grid" data-testid="sources">
          <thead>
            <tr>
              <th>Source</th>
              <th>Role</th>
              <th>File</th>
              <th>Rows</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {names.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No sources yet: drop files above.
                </td>
              </tr>
            )}
            {names.map((name) => {
              const config = (data.sources[name] ?? {}) as Record<string, unknown>;
              const s = explored.find((x) => x.source_name === name);
              return (
                <tr key={name} className={selected === name ? "selected" : ""} onClick={() => setSelected(name)}>
                  <td>
                    <button className="link">{name}</button>{" "}
                    <Avatars users={onItem(people?.users ?? [], "source", name, "")} max={3} />
                  </td>
                  <td>
                    <select
                      aria-label={`Role of ${name}`}
                      value={String(config.role ?? "")}
                      onClick={(e) => e.stopPropagation()}
                      onChange={(e) => setRole(name, e.target.value)}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r ? r.replace("_", " ") : "—"}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="small">
                    {config.linked === false
                      ? `imported (${String(config.imported_from ?? "")})`
                      : `linked: ${String(config.path ?? "")}`}
                  </td>
                  <td>{s?.rows?.toLocaleString() ?? ""}</td>
                  <td className={s && s.status !== "ok" ? "error-text" : ""}>
                    {s
                      ? s.status === "ok"
                        ? `ok${s.bad_row_count ? ` · ${s.bad_row_count} bad rows skipped` : ""}`
                        : s.status
                      : "…"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
      {preview && preview.status === "ok" && (
        <section data-testid="preview">
          <h2>
            {preview.source_name}{" "}
            <span className="muted small">
              {preview.rows?.toLocaleString()} rows · first {preview.preview?.length}
            </span>
          </h2>
          <table className="grid small" data-testid="schema">
            <thead>
              <tr>
                <th>Column</th>
                <th>Type</th>
                <th>Nulls</th>
                <th>Min</th>
                <th>Max</th>
                <th>Mean</th>
                <th>Distinct</th>
              </tr>
            </thead>
            <tbody>
              {preview.columns?.map((c) => (
                <tr key={c.name}>
                  <td className="mono">{c.name}</td>
                  <td>{c.type}</td>
                  <td>{c.nulls}</td>
                  <td>{show(c.min)}</td>
                  <td>{show(c.max)}</td>
                  <td>{show(c.mean)}</td>
                  <td>{c.distinct}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            Click a value to override it; the reason is kept in the log and the report's methodology.
          </p>
          <div className="scroll">
            <table className="grid small" data-testid="preview-grid">
              <thead>
                <tr>
                  <th>#</th>
                  {preview.columns?.map((c) => (
                    <th key={c.name}>{c.name}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.preview?.map((row, i) => {
                  const marked = (row._overridden as string[] | undefined) ?? [];
                  return (
                    <tr key={i}>
                      <td className="muted">{i + 1}</td>
                      {preview.columns?.map((c) => (
                        <td
                          key={c.name}
                          className={marked.includes(c.name) ? "overridden" : ""}
                          tabIndex={0}
                          title={marked.includes(c.name) ? "overridden" : "click (or Enter) to override"}
                          onClick={() => setEditing({ row: i, column: c.name, value: show(row[c.name]), reason: "" })}
                          onKeyDown={(e) => {
                            if (e.key === "Enter")
                              setEditing({ row: i, column: c.name, value: show(row[c.name]), reason: "" });
                          }}
                        >
                          {show(row[c.name])}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {editing && (
            <form
              className="row card"
              onSubmit={override}
              data-testid="override-form"
              onKeyDown={(e) => {
                if (e.key !== "Escape") return;
                e.preventDefault(); // closing the form is this Escape's whole job: the message line keeps its message
                setEditing(null);
              }}
            >
              <span className="mono">{`${selected}.${editing.column}[${editing.row + 1}]`}</span>
              <input
                aria-label="New value"
                value={editing.value}
                onChange={(e) => setEditing({ ...editing, value: e.target.value })}
                required
              />
              <input
                aria-label="Reason for the override"
                placeholder="Reason (required)"
                value={editing.reason}
                onChange={(e) => setEditing({ ...editing, reason: e.target.value })}
                required
                autoFocus
              />
              <button className="primary" type="submit" disabled={!editing.reason.trim()}>
                Override
              </button>
              <button type="button" onClick={() => setEditing(null)}>
                Cancel
              </button>
            </form>
          )}
          {(preview.bad_rows?.length ?? 0) > 0 && (
            <details>
              <summary>{preview.bad_row_count} malformed rows skipped</summary>
              <ul className="small">
                {preview.bad_rows?.map((b) => (
                  <li key={b.line}>
                    line {b.line}: {b.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </section>
      )}
      <Overrides state={state} run={run} />
      <CustomTables state={state} run={run} />
    </div>
  );
}

/** Parses what a person typed as a value: a number or JSON when it reads as one, else text. */
export function parseValue(text: string): unknown {
  const t = text.trim();
  if (t === "") return "";
  try {
    return JSON.parse(t);
  } catch {
    return t;
  }
}

function Overrides({ state, run }: Pick<PaneProps, "state" | "run">) {
  const data = state.workbench_states.data;
  const [field, setField] = useState("");
  const [value, setValue] = useState("");
  const [reason, setReason] = useState("");
  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    if (
      await run("data", "override_value", {
        override: { field: field.trim(), value: parseValue(value), reason: reason.trim() },
      })
    ) {
      setField("");
      setValue("");
      setReason("");
    }
  };
  return (
    <section>
      <h2>Overrides</h2>
      <table className="grid" data-testid="overrides">
        <thead>
          <tr>
            <th>Field</th>
            <th>Value</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {data.overrides.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                No overrides.
              </td>
            </tr>
          )}
          {data.overrides.map((o) => (
            <tr key={o.field}>
              <td className="mono">{o.field}</td>
              <td className="mono">{valueText(o.value)}</td>
              <td>{o.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="row" onSubmit={add}>
        <input
          aria-label="Field"
          placeholder="SOURCE.COLUMN or SOURCE.COLUMN[row]"
          value={field}
          onChange={(e) => setField(e.target.value)}
          required
        />
        <input
          aria-label="Value"
          placeholder="Value"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          required
        />
        <input
          aria-label="Reason"
          placeholder="Reason (required)"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required
        />
        <button className="primary" type="submit" disabled={!field.trim() || !reason.trim()}>
          Override
        </button>
      </form>
    </section>
  );
}

const TYPES = ["text", "integer", "float", "boolean"];

/** A small table typed in: name, columns as `name:type`, one row per line. */
export function tableFrom(columnsText: string, rowsText: string) {
  const columns = columnsText
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => {
      const [name, type = "text"] = c.split(":").map((x) => x.trim());
      return { name, type: TYPES.includes(type) ? type : "text" };
    });
  const rows = rowsText
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) =>
      line.split(",").map((cell, i) => {
        const t = columns[i]?.type;
        const v = cell.trim();
        if (t === "integer" || t === "float") return v === "" ? null : Number(v);
        if (t === "boolean") return v.toLowerCase() === "true";
        return v;
      }),
    );
  return { columns, rows };
}

function CustomTables({ state, run }: Pick<PaneProps, "state" | "run">) {
  const data = state.workbench_states.data;
  const [name, setName] = useState("");
  const [columns, setColumns] = useState("");
  const [rows, setRows] = useState("");
  const [role, setRole] = useState("");
  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    const table = tableFrom(columns, rows);
    const configuration = { type: "table", ...table, ...(role ? { role } : {}) };
    if (await run("data", "add_custom_source", { source_name: name.trim(), configuration })) {
      setName("");
      setColumns("");
      setRows("");
      setRole("");
    }
  };
  return (
    <section>
      <h2>Custom tables</h2>
      <ul className="plain" data-testid="custom-sources">
        {data.custom_sources.length === 0 && <li className="muted">None yet.</li>}
        {data.custom_sources.map((s) => (
          <li key={s.name}>
            <strong>{s.name}</strong> <span className="muted">({s.type})</span>
          </li>
        ))}
      </ul>
      <form className="stack tight" onSubmit={add}>
        <div className="row">
          <input
            aria-label="Source name"
            placeholder="New table name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
          />
          <input
            aria-label="Columns"
            placeholder="Columns: year:integer, price:float"
            value={columns}
            onChange={(e) => setColumns(e.target.value)}
          />
          <select aria-label="Role of the new table" value={role} onChange={(e) => setRole(e.target.value)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r ? r.replace("_", " ") : "no role"}
              </option>
            ))}
          </select>
        </div>
        <textarea
          aria-label="Rows"
          placeholder={"One row per line, values separated by commas\n2026, 1.0"}
          rows={3}
          value={rows}
          onChange={(e) => setRows(e.target.value)}
        />
        <div className="row">
          <button type="submit" disabled={!name.trim()}>
            Add table
          </button>
        </div>
      </form>
    </section>
  );
}
