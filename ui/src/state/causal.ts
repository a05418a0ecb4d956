// The causal graph as the Data workbench draws it: each edge's curve and words, the colours
// of signs, and the view's zoom and pan kept within sensible bounds.
import type { CausalEdge, CausalGraph, CausalNode } from "../api/types";

/** An edge's cubic curve from the right side of its source to the left side of its target. */
export function edgePath(from: CausalNode, to: CausalNode): string {
  const [x1, y1] = [from.x + from.width / 2, from.y];
  const [x2, y2] = [to.x - to.width / 2, to.y];
  const bend = Math.max(30, (x2 - x1) / 2);
  return `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
}

/** Where an edge's label sits: the curve's middle. */
export function edgeMiddle(from: CausalNode, to: CausalNode): [number, number] {
  return [(from.x + from.width / 2 + to.x - to.width / 2) / 2, (from.y + to.y) / 2];
}

/** An edge in words, for its tooltip and for screen readers. */
export function edgeText(edge: CausalEdge, graph: CausalGraph): string {
  const name = (id: string) => graph.nodes.find((n) => n.id === id)?.label ?? id;
  const coefficient =
    edge.coefficient == null
      ? edge.label
      : `coefficient ${edge.label}${edge.sign === 1 ? " (raises)" : edge.sign === -1 ? " (lowers)" : ""}`;
  return `${name(edge.from)} → ${name(edge.to)}: ${coefficient}${edge.fitted ? ", fitted by calibration" : ""}`;
}

/** The colour of an edge's sign. */
export function signColour(edge: CausalEdge): string {
  if (edge.sign === 1) return "#2f7d4f";
  if (edge.sign === -1) return "#c0492b";
  return "#8a8f98";
}

export interface View {
  zoom: number;
  x: number;
  y: number;
}

/** Zoomed by `factor` about the point (`cx`, `cy`) of the drawing, between 0.25× and 4×. */
export function zoomed(view: View, factor: number, cx: number, cy: number): View {
  const zoom = Math.min(4, Math.max(0.25, view.zoom * factor));
  const k = zoom / view.zoom;
  return { zoom, x: cx - (cx - view.x) * k, y: cy - (cy - view.y) * k };
}

/** Whether an edge can be edited (and removed: a variable's or an attribute's). */
export function removable(edge: CausalEdge): boolean {
  return !!edge.path && /\.(variables|attributes)\./.test(edge.path);
}
