// The people of a project and of this Studio: who is here (avatars), the Share dialog
// (collaborators and their roles, invites to create, copy and revoke), the Profile dialog, the
// Join dialog, and the conflicts peers' edits left to settle.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Backend } from "../api/backend";
import type { Collaborator, Conflict, InviteInfo, Presence, Profile, ProjectState, Role } from "../api/types";
import { initials, isOwner, nameOf } from "../state/people";
import { NetworkHub } from "./NetworkHub";

/** A modal dialog that closes on Escape and on its Close button. */
export function Modal(props: { title: string; onClose: () => void; children: React.ReactNode; testId: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-label={props.title}
      data-testid={props.testId}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <header>
        <h2>{props.title}</h2>
        <button className="icon" aria-label="Close" title="Close (Esc)" onClick={props.onClose}>
          ×
        </button>
      </header>
      {props.children}
    </dialog>
  );
}

/** A round badge with a user's initials in their colour. */
export function Avatar({ name, color, title }: { name: string; color: string; title?: string }) {
  return (
    <span className="avatar" style={{ background: color }} title={title ?? name} data-testid="avatar">
      {initials(name)}
    </span>
  );
}

/** The users present, as avatars (the first few, then "+N"). */
export function Avatars({ users, max = 4 }: { users: Presence[]; max?: number }) {
  if (users.length === 0) return null;
  const shown = users.slice(0, max);
  return (
    <span className="avatars" data-testid="avatars">
      {shown.map((u) => (
        <Avatar key={u.user_id} name={u.display_name} color={u.color} title={`${u.display_name} is here`} />
      ))}
      {users.length > max && <span className="muted small">+{users.length - max}</span>}
    </span>
  );
}

const ROLES: Role[] = ["owner", "editor", "viewer"];

