// The question read into a prediction task, for the first screen: the question cut into the
// parts the parser took (and the words it did not understand), and the task's fields as the
// analyst edits them.
import type { Change, Part, PredictionTask } from "../api/types";

export interface Segment {
  text: string;
  /** The part's field, or null for words between parts. */
  field: Part["field"] | null;
  note: string;
}

/** The question as segments in order: each part's words (with its note) and the words between.
 * Places are in characters (code points), as the parser gives them. */
export function segments(question: string, parts: Part[]): Segment[] {
  const chars = Array.from(question);
  const sorted = [...parts].sort((a, b) => a.start - b.start);
  const out: Segment[] = [];
  let at = 0;
  for (const p of sorted) {
    if (p.start < at || p.end > chars.length) continue;
    if (p.start > at) out.push({ text: chars.slice(at, p.start).join(""), field: null, note: "" });
    out.push({ text: chars.slice(p.start, p.end).join(""), field: p.field, note: p.note });
    at = p.end;
  }
  if (at < chars.length) out.push({ text: chars.slice(at).join(""), field: null, note: "" });
  return out;
}

/** A change in a few words: "−20%", "+0.05 €", "= 3000 €". */
export function describeChange(change: Change): string {
  const unit = "unit" in change && change.unit ? ` ${change.unit}` : "";
  switch (change.kind) {
    case "relative":
      return `${change.fraction < 0 ? "−" : "+"}${round(Math.abs(change.fraction) * 100)}%`;
    case "shift":
      return `${change.amount < 0 ? "−" : "+"}${round(Math.abs(change.amount))}${unit}`;
    case "set_to":
      return change.unit === "%" ? `= ${round(change.value * 100)}%` : `= ${round(change.value)}${unit}`;
  }
}

function round(n: number): string {
  return String(Math.round(n * 10000) / 10000);
}

/** What is still missing before the task can be confirmed into a threshold. */
export function missing(task: PredictionTask): string[] {
  const out: string[] = [];
  if (!task.outcome) out.push("an outcome");
  if (!task.comparison) out.push("a comparison");
  if (!task.target) out.push("a target");
  if (!task.horizon) out.push("a horizon");
  for (const c of task.conditions ?? []) if (!c.variable) out.push(`a variable for “${c.phrase}”`);
  return out;
}

/** The value shown in the change's field: percentages for relative changes and shares. */
export function changeValue(change: Change): number {
  switch (change.kind) {
    case "relative":
      return round4(change.fraction * 100);
    case "shift":
      return change.amount;
    case "set_to":
      return change.unit === "%" ? round4(change.value * 100) : change.value;
  }
}

/** The change with a new value typed into its field. */
export function withChangeValue(change: Change, value: number): Change {
  switch (change.kind) {
    case "relative":
      return { ...change, fraction: value / 100 };
    case "shift":
      return { ...change, amount: value };
    case "set_to":
      return { ...change, value: change.unit === "%" ? value / 100 : value };
  }
}

function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}
