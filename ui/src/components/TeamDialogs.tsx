// A desktop and its team server: "Publish to team…" sends a project there whole and keeps it
// here as the team project's local copy; "Open from team…" brings one down; the copy's badge
// says when it last synced (or why it could not) and syncs on demand. The server's address is
// remembered; the token is the one the team's invitation gave, asked for each time.
import { useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { ProjectSummary, TeamInfo, TeamLinkStatus } from "../api/types";
import { Modal } from "./People";
import { editTime } from "../state/recovery";

const SERVER_KEY = "studio.teamServer";

function rememberedServer(): string {
  try {
    return localStorage.getItem(SERVER_KEY) ?? "";
  } catch {
    return "";
  }
}

function remember(server: string) {
  try {
    localStorage.setItem(SERVER_KEY, server.trim());
  } catch {
    // No storage (a private window): typed again next time.
  }
}

/** The server's address and the member's token, as both dialogs ask for them. */
function SignIn(props: {
  server: string;
  token: string;
  setServer: (s: string) => void;
  setToken: (t: string) => void;
}) {
  return (
    <>
      <label>
        Team server
        <input
          aria-label="Team server"
          placeholder="https://studio.example.org"
          value={props.server}
          onChange={(e) => props.setServer(e.target.value)}
          autoFocus={!props.server}
        />
      </label>
      <label>
        Token
        <input
          aria-label="Token"
          type="password"
          placeholder="The token your team invitation gave you"
          value={props.token}
          onChange={(e) => props.setToken(e.target.value)}
          autoFocus={!!props.server}
        />
      </label>
    </>
  );
}

export function PublishDialog(props: {
  backend: Backend;
  projectId: string;
  projectName: string;
  onPublished: (link: TeamLinkStatus) => void;
  onClose: () => void;
  fail: (e: unknown) => void;
}) {
  const { backend, projectId, projectName, onPublished, onClose, fail } = props;
  const [server, setServer] = useState(rememberedServer);
  const [token, setToken] = useState("");
  const [teams, setTeams] = useState<TeamInfo[] | null>(null);
  const [team, setTeam] = useState("");
  const [busy, setBusy] = useState(false);
  const ready = server.trim() !== "" && token.trim() !== "";

  const listTeams = async () => {
    setBusy(true);
    try {
      const list = await backend.teamServerTeams(server.trim(), token.trim());
      remember(server);
      setTeams(list);
      setTeam(list[0]?.team_id ?? "");
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const publish = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!teams) return listTeams();
    setBusy(true);
    try {
      onPublished(await backend.publishToTeam(projectId, server.trim(), token.trim(), team));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={`Publish “${projectName}” to a team`} onClose={onClose} testId="publish-dialog">
      <form onSubmit={publish}>
        <p className="muted small">
          The project goes to the team server with its versions, history and results, and stays here as the team
          project&apos;s local copy: it works offline and syncs when the server is reachable.
        </p>
        <SignIn server={server} token={token} setServer={setServer} setToken={setToken} />
        {teams && (
          <label>
            Team
            <select aria-label="Team" value={team} onChange={(e) => setTeam(e.target.value)}>
              {teams.map((t) => (
                <option key={t.team_id} value={t.team_id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {teams && teams.length === 0 && <p className="muted">You belong to no team on this server yet.</p>}
        <button className="primary" type="submit" disabled={busy || !ready || (teams !== null && !team)}>
          {busy ? "Working…" : teams ? "Publish" : "Show my teams"}
        </button>
      </form>
    </Modal>
  );
}

export function OpenFromTeamDialog(props: {
  backend: Backend;
  onOpened: (projectId: string) => void;
  onClose: () => void;
  fail: (e: unknown) => void;
}) {
  const { backend, onOpened, onClose, fail } = props;
  const [server, setServer] = useState(rememberedServer);
  const [token, setToken] = useState("");
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null);
  const [busy, setBusy] = useState(false);
  const ready = server.trim() !== "" && token.trim() !== "";

  const list = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      setProjects(await backend.teamServerProjects(server.trim(), token.trim()));
      remember(server);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const open = async (p: ProjectSummary) => {
    setBusy(true);
    try {
      const state = await backend.openFromTeam(server.trim(), token.trim(), p.project_id);
      onOpened(state.project_id);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title="Open from team" onClose={onClose} testId="open-from-team-dialog">
      <form onSubmit={list}>
        <SignIn server={server} token={token} setServer={setServer} setToken={setToken} />
        <button type="submit" disabled={busy || !ready}>
          {busy && !projects ? "Asking…" : "Show the team's projects"}
        </button>
      </form>
      {projects && projects.length === 0 && <p className="muted">No project of yours or your teams is there yet.</p>}
      {projects && projects.length > 0 && (
        <ul className="team-projects" data-testid="team-projects">
          {projects.map((p) => (
            <li key={p.project_id}>
              <span className="name">{p.project_name}</span>
              <span className="muted small">{p.updated_at && editTime(p.updated_at)}</span>
              <button className="primary" disabled={busy} onClick={() => open(p)}>
                Open a local copy
              </button>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}

/** In the project's header: a local copy's badge (synced when, or why not; Sync now), or
 *  "Publish to team…" for a project of this library alone. */
export function TeamCopy(props: {
  backend: Backend;
  projectId: string;
  projectName: string;
  notify: (text: string) => void;
  fail: (e: unknown) => void;
}) {
  const { backend, projectId, projectName, notify, fail } = props;
  const [link, setLink] = useState<TeamLinkStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [publishing, setPublishing] = useState(false);
  useEffect(() => {
    backend
      .teamLink(projectId)
      .then(setLink)
      .catch(() => setLink(null));
    // Changes made here (or taken in from the team) change what waits to be sent.
    return backend.watch(projectId, (event) => {
      if (event.type === "state_changed")
        backend
          .teamLink(projectId)
          .then(setLink)
          .catch(() => {});
    });
  }, [backend, projectId]);
  if (!link)
    return (
      <>
        <button onClick={() => setPublishing(true)} title="Move this project to a team server" data-testid="publish">
          Publish to team…
        </button>
        {publishing && (
          <PublishDialog
            backend={backend}
            projectId={projectId}
            projectName={projectName}
            onPublished={(published) => {
              setLink(published);
              setPublishing(false);
              notify(`Published to ${published.server}: this is now the team project's local copy`);
            }}
            onClose={() => setPublishing(false)}
            fail={fail}
          />
        )}
      </>
    );
  const sync = async () => {
    setBusy(true);
    try {
      setLink(await backend.syncWithTeam(projectId));
    } catch (e) {
      // The reason is recorded on the link too: shown on the badge from now on.
      backend
        .teamLink(projectId)
        .then(setLink)
        .catch(() => {});
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const when = link.last_sync_at ? `synced ${editTime(link.last_sync_at)}` : "not synced yet";
  const state = link.last_error ? "offline" : link.unsent_changes ? "pending" : "synced";
  return (
    <span
      className={`team-link ${state}`}
      data-testid="team-link"
      title={link.last_error ?? `Team copy on ${link.server}`}
    >
      Team copy · {link.last_error ? "not reachable" : when}
      {link.unsent_changes && " · changes to send"}
      <button className="link small" disabled={busy} onClick={sync} data-testid="team-sync">
        {busy ? "Syncing…" : "Sync now"}
      </button>
    </span>
  );
}
