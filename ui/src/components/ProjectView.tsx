// One open project: header with save/undo/redo, the crash-recovery and upstream-change banners,
// the five workbench tabs in pipeline order then Automation (workflows: not a stage), Run all,
// and the side panel with the log, the versions and the tasks.
import { useCallback, useEffect, useRef, useState } from "react";
import { BackendError, PROJECT_COMMAND, type Backend, type DesktopEvent } from "../api/backend";
import type {
  Conflict,
  ConsoleView,
  Presence,
  PresenceItem,
  ProjectState,
  RecoveryOffer,
  StateChanges,
  SyncStatus,
  Task,
  TimeAxis,
  Workbench,
} from "../api/types";
import { WORKBENCHES } from "../api/types";
import { type LiveRun, applyTick, fromView } from "../state/live";
import { WORKBENCH_LABELS, mergeTask, nextStale, settle } from "../state/logic";
import { unsavedEdits } from "../state/recovery";
import type { Notify } from "./ui";
import { guessRole, sourceName } from "./DataPane";
import type { Read } from "./pane";
import { AutomationPane } from "./AutomationPane";
import { Pane } from "./Panes";
import { Avatars, ConflictsBanner, ShareDialog } from "./People";
import { onWorkbench } from "../state/people";
import { QuestionCard } from "./QuestionCard";
import { RecoveryBanner } from "./RecoveryBanner";
import { UnsentBanner } from "./UnsentBanner";
import { TeamCopy } from "./TeamDialogs";
import { SidePanel, type SideView } from "./SidePanel";
import { StageDot, StatusBadge } from "./ui";

interface Props {
  backend: Backend;
  projectId: string;
  onClose: () => void;
  notify: Notify;
  fail: (e: unknown) => void;
}

