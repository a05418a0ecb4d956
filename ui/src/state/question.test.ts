import { describe, expect, it } from "vitest";
import type { Part } from "../api/types";
import { changeValue, describeChange, missing, segments, withChangeValue } from "./question";

const part = (field: Part["field"], start: number, end: number, text: string): Part => ({
  field,
  start,
  end,
  text,
  note: field,
});

describe("the question cut into its parts", () => {
  it("keeps the words between parts and counts places in characters", () => {
    const q = "Will 🙂 adoption pass 30%?";
    const s = segments(q, [part("target", 21, 24, "30%"), part("outcome", 7, 15, "adoption")]);
    expect(s.map((x) => x.text)).toEqual(["Will 🙂 ", "adoption", " pass ", "30%", "?"]);
    expect(s.map((x) => x.field)).toEqual([null, "outcome", null, "target", null]);
  });

  it("ignores a part that overlaps or runs past the end", () => {
    const s = segments("abc", [part("outcome", 0, 2, "ab"), part("target", 1, 3, "bc"), part("horizon", 2, 9, "c")]);
    expect(s.map((x) => x.text)).toEqual(["ab", "c"]);
  });
});

describe("changes", () => {
  it("are said and edited in the analyst's units", () => {
    expect(describeChange({ kind: "relative", fraction: -0.2 })).toBe("−20%");
    expect(describeChange({ kind: "set_to", value: 3000, unit: "€" })).toBe("= 3000 €");
    expect(describeChange({ kind: "shift", amount: -0.05, unit: "€" })).toBe("−0.05 €");
    expect(changeValue({ kind: "relative", fraction: -0.2 })).toBe(-20);
    expect(withChangeValue({ kind: "relative", fraction: -0.2 }, -30)).toEqual({ kind: "relative", fraction: -0.3 });
    expect(withChangeValue({ kind: "set_to", value: 0.2, unit: "%" }, 25)).toEqual({
      kind: "set_to",
      value: 0.25,
      unit: "%",
    });
  });
});

describe("what is missing", () => {
  it("names every part still needed, and conditions without a variable", () => {
    const task = {
      task_id: "t",
      question: "q",
      understood: [],
      not_understood: [],
      confirmed: false,
      conditions: [{ phrase: "subsidy", change: { kind: "set_to" as const, value: 3000 } }],
    };
    expect(missing(task)).toEqual(["an outcome", "a comparison", "a target", "a horizon", "a variable for “subsidy”"]);
  });
});
