// A sensitivity analysis as the Scenario workbench shows it: the tornado's bars (the output
// with each factor low and high, widest first) and the indices table, in the output's words.
import type { FactorIndex, Sensitivity, SensitivityFactor, SensitivityOutput } from "../api/types";
import { NOTHING, numberText } from "./format";

/** A share or a probability as a percentage: "12.3%". */
export function percent(x: number, digits = 1): string {
  return `${numberText(Number((x * 100).toFixed(digits)))}%`;
}

/** A factor's range, in its own units: "0.0015 to 0.02". */
export function rangeText(f: SensitivityFactor): string {
  const n = (x: number) => numberText(Number(x.toPrecision(3)));
  return `${n(f.lower)} to ${n(f.upper)}`;
}

/** The factor's name as the analyst reads it: a variable plainly, a coefficient by its path. */
export function factorName(f: SensitivityFactor): string {
  return f.kind === "variable" ? `${f.name} (variable)` : f.name;
}

export interface TornadoBar {
  factor: string;
  label: string;
  low: number;
  high: number;
  /** |high − low|: the bar's width. */
  span: number;
}

/** The tornado's bars for one output, widest first. */
export function tornadoBars(s: Sensitivity, output: SensitivityOutput): TornadoBar[] {
  return output.indices
    .map((i) => {
      const f = s.factors.find((x) => x.name === i.factor);
      return {
        factor: i.factor,
        label: f ? factorName(f) : i.factor,
        low: i.low,
        high: i.high,
        span: Math.abs(i.high - i.low),
      };
    })
    .sort((a, b) => b.span - a.span);
}

export interface IndexRow {
  factor: string;
  range: string;
  value: string;
  fitted: boolean;
  /** Sobol: first order and total with their 90% intervals; Morris: μ* and σ. */
  cells: string[];
}

const share = (x: number | null | undefined) => (x == null ? NOTHING : numberText(Number(x.toFixed(2))));
const interval = (x: number[] | null | undefined) => (x && x.length === 2 ? ` (${share(x[0])} to ${share(x[1])})` : "");

/** The columns of the indices table for the analysis's method. */
export function indexColumns(s: Sensitivity): string[] {
  return s.method === "sobol" ? ["First order (90%)", "Total (90%)"] : ["μ*", "σ"];
}

/** The indices table for one output, in the output's order (most influential first). */
export function indexRows(s: Sensitivity, output: SensitivityOutput): IndexRow[] {
  return output.indices.map((i: FactorIndex) => {
    const f = s.factors.find((x) => x.name === i.factor);
    const cells =
      s.method === "sobol"
        ? [`${share(i.first)}${interval(i.first_interval)}`, `${share(i.total)}${interval(i.total_interval)}`]
        : [share(i.mu_star), share(i.sigma)];
    return {
      factor: f ? factorName(f) : i.factor,
      range: f ? rangeText(f) : NOTHING,
      value: f ? numberText(Number(f.value.toPrecision(3))) : NOTHING,
      fitted: f?.fitted ?? false,
      cells,
    };
  });
}

/** What the analysis cost and how it was made, in a line. */
export function analysisLine(s: Sensitivity): string {
  const method = s.method === "sobol" ? "Sobol" : "Morris";
  const how = s.conditioned ? "each a forecast from the history's end" : "each from tick 0";
  return (
    `${method}, ${s.factors.length} factors, ${s.samples} samples: ` +
    `${s.evaluations.toLocaleString()} evaluations of ${s.replicates} replicates ` +
    `(${s.simulations.toLocaleString()} simulations, same seed, ${how}) in ` +
    `${(s.elapsed_ms / 1000).toFixed(1)} s`
  );
}
