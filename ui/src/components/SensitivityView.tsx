// A scenario's global sensitivity: the analysis asked for (Sobol or Morris, samples, replicates
// per evaluation), run as a task with progress and Cancel, then a tornado chart (the output with
// each factor low and high) and the indices table for either output.
import { useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { SensitivityAnswer, Task } from "../api/types";
import { analysisLine, indexColumns, indexRows, percent, tornadoBars, type TornadoBar } from "../state/sensitivity";
import { NumberField, TaskProgress, taskEnded } from "./ui";

interface Props {
  backend: Backend;
  projectId: string;
  scenario: { scenario_id: string; name: string };
  tasks: Task[];
  fail: (e: unknown) => void;
  onClose: () => void;
}

export function SensitivityView({ backend, projectId, scenario, tasks, fail, onClose }: Props) {
  const [answer, setAnswer] = useState<SensitivityAnswer | null>(null);
  const [method, setMethod] = useState<"sobol" | "morris">("sobol");
  const [samples, setSamples] = useState(64);
  const [replicates, setReplicates] = useState(8);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [output, setOutput] = useState(0);
  const task = tasks.find((t) => t.id === taskId) ?? null;
  const id = scenario.scenario_id;

  // The latest analysis, on opening and whenever this view's task finishes.
  const finished = task ? taskEnded(task) : false;
  useEffect(() => {
    let live = true;
    backend
      .sensitivity(projectId, id)
      .then((a) => live && setAnswer(a))
      .catch(() => live && setAnswer(null));
    return () => {
      live = false;
    };
  }, [backend, projectId, id, finished]);

  const start = async () => {
    try {
      const started = await backend.startSensitivity(projectId, id, { method, samples, replicates });
      setTaskId(started.id);
    } catch (e) {
      fail(e);
    }
  };
  const running = task !== null && !finished;
  const s = answer?.sensitivity ?? null;
  const shown = s ? s.outputs[Math.min(output, s.outputs.length - 1)] : null;
  const asShare = shown?.output === "final_share";
  const limits = method === "sobol" ? { min: 8, max: 4096 } : { min: 2, max: 1000 };

  return (
    <section className="card" data-testid="sensitivity" aria-label={`Sensitivity of ${scenario.name}`}>
      <div className="row spread">
        <h3>Sensitivity of “{scenario.name}”</h3>
        <button type="button" onClick={onClose} aria-label="Close the sensitivity analysis">
          Close
        </button>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label>
          Method{" "}
          <select
            aria-label="Method"
            value={method}
            onChange={(e) => {
              const next = e.target.value as "sobol" | "morris";
              setMethod(next);
              setSamples(next === "sobol" ? 64 : 10);
            }}
          >
            <option value="sobol">Sobol indices</option>
            <option value="morris">Morris screening</option>
          </select>
        </label>
        <NumberField
          label="Samples"
          min={limits.min}
          max={limits.max}
          value={String(samples)}
          onChange={(v) => setSamples(Number(v))}
        />
        <NumberField
          label="Replicates per evaluation"
          min={1}
          max={200}
          value={String(replicates)}
          onChange={(v) => setReplicates(Number(v))}
        />
        <button className="primary" type="submit" disabled={running} data-testid="analyse">
          Analyse
        </button>
        {running && task && (
          <button type="button" onClick={() => backend.cancelTask(task.id).catch(fail)}>
            Cancel
          </button>
        )}
      </form>
      {task && <TaskProgress task={task} label="Sensitivity progress" testId="sensitivity-status" />}
      {!s && !running && (
        <p className="muted">
          No analysis yet: it varies the model's coefficients and the scenario's variables over their ranges and shows
          which move the answer.
        </p>
      )}
      {s && shown && (
        <>
          {!answer?.current && (
            <p className="small stale" data-testid="sensitivity-stale">
              Made from earlier inputs: the scenario, its population or the settings changed since. Analyse again.
            </p>
          )}
          <p className="muted small">{analysisLine(s)}</p>
          <div className="row" role="tablist" aria-label="Output">
            {s.outputs.map((o, i) => (
              <button
                key={o.output}
                role="tab"
                aria-selected={i === output}
                className={i === output ? "primary" : ""}
                onClick={() => setOutput(i)}
              >
                {o.label}
              </button>
            ))}
          </div>
          <Tornado bars={tornadoBars(s, shown)} mean={shown.mean} format={(x) => percent(x, asShare ? 1 : 0)} />
          <table className="small" data-testid="sensitivity-table">
            <thead>
              <tr>
                <th>Factor</th>
                <th>Range</th>
                <th>Now</th>
                {indexColumns(s).map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {indexRows(s, shown).map((r) => (
                <tr key={r.factor}>
                  <td>
                    {r.factor}
                    {r.fitted && (
                      <span className="badge" title="fitted by calibration: its range is the posterior's 5–95%">
                        {" "}
                        fitted
                      </span>
                    )}
                  </td>
                  <td>{r.range}</td>
                  <td>{r.value}</td>
                  {r.cells.map((c, i) => (
                    <td key={i}>{c}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** Horizontal bars from the output with the factor low to it high, around the mean. */
function Tornado({ bars, mean, format }: { bars: TornadoBar[]; mean: number; format: (x: number) => string }) {
  const w = 560,
    label = 190,
    row = 22,
    h = bars.length * row + 24;
  const values = bars.flatMap((b) => [b.low, b.high]).concat(mean);
  const lo = Math.min(...values),
    hi = Math.max(...values);
  const x = (v: number) => label + ((v - lo) / (hi - lo || 1)) * (w - label - 60);
  return (
    <svg viewBox={`0 0 ${w} ${h}`} width="100%" role="img" aria-label="tornado chart" data-testid="tornado">
      <line x1={x(mean)} x2={x(mean)} y1={0} y2={h - 18} stroke="#888" strokeDasharray="3 3" />
      {bars.map((b, i) => {
        const y = i * row + 4;
        const [a, z] = [Math.min(b.low, b.high), Math.max(b.low, b.high)];
        return (
          <g key={b.factor} tabIndex={0} aria-label={`${b.label}: ${format(b.low)} low, ${format(b.high)} high`}>
            <text x={label - 6} y={y + 13} fontSize={11} textAnchor="end">
              {b.label}
            </text>
            <rect
              x={x(a)}
              y={y}
              width={Math.max(1, x(z) - x(a))}
              height={row - 6}
              fill={b.high >= b.low ? "#3b7dd8" : "#d8693b"}
            >
              <title>{`${b.label}: ${format(b.low)} at its low quarter, ${format(b.high)} at its high quarter`}</title>
            </rect>
            <text x={x(z) + 4} y={y + 13} fontSize={10}>
              {format(b.low)} → {format(b.high)}
            </text>
          </g>
        );
      })}
      <text x={x(mean)} y={h - 4} fontSize={10} textAnchor="middle">
        mean {format(mean)}
      </text>
    </svg>
  );
}
