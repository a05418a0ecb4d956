// The Simulation console: settings and Run, the live fan chart filling in tick by tick, play /
// pause / stop / step / back (Space, ← and → too), a replay slider, a shock injector, export
// buttons, the results of the scenario's last ensemble and, when the run was calibrated, the
// fit against the history with its held-out points and errors.
import { useEffect, useState } from "react";
import type { ConsoleView, TimeAxis } from "../api/types";
import { percent } from "../state/live";
import { FanChart } from "./FanChart";
import { when } from "../state/timeAxis";
import { useLimits } from "./limits";
import type { PaneProps } from "./pane";
import { NumberField } from "./ui";

interface Settings {
  scenario_id?: string;
  ticks?: number;
  replicates?: number;
  seed?: number;
  variables?: Record<string, number>;
  calibration?: unknown;
  [key: string]: unknown;
}
interface Calibration {
  series: string;
  fitted: Record<string, number>;
  fit_points: number;
  holdout_points: number;
  observed: number[];
  bands: ConsoleView["bands"];
  holdout_rmse: number;
  holdout_mape: number;
  coverage_90: number;
  fit_rmse: number;
}
interface Summary {
  scenario_id: string;
  digest: string;
  replicates: number;
  ticks: number;
  bands: ConsoleView["bands"];
  final: { p5: number; p50: number; p95: number; mean: number };
  threshold: { share: number; tick: number; probability: number };
  calibration: Calibration | null;
  injected_shocks: ConsoleView["injected_shocks"];
}

/** What "Calibrate on the history" fits when the settings name nothing else: the two terms'
 * constants and the market potential (the share that can ever adopt). */
const CALIBRATE = {
  parameters: [
    { path: "spontaneous.constant", lower: 0, upper: 0.02 },
    { path: "influence.constant", lower: 0, upper: 1 },
    { path: "potential", lower: 0.05, upper: 1 },
  ],
  replicates: 1,
  max_evaluations: 600,
};

