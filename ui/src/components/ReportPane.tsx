// The Report workbench: the builder (template, sections in order, charts, branding), notes on
// sections, Generate (recorded) with a live preview (redrawn shortly after the settings or a
// note are saved, stored nowhere until generated or exported), exports with their progress and
// written files, and the report's schedule.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Backend } from "../api/backend";
import type { ExportFormat, GeneratedReport, ReportConfig, Task } from "../api/types";
import {
  ALL_SECTIONS,
  PREVIEW_ID,
  chosenSections,
  configFrom,
  draftFrom,
  previewDocument,
  sectionLabel,
} from "../state/report";
import type { PaneProps } from "./pane";
import { ReportExports } from "./ReportExports";
import { ReportScheduleCard } from "./ReportScheduleCard";
import { ReportSettings } from "./ReportSettings";
import type { Notify } from "./ui";

/** How long after a save the preview is regenerated (saves in a burst regenerate once). */
const REGENERATE_MS = 400;

type Props = Pick<PaneProps, "state" | "run" | "tasks" | "people"> & { backend: Backend; notify: Notify };
/** The report shown, the settings it was made with, and its colours for the preview frame. */
interface Shown {
  report: GeneratedReport;
  config: ReportConfig;
  colors: { primary: string; accent: string };
}

export function ReportPane({ state, run, tasks, people, backend, notify }: Props) {
  const stage = state.workbench_states.report;
  const projectId = state.project_id;
  const savedKey = JSON.stringify(stage.config ?? null);
  const [draft, setDraft] = useState(() => draftFrom(stage.config));
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generating, setGenerating] = useState(false);
  const [started, setStarted] = useState<Partial<Record<ExportFormat, Task>>>({});
  const timer = useRef<number | null>(null);

  // Settings changed elsewhere (undo, another window) show here unless being edited.
  const [draftOf, setDraftOf] = useState(savedKey);
  if (draftOf !== savedKey) {
    setDraftOf(savedKey);
    if (!dirty) setDraft(draftFrom(stage.config));
  }

  const show = useCallback((report: GeneratedReport, config: ReportConfig) => {
    const d = draftFrom(config);
    setShown({ report, config, colors: { primary: d.primary, accent: d.accent } });
    setError(null);
  }, []);

  // The stage's latest report is shown when the pane opens (and when another run replaces it).
  const asking = useRef(0);
  // Counts generates started: a read of the latest report that a generate overtook is dropped.
  const generations = useRef(0);
  useEffect(() => {
    // A generate in flight answers with its report itself.
    if (!stage.report_id || stage.report_id === shown?.report.report_id || asking.current > 0) return;
    const since = generations.current;
    backend
      .getReport(projectId, stage.report_id)
      .then((r) => {
        if (generations.current === since) show(r, stage.config ?? configFrom(draft));
      })
      .catch(() => {});
  }, [backend, projectId, stage.report_id]); // eslint-disable-line react-hooks/exhaustive-deps -- not on each edit

  /** Generates (recorded, exportable) or previews (stored nowhere) and shows the report. */
  // The answer of the latest request is shown: an earlier one arriving late is not.
  const generate = useCallback(
    async (config: ReportConfig, preview = false): Promise<GeneratedReport | null> => {
      const mine = ++generations.current;
      setGenerating(true);
      asking.current += 1;
      try {
        const report = preview
          ? await backend.previewReport(projectId, config)
          : await backend.generateReport(projectId, config);
        if (generations.current === mine) show(report, config);
        return report;
      } catch (e) {
        if (generations.current === mine) setError(e instanceof Error ? e.message : String(e));
        return null;
      } finally {
        asking.current -= 1;
        setGenerating(asking.current > 0);
      }
    },
    [backend, projectId, show],
  );
  // Exports started from one preview share the one report generated for them.
  const recording = useRef<Promise<GeneratedReport | null> | null>(null);

  const regenerateSoon = (config: ReportConfig) => {
    if (timer.current != null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      timer.current = null;
      generate(config, true);
    }, REGENERATE_MS);
  };
  useEffect(
    () => () => {
      if (timer.current != null) window.clearTimeout(timer.current);
    },
    [],
  );

  const save = async () => {
    const config = configFrom(draft);
    setSaving(true);
    const ok = await run("report", "customize", { report_config: config });
    setSaving(false);
    if (!ok) return;
    setDirty(false);
    if (shown || error) regenerateSoon(config);
  };
  const annotate = async (section: string, text: string, author: string) => {
    const ok = await run("report", "add_annotation", { annotation: { section, text, author } });
    if (ok && (shown || error)) regenerateSoon(configFrom(draft));
    return ok;
  };

  const startExport = async (format: ExportFormat) => {
    if (!shown) return;
    // A preview is stored nowhere: it is generated (and recorded) with its own settings first.
    let report: GeneratedReport | null = shown.report;
    if (report.report_id === PREVIEW_ID) {
      recording.current ??= generate(shown.config).finally(() => {
        recording.current = null;
      });
      report = await recording.current;
    }
    if (!report) return;
    try {
      const task = await backend.exportReport(projectId, report.report_id, format);
      setStarted((s) => ({ ...s, [format]: task }));
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), "error");
    }
  };
  // Each export as it stands now: the task events update the project's list.
  const exports: Partial<Record<ExportFormat, Task>> = {};
  for (const [f, t] of Object.entries(started) as [ExportFormat, Task][])
    exports[f] = tasks.find((x) => x.id === t.id) ?? t;
  const finished = Object.values(exports)
    .filter((t) => t.status === "COMPLETED")
    .map((t) => t.id)
    .join();
  const reportId = shown?.report.report_id;
  useEffect(() => {
    if (!finished || !reportId) return;
    backend
      .getReport(projectId, reportId)
      .then((r) => setShown((s) => (s && s.report.report_id === r.report_id ? { ...s, report: r } : s)))
      .catch(() => {});
  }, [backend, projectId, reportId, finished]);

  // Opens the file's folder; where no file manager can be opened, copies the path instead.
  const reveal = async (format: ExportFormat, path: string, reportId: string) => {
    try {
      const { folder } = await backend.revealExport(projectId, reportId, format);
      notify(`Opened ${folder}`);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const copied = await copyText(path);
      notify(copied ? `${why} — the path is copied instead` : `${why} (${path})`, "error");
    }
  };

  return (
    <div className="report-builder">
      <div className="stack tight">
        <ReportSettings
          people={people}
          draft={draft}
          dirty={dirty}
          saving={saving}
          onSave={save}
          onChange={(d) => {
            setDraft(d);
            setDirty(true);
          }}
        />
        <Annotations annotations={stage.annotations} annotate={annotate} />
        <ReportScheduleCard
          projectId={projectId}
          saved={stage.schedule}
          backend={backend}
          run={run}
          tasks={tasks}
          notify={notify}
        />
      </div>
      <div className="stack tight">
        <div className="row">
          <button
            className="primary"
            type="button"
            data-testid="generate-report"
            onClick={() => generate(configFrom(draft))}
            disabled={generating || chosenSections(draft).length === 0}
          >
            {generating ? "Generating…" : "Generate"}
          </button>
          <span className="muted small" aria-live="polite">
            {!shown
              ? "Not generated yet"
              : shown.report.report_id === PREVIEW_ID
                ? `Preview of ${new Date(shown.report.generated_at).toLocaleString()} · ${shown.report.content.sections.length} sections · not recorded until generated or exported`
                : `Generated ${new Date(shown.report.generated_at).toLocaleString()} · ${shown.report.content.sections.length} sections`}
          </span>
        </div>
        {error && (
          <p className="banner error" role="alert" data-testid="report-error">
            {error}
          </p>
        )}
        <ReportExports
          report={shown?.report ?? null}
          exports={exports}
          start={startExport}
          reveal={reveal}
          revealHint="Opens the file's folder"
        />
        {shown ? (
          <iframe
            className="report-preview"
            title="Report preview"
            data-testid="report-preview"
            sandbox=""
            srcDoc={previewDocument(shown.report, shown.colors)}
          />
        ) : (
          <p className="muted empty">Generate to see the report here.</p>
        )}
      </div>
    </div>
  );
}

