//! Who asks, about which project.

use studio_model::ProjectLoad;

/// Who asks, about which project: the pair every operation on a project carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor {
    pub project_id: String,
    pub user_id: String,
}

impl Actor {
    pub fn new(project_id: impl Into<String>, user_id: impl Into<String>) -> Actor {
        Actor { project_id: project_id.into(), user_id: user_id.into() }
    }

    /// The request for the project's current state, as this user sees it.
    pub(crate) fn load(&self) -> ProjectLoad {
        ProjectLoad { project_id: self.project_id.clone(), user_id: self.user_id.clone(), version: None }
    }
}
