// The console's live run as the UI holds it: ticks streamed as events append (or, after a
// step back, replace) band rows; a control's answer replaces the whole view. Events and
// answers can cross on the way: within one run, a view older than the one held is dropped.
import type { Band, ConsoleView, StudioEvent } from "../api/types";
import { NOTHING } from "./format";

export interface LiveRun {
  run_id: string;
  seq: number;
  scenario_id: string;
  status: string;
  tick: number;
  total: number;
  /** The earliest tick the run can go back to (a calibrated run starts where the history ends). */
  start: number;
  bands: Band[];
}

const older = (live: LiveRun | null, run_id: string, seq: number) => !!live && live.run_id === run_id && seq < live.seq;

type TickEvent = Extract<StudioEvent, { type: "simulation_tick" }>;

/** The run after one streamed event (the bands of ticks `from_tick..=tick`). Another run's event
 * starts over; bands of ticks never received (joined mid-run, or events lost) repeat the
 * first band known after them until a control's answer brings them all. */
export function applyTick(live: LiveRun | null, e: TickEvent): LiveRun | null {
  if (older(live, e.run_id, e.seq)) return live;
  // The core sends each band as its five quantiles (a fixed-size array in Rust).
  const incoming = e.bands as Band[];
  const kept = live && live.run_id === e.run_id ? live.bands.slice(0, e.from_tick) : [];
  const gap = incoming.length ? Array.from({ length: e.from_tick - kept.length }, () => incoming[0]) : [];
  const bands = [...kept, ...gap, ...incoming];
  return {
    run_id: e.run_id,
    seq: e.seq,
    scenario_id: e.scenario_id,
    status: e.status,
    tick: e.tick,
    total: e.total_ticks,
    start: live && live.run_id === e.run_id ? live.start : 0,
    bands,
  };
}

/** The run as a control's answer describes it, unless a newer view of it is held. */
export function fromView(live: LiveRun | null, view: ConsoleView): LiveRun | null {
  if (older(live, view.run_id, view.seq)) return live;
  return {
    run_id: view.run_id,
    seq: view.seq,
    scenario_id: view.scenario_id,
    status: view.status,
    tick: view.current_tick,
    total: view.total_ticks,
    start: view.start_tick ?? 0,
    bands: view.bands,
  };
}

/** The share as a percentage with one decimal. */
export const percent = (x: number | undefined | null) =>
  x == null || !Number.isFinite(x) ? NOTHING : `${(x * 100).toFixed(1)}%`;
