// The Scenario workbench: the list (the baseline first) with each scenario's run, an editor
// for variable overrides and population adjustments, shocks placed on a timeline (click to
// add, drag to move), running a scenario as a task, and the compare view: what differs and,
// once simulated, the results side by side.
import { useRef, useState } from "react";
import type { Backend } from "../api/backend";
import type { ScenarioConfig, Shock } from "../api/types";
import { NOTHING } from "../state/format";
import {
  comparisonRows,
  overrideText,
  resultRows,
  sameFields,
  type ComparisonRow,
  type ScenarioComparison,
} from "../state/scenarioCompare";
import { useLimits } from "./limits";
import type { PaneProps } from "./pane";
import { Avatars } from "./People";
import { onItem } from "../state/people";
import { GoalSeekView } from "./GoalSeekView";
import { SensitivityView } from "./SensitivityView";
import type { Notify } from "./ui";

const blank: ScenarioConfig = { name: "", description: "", variable_overrides: [], shock_events: [] };

export function ScenarioPane({
  state,
  run,
  read,
  people,
  tasks,
  backend,
  notify,
}: PaneProps & { backend?: Backend; notify?: Notify }) {
  const [analysed, setAnalysed] = useState<string | null>(null);
  const analysedScenario = state.scenarios.find((s) => s.scenario_id === analysed) ?? null;
  const [seeking, setSeeking] = useState<string | null>(null);
  const seekingScenario = state.scenarios.find((s) => s.scenario_id === seeking) ?? null;
  const [editing, setEditingState] = useState<{ id: string | null; config: ScenarioConfig } | null>(null);
  // Which scenario I am editing is what my collaborators see me on.
  const setEditing = (next: { id: string | null; config: ScenarioConfig } | null) => {
    if ((next?.id ?? null) !== (editing?.id ?? null)) {
      people?.focus(next?.id ? { kind: "scenario", id: next.id } : null);
    }
    setEditingState(next);
  };
  const [ticked, setTicked] = useState<string[]>([]);
  // A ticked scenario deleted since (here, by undo, elsewhere) is no longer compared.
  const picked = ticked.filter((id) => state.scenarios.some((s) => s.scenario_id === id));
  const [compared, setCompared] = useState<ScenarioComparison | null>(null);
  const settings = (state.workbench_states.simulation.config ?? {}) as {
    ticks?: number;
    variables?: Record<string, number>;
    threshold?: { share: number; tick: number };
  };
  const limits = useLimits();
  const ticks = settings.ticks ?? limits.defaults.simulation.ticks;
  const variables = Object.keys(settings.variables ?? { price: 1 });

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    const config = {
      ...editing.config,
      shock_events: [...(editing.config.shock_events ?? [])].sort((a, b) => a.tick - b.tick),
    };
    const ok = editing.id
      ? await run("scenario", "edit_scenario", { scenario_id: editing.id, scenario_config: config })
      : await run("scenario", "create_scenario", { scenario_config: config });
    if (ok) setEditing(null);
  };
  const compare = async () =>
    setCompared((await read("scenario", "compare_scenarios", { compare_ids: picked })) as ScenarioComparison | null);
  const toggle = (id: string) => setTicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));

  return (
    <div className="stack">
      <section>
        <div className="row spread">
          <h2>
            Scenarios <span className="muted small">{state.scenarios.length} of 20</span>
          </h2>
          <span className="actions">
            <button onClick={compare} disabled={picked.length < 2} data-testid="compare">
              Compare {picked.length > 1 ? picked.length : ""}
            </button>
            <button
              className="primary"
              onClick={() => setEditing({ id: null, config: { ...blank } })}
              disabled={state.scenarios.length >= limits.max_scenarios}
            >
              New scenario
            </button>
          </span>
        </div>
        <ul className="cards" data-testid="scenarios">
          {state.scenarios.map((s) => (
            <li key={s.scenario_id} className="card">
              <div className="row spread">
                <label className="check">
                  <input
                    type="checkbox"
                    aria-label={`Compare ${s.name}`}
                    checked={picked.includes(s.scenario_id)}
                    onChange={() => toggle(s.scenario_id)}
                  />
                  <strong>{s.name}</strong>
                  <Avatars users={onItem(people?.users ?? [], "scenario", s.scenario_id, "")} max={3} />
                  <span className={`badge ${s.status}`} data-testid={`status-${s.name}`}>
                    {s.status}
                  </span>
                </label>
                <span className="actions">
                  <button
                    onClick={() => run("scenario", "run_scenario", { scenario_id: s.scenario_id })}
                    aria-label={`Run ${s.name}`}
                  >
                    Run
                  </button>
                  <button
                    onClick={() =>
                      setEditing({
                        id: s.scenario_id,
                        config: { ...s.config, shock_events: s.config.shock_events ?? [] },
                      })
                    }
                  >
                    Edit
                  </button>
                  <button onClick={() => run("scenario", "duplicate_scenario", { scenario_id: s.scenario_id })}>
                    Duplicate
                  </button>
                  {backend && (
                    <button
                      onClick={() => setSeeking(s.scenario_id)}
                      aria-label={`What would it take, from ${s.name}`}
                      title="Search the levers you allow for what reaches the target with the least change"
                    >
                      What would it take?
                    </button>
                  )}
                  {backend && (
                    <button
                      onClick={() => setAnalysed(s.scenario_id)}
                      aria-label={`Sensitivity of ${s.name}`}
                      title="Which coefficients and variables move this scenario's answer"
                    >
                      Sensitivity
                    </button>
                  )}
                  <button
                    className="danger"
                    onClick={() => run("scenario", "delete_scenario", { scenario_id: s.scenario_id })}
                  >
                    Delete
                  </button>
                </span>
              </div>
              {s.description && <p className="muted">{s.description}</p>}
              <p className="small">
                {s.config.variable_overrides.map((o) => overrideText(o.variable, o.value)).join(", ") ||
                  "No variable overrides"}
                {s.config.shock_events?.length
                  ? ` · shocks at ${s.config.shock_events.map((e) => e.tick).join(", ")}`
                  : ""}
                {s.run?.error ? ` · ${s.run.error}` : ""}
              </p>
            </li>
          ))}
        </ul>
      </section>
      {editing && (
        <form className="card editor" onSubmit={save} data-testid="scenario-editor">
          <h3>{editing.id ? "Edit scenario" : "New scenario"}</h3>
          <input
            aria-label="Scenario name"
            placeholder="Name"
            value={editing.config.name}
            required
            maxLength={255}
            onChange={(e) => setEditing({ ...editing, config: { ...editing.config, name: e.target.value } })}
          />
          <input
            aria-label="Scenario description"
            placeholder="Description"
            value={editing.config.description}
            onChange={(e) => setEditing({ ...editing, config: { ...editing.config, description: e.target.value } })}
          />
          <Overrides
            config={editing.config}
            variables={variables}
            onChange={(config) => setEditing({ ...editing, config })}
          />
          <Adjustments config={editing.config} onChange={(config) => setEditing({ ...editing, config })} />
          <ShockTimeline
            ticks={ticks}
            variables={variables}
            shocks={editing.config.shock_events ?? []}
            onChange={(shock_events) => setEditing({ ...editing, config: { ...editing.config, shock_events } })}
          />
          <div className="row">
            <button className="primary" type="submit" disabled={!editing.config.name.trim()}>
              Save scenario
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {compared && <CompareView compared={compared} />}
      {backend && seekingScenario && (
        <GoalSeekView
          key={seekingScenario.scenario_id}
          backend={backend}
          projectId={state.project_id}
          scenario={seekingScenario}
          variables={scenarioValues(settings.variables ?? {}, seekingScenario.config)}
          threshold={settings.threshold ?? { share: 0.3, tick: ticks }}
          tasks={tasks}
          fail={(e) => notify?.(e instanceof Error ? e.message : String(e), "error")}
          makeScenario={(config) => void run("scenario", "create_scenario", { scenario_config: config })}
          onClose={() => setSeeking(null)}
        />
      )}
      {backend && analysedScenario && (
        <SensitivityView
          key={analysedScenario.scenario_id}
          backend={backend}
          projectId={state.project_id}
          scenario={analysedScenario}
          tasks={tasks}
          fail={(e) => notify?.(e instanceof Error ? e.message : String(e), "error")}
          onClose={() => setAnalysed(null)}
        />
      )}
    </div>
  );
}

function Overrides({
  config,
  variables,
  onChange,
}: {
  config: ScenarioConfig;
  variables: string[];
  onChange: (c: ScenarioConfig) => void;
}) {
  const list = config.variable_overrides;
  const set = (i: number, patch: Partial<{ variable: string; value: unknown }>) =>
    onChange({ ...config, variable_overrides: list.map((o, j) => (j === i ? { ...o, ...patch } : o)) });
  return (
    <fieldset data-testid="overrides-editor">
      <legend>Variable overrides</legend>
      {list.map((o, i) => (
        <div className="row" key={i}>
          <input
            aria-label={`Override ${i + 1} variable`}
            list="scenario-variables"
            value={o.variable}
            onChange={(e) => set(i, { variable: e.target.value })}
          />
          <input
            aria-label={`Override ${i + 1} value`}
            type="number"
            step="any"
            value={String(o.value ?? "")}
            onChange={(e) => set(i, { value: e.target.value === "" ? "" : Number(e.target.value) })}
          />
          <button
            type="button"
            onClick={() => onChange({ ...config, variable_overrides: list.filter((_, j) => j !== i) })}
          >
            Remove
          </button>
        </div>
      ))}
      <datalist id="scenario-variables">
        {variables.map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
      <button
        type="button"
        onClick={() =>
          onChange({ ...config, variable_overrides: [...list, { variable: variables[0] ?? "", value: 1 }] })
        }
      >
        Add override
      </button>
    </fieldset>
  );
}

function Adjustments({ config, onChange }: { config: ScenarioConfig; onChange: (c: ScenarioConfig) => void }) {
  const entries = Object.entries(config.population_adjustments ?? {});
  const put = (next: [string, unknown][]) =>
    onChange({ ...config, population_adjustments: next.length ? Object.fromEntries(next) : undefined });
  return (
    <fieldset>
      <legend>Population adjustments</legend>
      {entries.map(([k, v], i) => (
        <div className="row" key={i}>
          <input
            aria-label={`Adjustment ${i + 1} name`}
            value={k}
            onChange={(e) => put(entries.map((x, j) => (j === i ? [e.target.value, x[1]] : x)))}
          />
          <input
            aria-label={`Adjustment ${i + 1} value`}
            value={typeof v === "string" ? v : JSON.stringify(v)}
            onChange={(e) => put(entries.map((x, j) => (j === i ? [x[0], parseLoose(e.target.value)] : x)))}
          />
          <button type="button" onClick={() => put(entries.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => put([...entries, [`adjustment_${entries.length + 1}`, 0]])}>
        Add adjustment
      </button>
    </fieldset>
  );
}

const parseLoose = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** Shocks on a track from tick 1 to the run's last: click to add, drag a mark to move it. */
function ShockTimeline({
  ticks,
  variables,
  shocks,
  onChange,
}: {
  ticks: number;
  variables: string[];
  shocks: Shock[];
  onChange: (s: Shock[]) => void;
}) {
  const track = useRef<SVGSVGElement>(null);
  const [dragging, setDragging] = useState<number | null>(null);
  const W = 600,
    H = 44;
  const tickAt = (clientX: number) => {
    const box = track.current?.getBoundingClientRect();
    if (!box) return 1;
    return Math.min(ticks, Math.max(1, Math.round(((clientX - box.left) / box.width) * ticks)));
  };
  const x = (t: number) => (t / ticks) * W;
  const set = (i: number, patch: Partial<Shock>) => onChange(shocks.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  return (
    <fieldset data-testid="shock-timeline">
      <legend>Shocks</legend>
      <svg
        ref={track}
        viewBox={`0 0 ${W} ${H}`}
        className="timeline"
        role="slider"
        aria-label="Shock timeline"
        aria-valuemin={1}
        aria-valuemax={ticks}
        onPointerDown={(e) => {
          if (dragging == null && e.target === track.current)
            onChange([...shocks, { tick: tickAt(e.clientX), variable: variables[0] ?? "price", magnitude: -0.1 }]);
        }}
        onPointerMove={(e) => dragging != null && set(dragging, { tick: tickAt(e.clientX) })}
        onPointerUp={() => setDragging(null)}
        onPointerLeave={() => setDragging(null)}
      >
        <line x1={0} x2={W} y1={H / 2} y2={H / 2} stroke="#9aa3b5" pointerEvents="none" />
        {shocks.map((s, i) => (
          <g
            key={i}
            onPointerDown={(e) => {
              e.stopPropagation();
              setDragging(i);
            }}
            style={{ cursor: "ew-resize" }}
          >
            <rect x={x(s.tick) - 5} y={8} width={10} height={H - 16} rx={3} fill="#d8833b" />
            <text x={x(s.tick)} y={H - 1} fontSize={9} textAnchor="middle" pointerEvents="none">
              {s.tick}
            </text>
          </g>
        ))}
      </svg>
      {shocks.map((s, i) => (
        <div className="row" key={i}>
          <input
            aria-label={`Shock ${i + 1} tick`}
            type="number"
            min={1}
            max={ticks}
            value={s.tick}
            onChange={(e) => set(i, { tick: Number(e.target.value) })}
          />
          <input
            aria-label={`Shock ${i + 1} variable`}
            list="scenario-variables"
            value={s.variable}
            onChange={(e) => set(i, { variable: e.target.value })}
          />
          <input
            aria-label={`Shock ${i + 1} magnitude`}
            type="number"
            step="any"
            value={s.magnitude}
            onChange={(e) => set(i, { magnitude: Number(e.target.value) })}
          />
          <button type="button" onClick={() => onChange(shocks.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <p className="muted small">Click the track to add a shock at that tick; drag a mark to move it.</p>
    </fieldset>
  );
}

function CompareView({ compared }: { compared: ScenarioComparison }) {
  const same = sameFields(compared);
  const rows = (list: ComparisonRow[]) =>
    list.map((r) => (
      <tr key={r.field} data-testid={`compare-${r.field}`}>
        <td>{r.label}</td>
        {r.cells.map((cell, i) => (
          <td key={compared.scenarios[i].scenario_id} title={cell === NOTHING ? "not set in this scenario" : undefined}>
            {cell}
          </td>
        ))}
      </tr>
    ));
  return (
    <section className="card" data-testid="compare-view">
      <h3>Compared</h3>
      <table className="grid">
        <thead>
          <tr>
            <th />
            {compared.scenarios.map((s) => (
              <th key={s.scenario_id}>{s.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows(comparisonRows(compared))}
          {rows(resultRows(compared))}
        </tbody>
      </table>
      <p className="muted small">
        {compared.differences.length === 0 ? "The configurations are the same." : ""}
        {same.length > 0 ? ` Alike in all: ${same.join(", ")}.` : ""}
      </p>
    </section>
  );
}

/** The scenario's variables: the settings' values with its own overrides laid over them. */
function scenarioValues(values: Record<string, number>, config: ScenarioConfig): Record<string, number> {
  const out = { ...values };
  for (const o of config.variable_overrides) if (typeof o.value === "number") out[o.variable] = o.value;
  return out;
}
