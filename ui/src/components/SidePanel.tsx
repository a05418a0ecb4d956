// The modification log, the versions (view one, see what changed, restore it) and the tasks.
import { useEffect, useState } from "react";
import { nameOf } from "../state/people";
import type { Backend } from "../api/backend";
import type { ProjectState, Task, VersionInfo } from "../api/types";
import { activeTasks, ago, diffStates } from "../state/logic";
import { TasksPanel } from "./TasksPanel";

export type SideView = "log" | "versions" | "tasks";

interface Props {
  backend: Backend;
  state: ProjectState;
  versionsTick: number;
  tasks: Task[];
  view: SideView;
  setView: (view: SideView) => void;
  fail: (e: unknown) => void;
  onRestored: (state: ProjectState) => void;
  cancelTask: (task: Task) => void;
}

export function SidePanel({ backend, state, versionsTick, tasks, view, setView, fail, onRestored, cancelTask }: Props) {
  const running = activeTasks(tasks);
  const [versions, setVersions] = useState<VersionInfo[]>([]);
  const [selected, setSelected] = useState<{ version: number; diff: string[] } | null>(null);

  useEffect(() => {
    backend.versions(state.project_id).then(setVersions).catch(fail);
  }, [backend, state.project_id, versionsTick, fail]);

  const inspect = async (v: VersionInfo) => {
    try {
      const old = await backend.getProject(state.project_id, v.version_number);
      setSelected({ version: v.version_number, diff: diffStates(old, state) });
    } catch (e) {
      fail(e);
    }
  };
  const restore = async (version: number) => {
    try {
      onRestored(await backend.restore(state.project_id, version));
      setSelected(null);
    } catch (e) {
      fail(e);
    }
  };

  return (
    <aside className="side">
      <nav className="tabs small">
        <button className={view === "log" ? "tab active" : "tab"} onClick={() => setView("log")} data-testid="side-log">
          Log
        </button>
        <button
          className={view === "versions" ? "tab active" : "tab"}
          onClick={() => setView("versions")}
          data-testid="side-versions"
        >
          Versions
        </button>
        <button
          className={view === "tasks" ? "tab active" : "tab"}
          onClick={() => setView("tasks")}
          data-testid="side-tasks"
        >
          Tasks{running > 0 && <span className="count">{running}</span>}
        </button>
      </nav>
      {view === "tasks" ? (
        <TasksPanel tasks={tasks} cancel={cancelTask} />
      ) : view === "log" ? (
        <ol className="log" data-testid="log">
          {[...state.modification_log].reverse().map((e, i) => (
            <li key={`${e.timestamp}-${i}`}>
              <div>{e.summary}</div>
              <div className="muted small">
                {author(state, e.user_id)} · {e.workbench} · {ago(e.timestamp)}
                {e.reversible ? "" : " · not reversible"}
              </div>
            </li>
          ))}
        </ol>
      ) : (
        <div className="versions" data-testid="versions">
          <ol>
            {versions.map((v) => (
              <li key={v.version_id} className={selected?.version === v.version_number ? "selected" : ""}>
                <button className="link" onClick={() => inspect(v)}>
                  Version {v.version_number}
                </button>
                <span className="muted small">
                  {" "}
                  {ago(v.created_at)}
                  {v.archived ? " · archived" : ""}
                </span>
              </li>
            ))}
          </ol>
          {selected && (
            <div className="card compare">
              <h3>Version {selected.version} → now</h3>
              {selected.diff.length === 0 ? (
                <p className="muted">No differences.</p>
              ) : (
                <ul>
                  {selected.diff.map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
              )}
              <button className="primary" onClick={() => restore(selected.version)} data-testid="restore">
                Restore version {selected.version}
              </button>
            </div>
          )}
        </div>
      )}
    </aside>
  );
}

/** Who made a log entry: the collaborator's name, else their id. */
function author(state: ProjectState, userId: string): string {
  const c = state.collaborators.find((x) => x.user_id === userId);
  return c ? nameOf(c) : userId;
}
