// What the analyst types in the Automation tab — a workflow's JSON, a run's input — read with a
// clear error, and a workflow shown back in a few words.
import type { WorkflowInput } from "../api/types";

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseJson(text: string, what: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: `${what} is not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v != null && typeof v === "object" && !Array.isArray(v);

/** A run's input as typed: nothing (null), or a JSON object. */
export function parseRunInput(text: string): Parsed<Record<string, unknown> | null> {
  if (!text.trim()) return { ok: true, value: null };
  const parsed = parseJson(text, "The input");
  if (!parsed.ok) return parsed;
  if (!isObject(parsed.value)) return { ok: false, error: 'The input is a JSON object, like {"x": 2}' };
  return { ok: true, value: parsed.value };
}

/** The editor's text as a workflow to send. Only what the request needs is checked here; the
 *  core checks the rest and says which step is wrong. */
export function parseWorkflow(text: string): Parsed<WorkflowInput> {
  const parsed = parseJson(text, "The workflow");
  if (!parsed.ok) return parsed;
  const w = parsed.value;
  if (!isObject(w)) return { ok: false, error: "A workflow is a JSON object with workflow_id, name and steps" };
  if (typeof w.workflow_id !== "string" || !w.workflow_id.trim())
    return { ok: false, error: 'The workflow needs a "workflow_id" (text)' };
  return { ok: true, value: w as unknown as WorkflowInput };
}

/** A saved workflow as the editor shows it: without what the core sets itself. */
export function editorText(workflow: WorkflowInput): string {
  const { created_by: _, updated_at: __, ...rest } = workflow;
  return JSON.stringify(rest, null, 2);
}

/** A new workflow to start from: one action step (saving the project), an unused id. */
export function starterWorkflow(taken: string[]): WorkflowInput {
  let n = taken.length + 1;
  while (taken.includes(`workflow_${n}`)) n++;
  return {
    workflow_id: `workflow_${n}`,
    name: "New workflow",
    steps: [{ id: "save", type: "action", workbench: "project", action: "save" }],
  };
}

/** What starts a workflow, in a few words. */
export function triggersSummary(triggers: WorkflowInput["triggers"]): string {
  const parts = (triggers ?? []).map((t) => {
    if (t.type === "schedule") return t.frequency;
    if (t.type === "event") return `on ${t.topic}`;
    if (t.type === "source_changed") return t.source ? `when ${t.source} changes` : "when a source changes";
    return "by hand";
  });
  return parts.length ? parts.join(", ") : "by hand";
}
