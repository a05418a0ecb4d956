// The five workbench panes, each reading and computing through the engine.
import type { Backend } from "../api/backend";
import type { ProjectState, Workbench } from "../api/types";
import { CausalGraphView } from "./CausalGraphView";
import { DataPane } from "./DataPane";
import type { PaneProps } from "./pane";
import { PopulationPane } from "./PopulationPane";
import { ReportPane } from "./ReportPane";
import { ScenarioPane } from "./ScenarioPane";
import { SimulationPane } from "./SimulationPane";
import type { Notify } from "./ui";

export function Pane({
  workbench,
  backend,
  notify,
  fail,
  onChanged,
  ...props
}: PaneProps & {
  workbench: Workbench;
  backend: Backend;
  notify: Notify;
  fail: (e: unknown) => void;
  onChanged: (state: ProjectState) => void;
}) {
  switch (workbench) {
    case "data":
      return (
        <>
          <DataPane {...props} />
          <CausalGraphView backend={backend} state={props.state} onChanged={onChanged} fail={fail} />
        </>
      );
    case "population":
      return <PopulationPane {...props} />;
    case "scenario":
      return <ScenarioPane {...props} backend={backend} notify={notify} />;
    case "simulation":
      return <SimulationPane {...props} />;
    case "report":
      return (
        <ReportPane
          state={props.state}
          run={props.run}
          tasks={props.tasks}
          people={props.people}
          backend={backend}
          notify={notify}
        />
      );
  }
}
