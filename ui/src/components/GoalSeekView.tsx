// "What would it take?": the levers the analyst allows (a variable within bounds, a shock's size
// and tick, a population shift), the target (the prediction task's threshold unless changed),
// the budget; the search as a task with progress and Cancel; then the combinations found, the
// efficient ones first, each with its odds, interval and change, and "Make scenario".
import { useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { GoalSeekAnswer, Lever, ScenarioConfig, Task } from "../api/types";
import { candidateRows, defaultLevers, searchLine } from "../state/goalSeek";
import { NumberField, TaskProgress, taskEnded } from "./ui";

interface Props {
  backend: Backend;
  projectId: string;
  scenario: { scenario_id: string; name: string };
  variables: Record<string, number>;
  threshold: { share: number; tick: number };
  tasks: Task[];
  fail: (e: unknown) => void;
  makeScenario: (config: ScenarioConfig) => void;
  onClose: () => void;
}

export function GoalSeekView(props: Props) {
  const { backend, projectId, scenario, tasks, fail } = props;
  const [levers, setLevers] = useState<Lever[]>(() => defaultLevers(props.variables));
  const [share, setShare] = useState(Math.round(props.threshold.share * 1000) / 10);
  const [tick, setTick] = useState(props.threshold.tick);
  const [rollouts, setRollouts] = useState(400);
  const [replicates, setReplicates] = useState(8);
  const [answer, setAnswer] = useState<GoalSeekAnswer | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const task = tasks.find((t) => t.id === taskId) ?? null;
  const finished = task ? taskEnded(task) : false;
  const running = task !== null && !finished;
  const id = scenario.scenario_id;

  useEffect(() => {
    let live = true;
    backend
      .goalSeek(projectId, id)
      .then((a) => live && setAnswer(a))
      .catch(() => live && setAnswer(null));
    return () => {
      live = false;
    };
  }, [backend, projectId, id, finished]);

  const start = async () => {
    try {
      const target = { share: share / 100, tick };
      const started = await backend.startGoalSeek(projectId, id, { levers, target, rollouts, replicates });
      setTaskId(started.id);
    } catch (e) {
      fail(e);
    }
  };
  const edit = (i: number, next: Lever | null) =>
    setLevers((all) => (next ? all.map((l, j) => (j === i ? next : l)) : all.filter((_, j) => j !== i)));
  const g = answer?.goal_seek ?? null;

  return (
    <section className="card" data-testid="goal-seek" aria-label={`What would it take, from ${scenario.name}`}>
      <div className="row spread">
        <h3>What would it take? From “{scenario.name}”</h3>
        <button type="button" onClick={props.onClose} aria-label="Close what would it take">
          Close
        </button>
      </div>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <div className="row">
          <NumberField
            label="Target share (%)"
            min={0.1}
            max={100}
            step={0.1}
            value={String(share)}
            onChange={(v) => setShare(Number(v))}
          />
          <NumberField label="Target tick" min={0} value={String(tick)} onChange={(v) => setTick(Number(v))} />
          <NumberField
            label="Combinations to simulate"
            min={1}
            max={5000}
            value={String(rollouts)}
            onChange={(v) => setRollouts(Number(v))}
          />
          <NumberField
            label="Replicates per combination"
            min={1}
            max={200}
            value={String(replicates)}
            onChange={(v) => setReplicates(Number(v))}
          />
        </div>
        <ul className="stack" aria-label="Levers">
          {levers.map((l, i) => (
            <LeverRow key={i} index={i} lever={l} onChange={(next) => edit(i, next)} />
          ))}
        </ul>
        <div className="row">
          <button
            type="button"
            onClick={() =>
              setLevers([
                ...levers,
                {
                  kind: "shock",
                  variable: Object.keys(props.variables)[0] ?? "price",
                  magnitude_low: -0.2,
                  magnitude_high: 0,
                  tick_low: 1,
                  tick_high: Math.max(1, tick),
                  steps: 3,
                },
              ])
            }
          >
            Add a shock
          </button>
          <button
            type="button"
            onClick={() =>
              setLevers([...levers, { kind: "population", dimension: "age_band", lower: -0.2, upper: 0.2, steps: 3 }])
            }
          >
            Add a population shift
          </button>
          <button className="primary" type="submit" disabled={running || levers.length === 0} data-testid="seek">
            Find what it takes
          </button>
          {running && task && (
            <button type="button" onClick={() => backend.cancelTask(task.id).catch(fail)}>
              Cancel
            </button>
          )}
        </div>
      </form>
      {task && <TaskProgress task={task} label="Goal seek progress" testId="goal-seek-status" />}
      {g && (
        <>
          {!answer?.current && (
            <p className="small stale">Made from earlier inputs: the project changed since. Search again.</p>
          )}
          <p className="muted small">{searchLine(g)}</p>
          {g.candidates.length === 0 ? (
            <p>Nothing the levers allow does better than the scenario as it is.</p>
          ) : (
            <table className="small" data-testid="goal-seek-table">
              <thead>
                <tr>
                  <th>#</th>
                  <th>What it takes</th>
                  <th>P(target) (90%)</th>
                  <th>Final share</th>
                  <th>Change</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {candidateRows(g).map((r, i) => (
                  <tr key={r.rank}>
                    <td>
                      {r.rank}
                      {r.efficient && (
                        <span className="badge" title="No other combination is as likely with less change">
                          {" "}
                          efficient
                        </span>
                      )}
                    </td>
                    <td>{r.what}</td>
                    <td>{r.probability}</td>
                    <td>{r.finalShare}</td>
                    <td>{r.change}</td>
                    <td>
                      <button
                        type="button"
                        aria-label={`Make scenario ${r.rank}`}
                        onClick={() => props.makeScenario(g.candidates[i].scenario_config)}
                      >
                        Make scenario
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function LeverRow({ index, lever, onChange }: { index: number; lever: Lever; onChange: (l: Lever | null) => void }) {
  const n = (label: string, value: number, set: (v: number) => void) => (
    <label>
      {label}{" "}
      <input
        aria-label={`Lever ${index + 1} ${label}`}
        type="number"
        step="any"
        value={value}
        onChange={(e) => set(Number(e.target.value))}
      />
    </label>
  );
  // A bound left empty: the core takes the variable's value ±30%.
  const maybe = (label: string, value: number | null | undefined, hint: string, set: (v: number | null) => void) => (
    <label>
      {label}{" "}
      <input
        aria-label={`Lever ${index + 1} ${label}`}
        type="number"
        step="any"
        placeholder={hint}
        value={value ?? ""}
        onChange={(e) => set(e.target.value === "" ? null : Number(e.target.value))}
      />
    </label>
  );
  return (
    <li className="row">
      <strong>{lever.kind === "population" ? lever.dimension : lever.variable}</strong>
      <span className="muted small">{lever.kind}</span>
      {lever.kind === "shock" ? (
        <>
          {n("size from", lever.magnitude_low, (v) => onChange({ ...lever, magnitude_low: v }))}
          {n("to", lever.magnitude_high, (v) => onChange({ ...lever, magnitude_high: v }))}
          {n("tick from", lever.tick_low, (v) => onChange({ ...lever, tick_low: v }))}
          {n("tick to", lever.tick_high, (v) => onChange({ ...lever, tick_high: v }))}
        </>
      ) : (
        <>
          {lever.kind === "population" ? (
            <>
              <input
                aria-label={`Lever ${index + 1} dimension`}
                value={lever.dimension}
                onChange={(e) => onChange({ ...lever, dimension: e.target.value })}
              />
              {n("from", lever.lower, (v) => onChange({ ...lever, lower: v }))}
              {n("to", lever.upper, (v) => onChange({ ...lever, upper: v }))}
            </>
          ) : (
            <>
              {maybe("from", lever.lower, "−30%", (v) => onChange({ ...lever, lower: v }))}
              {maybe("to", lever.upper, "+30%", (v) => onChange({ ...lever, upper: v }))}
            </>
          )}
        </>
      )}
      <button type="button" aria-label={`Remove lever ${index + 1}`} onClick={() => onChange(null)}>
        Remove
      </button>
    </li>
  );
}
