// The Population workbench: size, seed and settings, regenerate with progress, each marginal
// of the synthetic population against its target, the fit diagnostics, archetype cards that
// can be edited, distribution adjustments, and the network: an ego network and its degrees.
import { useEffect, useState } from "react";
import type { Task } from "../api/types";
import { DegreeChart, EgoNetwork, MarginalChart, archetypeColour, type Ego } from "./Charts";
import { useLimits } from "./limits";
import type { PaneProps } from "./pane";
import { NumberField } from "./ui";

interface Fit {
  dimension: string;
  categories: string[];
  target: number[];
  synthetic: number[];
  tae: number;
  srmse: number;
  max_share_error: number;
}
interface Archetype {
  archetype_id: string;
  label: string;
  share: number;
  centre: Record<string, number>;
  profile: Record<string, string>;
  edited: boolean;
}
interface ArchetypesView {
  size: number;
  seed: number;
  digest: string;
  stale: boolean;
  archetypes: Archetype[];
  fit: Fit[];
}
interface NetworkView {
  summary: {
    nodes: number;
    edges: number;
    mean_degree: number;
    clustering_coefficient: number;
    mean_path_length: number;
    same_archetype_ties: number;
    degree_distribution: [number, number][];
    ego: Ego;
  };
  spec: { degree: number; rewiring: number; homophily: number };
}

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
const active = (t: Task) => !["COMPLETED", "FAILED", "CANCELLED"].includes(t.status);

/** The views read of population `of`. */
interface Views {
  of: string;
  view?: ArchetypesView | null;
  net?: NetworkView | null;
}

