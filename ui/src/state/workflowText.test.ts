import { describe, expect, it } from "vitest";
import { editorText, parseRunInput, parseWorkflow, starterWorkflow, triggersSummary } from "./workflowText";

describe("parseRunInput", () => {
  it("reads nothing as no input and an object as the input", () => {
    expect(parseRunInput("  ")).toEqual({ ok: true, value: null });
    expect(parseRunInput('{"x": 2}')).toEqual({ ok: true, value: { x: 2 } });
  });
  it("says what is wrong with anything else", () => {
    const broken = parseRunInput("{x: 2}");
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.error).toMatch(/^The input is not JSON: /);
    expect(parseRunInput("[1, 2]")).toEqual({ ok: false, error: 'The input is a JSON object, like {"x": 2}' });
    expect(parseRunInput("2")).toMatchObject({ ok: false });
  });
});

describe("parseWorkflow", () => {
  it("takes an object with a workflow_id and leaves the rest to the core", () => {
    const text = '{"workflow_id": "quick", "name": "Quick", "steps": [{"id": "a", "type": "nonsense"}]}';
    expect(parseWorkflow(text)).toMatchObject({ ok: true, value: { workflow_id: "quick" } });
  });
  it("refuses text that is not JSON, not an object or has no id, saying so", () => {
    expect(parseWorkflow('{"workflow_id": ')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^The workflow is not JSON: /),
    });
    expect(parseWorkflow("[]")).toMatchObject({ ok: false, error: expect.stringContaining("JSON object") });
    expect(parseWorkflow('{"name": "x", "steps": []}')).toMatchObject({
      ok: false,
      error: expect.stringContaining("workflow_id"),
    });
  });
});

describe("the editor's text", () => {
  it("leaves out what the core sets and reads back as the same workflow", () => {
    const saved = { workflow_id: "w", name: "W", steps: [], created_by: "local", updated_at: "2027-01-04T07:00:00Z" };
    const text = editorText(saved);
    expect(text).not.toContain("created_by");
    expect(parseWorkflow(text)).toEqual({ ok: true, value: { workflow_id: "w", name: "W", steps: [] } });
  });
  it("starts a new workflow with one action step and an id not taken", () => {
    const w = starterWorkflow(["workflow_2"]);
    expect(w.workflow_id).toBe("workflow_3");
    expect(w.steps).toEqual([{ id: "save", type: "action", workbench: "project", action: "save" }]);
    expect(starterWorkflow([]).workflow_id).toBe("workflow_1");
  });
});

describe("triggersSummary", () => {
  it("names what starts a workflow", () => {
    expect(triggersSummary(undefined)).toBe("by hand");
    expect(
      triggersSummary([
        { type: "schedule", frequency: "weekly", since: "" },
        { type: "event", topic: "custom.data_refreshed" },
        { type: "source_changed", source: "adoption.csv" },
      ]),
    ).toBe("weekly, on custom.data_refreshed, when adoption.csv changes");
  });
});
