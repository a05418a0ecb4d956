// The model as a causal graph (Data workbench): data sources, variables, agents' attributes and
// the network into the model's terms and the outcome, laid out by the core (Sugiyama). Zoom with
// the wheel or + and −, pan by dragging or with the arrow keys, Tab through nodes and edges;
// Enter (or a click) on an edge with a coefficient opens it to change or remove; an edge from a
// variable or an attribute to a term can be added. Every edit is undoable like any other.
import { useEffect, useRef, useState } from "react";
import type { Backend } from "../api/backend";
import type { CausalEdge, CausalGraph, ProjectState } from "../api/types";
import { edgeMiddle, edgePath, edgeText, removable, signColour, zoomed, type View } from "../state/causal";

const FILL: Record<string, string> = {
  source: "#eef1f6",
  variable: "#e6f0fb",
  attribute: "#f3ecfa",
  network: "#eaf6ef",
  term: "#fff4e0",
  potential: "#fdecec",
  outcome: "#dff3e6",
};

interface Props {
  backend: Backend;
  state: ProjectState;
  onChanged: (state: ProjectState) => void;
  fail: (e: unknown) => void;
}

export function CausalGraphView({ backend, state, onChanged, fail }: Props) {
  const [graph, setGraph] = useState<CausalGraph | null>(null);
  const [view, setView] = useState<View>({ zoom: 1, x: 0, y: 0 });
  const [picked, setPicked] = useState<CausalEdge | null>(null);
  const [value, setValue] = useState("");
  const [adding, setAdding] = useState({ from: "", to: "", value: "0.001" });
  const drag = useRef<{ x: number; y: number; view: View } | null>(null);
  const [dragging, setDragging] = useState(false);
  const svg = useRef<SVGSVGElement>(null);
  // Drawn again whenever the project changes (an edit here, an undo, a peer's change).
  const key = `${state.version}:${state.modification_log.length}:${state.data_package_id ?? ""}`;
  useEffect(() => {
    let live = true;
    backend
      .causalGraph(state.project_id)
      .then((g) => live && setGraph(g))
      .catch((e) => live && fail(e));
    return () => {
      live = false;
    };
  }, [backend, state.project_id, key, fail]);

  const save = async (path: string, next: number | null) => {
    try {
      onChanged(await backend.editCausalEdge(state.project_id, path, next));
      setPicked(null);
    } catch (e) {
      fail(e);
    }
  };
  const open = (edge: CausalEdge) => {
    if (!edge.path) return;
    setPicked(edge);
    setValue(String(edge.coefficient ?? 0));
  };
  if (!graph) return null;
  const at = (id: string) => graph.nodes.find((n) => n.id === id);
  const onKey = (e: React.KeyboardEvent) => {
    const step = 40 / view.zoom;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [step, 0],
      ArrowRight: [-step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step],
    };
    if (e.key in moves && e.target === svg.current) {
      e.preventDefault();
      const [dx, dy] = moves[e.key];
      setView({ ...view, x: view.x + dx, y: view.y + dy });
    } else if (e.key === "+" || e.key === "=") setView(zoomed(view, 1.25, graph.width / 2, graph.height / 2));
    else if (e.key === "-") setView(zoomed(view, 0.8, graph.width / 2, graph.height / 2));
    else if (e.key === "0") setView({ zoom: 1, x: 0, y: 0 });
  };
  const exportSvg = () => {
    if (!svg.current) return;
    const text = new XMLSerializer().serializeToString(svg.current);
    // The desktop asks where to save it (its web view does not download); a browser downloads.
    if (backend.saveSvg) {
      backend.saveSvg("causal-graph.svg", text).catch(fail);
      return;
    }
    const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "causal-graph.svg";
    a.click();
    URL.revokeObjectURL(url);
  };
  const sources = [...graph.variables.map((v) => `variables.${v}`), ...graph.attributes.map((a) => `attributes.${a}`)];

  return (
    <section className="card" data-testid="causal-graph" aria-label="Causal graph of the model">
      <div className="row spread">
        <h2>Causal graph</h2>
        <span className="actions">
          <button
            type="button"
            aria-label="Zoom in"
            onClick={() => setView(zoomed(view, 1.25, graph.width / 2, graph.height / 2))}
          >
            +
          </button>
          <button
            type="button"
            aria-label="Zoom out"
            onClick={() => setView(zoomed(view, 0.8, graph.width / 2, graph.height / 2))}
          >
            −
          </button>
          <button type="button" onClick={() => setView({ zoom: 1, x: 0, y: 0 })}>
            Fit
          </button>
          <button type="button" onClick={exportSvg}>
            Export SVG
          </button>
        </span>
      </div>
      <p className="muted small">
        Green raises, red lowers; a dashed edge is fitted by calibration. Drag or use the arrow keys to move, the wheel
        or + and − to zoom; Tab to an edge and press Enter to change it.
      </p>
      <svg
        ref={svg}
        xmlns="http://www.w3.org/2000/svg"
        viewBox={`0 0 ${graph.width} ${graph.height}`}
        width="100%"
        style={{ maxHeight: 520, cursor: dragging ? "grabbing" : "grab", touchAction: "none" }}
        role="group"
        aria-label="causal graph: the arrow keys move it, + and − zoom"
        tabIndex={0}
        data-testid="causal-svg"
        onKeyDown={onKey}
        onWheel={(e) => {
          const box = svg.current?.getBoundingClientRect();
          if (!box) return;
          const cx = ((e.clientX - box.left) / box.width) * graph.width;
          const cy = ((e.clientY - box.top) / box.height) * graph.height;
          setView(zoomed(view, e.deltaY < 0 ? 1.1 : 0.9, cx, cy));
        }}
        onPointerDown={(e) => {
          if ((e.target as Element).closest("[data-edge],[data-node]")) return;
          drag.current = { x: e.clientX, y: e.clientY, view };
          setDragging(true);
          (e.target as Element).setPointerCapture?.(e.pointerId);
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          const box = svg.current?.getBoundingClientRect();
          if (!d || !box) return;
          const k = graph.width / box.width;
          setView({ ...d.view, x: d.view.x + (e.clientX - d.x) * k, y: d.view.y + (e.clientY - d.y) * k });
        }}
        onPointerUp={() => {
          drag.current = null;
          setDragging(false);
        }}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" fill="#8a8f98" />
          </marker>
        </defs>
        <g transform={`translate(${view.x} ${view.y}) scale(${view.zoom})`}>
          {graph.edges.map((e, i) => {
            const [from, to] = [at(e.from), at(e.to)];
            if (!from || !to) return null;
            const [mx, my] = edgeMiddle(from, to);
            return (
              <g
                key={i}
                data-edge={e.path ?? `${e.from}-${e.to}`}
                data-testid={e.path ? `edge-${e.path}` : undefined}
                tabIndex={e.path ? 0 : -1}
                role={e.path ? "button" : undefined}
                aria-label={edgeText(e, graph)}
                onClick={() => open(e)}
                onKeyDown={(k) => {
                  if (k.key === "Enter" || k.key === " ") {
                    k.preventDefault();
                    open(e);
                  }
                }}
                style={{ cursor: e.path ? "pointer" : "default" }}
              >
                <title>{edgeText(e, graph)}</title>
                <path
                  d={edgePath(from, to)}
                  fill="none"
                  stroke={signColour(e)}
                  strokeWidth={e.coefficient == null ? 1.2 : 2}
                  strokeDasharray={e.fitted ? "5 3" : undefined}
                  markerEnd="url(#arrow)"
                />
                <text x={mx} y={my - 4} fontSize={10} textAnchor="middle" fill={signColour(e)}>
                  {e.label}
                </text>
              </g>
            );
          })}
          {graph.nodes.map((n) => (
            <g key={n.id} data-node={n.id} tabIndex={0} aria-label={`${n.label}: ${n.detail}`}>
              <title>{`${n.label}: ${n.detail}`}</title>
              <rect
                x={n.x - n.width / 2}
                y={n.y - n.height / 2}
                width={n.width}
                height={n.height}
                rx={8}
                fill={FILL[n.kind] ?? "#fff"}
                stroke="#9aa3ad"
              />
              <text x={n.x} y={n.y - 4} fontSize={12} fontWeight={600} textAnchor="middle">
                {n.label}
              </text>
              <text x={n.x} y={n.y + 12} fontSize={10} textAnchor="middle" fill="#555">
                {n.detail.length > 34 ? `${n.detail.slice(0, 33)}…` : n.detail}
              </text>
            </g>
          ))}
        </g>
      </svg>
      {picked?.path && (
        <form
          className="row"
          data-testid="edge-editor"
          onSubmit={(e) => {
            e.preventDefault();
            const v = Number(value);
            if (value.trim() === "" || !Number.isFinite(v)) return fail(new Error(`"${value}" is not a number`));
            void save(picked.path as string, v);
          }}
        >
          <strong>{edgeText(picked, graph)}</strong>
          <input
            aria-label="Coefficient value"
            type="number"
            step="any"
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
          <button className="primary" type="submit">
            Set
          </button>
          {removable(picked) && (
            <button type="button" className="danger" onClick={() => void save(picked.path as string, null)}>
              Remove edge
            </button>
          )}
          <button type="button" onClick={() => setPicked(null)}>
            Cancel
          </button>
        </form>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const v = Number(adding.value);
          if (!adding.from || !adding.to || !Number.isFinite(v)) return;
          void save(`${adding.to}.${adding.from}`, v);
        }}
      >
        <span className="small">Add an edge</span>
        <select
          aria-label="Edge from"
          value={adding.from}
          onChange={(e) => setAdding({ ...adding, from: e.target.value })}
        >
          <option value="">from…</option>
          {sources.map((s) => (
            <option key={s} value={s}>
              {s.replace("variables.", "").replace("attributes.", "")} (
              {s.startsWith("variables.") ? "variable" : "attribute"})
            </option>
          ))}
        </select>
        <select aria-label="Edge to" value={adding.to} onChange={(e) => setAdding({ ...adding, to: e.target.value })}>
          <option value="">to term…</option>
          {graph.terms.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <input
          aria-label="New coefficient"
          type="number"
          step="any"
          value={adding.value}
          onChange={(e) => setAdding({ ...adding, value: e.target.value })}
        />
        <button type="submit" disabled={!adding.from || !adding.to}>
          Add edge
        </button>
      </form>
    </section>
  );
}
