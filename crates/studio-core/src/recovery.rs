//! Crash recovery: edits acknowledged by a session that ended without folding them into the
//! library. The analyst is offered them back (`recovery_offer`, the `recovery_available`
//! event, `studio recover`); a server restarted after being killed folds back in what its own
//! previous run acknowledged, since its clients were told those edits were saved.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use studio_model::ProjectState;
use studio_store::{JournalEntry, SessionRow};

use crate::actor::Actor;
use crate::config::Program;
use crate::error::Result;
use crate::events::StudioEvent;
use crate::library::Library;
use crate::liveness;
use crate::projects_service::Projects;

/// Unsaved edits left by a session that ended without saving them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecoveryOffer {
    pub project_id: String,
    pub edits: Vec<UnsavedEdit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnsavedEdit {
    pub summary: String,
    pub created_at: String,
}

/// Edits a restarted server folded back into one project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FoldedEdits {
    pub project_id: String,
    pub edits: usize,
    /// The session that acknowledged them.
    pub session_id: String,
    pub pid: i64,
}

impl Projects {
    /// Edits journaled by sessions that ended without folding them, if any.
    pub async fn recovery_offer(&self, project_id: &str) -> Result<Option<RecoveryOffer>> {
        let entries = self.orphaned(project_id).await?;
        if entries.is_empty() {
            return Ok(None);
        }
        let edits = entries.into_iter().map(|e| UnsavedEdit { summary: e.summary, created_at: e.created_at }).collect();
        Ok(Some(RecoveryOffer { project_id: project_id.into(), edits }))
    }

    /// Brings back every orphaned edit into the project (Automerge merges them with anything
    /// done since) and folds them into the library.
    pub async fn recover(&self, actor: &Actor) -> Result<ProjectState> {
        let (project_id, user_id) = (actor.project_id.as_str(), actor.user_id.as_str());
        let entries = self.orphaned(project_id).await?;
        self.fold_entries(project_id, &entries).await?;
        self.recovery_announced(project_id, 0);
        let state = Library::state_of(&mut *self.project(project_id).await?, user_id);
        self.emit(StudioEvent::StateChanged {
            project_id: project_id.into(),
            status: state.status,
            summary: format!("Recovered {} unsaved edit(s)", entries.len()),
            user_id: user_id.into(),
        });
        Ok(state)
    }

    /// Drops the orphaned edits. Returns how many there were.
    pub async fn discard_recovery(&self, project_id: &str) -> Result<usize> {
        let entries = self.orphaned(project_id).await?;
        let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
        self.store.remove_journal(&seqs).await?;
        // A schedule set by a discarded edit is not sent.
        self.recovery_announced(project_id, 0);
        let content = self.project(project_id).await?.doc.content().clone();
        self.index_schedule(project_id, &content).await?;
        Ok(seqs.len())
    }

    async fn orphaned(&self, project_id: &str) -> Result<Vec<JournalEntry>> {
        self.store.project(project_id).await?;
        // On a team server every instance's edits are taken in when a project is read and
        // folded by whoever is left (`fold_previous_sessions`): none waits to be recovered.
        if self.store.team_db().is_some() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let mut alive: HashMap<String, bool> = HashMap::new();
        for entry in self.store.journal(project_id).await? {
            if entry.session_id == self.session_id {
                continue;
            }
            let live = match alive.get(&entry.session_id) {
                Some(&live) => live,
                None => {
                    let session = self.store.session(&entry.session_id).await?;
                    let live = session.is_some_and(|s| self.session_alive(&s));
                    alive.insert(entry.session_id.clone(), live);
                    live
                }
            };
            if !live {
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// Folds back in the unsaved edits of this program's own previous runs on this machine
    /// (a `studio serve` killed before it saved): they were acknowledged to its clients, so
    /// nobody must see less after the restart. On a team server, those of any instance that
    /// died, on any machine (its heartbeat stopped). Each project folded is logged on stderr.
    pub async fn fold_previous_sessions(&self) -> Result<Vec<FoldedEdits>> {
        let mut folded = Vec::new();
        let here = liveness::host_name();
        let team = self.store.team_db().is_some();
        for session in self.store.sessions_with_journal(&self.session_id).await? {
            let own = session.program == self.config.program.as_str() && (team || session.host == here);
            if !own || self.session_alive(&session) {
                continue;
            }
            let mut by_project: BTreeMap<String, Vec<JournalEntry>> = BTreeMap::new();
            for entry in self.store.session_journal(&session.session_id).await? {
                by_project.entry(entry.project_id.clone()).or_default().push(entry);
            }
            for (project_id, entries) in by_project {
                match self.fold_entries(&project_id, &entries).await {
                    Ok(()) => {
                        tracing::warn!(
                            project_id,
                            "brought back {} edit(s) that the previous {} (pid {}) acknowledged and had not saved",
                            entries.len(),
                            Program::describe(&session.program),
                            session.pid
                        );
                        folded.push(FoldedEdits {
                            project_id,
                            edits: entries.len(),
                            session_id: session.session_id.clone(),
                            pid: session.pid,
                        });
                    }
                    Err(e) => tracing::error!(
                        project_id,
                        "the unsaved edits from the previous {} (pid {}) are left to recover by hand (studio recover): {}",
                        Program::describe(&session.program),
                        session.pid,
                        e.message
                    ),
                }
            }
        }
        Ok(folded)
    }

    /// Announces (`recovery_available`) the projects open here that have edits to recover,
    /// once per count: a program that crashed while this one runs is noticed at the next
    /// autosave.
    pub async fn announce_recoveries(&self) -> Result<()> {
        for project_id in self.open.ids() {
            let edits = self.orphaned(&project_id).await.map(|e| e.len()).unwrap_or(0);
            let before = self.recovery_announced(&project_id, edits);
            if edits > 0 && before != Some(edits) {
                self.emit(StudioEvent::RecoveryAvailable { project_id, edits });
            }
        }
        Ok(())
    }

    /// Records how many edits were last announced for a project; returns the previous count.
    fn recovery_announced(&self, project_id: &str, edits: usize) -> Option<usize> {
        let mut announced = self.recovery_announced.lock().unwrap_or_else(|p| p.into_inner());
        if edits == 0 { announced.remove(project_id) } else { announced.insert(project_id.to_string(), edits) }
    }

    /// Applies journal entries to the project and folds them into the library, then drops them.
    async fn fold_entries(&self, project_id: &str, entries: &[JournalEntry]) -> Result<()> {
        let mut open = self.project(project_id).await?;
        for entry in entries {
            open.doc.apply_changes(&entry.change)?;
        }
        self.fold(project_id, &mut open, None).await?;
        let seqs: Vec<i64> = entries.iter().map(|e| e.seq).collect();
        self.store.remove_journal(&seqs).await?;
        Ok(())
    }

    fn session_alive(&self, session: &SessionRow) -> bool {
        liveness::session_alive(session, self.config.autosave_interval * 3)
    }
}
