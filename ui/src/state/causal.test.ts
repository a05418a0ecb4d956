import { describe, expect, it } from "vitest";
import type { CausalGraph } from "../api/types";
import { edgePath, edgeText, removable, zoomed } from "./causal";

const node = (id: string, label: string, x: number, y: number) => ({
  id,
  kind: "variable" as const,
  label,
  detail: "",
  x,
  y,
  width: 100,
  height: 40,
});
// A graph as the core writes one: crates/studio-model/src/causal.rs.
const graph: CausalGraph = {
  nodes: [node("variable:price", "price", 60, 30), node("term:spontaneous", "spontaneous", 300, 80)],
  edges: [
    {
      from: "variable:price",
      to: "term:spontaneous",
      coefficient: -0.002,
      sign: -1,
      fitted: true,
      path: "spontaneous.variables.price",
      label: "−0.002",
    },
  ],
  width: 400,
  height: 120,
  terms: ["spontaneous", "influence"],
  variables: ["price"],
  attributes: [],
};

describe("the causal graph drawn", () => {
  it("runs each edge from its source's right side to its target's left side", () => {
    expect(edgePath(graph.nodes[0], graph.nodes[1])).toBe("M110,30 C180,30 180,80 250,80");
  });
  it("says an edge in words", () => {
    expect(edgeText(graph.edges[0], graph)).toBe(
      "price → spontaneous: coefficient −0.002 (lowers), fitted by calibration",
    );
    expect(removable(graph.edges[0])).toBe(true);
  });
  it("zooms about a point, within bounds", () => {
    expect(zoomed({ zoom: 1, x: 0, y: 0 }, 2, 100, 50)).toEqual({ zoom: 2, x: -100, y: -50 });
    expect(zoomed({ zoom: 4, x: 0, y: 0 }, 2, 0, 0).zoom).toBe(4);
  });
});