export function PopulationPane({ state, run, read, tasks }: PaneProps) {
  const pop = state.workbench_states.population;
  const limits = useLimits();
  const defaults = limits.defaults.population;
  const settings = pop.settings;
  const [size, setSize] = useState(String(pop.size));
  const [seed, setSeed] = useState(String(settings.seed ?? defaults.seed));
  const [k, setK] = useState(String(settings.archetypes ?? defaults.archetypes));
  const [homophily, setHomophily] = useState(String(settings.network?.homophily ?? defaults.network?.homophily));
  // The views read of a population, by its id: a newer population's are not mixed with an older's.
  const populationId = state.population_id;
  const [views, setViews] = useState<Views | null>(null);
  useEffect(() => {
    if (!populationId) return;
    let latest = true;
    const keep = (part: Omit<Views, "of">) =>
      latest && setViews((v) => ({ ...(v?.of === populationId ? v : {}), ...part, of: populationId }));
    // "not_ready": no population stored yet (a regeneration on its way): nothing to show, no error.
    read("population", "view_archetypes", {}, ["not_ready"]).then((r) => keep({ view: (r as ArchetypesView) ?? null }));
    read("population", "view_network", {}, ["not_ready"]).then((r) => keep({ net: (r as NetworkView) ?? null }));
    return () => {
      latest = false;
    };
  }, [populationId, pop.status, read]);
  const current = populationId && views?.of === populationId ? views : null;
  const view = current?.view ?? null;
  const net = current?.net ?? null;

  const regenerating = tasks.find((t) => t.kind === "regenerate_population" && active(t));
  const regenerate = async (e: React.FormEvent) => {
    e.preventDefault();
    if (Number(size) !== pop.size && !(await run("population", "resize_population", { target_size: Number(size) })))
      return;
    await run("population", "regenerate", {
      edits: { seed: Number(seed), archetypes: Number(k), network: { homophily: Number(homophily) } },
    });
  };
  const stale = !!state.population_id && pop.status !== "complete";
  const labels = view?.archetypes.map((a) => a.label) ?? [];

  return (
    <div className="stack">
      {stale && (
        <div className="banner" data-testid="population-stale">
          <span>
            The population is out of date: the data or its settings changed since it was made. Regenerate to update it.
          </span>
        </div>
      )}
      <form className="card row" onSubmit={regenerate} data-testid="population-settings">
        <NumberField label="Agents" min={1} max={limits.max_population} value={size} onChange={setSize} />
        <NumberField label="Seed" min={0} value={seed} onChange={setSeed} />
        <NumberField label="Archetypes" min={1} max={limits.max_archetypes} value={k} onChange={setK} />
        <NumberField label="Homophily" min={0} max={1} step={0.05} value={homophily} onChange={setHomophily} />
        <button className="primary" type="submit" disabled={!!regenerating} data-testid="regenerate">
          Regenerate
        </button>
        {regenerating && (
          <span className="grow" data-testid="regenerate-progress">
            <span className="small muted">{regenerating.progress?.message ?? "waiting for an agent…"}</span>
            <span className="bar">
              <span style={{ width: pct(regenerating.progress?.fraction ?? 0, 0) }} />
            </span>
          </span>
        )}
      </form>
      {!view && !regenerating && (
        <p className="muted">No population yet: give the data a marginal source, then Regenerate.</p>
      )}
      {view && (
        <>
          <section>
            <h2>
              Fit to the marginals{" "}
              <span className="muted small">
                {view.size.toLocaleString()} agents · seed {view.seed} · digest{" "}
                <span className="mono">{view.digest.slice(0, 12)}</span>
              </span>
            </h2>
            <div className="charts" data-testid="marginals">
              {view.fit.map((f) => (
                <figure key={f.dimension}>
                  <MarginalChart categories={f.categories} synthetic={f.synthetic} target={f.target} />
                  <figcaption>
                    {f.dimension} <span className="muted small">bars synthetic · lines target</span>
                  </figcaption>
                </figure>
              ))}
            </div>
            <table className="grid small" data-testid="fit">
              <thead>
                <tr>
                  <th>Marginal</th>
                  <th>Total absolute error</th>
                  <th>Standardised RMSE</th>
                  <th>Largest share gap</th>
                </tr>
              </thead>
              <tbody>
                {view.fit.map((f) => (
                  <tr key={f.dimension}>
                    <td>{f.dimension}</td>
                    <td>{Math.round(f.tae).toLocaleString()} agents</td>
                    <td>{f.srmse.toFixed(4)}</td>
                    <td>{pct(f.max_share_error, 2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <AdjustForm fits={view.fit} run={run} />
          </section>
          <section>
            <h2>Archetypes</h2>
            <ul className="cards archetypes" data-testid="archetypes">
              {view.archetypes.map((a, i) => (
                <ArchetypeCard key={a.archetype_id} archetype={a} colour={archetypeColour(i)} run={run} />
              ))}
            </ul>
          </section>
        </>
      )}
      {net && (
        <section data-testid="network">
          <h2>
            Network{" "}
            <span className="muted small">
              Watts–Strogatz, k = {net.spec.degree}, rewiring {net.spec.rewiring}, homophily {net.spec.homophily}
            </span>
          </h2>
          <div className="charts">
            <figure>
              <EgoNetwork ego={net.summary.ego} labels={labels} />
              <figcaption>Agent {net.summary.ego.centre}, its ties and theirs</figcaption>
            </figure>
            <figure>
              <DegreeChart distribution={net.summary.degree_distribution} />
              <figcaption>Ties per agent</figcaption>
            </figure>
            <dl className="facts">
              <dt>Ties</dt>
              <dd>{net.summary.edges.toLocaleString()}</dd>
              <dt>Mean degree</dt>
              <dd>{net.summary.mean_degree.toFixed(2)}</dd>
              <dt>Clustering</dt>
              <dd>{net.summary.clustering_coefficient.toFixed(3)}</dd>
              <dt>Mean path length</dt>
              <dd>{net.summary.mean_path_length.toFixed(2)}</dd>
              <dt>Same-archetype ties</dt>
              <dd>{pct(net.summary.same_archetype_ties, 0)}</dd>
            </dl>
          </div>
        </section>
      )}
    </div>
  );
}

function AdjustForm({ fits, run }: { fits: Fit[]; run: PaneProps["run"] }) {
  const [dimension, setDimension] = useState(fits[0]?.dimension ?? "");
  const [shift, setShift] = useState("10");
  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    run("population", "adjust_distribution", { adjustment: { dimension, target: { shift: Number(shift) / 100 } } });
  };
  return (
    <form className="row" onSubmit={apply} data-testid="adjust">
      <span>Shift</span>
      <select aria-label="Dimension to adjust" value={dimension} onChange={(e) => setDimension(e.target.value)}>
        {fits.map((f) => (
          <option key={f.dimension}>{f.dimension}</option>
        ))}
      </select>
      <span>by</span>
      <input
        aria-label="Shift percent"
        type="number"
        min={-99}
        max={99}
        value={shift}
        onChange={(e) => setShift(e.target.value)}
        style={{ maxWidth: 80 }}
      />
      <span>% of each category's share one category up (negative: down)</span>
      <button type="submit">Adjust</button>
    </form>
  );
}

function ArchetypeCard({ archetype: a, colour, run }: { archetype: Archetype; colour: string; run: PaneProps["run"] }) {
  const [editing, setEditing] = useState(false);
  const [label, setLabel] = useState(a.label);
  const [share, setShare] = useState((a.share * 100).toFixed(1));
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    const edits: Record<string, unknown> = {};
    if (label.trim() && label !== a.label) edits.label = label.trim();
    if (Math.abs(Number(share) / 100 - a.share) > 1e-4) edits.share = Number(share) / 100;
    if (
      Object.keys(edits).length &&
      (await run("population", "edit_archetype", { archetype_id: a.archetype_id, edits }))
    )
      setEditing(false);
  };
  return (
    <li className="card archetype" style={{ borderLeft: `4px solid ${colour}` }}>
      <div className="row spread">
        <strong>
          {a.archetype_id} · {a.label}
        </strong>
        <span>
          {pct(a.share)}
          {a.edited && <span className="muted small"> (edited)</span>}
        </span>
      </div>
      <p className="small muted">
        {Object.entries(a.profile)
          .map(([d, c]) => `${d} ${c}`)
          .join(" · ")}
      </p>
      <p className="small">
        {Object.entries(a.centre)
          .map(([d, v]) => `${d} ≈ ${Math.round(v * 10) / 10}`)
          .join(" · ")}
      </p>
      {!editing && (
        <button className="link small" onClick={() => setEditing(true)}>
          Edit
        </button>
      )}
      {editing && (
        <form className="row" onSubmit={save}>
          <input
            aria-label={`Label of ${a.archetype_id}`}
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            maxLength={60}
          />
          <input
            aria-label={`Share of ${a.archetype_id} (%)`}
            type="number"
            step={0.1}
            min={0}
            max={100}
            value={share}
            onChange={(e) => setShare(e.target.value)}
            style={{ maxWidth: 90 }}
          />
          <button type="submit" className="primary">
            Save
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      )}
    </li>
  );
}
