// The report builder's pure logic: which sections a template holds, the analyst's order and
// choice of sections, the preview document built from a generated report, export file URLs.
// Section names and template defaults mirror crates/studio-report/src/build.rs.
import type { GeneratedReport, ReportConfig, ReportTemplate } from "../api/types";

/** Every body section, in the detailed report's order. */
export const SECTIONS = [
  "summary",
  "data",
  "population",
  "scenarios",
  "results",
  "comparison",
  "calibration",
  "sensitivity",
] as const;
/** The appendix's sections. */
export const APPENDIX = ["methodology", "data_sources", "calibration_metrics", "caveats", "provenance"] as const;
export const ALL_SECTIONS: string[] = [...SECTIONS, ...APPENDIX];

export const TEMPLATES: { id: ReportTemplate; label: string }[] = [
  { id: "executive_summary", label: "Executive summary" },
  { id: "detailed_analysis", label: "Detailed analysis" },
  { id: "comparison", label: "Scenario comparison" },
  { id: "custom", label: "Custom" },
];

const TEMPLATE_SECTIONS: Record<ReportTemplate, string[]> = {
  executive_summary: ["summary"],
  detailed_analysis: [...SECTIONS],
  comparison: ["summary", "comparison", "results"],
  custom: [],
};

const LABELS: Record<string, string> = {
  summary: "Summary",
  data: "Data",
  population: "Population",
  scenarios: "Scenarios",
  results: "Results",
  comparison: "Comparison",
  calibration: "Calibration",
  sensitivity: "Sensitivity",
  methodology: "Methodology",
  data_sources: "Data sources",
  calibration_metrics: "Calibration metrics",
  caveats: "Caveats",
  provenance: "Provenance",
};

export function sectionLabel(id: string): string {
  return LABELS[id] ?? id;
}

/** One row of the builder's list: a section, in its place, included or not. */
export interface SectionRow {
  id: string;
  included: boolean;
}

/** Rows over `pool`: the chosen ones first in their order, then the rest unticked. */
export function rowsFor(chosen: string[], pool: readonly string[] = ALL_SECTIONS): SectionRow[] {
  const known = chosen.filter((s, i) => pool.includes(s) && chosen.indexOf(s) === i);
  return [
    ...known.map((id) => ({ id, included: true })),
    ...pool.filter((id) => !known.includes(id)).map((id) => ({ id, included: false })),
  ];
}

/** The builder's two lists: the body's sections and the appendix's (the backend always puts
 *  the appendix after the body, so each is ordered on its own). */
export interface SectionLists {
  rows: SectionRow[];
  appendix: SectionRow[];
}

export function listsFor(chosen: string[]): SectionLists {
  return { rows: rowsFor(chosen, SECTIONS), appendix: rowsFor(chosen, APPENDIX) };
}

/** The lists a template starts with (Custom keeps what the analyst has). */
export function listsForTemplate(template: ReportTemplate, current: SectionLists): SectionLists {
  return template === "custom" ? current : listsFor(TEMPLATE_SECTIONS[template]);
}

/** The sections to send: the included rows, in order, the appendix's last. */
export function chosenSections(lists: SectionLists | SectionRow[]): string[] {
  const rows = Array.isArray(lists) ? lists : [...lists.rows, ...lists.appendix];
  return rows.filter((r) => r.included).map((r) => r.id);
}

/** True when the lists hold exactly the template's own sections in its order. */
export function matchesTemplate(template: ReportTemplate, lists: SectionLists): boolean {
  const own = TEMPLATE_SECTIONS[template];
  const chosen = chosenSections(lists);
  return template !== "custom" && own.length === chosen.length && own.every((s, i) => chosen[i] === s);
}

/** Moves the row at `from` to index `to` (clamped); the same list when nothing moves. */
export function moveRow<T>(rows: T[], from: number, to: number): T[] {
  const target = Math.max(0, Math.min(rows.length - 1, to));
  if (from < 0 || from >= rows.length || from === target) return rows;
  const next = rows.slice();
  const [row] = next.splice(from, 1);
  next.splice(target, 0, row);
  return next;
}

export function toggleRow(rows: SectionRow[], id: string): SectionRow[] {
  return rows.map((r) => (r.id === id ? { ...r, included: !r.included } : r));
}

/** The settings the builder holds, as the project's report config. */
export interface Draft extends SectionLists {
  template: ReportTemplate;
  include_charts: boolean;
  include_methodology: boolean;
  logo: string;
  primary: string;
  accent: string;
}

/** The backend's standard brand (crates/studio-report/src/document.rs). */
export const DEFAULT_PRIMARY = "#1f3a5f";
export const DEFAULT_ACCENT = "#d97706";

