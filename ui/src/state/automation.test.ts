// The workflow graph's layout, checked through one helper that names what was drawn: the nodes
// in order of height, and each edge as `from>to` (with its label). Workflows are written as the
// core's own tests write them (crates/studio-core/tests/workflows.rs).
import { describe, expect, it } from "vitest";
import { type DraftStep, type GraphLayout, layoutWorkflow, topLevel } from "./automation";

const task = (id: string) => ({ id, type: "task", agent_type: "assistant", task: "echo" });

function check(steps: DraftStep[], expect_: { nodes: string[]; edges: string[] }) {
  const layout = layoutWorkflow(steps);
  const nodes = [...layout.nodes].sort((a, b) => a.y - b.y || a.x - b.x).map((n) => n.id);
  const edges = layout.edges.map((e) => `${e.from}>${e.to}${e.label ? `:${e.label}` : ""}`);
  expect(nodes).toEqual(expect_.nodes);
  expect(edges.sort()).toEqual([...expect_.edges].sort());
  inside(layout);
  return layout;
}

/** Every node and every edge's point lies within the drawing; no two nodes overlap. */
function inside(layout: GraphLayout) {
  for (const n of layout.nodes) {
    expect(n.x).toBeGreaterThanOrEqual(0);
    expect(n.y).toBeGreaterThanOrEqual(0);
    expect(n.x + n.w).toBeLessThanOrEqual(layout.width);
    expect(n.y + n.h).toBeLessThanOrEqual(layout.height);
  }
  for (const e of layout.edges)
    for (const [x, y] of e.points) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(layout.width);
      expect(y).toBeLessThanOrEqual(layout.height);
    }
  for (const a of layout.nodes)
    for (const b of layout.nodes) {
      if (a === b) continue;
      const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
      expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
    }
}

const node = (layout: GraphLayout, id: string) => {
  const found = layout.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
};

