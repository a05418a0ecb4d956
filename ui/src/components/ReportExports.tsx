// Exporting the report shown: one button per format, each starting an export task whose
// progress arrives as task events; then the written file with "Show in folder", and every file
// the report has been exported to, with its short hash.
import type { ExportFormat, GeneratedReport, Task } from "../api/types";
import { taskLabel } from "../state/logic";
import { parseExportUrl } from "../state/report";

export const FORMATS: ExportFormat[] = ["pdf", "pptx", "html", "docx"];

interface Props {
  report: GeneratedReport | null;
  /** The latest export task of each format, as it stands. */
  exports: Partial<Record<ExportFormat, Task>>;
  start: (format: ExportFormat) => void;
  /** Shows an export in its folder: the export's format, path and report. */
  reveal: (format: ExportFormat, path: string, reportId: string) => void;
  /** What "Show in folder" does here, for its tooltip. */
  revealHint: string;
}

export function ReportExports({ report, exports, start, reveal, revealHint }: Props) {
  const files = Object.entries(report?.export_urls ?? {});
  return (
    <section className="card stack tight" data-testid="report-exports">
      <div className="row">
        <h2 className="grow-1">Export</h2>
        {FORMATS.map((f) => {
          const task = exports[f];
          const busy =
            task != null && (task.status === "PENDING" || task.status === "ASSIGNED" || task.status === "IN_PROGRESS");
          return (
            <button
              key={f}
              type="button"
              data-testid={`export-${f}`}
              disabled={!report || busy}
              aria-label={`Export as ${f.toUpperCase()}`}
              onClick={() => start(f)}
            >
              {f.toUpperCase()}
            </button>
          );
        })}
      </div>
      {!report && <p className="muted small">Generate the report to export it.</p>}
      {FORMATS.filter((f) => exports[f]).map((f) => (
        <ExportRow key={f} format={f} task={exports[f] as Task} reveal={reveal} revealHint={revealHint} />
      ))}
      {files.length > 0 && (
        <div>
          <h3>Files of this report</h3>
          <ul className="plain small" data-testid="export-urls">
            {files.map(([format, url]) => {
              const { path, sha256, download } = parseExportUrl(url);
              return (
                <li key={format} className="export-file">
                  <span className="chip">{format.toUpperCase()}</span>
                  {download ? (
                    // On a team server: the team keeps the file, any of its instances hands it out.
                    <a href={download} download data-testid={`download-${format}`}>
                      Download
                    </a>
                  ) : (
                    <span className="mono path" title={path}>
                      {path}
                    </span>
                  )}
                  <span className="muted mono" title={`sha256 ${sha256}`}>
                    {sha256.slice(0, 12)}
                  </span>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}

function ExportRow({
  format,
  task,
  reveal,
  revealHint,
}: {
  format: ExportFormat;
  task: Task;
  reveal: (format: ExportFormat, path: string, reportId: string) => void;
  revealHint: string;
}) {
  const done = task.status === "COMPLETED";
  const fraction = done ? 1 : (task.progress?.fraction ?? 0);
  const path = done ? String(task.result?.outputs.path ?? "") : "";
  const name = format.toUpperCase();
  return (
    <div className={`task task-${task.status.toLowerCase()}`} data-testid={`export-status-${format}`}>
      <div className="task-head">
        <span className="task-name">{name}</span>
        <span className={`chip chip-${task.status.toLowerCase()}`}>{taskLabel(task.status)}</span>
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-label={`${name} export progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
      >
        <span style={{ width: `${Math.round(fraction * 100)}%` }} />
      </div>
      {path ? (
        <div className="row small">
          <span className="mono path grow-1" data-testid={`exported-path-${format}`} title={path}>
            {path}
          </span>
          <button
            type="button"
            data-testid="show-in-folder"
            title={revealHint}
            aria-label={`Show the ${name} in its folder`}
            onClick={() => reveal(format, path, String(task.inputs.report_id ?? ""))}
          >
            Show in folder
          </button>
        </div>
      ) : (
        <div className="muted small">
          {task.result?.reason ? (
            <span className="reason">{task.result.reason}</span>
          ) : (
            (task.progress?.message ?? "waiting to start")
          )}
        </div>
      )}
    </div>
  );
}
