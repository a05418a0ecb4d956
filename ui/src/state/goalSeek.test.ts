import { describe, expect, it } from "vitest";
import type { GoalSeek } from "../api/types";
import { candidateRows, defaultLevers, leverText, searchLine } from "./goalSeek";

const config = { name: "Baseline: price 0.6 (now 1)", description: "", variable_overrides: [] };
// A goal seek as the core writes one: crates/studio-model/src/goal_seek.rs.
const found: GoalSeek = {
  format: 1,
  scenario_id: "s1",
  scenario_name: "Baseline",
  source_hash: "h",
  levers: [{ kind: "variable", variable: "price", lower: 0.6, upper: 1.4, steps: 5 }],
  target: { share: 0.3, tick: 40 },
  change_weight: 0.25,
  rollouts: 5,
  combinations: 5,
  iterations: 4,
  replicates: 8,
  simulations: 40,
  seed: 42,
  conditioned: true,
  elapsed_ms: 1200,
  baseline: {
    settings: [{ lever: "price", value: null, label: "price as it is (1)" }],
    probability: 0.125,
    interval: [0.02, 0.45],
    final_share: 0.22,
    change: 0,
    efficient: true,
    scenario_config: config,
  },
  candidates: [
    {
      settings: [{ lever: "price", value: 0.6, label: "price 0.6 (now 1)" }],
      probability: 0.75,
      interval: [0.45, 0.91],
      final_share: 0.34,
      change: 1,
      efficient: true,
      scenario_config: config,
    },
  ],
};

describe("goal seeking in words", () => {
  it("starts from a lever per variable, ±30% of its value unless bounded", () => {
    expect(defaultLevers({ price: 1 })).toEqual([{ kind: "variable", variable: "price", steps: 5 }]);
    expect(leverText(defaultLevers({ price: 1 })[0])).toBe("price ±30% of its value (5 levels)");
    expect(leverText({ kind: "population", dimension: "age_band", lower: -0.2, upper: 0.2 })).toBe(
      "age_band shifted -0.2 to 0.2",
    );
  });
  it("writes the combinations with their odds and intervals", () => {
    expect(candidateRows(found)[0]).toEqual({
      rank: 1,
      what: "price 0.6 (now 1)",
      probability: "75% (45%–91%)",
      finalShare: "34%",
      change: "100%",
      efficient: true,
    });
    expect(searchLine(found)).toContain("As it is: 13% of reaching 30% by tick 40");
  });
});
