// A workflow drawn as a graph (the layout is state/automation.ts): each step a box with its kind
// and name, a condition's and a parallel's branches joined below them, a loop's edge back up.
// During a run each box takes its step's status colour.
import { useMemo } from "react";
import { type DraftStep, type GraphNode, layoutWorkflow } from "../state/automation";
import type { StepStatus } from "../state/workflowRuns";

const STATUS_NAMES: StepStatus[] = ["pending", "running", "completed", "failed", "skipped", "cancelled"];
/** Control steps are drawn rounder than the steps that do something. */
const CONTROL = new Set(["condition", "parallel", "loop"]);

interface Props {
  steps: DraftStep[];
  /** Each step's status in the run shown (none: no run shown). */
  statuses: Record<string, StepStatus>;
}

const clip = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

export function WorkflowGraph({ steps, statuses }: Props) {
  const layout = useMemo(() => layoutWorkflow(steps), [steps]);
  if (layout.nodes.length === 0) return <p className="muted small">No steps to draw yet.</p>;
  const running = Object.keys(statuses).length > 0;
  return (
    <figure className="wf-graph">
      <svg
        xmlns="http://www.w3.org/2000/svg"
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width={layout.width}
        style={{ maxWidth: "100%", height: "auto" }}
        role="img"
        aria-label={`The workflow as a graph: ${steps.length} steps`}
        data-testid="workflow-graph"
      >
        <defs>
          <marker id="wf-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" className="wf-arrowhead" />
          </marker>
        </defs>
        {layout.edges.map((e, i) => (
          <g key={i} className={e.back ? "wf-edge back" : "wf-edge"}>
            <polyline points={e.points.map((p) => p.join(",")).join(" ")} fill="none" markerEnd="url(#wf-arrow)" />
            {e.label && e.labelAt && <EdgeLabel text={e.label} at={e.labelAt} along={e.back} />}
          </g>
        ))}
        {layout.nodes.map((n) =>
          n.kind === "join" ? <Join key={n.id} node={n} /> : <Box key={n.id} node={n} status={statuses[n.id]} />,
        )}
      </svg>
      {running && (
        <figcaption className="wf-legend small">
          {STATUS_NAMES.map((s) => (
            <span key={s} className={`wf-status-${s}`}>
              <svg width="12" height="12" aria-hidden="true">
                <rect x="1" y="1" width="10" height="10" rx="2" />
              </svg>{" "}
              {s}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}

function Box({ node, status }: { node: GraphNode; status: StepStatus | undefined }) {
  const said = `${node.kind} ${node.label}${node.detail ? `: ${node.detail}` : ""}${status ? ` (${status})` : ""}`;
  return (
    <g
      className={`wf-node wf-${node.kind}${status ? ` wf-status-${status}` : ""}`}
      data-testid="wf-node"
      data-step={node.id}
      data-status={status ?? ""}
    >
      <title>{said}</title>
      <rect x={node.x} y={node.y} width={node.w} height={node.h} rx={CONTROL.has(node.kind) ? 16 : 5} />
      <text x={node.x + node.w / 2} y={node.y + 19} textAnchor="middle" className="wf-node-title">
        <tspan className="wf-node-kind">{node.kind}</tspan> {clip(node.label, 18)}
      </text>
      <text x={node.x + node.w / 2} y={node.y + 36} textAnchor="middle" className="wf-node-detail">
        {clip(node.detail, 28)}
      </text>
    </g>
  );
}

/** A branch's label beside where it leaves; a back-edge's along its lane, read upwards. */
function EdgeLabel({ text, at: [x, y], along }: { text: string; at: [number, number]; along?: boolean }) {
  return along ? (
    <text
      x={x}
      y={y}
      transform={`rotate(-90 ${x} ${y})`}
      textAnchor="middle"
      className="wf-edge-label"
      data-testid="wf-edge-label"
    >
      {text}
    </text>
  ) : (
    <text x={x + 4} y={y - 4} className="wf-edge-label" data-testid="wf-edge-label">
      {text}
    </text>
  );
}

function Join({ node }: { node: GraphNode }) {
  return (
    <circle
      className="wf-join"
      data-testid="wf-join"
      cx={node.x + node.w / 2}
      cy={node.y + node.h / 2}
      r={node.w / 2}
    />
  );
}
