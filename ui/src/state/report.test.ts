import { describe, expect, it } from "vitest";
import type { GeneratedReport } from "../api/types";
import {
  ALL_SECTIONS,
  DEFAULT_ACCENT,
  DEFAULT_PRIMARY,
  type SectionRow,
  chosenSections,
  configFrom,
  draftFrom,
  listsFor,
  listsForTemplate,
  matchesTemplate,
  moveRow,
  parseExportUrl,
  previewDocument,
  recipientsFrom,
  rowsFor,
  toggleRow,
} from "./report";

const ids = (rows: SectionRow[]) => rows.map((r) => r.id);

describe("moveRow", () => {
  const check = (from: number, to: number, expected: string) =>
    expect(moveRow(["a", "b", "c", "d"], from, to).join("")).toBe(expected);
  it("moves up, down, to the ends, and clamps", () => {
    check(2, 1, "acbd");
    check(1, 2, "acbd");
    check(0, 3, "bcda");
    check(3, 0, "dabc");
    check(3, 9, "abcd");
    check(0, -1, "abcd");
  });
  it("gives the same list back when nothing moves", () => {
    const list = ["a", "b"];
    expect(moveRow(list, 0, 0)).toBe(list);
    expect(moveRow(list, 0, -1)).toBe(list);
    expect(moveRow(list, 5, 0)).toBe(list);
  });
  it("keeps every row (a move is a permutation)", () => {
    for (let from = 0; from < ALL_SECTIONS.length; from++) {
      for (let to = -1; to <= ALL_SECTIONS.length; to++) {
        expect([...moveRow(ALL_SECTIONS, from, to)].sort()).toEqual([...ALL_SECTIONS].sort());
      }
    }
  });
});

describe("section lists", () => {
  it("puts the chosen sections first, in order, then the rest unticked", () => {
    const rows = rowsFor(["results", "summary", "caveats"]);
    expect(ids(rows).slice(0, 3)).toEqual(["results", "summary", "caveats"]);
    expect(rows).toHaveLength(ALL_SECTIONS.length);
    expect(chosenSections(rows)).toEqual(["results", "summary", "caveats"]);
  });
  it("drops unknown names and repeats", () => {
    expect(chosenSections(rowsFor(["summary", "nonsense", "summary"]))).toEqual(["summary"]);
  });
  it("keeps the appendix apart and last", () => {
    const lists = listsFor(["caveats", "results", "methodology", "summary"]);
    expect(ids(lists.rows).slice(0, 2)).toEqual(["results", "summary"]);
    expect(lists.rows).toHaveLength(8);
    expect(ids(lists.appendix).slice(0, 2)).toEqual(["caveats", "methodology"]);
    expect(lists.appendix).toHaveLength(5);
    expect(chosenSections(lists)).toEqual(["results", "summary", "caveats", "methodology"]);
  });
  it("fills each template's default order", () => {
    const none = listsFor([]);
    expect(chosenSections(listsForTemplate("executive_summary", none))).toEqual(["summary"]);
    expect(chosenSections(listsForTemplate("detailed_analysis", none))).toEqual([
      "summary",
      "data",
      "population",
      "scenarios",
      "results",
      "comparison",
      "calibration",
      "sensitivity",
    ]);
    expect(chosenSections(listsForTemplate("comparison", none))).toEqual(["summary", "comparison", "results"]);
    const mine = listsFor(["results"]);
    expect(listsForTemplate("custom", mine)).toBe(mine);
  });
  it("knows when the sections are no longer the template's", () => {
    const lists = listsForTemplate("comparison", listsFor([]));
    expect(matchesTemplate("comparison", lists)).toBe(true);
    expect(matchesTemplate("comparison", { ...lists, rows: moveRow(lists.rows, 0, 1) })).toBe(false);
    expect(matchesTemplate("comparison", { ...lists, appendix: toggleRow(lists.appendix, "caveats") })).toBe(false);
    expect(matchesTemplate("custom", lists)).toBe(false);
  });
  it("moving an unticked row leaves the chosen order alone", () => {
    const rows = rowsFor(["summary", "results"]);
    expect(chosenSections(moveRow(rows, 5, 0))).toEqual(["summary", "results"]);
    expect(chosenSections(moveRow(rows, 1, 0))).toEqual(["results", "summary"]);
  });
});

describe("settings", () => {
  it("round-trips a saved config", () => {
    const config = {
      template: "comparison" as const,
      sections: ["results", "summary"],
      include_charts: false,
      include_methodology: true,
      branding: { logo_url: "/tmp/logo.png", colors: { primary: "#112233" } },
    };
    expect(configFrom(draftFrom(config))).toEqual(config);
  });
  it("starts from the executive summary, as the core does, and sends no branding until some is given", () => {
    const draft = draftFrom(undefined);
    expect(draft.template).toBe("executive_summary");
    expect(chosenSections(draft)[0]).toBe("summary");
    expect(draft.primary).toBe(DEFAULT_PRIMARY);
    expect(draft.accent).toBe(DEFAULT_ACCENT);
    expect(configFrom({ ...draft, logo: "  " })).not.toHaveProperty("branding");
    expect(configFrom({ ...draft, accent: "#00ff00" }).branding).toEqual({ colors: { accent: "#00ff00" } });
  });
});

describe("preview and exports", () => {
  const report: GeneratedReport = {
    report_id: "r1",
    project_id: "p1",
    generated_at: "2026-01-01T00:00:00Z",
    export_urls: {},
    content: {
      title: "Will <adoption> pass 30%?",
      sections: [{ title: "Summary", type: "summary", content_html: "<p>Body</p><svg></svg>", charts: [] }],
      appendix: { methodology: "", data_sources: [], calibration_metrics: {}, caveats: [] },
    },
  };
  it("escapes the title and keeps the backend's section HTML", () => {
    const doc = previewDocument(report, { primary: "#000000", accent: "#ffffff" });
    expect(doc).toContain("<h1>Will &lt;adoption&gt; pass 30%?</h1>");
    expect(doc).toContain('<section data-section="summary"><h2>Summary</h2><p>Body</p><svg></svg></section>');
    expect(doc).toContain("#ffffff");
  });
  it("reads an export URL's path and hash", () => {
    expect(parseExportUrl("file:///home/a%20b/r.pdf#sha256=abc123")).toEqual({
      path: "/home/a b/r.pdf",
      sha256: "abc123",
    });
    expect(parseExportUrl("file:///x/100%25.html")).toEqual({ path: "/x/100%.html", sha256: "" });
    expect(parseExportUrl("file:///x/a%23b.pdf#sha256=ff")).toEqual({ path: "/x/a#b.pdf", sha256: "ff" });
    // On a team server the team keeps the file: the URL is where it downloads from.
    const team = "/api/v1/studio/projects/p1/artifacts/abc";
    expect(parseExportUrl(`${team}#sha256=abc`)).toEqual({ path: team, sha256: "abc", download: team });
  });
});

describe("recipientsFrom", () => {
  it("reads addresses however they are separated", () => {
    expect(recipientsFrom(" ana@example.org, bo@example.org;cy@example.org\n dee@example.org ")).toEqual([
      "ana@example.org",
      "bo@example.org",
      "cy@example.org",
      "dee@example.org",
    ]);
    expect(recipientsFrom(" , ;")).toEqual([]);
  });
});
