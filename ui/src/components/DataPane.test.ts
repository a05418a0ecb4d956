import { describe, expect, it } from "vitest";
import { guessRole, parseValue, sourceName, tableFrom } from "./DataPane";

describe("data pane helpers", () => {
  it("guesses a role from the file name, and none when it cannot tell", () => {
    expect(guessRole("marginals.csv")).toBe("marginal");
    expect(guessRole("household_survey.csv")).toBe("microdata");
    expect(guessRole("adoption_history.csv")).toBe("time_series");
    expect(guessRole("electricity_price.json")).toBe("variables");
    expect(guessRole("notes.csv")).toBe("");
  });
  it("names a source after its file", () => {
    expect(sourceName("adoption history (2025).csv")).toBe("adoption_history_2025_");
    expect(sourceName(".csv")).toBe("source");
  });
  it("types a small table from what was typed", () => {
    const t = tableFrom(
      "year:integer, price:float, note, ok:boolean, odd:date",
      "2026, 1.0, first, true, x\n\n2027,, second, no, y",
    );
    expect(t.columns).toEqual([
      { name: "year", type: "integer" },
      { name: "price", type: "float" },
      { name: "note", type: "text" },
      { name: "ok", type: "boolean" },
      { name: "odd", type: "text" },
    ]);
    expect(t.rows).toEqual([
      [2026, 1.0, "first", true, "x"],
      [2027, null, "second", false, "y"],
    ]);
  });
  it("reads a typed value as JSON when it is JSON", () => {
    expect(parseValue(" 42 ")).toBe(42);
    expect(parseValue("[1,2]")).toEqual([1, 2]);
    expect(parseValue("rural")).toBe("rural");
  });
});
