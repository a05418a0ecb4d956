// The report builder's settings: template, sections and their order, charts and methodology,
// branding (a logo file on this machine and two colours). Saving sends report/customize.
import type { ReportTemplate } from "../api/types";
import { type Draft, TEMPLATES, chosenSections, listsForTemplate, matchesTemplate } from "../state/report";
import type { PaneProps } from "./pane";
import { SectionList } from "./SectionList";

interface Props {
  people?: PaneProps["people"];
  draft: Draft;
  onChange: (draft: Draft) => void;
  dirty: boolean;
  saving: boolean;
  onSave: () => void;
}

export function ReportSettings({ draft, onChange, dirty, saving, onSave, people }: Props) {
  const set = (patch: Partial<Draft>) => onChange({ ...draft, ...patch });
  const pick = (template: ReportTemplate) => set({ template, ...listsForTemplate(template, draft) });
  const changed = draft.template !== "custom" && !matchesTemplate(draft.template, draft);
  const none = chosenSections(draft).length === 0;
  return (
    <form
      className="card stack tight"
      data-testid="report-settings"
      onSubmit={(e) => {
        e.preventDefault();
        onSave();
      }}
    >
      <h2>Report settings</h2>
      <label className="field">
        Template
        <select aria-label="Template" value={draft.template} onChange={(e) => pick(e.target.value as ReportTemplate)}>
          {TEMPLATES.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      {changed && (
        <p className="muted small" data-testid="sections-changed">
          Sections changed from the template's own; they are sent as listed.
        </p>
      )}
      <fieldset>
        <legend>Sections</legend>
        <SectionList name="Report sections" rows={draft.rows} onChange={(rows) => set({ rows })} people={people} />
        {none && (
          <p className="error-text small" role="alert">
            Tick at least one section.
          </p>
        )}
      </fieldset>
      <fieldset>
        <legend>
          Appendix <span className="muted">(after the sections)</span>
        </legend>
        <SectionList
          name="Appendix sections"
          rows={draft.appendix}
          onChange={(appendix) => set({ appendix })}
          people={people}
        />
        {!draft.appendix.some((r) => r.included) && (
          <p className="muted small">
            None ticked: {draft.include_methodology ? "Include methodology adds the whole appendix." : "no appendix."}
          </p>
        )}
      </fieldset>
      <p className="muted small">Drag a row, or press Alt+↑ / Alt+↓ on it, to change the order.</p>
      <div className="row">
        <label className="check">
          <input
            type="checkbox"
            aria-label="Include charts"
            checked={draft.include_charts}
            onChange={(e) => set({ include_charts: e.target.checked })}
          />{" "}
          Include charts
        </label>
        <label className="check">
          <input
            type="checkbox"
            aria-label="Include methodology"
            checked={draft.include_methodology}
            onChange={(e) => set({ include_methodology: e.target.checked })}
          />{" "}
          Include methodology
        </label>
      </div>
      <fieldset>
        <legend>Branding</legend>
        <label className="field">
          Logo file (PNG or SVG on this computer)
          <input
            aria-label="Logo file path"
            placeholder="/path/to/logo.png"
            value={draft.logo}
            spellCheck={false}
            onChange={(e) => set({ logo: e.target.value })}
          />
        </label>
        <div className="row">
          <label className="check">
            <input
              type="color"
              aria-label="Primary colour"
              value={draft.primary}
              onChange={(e) => set({ primary: e.target.value })}
            />{" "}
            Primary
          </label>
          <label className="check">
            <input
              type="color"
              aria-label="Accent colour"
              value={draft.accent}
              onChange={(e) => set({ accent: e.target.value })}
            />{" "}
            Accent
          </label>
        </div>
      </fieldset>
      <div className="row">
        <button type="submit" disabled={saving || none}>
          Save settings
        </button>
        <span className="muted small">{dirty ? "Unsaved changes · saving regenerates the preview" : "Saved"}</span>
      </div>
    </form>
  );
}
