// The project library: search, create (also from a template), open, duplicate, delete with undo;
// at its foot, the library's size on disk and how long exports are kept.
import { useCallback, useEffect, useState } from "react";
import { JoinDialog, ProfileDialog } from "./People";
import { OpenFromTeamDialog } from "./TeamDialogs";
import type { Backend } from "../api/backend";
import type { LibraryInfo, ProjectSummary, TemplateInfo } from "../api/types";
import { libraryDetails, libraryLine } from "../state/library";
import { ago, filterProjects } from "../state/logic";
import type { Notify } from "./ui";
import { StatusBadge } from "./ui";

interface Props {
  backend: Backend;
  onOpen: (id: string) => void;
  notify: Notify;
  fail: (e: unknown) => void;
}

export function Library({ backend, onOpen, notify, fail }: Props) {
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null);
  const [templates, setTemplates] = useState<TemplateInfo[]>([]);
  const [info, setInfo] = useState<LibraryInfo | null>(null);
  const [query, setQuery] = useState("");
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [template, setTemplate] = useState("");
  const [dialog, setDialog] = useState<"join" | "team" | "profile" | null>(null);

  const refresh = useCallback(() => {
    backend
      .listProjects()
      .then(setProjects)
      .catch(fail)
      .finally(() => backend.ready?.());
    backend.templates().then(setTemplates).catch(fail);
    // Deleting or duplicating changes it too: asked again with the list.
    backend.libraryInfo().then(setInfo).catch(fail);
  }, [backend, fail]);
  useEffect(refresh, [refresh]);

  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      const state = await backend.createProject({
        project_name: name.trim(),
        description: description.trim() || undefined,
        template_id: template || undefined,
      });
      setName("");
      setDescription("");
      onOpen(state.project_id);
    } catch (err) {
      fail(err);
    }
  };

  const remove = async (p: ProjectSummary) => {
    try {
      await backend.deleteProject(p.project_id);
      refresh();
      notify(`Deleted “${p.project_name}”`, "info", {
        label: "Undo",
        run: () => backend.undeleteProject(p.project_id).then(refresh).catch(fail),
      });
    } catch (err) {
      fail(err);
    }
  };

  const duplicate = async (p: ProjectSummary) => {
    try {
      const copy = await backend.duplicateProject(p.project_id);
      notify(`Duplicated as “${copy.project_name}”`);
      refresh();
    } catch (err) {
      fail(err);
    }
  };

  const shown = projects ? filterProjects(projects, query) : [];
  return (
    <main className="library">
      <header className="topbar">
        <h1>FutureOS Studio</h1>
        <input
          className="search"
          type="search"
          placeholder="Search projects"
          aria-label="Search projects"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <span className="spacer" />
        <button onClick={() => setDialog("join")} data-testid="join-project">
          Join project…
        </button>
        <button onClick={() => setDialog("team")} data-testid="open-from-team">
          Open from team…
        </button>
        <button onClick={() => setDialog("profile")} data-testid="profile">
          Profile…
        </button>
      </header>
      {dialog === "join" && (
        <JoinDialog backend={backend} onJoined={onOpen} onClose={() => setDialog(null)} fail={fail} />
      )}
      {dialog === "team" && (
        <OpenFromTeamDialog backend={backend} onOpened={onOpen} onClose={() => setDialog(null)} fail={fail} />
      )}
      {dialog === "profile" && <ProfileDialog backend={backend} onClose={() => setDialog(null)} fail={fail} />}
      <section className="card new-project">
        <h2>New project</h2>
        <form onSubmit={create} className="row">
          <input
            aria-label="Project name"
            placeholder="Project name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={255}
          />
          <input
            aria-label="Description"
            placeholder="Question or description (optional)"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
          <select aria-label="Template" value={template} onChange={(e) => setTemplate(e.target.value)}>
            <option value="">Blank project</option>
            {templates.map((t) => (
              <option key={t.template_id} value={t.template_id}>
                From template: {t.name}
              </option>
            ))}
          </select>
          <button className="primary" type="submit" disabled={!name.trim()}>
            Create
          </button>
        </form>
      </section>
      <section className="card">
        <table className="projects" data-testid="project-list">
          <thead>
            <tr>
              <th>Project</th>
              <th>Status</th>
              <th>Version</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {projects === null && (
              <tr>
                <td colSpan={5} className="muted">
                  Loading…
                </td>
              </tr>
            )}
            {projects !== null && shown.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  {query ? "No project matches." : "No projects yet: create one above."}
                </td>
              </tr>
            )}
            {shown.map((p) => (
              <tr key={p.project_id} className="project-row">
                <td>
                  <button className="link strong" onClick={() => onOpen(p.project_id)}>
                    {p.project_name}
                  </button>
                  {p.description && <div className="muted small">{p.description}</div>}
                </td>
                <td>
                  <StatusBadge status={p.status} />
                </td>
                <td>v{p.version}</td>
                <td title={p.updated_at}>{ago(p.updated_at)}</td>
                <td className="actions">
                  <button onClick={() => duplicate(p)}>Duplicate</button>
                  <button className="danger" onClick={() => remove(p)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {info && <LibraryFooter info={info} />}
    </main>
  );
}

/** One quiet line (the total, the exports and how long they are kept, the file); opened, what
 *  it adds up. */
function LibraryFooter({ info }: { info: LibraryInfo }) {
  const details = libraryDetails(info);
  return (
    <details className="library-info" data-testid="library-info">
      <summary title={details.map(([what, value]) => `${what}: ${value}`).join("\n")}>{libraryLine(info)}</summary>
      <dl>
        {details.map(([what, value]) => (
          <div key={what}>
            <dt>{what}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
