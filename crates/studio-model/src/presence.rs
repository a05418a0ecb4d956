//! Presence: who is in a shared project and where — the workbench and the item they are on.

use serde::{Deserialize, Serialize};

use crate::Workbench;

/// What a user is on: a scenario, a data source, a report section….
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PresenceItem {
    /// `scenario`, `source`, `section`, `archetype`….
    pub kind: String,
    pub id: String,
}

/// One user in one project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Presence {
    pub user_id: String,
    pub display_name: String,
    pub color: String,
    /// The workbench they are on; none: they left the project.
    #[serde(default)]
    pub workbench: Option<Workbench>,
    #[serde(default)]
    pub item: Option<PresenceItem>,
    /// The peer that speaks for them (a hub lets them go when it leaves).
    #[serde(default)]
    pub peer: String,
}
