// The scenario comparison in words: the answer of `compare_scenarios` (the configurations'
// differences field by field, as crates/studio-model/src/scenario_compare.rs writes them, and the
// results studio-core adds) turned into table rows, one column per scenario, in their order.
import { percent } from "./live";
import { NOTHING, signed, typographicMinus, valueText } from "./format";

export interface ScenarioComparison {
  scenarios: { scenario_id: string; name: string; status?: string }[];
  /** Fields that differ: `description`, `shock_events` (the shocks' labels),
   *  `variable_overrides.<variable>`, `population_adjustments.<dimension>`; null where a
   *  scenario does not have the field. */
  differences: { field: string; values: Record<string, unknown> }[];
  /** Fields every scenario has alike. */
  same?: string[];
  baseline_id: string | null;
  results: ComparedResult[];
}

export interface ComparedResult {
  scenario_id: string;
  simulated: boolean;
  stale?: boolean;
  final?: { p50: number; p5: number; p95: number };
  difference_from_baseline?: number | null;
  median_crossing?: number | null;
  threshold?: { share: number; tick: number; probability: number } | null;
}

/** One row: what it is, then one cell per scenario. */
export interface ComparisonRow {
  field: string;
  label: string;
  cells: string[];
}

const OVERRIDE = "variable_overrides.";
const ADJUSTMENT = "population_adjustments.";

export function fieldLabel(field: string): string {
  if (field === "description") return "Description";
  if (field === "shock_events") return "Shocks";
  if (field.startsWith(OVERRIDE)) return `Override of ${field.slice(OVERRIDE.length)}`;
  if (field.startsWith(ADJUSTMENT)) return `Adjustment of ${field.slice(ADJUSTMENT.length)}`;
  return field;
}

/** A variable override: "price = 0.8". */
export function overrideText(variable: string, value: unknown): string {
  return value == null ? NOTHING : `${variable} = ${valueText(value)}`;
}

/** A population adjustment, in the two shapes a run accepts (`{"shares": {category: share}}`,
 *  `{"shift": fraction}`), anything else as it is. */
export function adjustmentText(dimension: string, value: unknown): string {
  if (value == null) return NOTHING;
  const v = value as { shares?: unknown; shift?: unknown };
  if (v.shares && typeof v.shares === "object" && Object.keys(v).length === 1) {
    return `${dimension} shares: ${valueText(v.shares)}`;
  }
  if (typeof v.shift === "number" && Object.keys(v).length === 1) return `${dimension} shift ${signed(v.shift)}`;
  return `${dimension}: ${valueText(value)}`;
}

/** The shocks' labels as the core writes them ("tick 24: price -0.1"), with a real minus sign. */
export function shocksText(value: unknown): string {
  if (value == null) return NOTHING;
  const labels = Array.isArray(value) ? value : [value];
  return labels.length === 0 ? "no shocks" : labels.map((l) => typographicMinus(valueText(l))).join("; ");
}

function cellText(field: string, value: unknown): string {
  if (field === "shock_events") return shocksText(value);
  if (field.startsWith(OVERRIDE)) return overrideText(field.slice(OVERRIDE.length), value);
  if (field.startsWith(ADJUSTMENT)) return adjustmentText(field.slice(ADJUSTMENT.length), value);
  return valueText(value);
}

const ids = (c: ScenarioComparison) => c.scenarios.map((s) => s.scenario_id);

/** The configurations' differences, in the order the core gives them. */
export function comparisonRows(c: ScenarioComparison): ComparisonRow[] {
  return c.differences.map((d) => ({
    field: d.field,
    label: fieldLabel(d.field),
    cells: ids(c).map((id) => cellText(d.field, d.values[id])),
  }));
}

/** What every scenario has alike, labelled. */
export function sameFields(c: ScenarioComparison): string[] {
  return (c.same ?? []).map(fieldLabel);
}

/** The results side by side; a scenario not simulated shows so once, then nothing. */
export function resultRows(c: ScenarioComparison): ComparisonRow[] {
  const results = ids(c).map(
    (id) => c.results.find((r) => r.scenario_id === id) ?? { scenario_id: id, simulated: false },
  );
  const row = (field: string, label: string, cell: (r: ComparedResult) => string | null): ComparisonRow => ({
    field,
    label,
    cells: results.map((r) => (r.simulated ? (cell(r) ?? NOTHING) : NOTHING)),
  });
  const rows = [
    row("final", "Final share (median)", (r) => `${percent(r.final?.p50)}${r.stale ? " (stale)" : ""}`),
    row("interval_90", "90% interval", (r) => (r.final ? `${percent(r.final.p5)} – ${percent(r.final.p95)}` : null)),
    row("difference_from_baseline", "vs baseline", (r) =>
      r.difference_from_baseline == null ? null : `${signed(r.difference_from_baseline * 100, 1)} pts`,
    ),
    row("median_crossing", "Median crosses the threshold", (r) =>
      r.median_crossing == null ? "never" : `tick ${r.median_crossing}`,
    ),
    row("threshold", "P(threshold)", (r) =>
      r.threshold
        ? `${(r.threshold.probability * 100).toFixed(0)}% (≥ ${percent(r.threshold.share)} by ${r.threshold.tick})`
        : null,
    ),
  ];
  rows[0].cells = rows[0].cells.map((cell, i) => (results[i].simulated ? cell : "not simulated"));
  return rows;
}
