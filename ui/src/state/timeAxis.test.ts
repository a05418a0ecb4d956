import { describe, expect, it } from "vitest";
import { periodLabel, when } from "./timeAxis";

// The same cases as the core's own (crates/studio-model/src/time_axis.rs).
describe("ticks as dates", () => {
  it("names quarters, months, years and days", () => {
    expect(periodLabel({ start: "2018-01-01", step: "quarter" }, 40)).toBe("2028 Q1");
    expect(periodLabel({ start: "2019-03-01", step: "month" }, 11)).toBe("Feb 2020");
    expect(periodLabel({ start: "2018-01-01", step: "year" }, 3)).toBe("2021");
    expect(periodLabel({ start: "2024-02-26", step: "week" }, 1)).toBe("2024-03-04");
    expect(periodLabel({ start: "2019-01-31", step: "month" }, 1)).toBe("Feb 2019");
  });
  it("says the tick with its period, or the tick alone without a calendar", () => {
    expect(when({ start: "2018-01-01", step: "quarter" }, 40)).toBe("2028 Q1 (tick 40)");
    expect(when(null, 40)).toBe("tick 40");
  });
});