/** Collaborators and invites of one project. */
export function ShareDialog(props: {
  backend: Backend;
  state: ProjectState;
  me: string;
  onChanged: (next: ProjectState) => void;
  onClose: () => void;
  fail: (e: unknown) => void;
}) {
  const { backend, state, me, onChanged, onClose, fail } = props;
  const owner = isOwner(state.collaborators, me);
  const [invites, setInvites] = useState<InviteInfo[]>([]);
  const [role, setRole] = useState<Role>("editor");
  const [expires, setExpires] = useState("7d");
  const [made, setMade] = useState<InviteInfo | null>(null);
  const [copied, setCopied] = useState(false);
  const load = useCallback(() => {
    backend.invites(state.project_id).then(setInvites).catch(fail);
  }, [backend, state.project_id, fail]);
  useEffect(load, [load]);

  const change = (c: Collaborator, next: Role | null) => {
    const request =
      next === null
        ? ({ change: "remove", user_id: c.user_id } as const)
        : ({ change: "set_role", user_id: c.user_id, role: next } as const);
    backend.changeCollaborators(state.project_id, request).then(onChanged).catch(fail);
  };
  const invite = async () => {
    try {
      const info = await backend.createInvite(state.project_id, role, expires);
      setMade(info);
      setCopied(false);
      load();
    } catch (e) {
      fail(e);
    }
  };
  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      // No clipboard (an insecure page): the token stays selected for Ctrl+C.
      setCopied(false);
    }
  };
  return (
    <Modal title={`Share “${state.project_name}”`} onClose={onClose} testId="share-dialog">
      <section>
        <h3>Collaborators</h3>
        <ul className="people" data-testid="collaborators">
          {state.collaborators.map((c) => (
            <li key={c.user_id}>
              <Avatar name={nameOf(c)} color={c.color ?? "#64748b"} />
              <span className="name">
                {nameOf(c)}
                {c.user_id === me && <span className="muted small"> (you)</span>}
              </span>
              {owner && c.user_id !== me ? (
                <>
                  <select
                    aria-label={`Role of ${nameOf(c)}`}
                    value={c.role}
                    onChange={(e) => change(c, e.target.value as Role)}
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                  <button className="link" onClick={() => change(c, null)} aria-label={`Remove ${nameOf(c)}`}>
                    Remove
                  </button>
                </>
              ) : (
                <span className="muted">{c.role}</span>
              )}
            </li>
          ))}
        </ul>
      </section>
      {owner && <NetworkHub backend={backend} fail={fail} />}
      {owner && (
        <section>
          <h3>Invite</h3>
          <div className="row">
            <label>
              Role{" "}
              <select aria-label="Invite role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                <option>editor</option>
                <option>viewer</option>
              </select>
            </label>
            <label>
              Expires{" "}
              <select aria-label="Invite expiry" value={expires} onChange={(e) => setExpires(e.target.value)}>
                <option value="1d">in a day</option>
                <option value="7d">in a week</option>
                <option value="30d">in a month</option>
              </select>
            </label>
            <button className="primary" onClick={invite} data-testid="create-invite">
              Create invite
            </button>
          </div>
          {made && (
            <div className="invite" data-testid="invite">
              <textarea readOnly value={made.token} aria-label="Invite" rows={3} onFocus={(e) => e.target.select()} />
              <button onClick={() => copy(made.token)}>{copied ? "Copied" : "Copy"}</button>
              <p className="muted small">
                They open it with “Join project…” in Studio, or <code>studio join</code>. It names the hub at {made.hub}
                .
              </p>
            </div>
          )}
          {invites.length > 0 && (
            <ul className="invites" data-testid="invites">
              {invites.map((i) => (
                <li key={i.invite_id}>
                  <span>{i.role}</span>
                  <span className="muted small">
                    {i.revoked_at ? `revoked ${i.revoked_at.slice(0, 10)}` : `until ${i.expires_at.slice(0, 16)}`}
                  </span>
                  {!i.revoked_at && (
                    <button
                      className="link"
                      onClick={() => backend.revokeInvite(state.project_id, i.invite_id).then(load).catch(fail)}
                    >
                      Revoke
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </Modal>
  );
}

/** The local user's name and colour, as collaborators see them. */
export function ProfileDialog(props: { backend: Backend; onClose: () => void; fail: (e: unknown) => void }) {
  const { backend, onClose, fail } = props;
  const [profile, setProfile] = useState<Profile | null>(null);
  const [name, setName] = useState("");
  const [color, setColor] = useState("#2563eb");
  useEffect(() => {
    backend
      .profile()
      .then((p) => {
        setProfile(p);
        setName(p.display_name);
        setColor(p.color);
      })
      .catch(fail);
  }, [backend, fail]);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      setProfile(await backend.updateProfile({ display_name: name, color }));
      onClose();
    } catch (err) {
      fail(err);
    }
  };
  return (
    <Modal title="Profile" onClose={onClose} testId="profile-dialog">
      {profile && (
        <form onSubmit={save}>
          <label>
            Display name <input aria-label="Display name" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Colour <input aria-label="Colour" type="color" value={color} onChange={(e) => setColor(e.target.value)} />
          </label>
          <p className="muted small">
            User id <code>{profile.user_id}</code>
            <br />
            Public key <code>{profile.public_key}</code>
          </p>
          <button className="primary" type="submit">
            Save
          </button>
        </form>
      )}
    </Modal>
  );
}

/** Joining a project someone shared: paste their invite. */
export function JoinDialog(props: {
  backend: Backend;
  onJoined: (projectId: string) => void;
  onClose: () => void;
  fail: (e: unknown) => void;
}) {
  const { backend, onJoined, onClose, fail } = props;
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const join = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const state = await backend.joinProject(token.trim());
      onJoined(state.project_id);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title="Join project" onClose={onClose} testId="join-dialog">
      <form onSubmit={join}>
        <label>
          Invite
          <textarea
            aria-label="Invite"
            rows={4}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            placeholder="Paste the invite you were sent"
          />
        </label>
        <button className="primary" type="submit" disabled={busy || token.trim() === ""}>
          {busy ? "Joining…" : "Join"}
        </button>
      </form>
    </Modal>
  );
}

/** Records two people changed at once: every value, who set it, and a button to keep it. */
export function ConflictsBanner(props: {
  conflicts: Conflict[];
  collaborators: Collaborator[];
  keep: (conflict: Conflict, pick: number) => void;
}) {
  const { conflicts, collaborators, keep } = props;
  if (conflicts.length === 0) return null;
  const who = (id: string) => {
    const c = collaborators.find((x) => x.user_id === id);
    return c ? nameOf(c) : id || "someone";
  };
  return (
    <div className="banner conflicts" role="alert" data-testid="conflicts">
      <strong>Changed by two people at once — pick the value to keep:</strong>
      <ul>
        {conflicts.map((c) => (
          <li key={`${c.section}/${c.key}`}>
            <span>
              {c.section} “{c.key}”:
            </span>
            {c.values.map((v, i) => (
              <button
                key={i}
                onClick={() => keep(c, i)}
                data-testid="keep-value"
                title={`Keep ${who(v.user_id)}'s value`}
              >
                {who(v.user_id)}: {describe(v.value)}
                {v.shown ? " (shown)" : ""}
              </button>
            ))}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A record's value in a few words: an override's value, else its JSON, cut short. */
function describe(value: unknown): string {
  if (value && typeof value === "object" && "value" in value)
    return JSON.stringify((value as { value: unknown }).value);
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
