// A workflow's steps laid out as a graph for the Automation tab, pure so it is tested without a
// browser. The core runs a control step's children by id (`true_steps`, `branches`, a loop's
// `steps`) and the rest in the list's order, so the drawing follows those references: the same
// rule as `Workflow::top_level` in studio-model.

/** Box sizes and gaps of the drawing, in SVG units. */
export const BOX = { w: 176, h: 48 };
const GAP_Y = 36;
const GAP_X = 28;
const JOIN = 10;
const LANE = 28;
const PAD = 16;
/** How wide a branch with no steps is drawn (its edge goes straight to the join). */
const EMPTY_W = 56;

export type NodeKind = "action" | "task" | "condition" | "parallel" | "loop" | "wait" | "missing" | "join";
export interface GraphNode {
  /** The step's id (a join is `ID:join`). */
  id: string;
  kind: NodeKind;
  /** The step's name, else its id. */
  label: string;
  /** What it does in a few words (`data/override_value`, `measure.output.moved > 2.0`). */
  detail: string;
  /** Top-left corner and size. */
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface GraphEdge {
  from: string;
  to: string;
  /** A polyline; the arrow is at its end. */
  points: [number, number][];
  /** `true` / `false` on a condition's branches, `repeat` on a loop's back-edge. */
  label?: string;
  labelAt?: [number, number];
  back?: boolean;
}
export interface GraphLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

/** A step as the layout reads it: any JSON object (a draft in the editor may be half right). */
export type DraftStep = { id?: unknown; type?: unknown; name?: unknown; [key: string]: unknown };

/** A laid-out run of steps, centred on its width: edges come in at the top middle and leave at
 *  the bottom middle; `entry` and `exit` name the nodes they attach to. */
interface Block {
  nodes: GraphNode[];
  edges: GraphEdge[];
  w: number;
  h: number;
  entry: string | null;
  exit: string | null;
}

const ids = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v) => typeof v === "string") : []);

/** The ids a control step runs, in order (as `StepKind::children` in the model). */
export function children(step: DraftStep): string[] {
  if (step.type === "condition") return [...ids(step.true_steps), ...ids(step.false_steps)];
  if (step.type === "parallel") return Array.isArray(step.branches) ? step.branches.flatMap(ids) : [];
  if (step.type === "loop") return ids(step.steps);
  return [];
}

/** The steps the workflow runs in its own sequence: those no control step names. */
export function topLevel(steps: DraftStep[]): string[] {
  const owned = new Set(steps.flatMap(children));
  return steps.map((s) => String(s.id)).filter((id) => !owned.has(id));
}

function detail(step: DraftStep): string {
  const s = (v: unknown) => (v == null ? "" : String(v));
  switch (step.type) {
    case "action":
      return `${s(step.workbench)}/${s(step.action)}`;
    case "task":
    case "agent_task":
      return `${s(step.agent_type)}: ${s(step.task)}`;
    case "condition":
      return s(step.expression);
    case "parallel":
      return `${Array.isArray(step.branches) ? step.branches.length : 0} branches`;
    case "loop":
      return step.over != null ? `over ${s(step.over)}` : `while ${s(step.while)}`;
    case "wait":
      if (step.seconds != null) return `${s(step.seconds)} s`;
      return step.until != null ? `until ${s(step.until)}` : `for ${s(step.event)}`;
    default:
      return "";
  }
}

function kindOf(step: DraftStep | undefined): NodeKind {
  if (!step) return "missing";
  if (step.type === "agent_task") return "task";
  const known: NodeKind[] = ["action", "task", "condition", "parallel", "loop", "wait"];
  return known.find((k) => k === step.type) ?? "missing";
}

function shift(block: Block, dx: number, dy: number): Block {
  return {
    ...block,
    nodes: block.nodes.map((n) => ({ ...n, x: n.x + dx, y: n.y + dy })),
    edges: block.edges.map((e) => ({
      ...e,
      points: e.points.map(([x, y]) => [x + dx, y + dy] as [number, number]),
      labelAt: e.labelAt && [e.labelAt[0] + dx, e.labelAt[1] + dy],
    })),
  };
}

/** Lays out a workflow's steps: the top-level sequence top to bottom, a condition's and a
 *  parallel's branches side by side joined below them, a loop's body under it with an edge
 *  back. A step named twice is drawn once; a name of no step is drawn as `missing`. */
