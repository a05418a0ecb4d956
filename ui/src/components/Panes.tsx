// The five workbench panes. Data and Population read and compute through the engine; Scenario
// and Report edit the project document; Simulation arrives with the simulation engine.
import { useState } from "react";
import type { ScenarioConfig, Workbench } from "../api/types";
import { DataPane } from "./DataPane";
import type { PaneProps } from "./pane";
import { PopulationPane } from "./PopulationPane";

export function Pane({ workbench, ...props }: PaneProps & { workbench: Workbench }) {
  const { state, run } = props;
  switch (workbench) {
    case "data": return <DataPane {...props} />;
    case "population": return <PopulationPane {...props} />;
    case "scenario": return <ScenarioPane state={state} run={run} />;
    case "report": return <ReportPane state={state} run={run} />;
    case "simulation":
      return <Empty title="Simulation" text="Running scenarios as ensembles arrives with the simulation engine." />;
  }
}

function Empty({ title, text }: { title: string; text: string }) {
  return <div className="empty"><h2>{title}</h2><p className="muted">{text}</p></div>;
}

const blankScenario: ScenarioConfig = { name: "", description: "", variable_overrides: [] };

function ScenarioPane({ state, run }: Pick<PaneProps, "state" | "run">) {
  const [editing, setEditing] = useState<{ id: string | null; config: ScenarioConfig } | null>(null);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    const ok = editing.id
      ? await run("scenario", "edit_scenario", { scenario_id: editing.id, scenario_config: editing.config })
      : await run("scenario", "create_scenario", { scenario_config: editing.config });
    if (ok) setEditing(null);
  };
  return (
    <div className="stack">
      <section>
        <div className="row spread">
          <h2>Scenarios <span className="muted small">{state.scenarios.length} of 20</span></h2>
          <button className="primary" onClick={() => setEditing({ id: null, config: { ...blankScenario } })} disabled={state.scenarios.length >= 20}>
            New scenario
          </button>
        </div>
        <ul className="cards" data-testid="scenarios">
          {state.scenarios.length === 0 && <li className="muted">No scenarios yet.</li>}
          {state.scenarios.map((s) => (
            <li key={s.scenario_id} className="card">
              <div className="row spread">
                <strong>{s.name}</strong>
                <span className="actions">
                  <button onClick={() => setEditing({ id: s.scenario_id, config: s.config })}>Edit</button>
                  <button onClick={() => run("scenario", "duplicate_scenario", { scenario_id: s.scenario_id })}>Duplicate</button>
                  <button className="danger" onClick={() => run("scenario", "delete_scenario", { scenario_id: s.scenario_id })}>Delete</button>
                </span>
              </div>
              {s.description && <p className="muted">{s.description}</p>}
              <p className="small">
                {s.config.variable_overrides.map((o) => `${o.variable} = ${JSON.stringify(o.value)}`).join(", ") || "No variable overrides"}
                {s.config.shock_events?.length ? ` · ${s.config.shock_events.length} shock(s)` : ""}
              </p>
            </li>
          ))}
        </ul>
      </section>
      {editing && (
        <form className="card editor" onSubmit={save}>
          <h3>{editing.id ? "Edit scenario" : "New scenario"}</h3>
          <input aria-label="Scenario name" placeholder="Name" value={editing.config.name} required maxLength={255}
            onChange={(e) => setEditing({ ...editing, config: { ...editing.config, name: e.target.value } })} />
          <input aria-label="Scenario description" placeholder="Description" value={editing.config.description}
            onChange={(e) => setEditing({ ...editing, config: { ...editing.config, description: e.target.value } })} />
          <div className="row">
            <button className="primary" type="submit" disabled={!editing.config.name.trim()}>Save scenario</button>
            <button type="button" onClick={() => setEditing(null)}>Cancel</button>
          </div>
        </form>
      )}
    </div>
  );
}

function ReportPane({ state, run }: Pick<PaneProps, "state" | "run">) {
  const report = state.workbench_states.report;
  const [section, setSection] = useState("summary");
  const [text, setText] = useState("");
  const annotate = async (e: React.FormEvent) => {
    e.preventDefault();
    if (await run("report", "add_annotation", { annotation: { section, text: text.trim(), author: state.user_id } })) setText("");
  };
  return (
    <div className="stack">
      <section>
        <h2>Template</h2>
        <p>{report.config ? `${report.config.template.replace("_", " ")} · ${report.config.sections.join(", ")}` : "Not chosen yet."}</p>
      </section>
      <section>
        <h2>Annotations</h2>
        <ul className="plain" data-testid="annotations">
          {report.annotations.length === 0 && <li className="muted">No annotations.</li>}
          {report.annotations.map((a) => <li key={a.annotation_id}><strong>{a.section}</strong>: {a.text}</li>)}
        </ul>
        <form className="row" onSubmit={annotate}>
          <input aria-label="Section" value={section} onChange={(e) => setSection(e.target.value)} required />
          <input aria-label="Annotation" placeholder="Note for this section" value={text} onChange={(e) => setText(e.target.value)} required />
          <button type="submit" disabled={!text.trim()}>Add note</button>
        </form>
        <p className="muted small">Generating and exporting the report arrives with the report renderer.</p>
      </section>
    </div>
  );
}