export function SimulationPane({ state, run, read, live, showView, axis }: PaneProps) {
  const sim = state.workbench_states.simulation;
  const config = (sim.config ?? {}) as Settings;
  const [scenarioId, setScenarioId] = useState(config.scenario_id ?? state.scenarios[0]?.scenario_id ?? "");
  const limits = useLimits();
  const defaults = limits.defaults.simulation;
  const [ticks, setTicks] = useState(String(config.ticks ?? defaults.ticks));
  const [replicates, setReplicates] = useState(String(config.replicates ?? defaults.replicates));
  const [seed, setSeed] = useState(String(config.seed ?? defaults.seed));
  const [calibrate, setCalibrate] = useState(config.calibration != null);
  const [summarised, setSummarised] = useState<{ ensemble: string; summary: Summary | null } | null>(null);
  const [slider, setSlider] = useState<number | null>(null);
  const [shock, setShock] = useState({
    variable: Object.keys(config.variables ?? { price: 1 })[0] ?? "price",
    magnitude: "-0.1",
  });
  const [exported, setExported] = useState<string | null>(null);
  const scenario = state.scenarios.find((s) => s.scenario_id === scenarioId);
  const ensembleId = scenario?.ensemble_id;

  // The selected scenario's summary only: one asked for another scenario and answered late is dropped.
  useEffect(() => {
    if (!ensembleId) return;
    let latest = true;
    read("simulation", "export_data", { simulation_config: { scenario_id: scenarioId } }).then(
      (r) => latest && setSummarised({ ensemble: ensembleId, summary: (r as Summary) ?? null }),
    );
    return () => {
      latest = false;
    };
  }, [ensembleId, scenarioId, read]);
  const summary = ensembleId && summarised?.ensemble === ensembleId ? summarised.summary : null;

  const start = async (e: React.FormEvent) => {
    e.preventDefault();
    showView(null);
    const { calibration: _, ...rest } = config;
    await run("simulation", "run", {
      simulation_config: {
        ...rest,
        scenario_id: scenarioId,
        ticks: Number(ticks),
        replicates: Number(replicates),
        seed: Number(seed),
        ...(calibrate ? { calibration: config.calibration ?? CALIBRATE } : {}),
      },
    });
  };
  const control = async (action: string, payload: unknown = {}) => {
    const view = (await read("simulation", action, payload)) as ConsoleView | null;
    if (view) showView(view);
  };
  const mine = live && live.scenario_id === scenarioId ? live : null;
  const open = mine && mine.status !== "stopped";
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (!open || (e.target as HTMLElement)?.closest?.("input, textarea, select")) return;
      if (e.key === " ") {
        e.preventDefault();
        control(mine.status === "running" ? "pause" : "resume");
      }
      if (e.key === "ArrowRight") control("step_forward");
      if (e.key === "ArrowLeft" && mine.tick > mine.start) control("step_backward");
    };
    window.addEventListener("keydown", key);
    return () => window.removeEventListener("keydown", key);
  });
  const exportAs = async (format: string) => {
    const r = (await read("simulation", "export_data", {
      export_format: format,
      simulation_config: { scenario_id: scenarioId },
    })) as { path: string; rows: number } | null;
    if (r) setExported(`${r.rows.toLocaleString()} rows → ${r.path}`);
  };
  const bands = mine ? mine.bands : (summary?.bands ?? []);
  const total = mine ? mine.total : (summary?.ticks ?? Number(ticks));
  const shocks = [...(scenario?.config.shock_events ?? []), ...(summary?.injected_shocks ?? [])];

  return (
    <div className="stack">
      <form className="card row" onSubmit={start} data-testid="simulation-settings">
        <label>
          Scenario
          <select aria-label="Scenario to simulate" value={scenarioId} onChange={(e) => setScenarioId(e.target.value)}>
            {state.scenarios.map((s) => (
              <option key={s.scenario_id} value={s.scenario_id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <NumberField label="Ticks" min={1} max={limits.max_ticks} value={ticks} onChange={setTicks} />
        <NumberField
          label="Replicates"
          min={1}
          max={limits.max_replicates}
          value={replicates}
          onChange={setReplicates}
        />
        <NumberField label="Seed" min={0} value={seed} onChange={setSeed} />
        <label className="check">
          <input
            type="checkbox"
            aria-label="Calibrate on the history"
            checked={calibrate}
            onChange={(e) => setCalibrate(e.target.checked)}
          />{" "}
          Calibrate on the history
        </label>
        <button className="primary" type="submit" data-testid="run-simulation" disabled={!scenarioId}>
          Run
        </button>
      </form>
      <section className="card">
        <div className="row spread">
          <h2>
            {scenario?.name ?? "No scenario"}{" "}
            <span className="muted small" data-testid="console-status">
              {mine
                ? `${mine.status} · tick ${mine.tick} of ${mine.total}` +
                  (mine.start > 0 ? ` · a forecast from the history's end, tick ${mine.start}` : "")
                : (scenario?.status ?? "")}
            </span>
          </h2>
          <span className="actions" data-testid="console-controls">
            <button
              type="button"
              onClick={() => control("step_backward")}
              disabled={!open || mine.tick <= mine.start}
              title={open && mine.tick <= mine.start ? "The run starts where the history ends" : undefined}
              aria-label="Step back"
            >
              ◀ Back
            </button>
            {mine?.status === "running" ? (
              <button type="button" onClick={() => control("pause")} aria-label="Pause">
                Pause
              </button>
            ) : (
              <button
                type="button"
                onClick={() => control("resume")}
                disabled={!open || mine?.status === "complete"}
                aria-label="Resume"
              >
                Play
              </button>
            )}
            <button
              type="button"
              onClick={() => control("step_forward")}
              disabled={!open || mine?.status === "complete"}
              aria-label="Step forward"
            >
              Step ▶
            </button>
            <button type="button" onClick={() => control("stop")} disabled={!open} aria-label="Stop">
              Stop
            </button>
          </span>
        </div>
        <FanChart bands={bands} total={total} shocks={shocks} cursor={mine?.tick} axis={axis} />
        <input
          type="range"
          className="wide"
          aria-label="Replay to tick"
          min={0}
          max={mine?.total ?? 0}
          disabled={!open}
          value={slider ?? mine?.tick ?? 0}
          onChange={(e) => setSlider(Number(e.target.value))}
          onPointerUp={() => {
            if (slider != null) control("replay", { tick: slider });
            setSlider(null);
          }}
          onKeyUp={() => {
            if (slider != null) control("replay", { tick: slider });
            setSlider(null);
          }}
        />
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            control("inject_shock", { shock: { variable: shock.variable, magnitude: Number(shock.magnitude) } });
          }}
        >
          <input
            aria-label="Shock variable"
            value={shock.variable}
            onChange={(e) => setShock({ ...shock, variable: e.target.value })}
          />
          <input
            aria-label="Shock magnitude"
            type="number"
            step="any"
            value={shock.magnitude}
            onChange={(e) => setShock({ ...shock, magnitude: e.target.value })}
          />
          <button type="submit" disabled={!open || mine?.status === "complete"}>
            Inject shock
          </button>
        </form>
      </section>
      {summary && (
        <section className="card" data-testid="results">
          <p>
            At {when(axis, summary.ticks)}: <strong>{percent(summary.final.p50)}</strong> adopted (90% interval{" "}
            {percent(summary.final.p5)}–{percent(summary.final.p95)}, {summary.replicates} replicates). P(≥{" "}
            {percent(summary.threshold.share)} by {when(axis, summary.threshold.tick)}) ={" "}
            {(summary.threshold.probability * 100).toFixed(0)}%.
          </p>
          <p className="muted small">digest {summary.digest.slice(0, 16)}</p>
          <div className="row">
            {["csv", "json", "parquet"].map((f) => (
              <button key={f} type="button" onClick={() => exportAs(f)}>
                Export {f.toUpperCase()}
              </button>
            ))}
          </div>
          {exported && (
            <p className="small" data-testid="exported">
              {exported}
            </p>
          )}
        </section>
      )}
      {summary?.calibration && <CalibrationView fit={summary.calibration} axis={axis} />}
    </div>
  );
}

function CalibrationView({ fit, axis }: { fit: Calibration; axis?: TimeAxis | null }) {
  return (
    <section className="card" data-testid="calibration">
      <h3>Calibration on “{fit.series}”</h3>
      <FanChart
        bands={fit.bands}
        total={fit.observed.length - 1}
        observed={fit.observed}
        fitted={fit.fit_points}
        label="calibration"
        axis={axis}
      />
      <table className="grid">
        <tbody>
          {Object.entries(fit.fitted).map(([k, v]) => (
            <tr key={k}>
              <td>{k}</td>
              <td>{v.toPrecision(4)}</td>
            </tr>
          ))}
          <tr>
            <td>points fitted / held out</td>
            <td>
              {fit.fit_points} / {fit.holdout_points}
            </td>
          </tr>
          <tr>
            <td>held-out RMSE</td>
            <td>{fit.holdout_rmse.toFixed(4)}</td>
          </tr>
          <tr>
            <td>held-out MAPE</td>
            <td>{fit.holdout_mape.toFixed(1)}%</td>
          </tr>
          <tr>
            <td>held-out points inside the 90% band</td>
            <td>{(fit.coverage_90 * 100).toFixed(0)}%</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
