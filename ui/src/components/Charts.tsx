// Small SVG charts for the Population pane: a marginal against its target, the degree
// distribution, and an ego network drawn in rings around its centre.

const PALETTE = ["#3b6fd8", "#d8833b", "#3ba56b", "#b04fc4", "#c9b52c", "#d84b5f", "#4bb5c9", "#7a7a7a"];
export const archetypeColour = (i: number) => PALETTE[i % PALETTE.length];

/** Bars of the synthetic shares with a tick at each target share. */
export function MarginalChart({
  categories,
  synthetic,
  target,
}: {
  categories: string[];
  synthetic: number[];
  target: number[];
}) {
  const w = 260,
    h = 120,
    pad = 18;
  const top = Math.max(...synthetic, ...target, 0.01);
  const bw = (w - pad) / categories.length;
  const y = (v: number) => h - pad - (v / top) * (h - pad - 6);
  return (
    <svg viewBox={`0 0 ${w} ${h}`} width={w} height={h} role="img" aria-label="synthetic against target">
      {categories.map((c, i) => (
        <g key={c}>
          <rect
            x={pad + i * bw + 3}
            y={y(synthetic[i])}
            width={bw - 6}
            height={h - pad - y(synthetic[i])}
            fill="#3b6fd8"
            opacity={0.75}
          >
            <title>{`${c}: ${(synthetic[i] * 100).toFixed(1)}% (target ${(target[i] * 100).toFixed(1)}%)`}</title>
          </rect>
          <line
            x1={pad + i * bw + 1}
            x2={pad + (i + 1) * bw - 1}
            y1={y(target[i])}
            y2={y(target[i])}
            stroke="#d8833b"
            strokeWidth={2}
          />
          <text x={pad + i * bw + bw / 2} y={h - 4} fontSize={9} textAnchor="middle">
            {c}
          </text>
        </g>
      ))}
    </svg>
  );
}

export function DegreeChart({ distribution }: { distribution: [number, number][] }) {
  const w = 260,
    h = 110,
    pad = 16;
  if (distribution.length === 0) return null;
  const top = Math.max(...distribution.map(([, n]) => n));
  const lo = distribution[0][0],
    hi = distribution[distribution.length - 1][0];
  const bw = (w - pad) / (hi - lo + 1);
  return (
    <svg
      viewBox={`0 0 ${w} ${h}`}
      width={w}
      height={h}
      role="img"
      aria-label="degree distribution"
      data-testid="degree-chart"
    >
      {distribution.map(([d, n]) => {
        const bh = (n / top) * (h - pad - 4);
        return (
          <rect key={d} x={pad + (d - lo) * bw} y={h - pad - bh} width={Math.max(1, bw - 1)} height={bh} fill="#3ba56b">
            <title>{`${n.toLocaleString()} agents with ${d} ties`}</title>
          </rect>
        );
      })}
      <text x={pad} y={h - 3} fontSize={9}>
        {lo}
      </text>
      <text x={w - 4} y={h - 3} fontSize={9} textAnchor="end">
        {hi} ties
      </text>
    </svg>
  );
}

export interface EgoNode {
  id: number;
  archetype: number;
  degree: number;
  ring: number;
}
export interface Ego {
  centre: number;
  nodes: EgoNode[];
  edges: [number, number][];
}

export function EgoNetwork({ ego, labels }: { ego: Ego; labels: string[] }) {
  const size = 300,
    c = size / 2;
  const rings = [0, 0, 0];
  ego.nodes.forEach((n) => {
    rings[n.ring] += 1;
  });
  const seen = [0, 0, 0];
  const at = new Map<number, [number, number]>();
  for (const n of ego.nodes) {
    const radius = [0, 70, 130][n.ring];
    const angle = (2 * Math.PI * seen[n.ring]++) / Math.max(1, rings[n.ring]) + n.ring * 0.3;
    at.set(n.id, [c + radius * Math.cos(angle), c + radius * Math.sin(angle)]);
  }
  return (
    <svg
      viewBox={`0 0 ${size} ${size}`}
      width={size}
      height={size}
      role="img"
      aria-label="ego network"
      data-testid="ego-network"
    >
      {ego.edges.map(([a, b]) => {
        const [x1, y1] = at.get(a)!,
          [x2, y2] = at.get(b)!;
        return <line key={`${a}-${b}`} x1={x1} y1={y1} x2={x2} y2={y2} stroke="#9aa3b5" strokeWidth={0.7} />;
      })}
      {ego.nodes.map((n) => {
        const [x, y] = at.get(n.id)!;
        return (
          <circle
            key={n.id}
            cx={x}
            cy={y}
            r={n.ring === 0 ? 9 : n.ring === 1 ? 6 : 4}
            fill={archetypeColour(n.archetype)}
            stroke="#fff"
          >
            <title>{`agent ${n.id} · ${labels[n.archetype] ?? `A${n.archetype + 1}`} · ${n.degree} ties`}</title>
          </circle>
        );
      })}
    </svg>
  );
}
