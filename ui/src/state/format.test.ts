import { describe, expect, it } from "vitest";
import { MINUS, NOTHING, numberText, signed, typographicMinus, valueText } from "./format";

describe("values as the analyst reads them", () => {
  it("writes negatives with a real minus sign, and a sign when asked", () => {
    expect(numberText(0.8)).toBe("0.8");
    expect(numberText(-0.2)).toBe(`${MINUS}0.2`);
    expect(numberText(28100000)).toBe("28100000");
    expect(signed(0.5)).toBe("+0.5");
    expect(signed(-0.25)).toBe("\u22120.25");
    expect(signed(0)).toBe("+0");
  });
  it("shows nothing as a dash and never JSON punctuation", () => {
    for (const nothing of [null, undefined, "", [], {}]) expect(valueText(nothing)).toBe(NOTHING);
    expect(valueText("tariff cut")).toBe("tariff cut");
    expect(valueText(true)).toBe("true");
    expect(valueText([1, -2, "x"])).toBe(`1, ${MINUS}2, x`);
    expect(valueText({ a: 1, b: { c: "d" } })).toBe("a 1, b (c d)");
    for (const v of [null, "x", [], ["a", "b"], { k: [1, null] }, [{}], -1]) {
      expect(valueText(v)).not.toMatch(/\[|\]|null|"|\{|\}/);
    }
  });
  it("puts a real minus sign into text written elsewhere, and only before numbers", () => {
    expect(typographicMinus("tick 24: price -0.1")).toBe(`tick 24: price ${MINUS}0.1`);
    expect(typographicMinus("tick 3: price-index +0.5")).toBe("tick 3: price-index +0.5");
    expect(typographicMinus("-.5 and -3")).toBe(`${MINUS}.5 and ${MINUS}3`);
  });
});