function Annotations({
  annotations,
  annotate,
}: {
  annotations: PaneProps["state"]["workbench_states"]["report"]["annotations"];
  annotate: (section: string, text: string, author: string) => Promise<boolean>;
}) {
  const [section, setSection] = useState("summary");
  const [text, setText] = useState("");
  // Notes are printed with their author's name: remembered on this computer once typed.
  const [author, setAuthor] = useState(() => rememberedAuthor());
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    rememberAuthor(author.trim());
    if (await annotate(section, text.trim(), author.trim())) setText("");
  };
  return (
    <section className="card stack tight">
      <h2>Notes on sections</h2>
      <ul className="plain flush" data-testid="annotations">
        {annotations.length === 0 && <li className="muted">No annotations.</li>}
        {annotations.map((a) => (
          <li key={a.annotation_id}>
            <strong>{sectionLabel(a.section)}</strong>: {a.text} <span className="muted">— {a.author}</span>
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={submit}>
        <select aria-label="Section" value={section} onChange={(e) => setSection(e.target.value)}>
          {ALL_SECTIONS.map((s) => (
            <option key={s} value={s}>
              {sectionLabel(s)}
            </option>
          ))}
        </select>
        <input
          aria-label="Annotation"
          placeholder="Note for this section"
          value={text}
          onChange={(e) => setText(e.target.value)}
          required
        />
        <input
          aria-label="Your name"
          className="narrow"
          placeholder="Your name"
          value={author}
          onChange={(e) => setAuthor(e.target.value)}
          required
        />
        <button type="submit" disabled={!text.trim() || !author.trim()}>
          Add note
        </button>
      </form>
    </section>
  );
}

const AUTHOR_KEY = "futureos-studio.author";

function rememberedAuthor(): string {
  try {
    return window.localStorage.getItem(AUTHOR_KEY) ?? "";
  } catch {
    return "";
  }
}

function rememberAuthor(name: string) {
  try {
    if (name) window.localStorage.setItem(AUTHOR_KEY, name);
  } catch {
    // storage refused (private mode): the name is asked again next time
  }
}

/** Copies text to the clipboard; the older way when the Clipboard API is refused. */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}