export function draftFrom(config: ReportConfig | null | undefined): Draft {
  // As the core: a report generated with no settings (Run all) is an executive summary.
  const template = config?.template ?? "executive_summary";
  const sections = config?.sections.length ? config.sections : TEMPLATE_SECTIONS[template];
  const colors = config?.branding?.colors ?? {};
  return {
    template,
    ...listsFor(sections),
    include_charts: config?.include_charts ?? true,
    include_methodology: config?.include_methodology ?? true,
    logo: config?.branding?.logo_url ?? "",
    primary: typeof colors.primary === "string" ? colors.primary : DEFAULT_PRIMARY,
    accent: typeof colors.accent === "string" ? colors.accent : DEFAULT_ACCENT,
  };
}

/** The config to send; colours are sent only once changed from the defaults. */
export function configFrom(draft: Draft): ReportConfig {
  const colors: Record<string, string> = {};
  if (draft.primary.toLowerCase() !== DEFAULT_PRIMARY) colors.primary = draft.primary;
  if (draft.accent.toLowerCase() !== DEFAULT_ACCENT) colors.accent = draft.accent;
  const logo = draft.logo.trim();
  const branding = {
    ...(logo ? { logo_url: logo } : {}),
    ...(Object.keys(colors).length ? { colors } : {}),
  };
  return {
    template: draft.template,
    sections: chosenSections(draft),
    ...(Object.keys(branding).length ? { branding } : {}),
    include_charts: draft.include_charts,
    include_methodology: draft.include_methodology,
  };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

/** The preview document: the sections' HTML (made by our backend) under the report's title,
 *  styled like the HTML export. Shown in a sandboxed frame, so no script in it would run. */
export function previewDocument(report: GeneratedReport, colors: { primary: string; accent: string }): string {
  const { primary: p, accent: a } = colors;
  const css = `body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#222;margin:1.2rem 1.5rem;line-height:1.5;font-size:14px}
h1,h2,h3{color:${p}}h1{font-size:1.6rem;margin:.2rem 0}h2{border-bottom:2px solid ${a};padding-bottom:.2rem;margin-top:2rem}
.headlines{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}.headline{border:1px solid #ddd;border-top:4px solid ${a};padding:.6rem 1rem;min-width:10rem}
.headline .value{font-size:1.7rem;font-weight:bold;color:${a}}.headline .label{font-weight:bold}.headline .detail{color:#666;font-size:.85rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0;font-size:.85rem}th{background:${p};color:#fff;text-align:left;padding:.3rem .5rem}
td{padding:.3rem .5rem;border-bottom:1px solid #e5e5e5;vertical-align:top}tr:nth-child(even) td{background:#f7f7f7}td.n,th.n{text-align:right}
caption{caption-side:top;text-align:left;font-weight:bold;padding:.3rem 0}.source{color:#777;font-size:.8rem;margin:.2rem 0 1rem}
figure{margin:1rem 0}figure svg{width:100%;height:auto}figcaption{font-weight:bold;margin-bottom:.3rem}
.note{border-left:3px solid ${a};padding:.3rem .8rem;margin:.8rem 0;font-style:italic;background:#fafafa}
.answer{font-size:1.1rem;border-left:4px solid ${p};padding:.4rem 1rem;margin:1rem 0}
.stale{background:#fff4e5;border-left:4px solid ${a};padding:.6rem 1rem;margin:1rem 0;font-weight:bold}`;
  const body = report.content.sections
    .map(
      (s) => `<section data-section="${escapeHtml(s.type)}"><h2>${escapeHtml(s.title)}</h2>${s.content_html}</section>`,
    )
    .join("\n");
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>${css}</style></head><body>` +
    `<h1>${escapeHtml(report.content.title)}</h1>${body}</body></html>`
  );
}

/** An `export_urls` entry as its path and hash: `file:///path#sha256=…` (a file on this computer),
 *  or on a team server `/api/v1/studio/projects/ID/artifacts/SHA#sha256=…`, which is also where
 *  it downloads from (`download`). */
export function parseExportUrl(url: string): { path: string; sha256: string; download?: string } {
  const [location, fragment = ""] = url.split("#");
  const sha256 = fragment.startsWith("sha256=") ? fragment.slice("sha256=".length) : "";
  if (location.startsWith("/api/")) return { path: location, sha256, download: location };
  let path = location.startsWith("file://") ? location.slice("file://".length) : location;
  try {
    path = decodeURIComponent(path);
  } catch {
    // a stray % stays as written
  }
  return { path, sha256 };
}

/** Recipients typed as a list: separated by commas, semicolons, spaces or lines. */
export function recipientsFrom(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
}

/** The id of a preview: the report as it would be generated, stored nowhere. */
export const PREVIEW_ID = "preview";
