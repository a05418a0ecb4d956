// What every workbench pane is given: the project, a way to act, a way to read, the tasks.
import type { ConsoleView, Presence, PresenceItem, ProjectState, Task, TimeAxis, Workbench } from "../api/types";
import type { LiveRun } from "../state/live";

/** Runs an action that changes the project; false when it failed (the error is shown). */
export type Run = (workbench: Workbench, action: string, payload: unknown) => Promise<boolean>;
/** Runs an action that only reads; its result, or null when it failed. The error is shown unless
 *  its code is one of `expected` (e.g. "not_ready" where nothing may be there yet). */
export type Read = (
  workbench: Workbench,
  action: string,
  payload: unknown,
  expected?: readonly string[],
) => Promise<unknown>;
export interface PaneProps {
  state: ProjectState;
  run: Run;
  read: Read;
  tasks: Task[];
  /** The console's run as it streams; `showView` takes a control's answer (null: forget it). */
  live: LiveRun | null;
  showView: (view: ConsoleView | null) => void;
  /** The data's calendar (null: its times are not dates, or there is no data yet). */
  axis?: TimeAxis | null;
  /** Who is in the project (but me) and where; `focus` tells them the item I am on. */
  people?: { users: Presence[]; focus: (item: PresenceItem | null) => void };
}
