//! The projects held in memory, each behind a lock of its own: work on one project (an edit
//! waiting for its journal write, a save, a long read) never waits for another project.
//!
//! A project has one slot for the life of the program; the slot is empty until the project
//! is first used, and emptied when it is closed or must be read again. Two requests for a
//! project that is not loaded yet load it once: the second waits on the slot's lock.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};

use studio_model::ProjectHeader;
use tokio::sync::OwnedMutexGuard;

use crate::document::ProjectDocument;

/// A project held in memory while it is worked on.
pub(crate) struct OpenProject {
    pub doc: ProjectDocument,
    pub header: ProjectHeader,
    /// The last journal entry this session wrote and has not folded into the library yet.
    pub unsaved: Option<i64>,
    /// `updated_at` of the library row when it was last read or written here; another value
    /// means another session wrote it, and its document is merged before ours is written.
    pub stored_stamp: String,
    /// Set when the memory copy may be ahead of the library (a failed write): reload it.
    pub poisoned: bool,
}

type Slot = Arc<tokio::sync::Mutex<Option<OpenProject>>>;

#[derive(Default)]
pub(crate) struct OpenProjects {
    slots: Mutex<HashMap<String, Slot>>,
}

/// Exclusive use of one loaded project, for as long as the guard lives.
pub(crate) struct ProjectGuard(OwnedMutexGuard<Option<OpenProject>>);

/// Exclusive use of one project's slot, loaded or not.
pub(crate) struct SlotGuard(OwnedMutexGuard<Option<OpenProject>>);

impl OpenProjects {
    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The project's slot, made on first use, locked.
    pub async fn lock(&self, project_id: &str) -> SlotGuard {
        let slot = self.slots().entry(project_id.to_string()).or_default().clone();
        SlotGuard(slot.lock_owned().await)
    }

    /// The slot only if the project was ever used here (so listing projects makes none).
    pub async fn lock_existing(&self, project_id: &str) -> Option<SlotGuard> {
        let slot = self.slots().get(project_id).cloned()?;
        Some(SlotGuard(slot.lock_owned().await))
    }

    /// Every project used here, by id.
    pub fn ids(&self) -> Vec<String> {
        self.slots().keys().cloned().collect()
    }

    /// Drops the slot of a project that could not be loaded (an unknown id), unless someone
    /// else holds or waits for it: ids from hostile requests leave nothing behind.
    pub fn release_empty(&self, project_id: &str) {
        let mut slots = self.slots();
        // Clones of a slot are only made under this lock, so a count of one (the map's own)
        // means nobody holds or waits for it.
        if let Some(slot) = slots.get(project_id)
            && Arc::strong_count(slot) == 1
            && slot.try_lock().is_ok_and(|s| s.is_none())
        {
            slots.remove(project_id);
        }
    }
}

impl SlotGuard {
    pub fn get_mut(&mut self) -> Option<&mut OpenProject> {
        self.0.as_mut()
    }

    /// Empties the slot: the next use reads the project from the library again.
    pub fn clear(&mut self) {
        *self.0 = None;
    }

    pub fn fill(mut self, project: OpenProject) -> ProjectGuard {
        *self.0 = Some(project);
        ProjectGuard(self.0)
    }

    /// The loaded project, if the slot holds one.
    pub fn loaded(self) -> Result<ProjectGuard, SlotGuard> {
        if self.0.is_some() { Ok(ProjectGuard(self.0)) } else { Err(self) }
    }
}

impl Deref for ProjectGuard {
    type Target = OpenProject;

    fn deref(&self) -> &OpenProject {
        match self.0.as_ref() {
            Some(project) => project,
            // A ProjectGuard is only made from a filled slot, and nothing empties it meanwhile.
            None => unreachable!("a project guard over an empty slot"),
        }
    }
}

impl DerefMut for ProjectGuard {
    fn deref_mut(&mut self) -> &mut OpenProject {
        match self.0.as_mut() {
            Some(project) => project,
            None => unreachable!("a project guard over an empty slot"),
        }
    }
}

impl ProjectGuard {
    /// Empties the slot (the project was deleted or closed) and gives up the lock.
    pub fn close(mut self) {
        *self.0 = None;
    }
}