describe("layoutWorkflow", () => {
  it("draws a sequence top to bottom, one arrow between each two steps", () => {
    const layout = check([task("a"), { id: "b", type: "wait", seconds: 1 }, task("c")], {
      nodes: ["a", "b", "c"],
      edges: ["a>b", "b>c"],
    });
    const [a, b, c] = ["a", "b", "c"].map((id) => node(layout, id));
    expect(a.x).toBe(b.x);
    expect(b.x).toBe(c.x);
    expect(a.y).toBeLessThan(b.y);
    expect(node(layout, "b")).toMatchObject({ kind: "wait", detail: "1 s" });
  });

  it("forks a condition into true and false branches that join after it", () => {
    const layout = check(
      [
        task("measure"),
        {
          id: "check",
          type: "condition",
          expression: "measure.output.moved > 2.0",
          true_steps: ["note"],
          false_steps: ["quiet"],
        },
        { id: "note", type: "action", workbench: "data", action: "override_value", name: "Note it" },
        task("quiet"),
        task("after"),
      ],
      {
        nodes: ["measure", "check", "note", "quiet", "check:join", "after"],
        edges: [
          "measure>check",
          "check>note:true",
          "check>quiet:false",
          "note>check:join",
          "quiet>check:join",
          "check:join>after",
        ],
      },
    );
    const [note, quiet, check_] = ["note", "quiet", "check"].map((id) => node(layout, id));
    expect(note.y).toBe(quiet.y);
    expect(note.x).toBeLessThan(quiet.x);
    expect(note).toMatchObject({ label: "Note it", kind: "action", detail: "data/override_value" });
    // The fork is centred over its branches.
    expect(check_.x + check_.w / 2).toBeCloseTo((note.x + quiet.x + quiet.w) / 2);
  });

  it("draws a branch with no steps as an edge straight to the join", () => {
    check([task("a"), { id: "b", type: "condition", expression: "a.output.x > 1", true_steps: ["c"] }, task("c")], {
      nodes: ["a", "b", "c", "b:join"],
      edges: ["a>b", "b>c:true", "c>b:join", "b>b:join:false"],
    });
  });

  it("runs parallel branches side by side, each in order, joined", () => {
    const layout = check(
      [
        {
          id: "both",
          type: "parallel",
          branches: [
            ["a_wait", "a"],
            ["b_wait", "b"],
          ],
        },
        { id: "a_wait", type: "wait", seconds: 0.4 },
        task("a"),
        { id: "b_wait", type: "wait", seconds: 0.4 },
        task("b"),
        task("sum"),
      ],
      {
        nodes: ["both", "a_wait", "b_wait", "a", "b", "both:join", "sum"],
        edges: ["both>a_wait", "both>b_wait", "a_wait>a", "b_wait>b", "a>both:join", "b>both:join", "both:join>sum"],
      },
    );
    expect(node(layout, "both").detail).toBe("2 branches");
  });

  it("draws a loop's body under it with an edge back to it", () => {
    const layout = check(
      [
        { id: "each", type: "loop", over: "input.scenarios", steps: ["visit"], max_iterations: 10 },
        task("visit"),
        task("after"),
      ],
      { nodes: ["each", "visit", "after"], edges: ["each>visit", "visit>each:repeat", "each>after"] },
    );
    const back = layout.edges.find((e) => e.back);
    // The back-edge goes up: it ends level with the loop's box.
    const each = node(layout, "each");
    expect(back?.points.at(-1)?.[1]).toBe(each.y + each.h / 2);
    expect(node(layout, "after").y).toBeGreaterThan(node(layout, "visit").y);
  });

  it("nests: a loop inside a condition's branch, a parallel inside a loop", () => {
    check(
      [
        { id: "c", type: "condition", expression: "input.go", true_steps: ["l"], false_steps: ["skip"] },
        { id: "l", type: "loop", while: "index < 3", steps: ["p"], max_iterations: 5 },
        { id: "p", type: "parallel", branches: [["x"], ["y"]] },
        task("x"),
        task("y"),
        task("skip"),
      ],
      {
        nodes: ["c", "l", "skip", "p", "x", "y", "p:join", "c:join"],
        edges: [
          "c>l:true",
          "c>skip:false",
          "l>p",
          "p>x",
          "p>y",
          "x>p:join",
          "y>p:join",
          "p:join>l:repeat",
          "l>c:join",
          "skip>c:join",
        ],
      },
    );
  });

  it("draws a draft that is not right yet without failing", () => {
    // A name of no step, a step named twice, steps that only run each other, nothing at all.
    check([{ id: "a", type: "condition", expression: "true", true_steps: ["ghost", "b", "b"] }, task("b")], {
      nodes: ["a", "ghost", "b", "a:join"],
      edges: ["a>ghost:true", "ghost>b", "b>a:join", "a>a:join:false"],
    });
    expect(node(layoutWorkflow([{ id: "a", type: "condition", true_steps: ["ghost"] }]), "ghost").kind).toBe("missing");
    const circle = layoutWorkflow([
      { id: "a", type: "loop", while: "true", steps: ["b"], max_iterations: 3 },
      { id: "b", type: "loop", while: "true", steps: ["a"], max_iterations: 3 },
    ]);
    expect(circle.nodes.map((n) => n.id).sort()).toEqual(["a", "b"]);
    expect(layoutWorkflow([]).nodes).toEqual([]);
  });
});

describe("topLevel", () => {
  it("is the steps no control step names, in order (as the model's top_level)", () => {
    const steps = [
      { id: "step1", type: "agent_task", agent_type: "assistant", task: "echo" },
      { id: "condition1", type: "condition", expression: "x", true_steps: ["high"], false_steps: ["low"] },
      task("high"),
      task("low"),
    ];
    expect(topLevel(steps)).toEqual(["step1", "condition1"]);
    expect(layoutWorkflow(steps).nodes.find((n) => n.id === "step1")?.kind).toBe("task");
  });
});
