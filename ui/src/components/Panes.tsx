// The five workbench panes. Data, Population, Scenario and Simulation read and compute through
// the engine; Report edits the project document until the report renderer arrives.
import { useState } from "react";
import type { Workbench } from "../api/types";
import { DataPane } from "./DataPane";
import type { PaneProps } from "./pane";
import { PopulationPane } from "./PopulationPane";
import { ScenarioPane } from "./ScenarioPane";
import { SimulationPane } from "./SimulationPane";

export function Pane({ workbench, ...props }: PaneProps & { workbench: Workbench }) {
  const { state, run } = props;
  switch (workbench) {
    case "data": return <DataPane {...props} />;
    case "population": return <PopulationPane {...props} />;
    case "scenario": return <ScenarioPane {...props} />;
    case "simulation": return <SimulationPane {...props} />;
    case "report": return <ReportPane state={state} run={run} />;
  }
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
