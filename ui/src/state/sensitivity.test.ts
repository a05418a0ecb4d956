import { describe, expect, it } from "vitest";
import type { Sensitivity } from "../api/types";
import { analysisLine, indexColumns, indexRows, percent, tornadoBars } from "./sensitivity";

// An analysis as the core writes one: crates/studio-model/src/sensitivity.rs.
const sobol: Sensitivity = {
  format: 1,
  scenario_id: "s1",
  scenario_name: "Baseline",
  input_hash: "h",
  source_hash: "s",
  method: "sobol",
  factors: [
    { kind: "coefficient", name: "spontaneous.constant", lower: 0.0015, upper: 0.02, value: 0.004, fitted: true },
    { kind: "variable", name: "price", lower: 0.8, upper: 1.2, value: 1, fitted: false },
  ],
  samples: 64,
  replicates: 8,
  seed: 42,
  evaluations: 256,
  simulations: 2048,
  conditioned: true,
  threshold_share: 0.12,
  threshold_tick: 40,
  elapsed_ms: 31_400,
  outputs: [
    {
      output: "final_share",
      label: "final share (tick 40)",
      mean: 0.1,
      sd: 0.02,
      indices: [
        {
          factor: "price",
          first: 0.1,
          first_interval: [0.05, 0.15],
          total: 0.12,
          total_interval: [0.1, 0.14],
          low: 0.11,
          high: 0.09,
        },
        {
          factor: "spontaneous.constant",
          first: 0.8,
          first_interval: [0.7, 0.9],
          total: 0.85,
          total_interval: [0.8, 0.9],
          low: 0.07,
          high: 0.13,
        },
      ],
    },
  ],
};

describe("a sensitivity analysis in words", () => {
  it("orders the tornado's bars by width and names variables as such", () => {
    const bars = tornadoBars(sobol, sobol.outputs[0]);
    expect(bars.map((b) => b.label)).toEqual(["spontaneous.constant", "price (variable)"]);
    expect(bars[0].span).toBeCloseTo(0.06);
  });
  it("writes each index with its interval, the range and whether it was fitted", () => {
    expect(indexColumns(sobol)).toEqual(["First order (90%)", "Total (90%)"]);
    const rows = indexRows(sobol, sobol.outputs[0]);
    expect(rows[1]).toEqual({
      factor: "spontaneous.constant",
      range: "0.0015 to 0.02",
      value: "0.004",
      fitted: true,
      cells: ["0.8 (0.7 to 0.9)", "0.85 (0.8 to 0.9)"],
    });
    const morris = { ...sobol, method: "morris" as const };
    expect(indexColumns(morris)).toEqual(["μ*", "σ"]);
  });
  it("says what the analysis cost", () => {
    expect(analysisLine(sobol)).toContain("256 evaluations of 8 replicates");
    expect(analysisLine(sobol)).toContain("forecast from the history's end");
    expect(percent(0.1234)).toBe("12.3%");
  });
});
