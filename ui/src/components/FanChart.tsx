// The ensemble's fan chart: the p5–p95 and p25–p75 bands of the adoption share per tick, the
// median as a line, shocks as marks on the time axis; with a history, its points (fitted
// filled, held out hollow). Plain SVG: a redraw is one path per band.
import type { Band, Shock, TimeAxis } from "../api/types";
import { periodLabel, when } from "../state/timeAxis";

interface Props {
  bands: Band[];
  total: number;
  shocks?: Shock[];
  observed?: number[];
  /** Points of `observed` that were fitted; the rest were held out. */
  fitted?: number;
  cursor?: number;
  label?: string;
  /** The data's calendar: the axis names periods, not ticks. */
  axis?: TimeAxis | null;
}

const W = 640,
  H = 260,
  PAD = { l: 44, r: 12, t: 12, b: 26 };

export function FanChart({
  bands,
  total,
  shocks = [],
  observed = [],
  fitted = observed.length,
  cursor,
  label = "adoption",
  axis = null,
}: Props) {
  const top = Math.min(1, Math.max(0.05, ...bands.map((b) => b[4]), ...observed) * 1.1);
  const x = (t: number) => PAD.l + (t / Math.max(1, total)) * (W - PAD.l - PAD.r);
  const y = (v: number) => H - PAD.b - (v / top) * (H - PAD.t - PAD.b);
  const area = (lo: number, hi: number) =>
    bands.length === 0
      ? ""
      : `M${bands.map((b, t) => `${x(t).toFixed(1)},${y(b[hi]).toFixed(1)}`).join("L")}` +
        `L${bands
          .map((b, t) => [t, b] as const)
          .reverse()
          .map(([t, b]) => `${x(t).toFixed(1)},${y(b[lo]).toFixed(1)}`)
          .join("L")}Z`;
  const median = bands.map((b, t) => `${t === 0 ? "M" : "L"}${x(t).toFixed(1)},${y(b[2]).toFixed(1)}`).join("");
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="fan" role="img" aria-label={`${label} fan chart`} data-testid="fan-chart">
      {grid.map((g) => (
        <g key={g}>
          <line x1={PAD.l} x2={W - PAD.r} y1={y(g)} y2={y(g)} stroke="#e3e6ee" />
          <text x={PAD.l - 4} y={y(g) + 3} fontSize={10} textAnchor="end">{`${(g * 100).toFixed(0)}%`}</text>
        </g>
      ))}
      {axis ? (
        [0, 0.25, 0.5, 0.75, 1].map((f) => {
          const t = Math.round(f * total);
          return (
            <text
              key={f}
              x={x(t)}
              y={H - 6}
              fontSize={10}
              textAnchor={f === 0 ? "start" : f === 1 ? "end" : "middle"}
              data-testid="period-label"
            >
              {periodLabel(axis, t)}
            </text>
          );
        })
      ) : (
        <>
          <text x={PAD.l} y={H - 6} fontSize={10}>
            tick 0
          </text>
          <text x={W - PAD.r} y={H - 6} fontSize={10} textAnchor="end">
            {total}
          </text>
        </>
      )}
      <path d={area(0, 4)} fill="#3b6fd8" opacity={0.18} data-testid="band-90" />
      <path d={area(1, 3)} fill="#3b6fd8" opacity={0.32} />
      <path d={median} fill="none" stroke="#1f4fb0" strokeWidth={1.8} />
      {shocks.map((s) => (
        <g key={`${s.tick}-${s.variable}`}>
          <line x1={x(s.tick)} x2={x(s.tick)} y1={PAD.t} y2={H - PAD.b} stroke="#d8833b" strokeDasharray="4 3" />
          <text
            x={x(s.tick) + 3}
            y={PAD.t + 10}
            fontSize={10}
            fill="#a85d1c"
          >{`${s.variable} ${s.magnitude > 0 ? "+" : ""}${s.magnitude}`}</text>
        </g>
      ))}
      {observed.map((v, t) => (
        <circle
          key={t}
          cx={x(t)}
          cy={y(v)}
          r={3}
          fill={t < fitted ? "#222" : "#fff"}
          stroke="#222"
          data-testid={t < fitted ? "fitted-point" : "held-out-point"}
        >
          <title>{`${when(axis, t)}: ${(v * 100).toFixed(2)}%${t < fitted ? "" : " (held out)"}`}</title>
        </circle>
      ))}
      {cursor != null && <line x1={x(cursor)} x2={x(cursor)} y1={PAD.t} y2={H - PAD.b} stroke="#222" strokeWidth={1} />}
      {bands.length > 0 && (
        <text x={W - PAD.r} y={PAD.t + 10} fontSize={11} textAnchor="end">
          {`${when(axis, bands.length - 1)}: ${(bands[bands.length - 1][2] * 100).toFixed(1)}% (90%: ${(bands[bands.length - 1][0] * 100).toFixed(1)}–${(bands[bands.length - 1][4] * 100).toFixed(1)}%)`}
        </text>
      )}
    </svg>
  );
}
