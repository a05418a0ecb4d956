import { describe, expect, it } from "vitest";
import type { Band, ConsoleView } from "../api/types";
import { applyTick, fromView, percent } from "./live";

const band = (x: number): Band => [x - 0.02, x - 0.01, x, x + 0.01, x + 0.02];
let seq = 0;
const tick = (t: number, status: ConsoleView["status"] = "running", run = "r1", from = t) => ({
  type: "simulation_tick" as const,
  project_id: "p",
  run_id: run,
  seq: ++seq,
  scenario_id: "s1",
  status,
  tick: t,
  total_ticks: 10,
  from_tick: from,
  bands: Array.from({ length: t - from + 1 }, (_, i) => band((from + i) / 10)),
});

describe("live run", () => {
  it("appends streamed ticks and replaces the future after a step back", () => {
    let live = applyTick(null, tick(0));
    for (let t = 1; t <= 4; t++) live = applyTick(live, tick(t));
    expect(live!.bands).toHaveLength(5);
    expect(live!.tick).toBe(4);
    live = applyTick(live, tick(2, "paused"));
    expect(live!.bands).toHaveLength(3);
    expect(live!.status).toBe("paused");
    expect(live!.bands[2][2]).toBeCloseTo(0.2);
  });
  it("starts over for another run and takes a control's whole view unless it is older", () => {
    const live = applyTick(applyTick(null, tick(0)), tick(1, "running", "r2"));
    expect(live!.run_id).toBe("r2");
    expect(live!.bands).toHaveLength(2);
    const answer = (s: number, t: number) => ({
      run_id: "r2",
      seq: s,
      scenario_id: "s1",
      status: "paused" as const,
      current_tick: t,
      total_ticks: 10,
      start_tick: 2,
      bands: Array.from({ length: t + 1 }, (_, i) => band(i / 10)),
      injected_shocks: [],
      checkpoints: [2],
    });
    const taken = fromView(live, answer(seq + 1, 3));
    expect(taken!.tick).toBe(3);
    expect(taken!.start).toBe(2);
    // Ticks streamed after it keep where the run starts.
    expect(applyTick(taken, tick(4, "running", "r2"))!.start).toBe(2);
    expect(taken!.bands).toHaveLength(4);
    // A tick that finished after the answer was sent is newer: the late answer is dropped.
    const newer = applyTick(taken, tick(4, "complete", "r2"));
    expect(fromView(newer, answer(1, 3))).toBe(newer);
  });
  it("takes several ticks in one event, and fills a gap it never received", () => {
    let live = applyTick(null, tick(3, "running", "r9", 0));
    expect(live!.bands).toHaveLength(4);
    live = applyTick(live, tick(7, "running", "r9", 6));
    expect(live!.bands).toHaveLength(8);
    expect(live!.bands[4]).toEqual(band(0.6));
    expect(live!.bands[7]).toEqual(band(0.7));
  });
  it("formats shares", () => {
    expect(percent(0.1234)).toBe("12.3%");
    expect(percent(undefined)).toBe("—");
  });
});