export function layoutWorkflow(steps: DraftStep[]): GraphLayout {
  const byId = new Map(steps.map((s) => [String(s.id), s]));
  const drawn = new Set<string>();

  const box = (id: string): GraphNode => {
    const step = byId.get(id);
    const name = typeof step?.name === "string" && step.name ? step.name : id;
    return { id, kind: kindOf(step), label: name, detail: step ? detail(step) : "not a step", x: 0, y: 0, ...BOX };
  };

  const sequence = (list: string[]): Block => {
    const blocks: Block[] = [];
    for (const id of list) if (!drawn.has(id)) blocks.push(one(id));
    const w = Math.max(0, ...blocks.map((b) => b.w));
    const out: Block = { nodes: [], edges: [], w, h: 0, entry: null, exit: null };
    for (const [i, b] of blocks.entries()) {
      const top = i === 0 ? 0 : out.h + GAP_Y;
      if (out.exit && b.entry)
        out.edges.push({
          from: out.exit,
          to: b.entry,
          points: [
            [w / 2, out.h],
            [w / 2, top],
          ],
        });
      const placed = shift(b, (w - b.w) / 2, top);
      out.nodes.push(...placed.nodes);
      out.edges.push(...placed.edges);
      out.entry ??= b.entry;
      out.exit = b.exit;
      out.h = top + b.h;
    }
    return out;
  };

  /** A fork (a condition or a parallel): its box, its branches side by side, a join. */
  const fork = (node: GraphNode, branches: string[][], labels: string[]): Block => {
    const blocks = branches.map(sequence);
    const widths = blocks.map((b) => (b.entry ? b.w : EMPTY_W));
    const span = widths.reduce((a, b) => a + b, 0) + GAP_X * Math.max(0, blocks.length - 1);
    const w = Math.max(BOX.w, span);
    const cx = w / 2;
    const branchTop = BOX.h + GAP_Y;
    const joinY = branchTop + Math.max(0, ...blocks.map((b) => b.h)) + GAP_Y;
    const join: GraphNode = {
      id: `${node.id}:join`,
      kind: "join",
      label: "",
      detail: "",
      x: cx - JOIN / 2,
      y: joinY,
      w: JOIN,
      h: JOIN,
    };
    const out: Block = {
      nodes: [{ ...node, x: cx - BOX.w / 2 }],
      edges: [],
      w,
      h: joinY + JOIN,
      entry: node.id,
      exit: join.id,
    };
    const split = BOX.h + GAP_Y / 2;
    const meet = joinY - GAP_Y / 2;
    let left = (w - span) / 2;
    blocks.forEach((b, i) => {
      const bx = left + widths[i] / 2;
      const label = labels[i];
      const labelAt: [number, number] | undefined = label ? [bx, split] : undefined;
      const down: [number, number][] = [
        [cx, BOX.h],
        [cx, split],
        [bx, split],
      ];
      const up: [number, number][] = [
        [bx, meet],
        [cx, meet],
        [cx, joinY],
      ];
      if (!b.entry || !b.exit) {
        out.edges.push({ from: node.id, to: join.id, points: [...down, ...up], label, labelAt });
      } else {
        const placed = shift(b, left, branchTop);
        out.nodes.push(...placed.nodes);
        out.edges.push(...placed.edges);
        out.edges.push({ from: node.id, to: b.entry, points: [...down, [bx, branchTop]], label, labelAt });
        out.edges.push({ from: b.exit, to: join.id, points: [[bx, branchTop + b.h], ...up] });
      }
      left += widths[i] + GAP_X;
    });
    out.nodes.push(join);
    return out;
  };

  /** A loop: its box, its body under it, and an edge from the body's end back up to the box. */
  const loop = (node: GraphNode, body: string[]): Block => {
    const b = sequence(body);
    if (!b.entry || !b.exit) return { nodes: [node], edges: [], ...BOX, entry: node.id, exit: node.id };
    const w = Math.max(BOX.w, b.w) + 2 * LANE;
    const cx = w / 2;
    const bodyTop = BOX.h + GAP_Y;
    const bodyEnd = bodyTop + b.h;
    const h = bodyEnd + GAP_Y / 2;
    const lane = w - LANE / 2;
    const placed = shift(b, (w - b.w) / 2, bodyTop);
    const back: GraphEdge = {
      from: b.exit,
      to: node.id,
      points: [
        [cx, bodyEnd],
        [cx, h],
        [lane, h],
        [lane, BOX.h / 2],
        [cx + BOX.w / 2, BOX.h / 2],
      ],
      label: "repeat",
      labelAt: [lane - 4, (BOX.h / 2 + h) / 2],
      back: true,
    };
    return {
      nodes: [{ ...node, x: cx - BOX.w / 2 }, ...placed.nodes],
      edges: [
        {
          from: node.id,
          to: b.entry,
          points: [
            [cx, BOX.h],
            [cx, bodyTop],
          ],
        },
        ...placed.edges,
        back,
      ],
      w,
      h,
      entry: node.id,
      // What follows the loop runs once it is done: drawn from the body's end.
      exit: node.id,
    };
  };

  function one(id: string): Block {
    drawn.add(id);
    const node = box(id);
    const step = byId.get(id);
    if (step?.type === "condition") return fork(node, [ids(step.true_steps), ids(step.false_steps)], ["true", "false"]);
    if (step?.type === "parallel" && Array.isArray(step.branches)) {
      const branches = step.branches.map(ids);
      return fork(
        node,
        branches,
        branches.map(() => ""),
      );
    }
    if (step?.type === "loop") return loop(node, ids(step.steps));
    return { nodes: [node], edges: [], ...BOX, entry: id, exit: id };
  }

  // A draft whose steps all run each other has no start: it is drawn from its first step.
  const top = topLevel(steps);
  const start = top.length > 0 || steps.length === 0 ? top : [String(steps[0].id)];
  const all = shift(sequence(start), PAD, PAD);
  return { nodes: all.nodes, edges: all.edges, width: all.w + 2 * PAD, height: all.h + 2 * PAD };
}

/** The steps of a draft, when it has a list of them. */
export function draftSteps(draft: unknown): DraftStep[] | null {
  const steps = (draft as { steps?: unknown } | null)?.steps;
  return Array.isArray(steps) ? steps.filter((s): s is DraftStep => s != null && typeof s === "object") : null;
}