export function ProjectView({ backend, projectId, onClose, notify, fail }: Props) {
  const [state, setState] = useState<ProjectState | null>(null);
  const [tab, setTab] = useState<Workbench>("data");
  // The Automation tab, over the workbench last chosen (where peers still see me).
  const [automation, setAutomation] = useState(false);
  const [stale, setStale] = useState<Workbench[]>([]);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [unsaved, setUnsaved] = useState(false);
  const [versionsTick, setVersionsTick] = useState(0);
  const [tasks, setTasks] = useState<Task[]>([]);
  const [side, setSide] = useState<SideView>("log");
  const [live, setLive] = useState<LiveRun | null>(null);
  const [offer, setOffer] = useState<RecoveryOffer | null>(null);
  // Who is in the project now, who I am, how it is connected to its hub, the Share dialog.
  const [present, setPresent] = useState<Presence[]>([]);
  const [me, setMe] = useState("");
  const [sync, setSync] = useState<SyncStatus | null>(null);
  const [sharing, setSharing] = useState(false);
  // The data's calendar, read again whenever the data changes.
  const [axis, setAxis] = useState<TimeAxis | null>(null);
  const packageId = state?.data_package_id ?? null;
  useEffect(() => {
    let live = true;
    backend
      .timeAxis(projectId)
      .then((a) => live && setAxis(a))
      .catch(() => live && setAxis(null));
    return () => {
      live = false;
    };
  }, [backend, projectId, packageId]);
  // Asks for the offer cross with each other and with Recover/Discard: only the latest counts.
  const offerAsk = useRef(0);
  const offerShown = useRef(false);
  useEffect(() => {
    offerShown.current = offer !== null;
  }, [offer]);
  // Ticks can arrive faster than frames: they are folded in as they come and drawn once a frame.
  const pending = useRef<LiveRun | null>(null);
  const frame = useRef<number | null>(null);
  const showView = useCallback((view: ConsoleView | null) => {
    pending.current = view ? fromView(pending.current, view) : null;
    setLive(pending.current);
  }, []);

  const reload = useCallback(
    () =>
      backend
        .getProject(projectId)
        .then((next) => {
          setState(next);
          // A stage that completed (a regenerated population, say) answers its warnings.
          setStale((s) => settle(next, s, []).stale);
          setWarnings((w) => settle(next, [], w).warnings);
        })
        .catch(fail)
        .finally(() => backend.ready?.()),
    [backend, projectId, fail],
  );
  // Edits a crashed session left: asked for when the project opens and whenever the core
  // notices a crash (or, while some are offered, when another window may have taken them).
  const askOffer = useCallback(() => {
    const ask = ++offerAsk.current;
    backend
      .recoveryOffer(projectId)
      .then((next) => {
        if (ask === offerAsk.current) setOffer(next);
      })
      .catch((e) => {
        // A project that is gone says so once, through the project's own load.
        const gone = e instanceof BackendError && e.code === "not_found";
        if (ask === offerAsk.current && !gone) fail(e);
      });
  }, [backend, projectId, fail]);
  useEffect(() => {
    reload();
    askOffer();
    backend.tasks(projectId).then(setTasks).catch(fail);
    return backend.watch(projectId, (event) => {
      // Changes made elsewhere (another window, the CLI) show up here.
      if (event.type === "state_changed" || event.type === "saved") {
        reload();
        backend
          .syncStatus(projectId)
          .then(setSync)
          .catch(() => {});
        if (offerShown.current) askOffer();
      } else if (event.type === "recovery_available") askOffer();
      else if (event.type === "autosave_failed")
        notify(`Could not save the project: ${event.message}. Its edits are kept and saving is tried again.`, "error");
      else if (event.type === "task_changed") setTasks((list) => mergeTask(list, event.task));
      else if (event.type === "presence") setPresent(event.users);
      else if (event.type === "sync_changed")
        backend
          .syncStatus(projectId)
          .then(setSync)
          .catch(() => {});
      else if (event.type === "simulation_tick") {
        pending.current = applyTick(pending.current, event);
        if (frame.current == null) {
          frame.current = requestAnimationFrame(() => {
            frame.current = null;
            setLive(pending.current);
          });
        }
      }
    });
  }, [backend, projectId, reload, askOffer, fail, notify]);

  useEffect(() => {
    backend
      .profile()
      .then((p) => setMe(p.user_id))
      .catch(() => {});
    backend
      .syncStatus(projectId)
      .then(setSync)
      .catch(() => {});
  }, [backend, projectId]);
  // Peers see which workbench I am on; leaving the project says so.
  // The item I am on, on which workbench: an item belongs to the tab it was chosen on.
  const [focus, setFocus] = useState<{ tab: Workbench; item: PresenceItem | null }>({ tab: "data", item: null });
  const item = focus.tab === tab ? focus.item : null;
  useEffect(() => {
    backend
      .setPresence(projectId, tab, item)
      .then(setPresent)
      .catch(() => {});
  }, [backend, projectId, tab, item]);
  useEffect(() => () => void backend.setPresence(projectId, null).catch(() => {}), [backend, projectId]);

  const keepValue = useCallback(
    (conflict: Conflict, pick: number) =>
      backend.resolveConflict(projectId, conflict.section, conflict.key, pick).then(setState).catch(fail),
    [backend, projectId, fail],
  );

  const recover = useCallback(async () => {
    const count = offer?.edits.length ?? 0;
    // An answer to an ask made before this one is out of date.
    offerAsk.current++;
    try {
      const next = await backend.recover(projectId);
      setState(next);
      // In the library's document now, but in no numbered version yet.
      setUnsaved(true);
      setOffer(null);
      notify(`Recovered ${unsavedEdits(count)}`);
    } catch (e) {
      fail(e);
    }
  }, [backend, projectId, offer, notify, fail]);

  const discardRecovery = useCallback(async () => {
    offerAsk.current++;
    try {
      const { discarded } = await backend.discardRecovery(projectId);
      setOffer(null);
      notify(`Discarded ${unsavedEdits(discarded)}`);
    } catch (e) {
      fail(e);
    }
  }, [backend, projectId, notify, fail]);

  const runAll = useCallback(async () => {
    try {
      const run = await backend.runPipeline(projectId);
      if (run.message) notify(run.message);
      setTasks((list) => run.tasks.reduce(mergeTask, list));
      setSide("tasks");
    } catch (e) {
      fail(e);
    }
  }, [backend, projectId, notify, fail]);

  const cancelTask = useCallback(
    async (task: Task) => {
      try {
        const cancelled = await backend.cancelTask(task.id);
        setTasks((list) => mergeTask(list, cancelled));
        notify(`Cancelled “${task.name}”`);
      } catch (e) {
        fail(e);
      }
    },
    [backend, notify, fail],
  );
  useEffect(() => {
    const title = state ? `${unsaved ? "• " : ""}${state.project_name} — FutureOS Studio` : "FutureOS Studio";
    document.title = title;
    backend.setTitle?.(title);
    return () => {
      document.title = "FutureOS Studio";
      backend.setTitle?.("FutureOS Studio");
    };
  }, [backend, state, unsaved]);

  const changed = useCallback((next: ProjectState, changes: StateChanges, workbench: Workbench | null) => {
    setState(next);
    setUnsaved(true);
    setStale((s) => nextStale(s, workbench, changes));
    if (changes.warnings.length) setWarnings(changes.warnings);
  }, []);

  const run = useCallback(
    async (workbench: Workbench, action: string, payload: unknown) => {
      try {
        const res = await backend.action(projectId, workbench, action, payload);
        changed(res.updated_project_state, res.state_changes, workbench);
        return true;
      } catch (e) {
        fail(e);
        return false;
      }
    },
    [backend, projectId, changed, fail],
  );

  // Reads (explore, preview, view_*) change nothing: their errors show once, quietly.
  const read: Read = useCallback(
    async (workbench, action, payload, expected = []) => {
      try {
        return (await backend.action(projectId, workbench, action, payload)).result;
      } catch (e) {
        if (!(e instanceof BackendError && expected.includes(e.code))) fail(e);
        return null;
      }
    },
    [backend, projectId, fail],
  );

  const undo = useCallback(
    async (redo = false) => {
      try {
        const res = redo ? await backend.redo(projectId) : await backend.undo(projectId);
        changed(res.updated_project_state, res.state_changes, null);
        notify(`${redo ? "Redid" : "Undid"}: ${res.entry.summary}`);
      } catch (e) {
        fail(e);
      }
    },
    [backend, projectId, changed, notify, fail],
  );

  const save = useCallback(async () => {
    try {
      const next = await backend.save(projectId);
      setState(next);
      setUnsaved(false);
      setVersionsTick((t) => t + 1);
      notify(`Saved version ${next.version}`);
    } catch (e) {
      fail(e);
    }
  }, [backend, projectId, notify, fail]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
      if (!mod) return;
      const key = e.key.toLowerCase();
      if (key === "s") {
        e.preventDefault();
        save();
      } else if (!typing && key === "z") {
        e.preventDefault();
        undo(e.shiftKey);
      } else if (!typing && key === "y") {
        e.preventDefault();
        undo(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [save, undo]);

  // Desktop menu commands and files dropped on the window.
  useEffect(() => {
    const onCommand = async (e: Event) => {
      const event = (e as CustomEvent<DesktopEvent>).detail;
      if (event.kind === "data-files") {
        for (const path of event.paths) {
          // A dropped file becomes a linked source named after it, then is read.
          const file = path.split(/[\\/]/).pop() ?? path;
          const name = sourceName(file);
          const role = guessRole(file);
          const configuration = { path, linked: true, ...(role ? { role } : {}) };
          if (!(await run("data", "configure_source", { source_name: name, configuration }))) continue;
          try {
            const read = await backend.action(projectId, "data", "explore_sources", { source_name: name });
            const source = (
              read.result as { sources: { status: string; rows?: number; columns?: unknown[]; message?: string }[] }
            ).sources[0];
            if (source.status === "ok")
              notify(`Read “${name}”: ${source.rows} rows, ${source.columns?.length} columns`);
            else notify(`“${name}”: ${source.message}`, "error");
          } catch (e) {
            fail(e);
          }
        }
      } else if (event.kind === "menu") {
        if (event.id === "save") save();
        else if (event.id === "undo") undo(false);
        else if (event.id === "redo") undo(true);
        else if (event.id === "save-template" && state) {
          backend
            .saveTemplate(projectId, state.project_name)
            .then((t) => notify(`Saved template “${t.name}”`))
            .catch(fail);
        } else if (event.id === "export" && state && backend.exportProject) {
          backend
            .exportProject(projectId, state.project_name)
            .then((task) => {
              if (task) {
                setTasks((list) => mergeTask(list, task));
                setSide("tasks");
              }
            })
            .catch(fail);
        }
      }
    };
    window.addEventListener(PROJECT_COMMAND, onCommand);
    return () => window.removeEventListener(PROJECT_COMMAND, onCommand);
  }, [backend, projectId, state, run, save, undo, notify, fail]);

  if (!state)
    return (
      <main className="project">
        <p className="muted">Opening project…</p>
      </main>
    );
  return (
    <main className="project">
      <header className="topbar">
        <button className="link" onClick={onClose} aria-label="Back to projects">
          ← Projects
        </button>
        <h1 data-testid="project-name">{state.project_name}</h1>
        <StatusBadge status={state.status} />
        <span className="muted small">
          version {state.version}
          {unsaved ? " · unsaved changes" : ""}
        </span>
        <span className="spacer" />
        <Avatars users={present.filter((u) => u.user_id !== me)} />
        {sync && (
          <span className={`sync ${sync.state}`} data-testid="sync-state" title={sync.error ?? sync.hub ?? ""}>
            {sync.side === "hub"
              ? sync.state === "connected"
                ? `sharing · ${sync.peers} connected`
                : "hub off"
              : `${sync.state}${sync.unsent > 0 ? ` · ${sync.unsent} unsent edit${sync.unsent === 1 ? "" : "s"}` : ""}`}
          </span>
        )}
        <TeamCopy
          backend={backend}
          projectId={projectId}
          projectName={state.project_name}
          notify={notify}
          fail={fail}
        />
        <button onClick={() => setSharing(true)} title="Collaborators and invites" data-testid="share">
          Share…
        </button>
        <button onClick={() => undo(false)} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button onClick={() => undo(true)} title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
        <button onClick={runAll} title="Run every stage that is not complete" data-testid="run-all">
          Run all
        </button>
        <button className="primary" onClick={save} title="Save a version (Ctrl+S)">
          Save
        </button>
      </header>
      {offer && offer.edits.length > 0 && <RecoveryBanner offer={offer} recover={recover} discard={discardRecovery} />}
      <UnsentBanner backend={backend} projectId={projectId} applied={setState} notify={notify} fail={fail} />
      <ConflictsBanner conflicts={state.conflicts ?? []} collaborators={state.collaborators} keep={keepValue} />
      {sharing && (
        <ShareDialog
          backend={backend}
          state={state}
          me={me}
          onChanged={setState}
          onClose={() => {
            setSharing(false);
            // The hub may have been turned on or off in the dialog.
            backend
              .syncStatus(projectId)
              .then(setSync)
              .catch(() => {});
          }}
          fail={fail}
        />
      )}
      {warnings.length > 0 && (
        <div className="banner" role="alert" data-testid="warnings">
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
          <button className="icon" aria-label="Dismiss warnings" onClick={() => setWarnings([])}>
            ×
          </button>
        </div>
      )}
      <div className="workspace">
        <section className="main">
          <QuestionCard backend={backend} state={state} onChanged={setState} notify={notify} fail={fail} />
          <nav className="tabs" role="tablist">
            {WORKBENCHES.map((w) => (
              <button
                key={w}
                role="tab"
                aria-selected={!automation && tab === w}
                className={!automation && tab === w ? "tab active" : "tab"}
                onClick={() => {
                  setTab(w);
                  setAutomation(false);
                }}
                data-testid={`tab-${w}`}
              >
                <StageDot status={state.workbench_states[w].status} />
                {WORKBENCH_LABELS[w]}
                <Avatars users={onWorkbench(present, w, me)} max={3} />
                {stale.includes(w) && (
                  <span className="stale" title="Needs re-running after an upstream change">
                    stale
                  </span>
                )}
              </button>
            ))}
            <button
              role="tab"
              aria-selected={automation}
              className={automation ? "tab active" : "tab"}
              onClick={() => setAutomation(true)}
              data-testid="tab-automation"
              title="Workflows that run the pipeline by themselves"
            >
              Automation
              {(state.workflows?.length ?? 0) > 0 && <span className="count">{state.workflows?.length}</span>}
            </button>
          </nav>
          <div className="pane" role="tabpanel">
            {automation ? (
              <AutomationPane backend={backend} state={state} notify={notify} />
            ) : (
              <Pane
                workbench={tab}
                state={state}
                run={run}
                read={read}
                tasks={tasks}
                live={live}
                showView={showView}
                backend={backend}
                notify={notify}
                fail={fail}
                onChanged={setState}
                axis={axis}
                people={{
                  users: present.filter((u) => u.user_id !== me),
                  focus: (next) => setFocus({ tab, item: next }),
                }}
              />
            )}
          </div>
        </section>
        <SidePanel
          backend={backend}
          state={state}
          versionsTick={versionsTick}
          fail={fail}
          tasks={tasks}
          view={side}
          setView={setSide}
          cancelTask={cancelTask}
          onRestored={(next) => {
            setState(next);
            setUnsaved(false);
            setVersionsTick((t) => t + 1);
            notify(`Restored as version ${next.version}`);
          }}
        />
      </div>
    </main>
  );
}
