import { describe, expect, it } from "vitest";
import { MINUS, NOTHING } from "./format";
import {
  adjustmentText,
  comparisonRows,
  fieldLabel,
  overrideText,
  resultRows,
  sameFields,
  shocksText,
} from "./scenarioCompare";
import type { ScenarioComparison } from "./scenarioCompare";

// The answer of compare_scenarios as the core writes it: crates/studio-model/src/scenario_compare.rs
// (field → value, shocks as ShockEvent::label, null where a scenario lacks the field) with the
// results studio-core's compare_with_results adds. The values are those of
// crates/studio-model/tests/compare.rs and crates/studio-core/tests/scenarios.rs.
const answer: ScenarioComparison = {
  scenarios: [
    { scenario_id: "s0", name: "Baseline", status: "completed" },
    { scenario_id: "s1", name: "Cheaper", status: "defined" },
  ],
  differences: [
    { field: "description", values: { s0: "", s1: "cheaper heat pumps" } },
    {
      field: "population_adjustments.age_band",
      values: { s0: null, s1: { shares: { "18-29": 0.1, "30-44": 0.1, "45-64": 0.3, "65+": 0.5 } } },
    },
    { field: "population_adjustments.income_band", values: { s0: { shift: -0.1 }, s1: null } },
    { field: "shock_events", values: { s0: [], s1: ["tick 24: price -0.1", "tick 40: subsidy +200"] } },
    { field: "variable_overrides.price", values: { s0: 1.0, s1: 0.8 } },
    { field: "variable_overrides.subsidy", values: { s0: null, s1: 500 } },
  ],
  same: ["variable_overrides.tax"],
  baseline_id: "s0",
  results: [
    {
      scenario_id: "s0",
      simulated: true,
      stale: false,
      final: { p5: 0.2, p50: 0.25, p95: 0.3 },
      difference_from_baseline: 0,
      median_crossing: null,
      threshold: { share: 0.3, tick: 100, probability: 0.05 },
    },
    { scenario_id: "s1", simulated: false },
  ],
};

describe("the scenario comparison", () => {
  it("reads field by field, each scenario in its column, in words", () => {
    expect(comparisonRows(answer).map((r) => [r.label, ...r.cells])).toEqual([
      ["Description", NOTHING, "cheaper heat pumps"],
      ["Adjustment of age_band", NOTHING, "age_band shares: 18-29 0.1, 30-44 0.1, 45-64 0.3, 65+ 0.5"],
      ["Adjustment of income_band", `income_band shift ${MINUS}0.1`, NOTHING],
      ["Shocks", "no shocks", `tick 24: price ${MINUS}0.1; tick 40: subsidy +200`],
      ["Override of price", "price = 1", "price = 0.8"],
      ["Override of subsidy", NOTHING, "subsidy = 500"],
    ]);
  });
  it("prints no JSON: no brackets, nulls or quotes, whatever the values", () => {
    const odd: ScenarioComparison = {
      ...answer,
      differences: [
        { field: "population_adjustments.area", values: { s0: { weights: [1, null] }, s1: "north" } },
        { field: "variable_overrides.label", values: { s0: '"quoted"', s1: [] } },
        { field: "something_new", values: { s0: { a: null }, s1: [[]] } },
      ],
    };
    for (const row of comparisonRows({ ...answer, differences: [...answer.differences, ...odd.differences] })) {
      for (const cell of row.cells) expect(cell).not.toMatch(/\[|\]|null|\{|\}/);
    }
    // A quote typed by the analyst is theirs: only the JSON quoting goes.
    expect(overrideText("label", "north")).toBe("label = north");
  });
  it("names the fields the scenarios share and labels unknown fields as they come", () => {
    expect(sameFields(answer)).toEqual(["Override of tax"]);
    expect(fieldLabel("something_new")).toBe("something_new");
  });
  it("writes each kind of value on its own", () => {
    expect(shocksText([])).toBe("no shocks");
    expect(shocksText(null)).toBe(NOTHING);
    expect(adjustmentText("age_band", { shift: 0.05 })).toBe("age_band shift +0.05");
    expect(adjustmentText("age_band", 5)).toBe("age_band: 5");
    expect(overrideText("price", -0.2)).toBe(`price = ${MINUS}0.2`);
    expect(overrideText("price", null)).toBe(NOTHING);
  });
  it("puts the results side by side, nothing where a scenario is not simulated", () => {
    expect(resultRows(answer).map((r) => [r.label, ...r.cells])).toEqual([
      ["Final share (median)", "25.0%", "not simulated"],
      ["90% interval", "20.0% – 30.0%", NOTHING],
      ["vs baseline", "+0.0 pts", NOTHING],
      ["Median crosses the threshold", "never", NOTHING],
      ["P(threshold)", "5% (≥ 30.0% by 100)", NOTHING],
    ]);
    const behind = {
      ...answer.results[0],
      scenario_id: "s1",
      stale: true,
      difference_from_baseline: -0.034,
      median_crossing: 42,
    };
    const rows = resultRows({ ...answer, results: [answer.results[0], behind] });
    expect(rows.map((r) => r.cells[1])).toEqual([
      "25.0% (stale)",
      "20.0% – 30.0%",
      `${MINUS}3.4 pts`,
      "tick 42",
      "5% (≥ 30.0% by 100)",
    ]);
  });
  it("keeps the columns in the scenarios' order, whatever order the results come in", () => {
    const swapped = { ...answer, results: [...answer.results].reverse() };
    expect(resultRows(swapped)[0].cells).toEqual(["25.0%", "not simulated"]);
  });
});
