//! The core's store on the team database: every operation of the library file, on
//! PostgreSQL, with the seed's column types (UUID ids, JSONB, TIMESTAMP) read back as the text
//! the core uses. Several instances share it; each writes through its own transactions.

mod agents;
mod audit;
mod blob_files;
mod bus;
mod journal;
mod portable;
mod projects;
mod rows;
mod settings;
mod tasks;
mod versions;
mod workflow_runs;

use sqlx::PgPool;

use super::TeamDb;
use crate::{InviteRow, Result, ShareRow, StoreError, TeamLinkRow};

#[derive(Clone, Debug)]
pub(crate) struct TeamStore {
    db: TeamDb,
}

impl TeamStore {
    pub(crate) fn new(db: TeamDb) -> Self {
        TeamStore { db }
    }

    pub(crate) fn db(&self) -> &TeamDb {
        &self.db
    }

    fn pool(&self) -> &PgPool {
        self.db.pool()
    }

    /// `ok` when the database answers and its tables are there.
    pub(crate) async fn integrity_check(&self) -> Result<String> {
        let projects: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM studio_projects").fetch_one(self.pool()).await?;
        Ok(if projects >= 0 { "ok".into() } else { "studio_projects cannot be counted".into() })
    }
}

/// Sharing by invite is the desktop library's: a team server shares through its team.
macro_rules! not_shared_here {
    ($($name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        impl TeamStore {
            $(
                pub(crate) async fn $name(&self, $($arg: $ty),*) -> Result<$ret> {
                    $(let _ = $arg;)*
                    Err(not_here("sharing a project by invite"))
                }
            )*
        }
    };
}

not_shared_here! {
    set_share(share: &ShareRow) -> ();
    add_invite(invite: &InviteRow) -> ();
    revoke_invite(invite_id: &str, at: &str) -> bool;
    set_hub_url(url: &str, at: &str) -> ();
    set_team_link(link: &TeamLinkRow) -> ();
    record_team_sync(project_id: &str, synced_heads: Option<&str>, at: &str, error: Option<&str>) -> ();
}

impl TeamStore {
    /// No project of a team server is shared by invite.
    pub(crate) async fn share(&self, _project_id: &str) -> Result<Option<ShareRow>> {
        Ok(None)
    }

    pub(crate) async fn shares(&self) -> Result<Vec<ShareRow>> {
        Ok(Vec::new())
    }

    /// A team server keeps no local copies of other servers' projects.
    pub(crate) async fn team_link(&self, _project_id: &str) -> Result<Option<TeamLinkRow>> {
        Ok(None)
    }

    pub(crate) async fn team_links(&self) -> Result<Vec<TeamLinkRow>> {
        Ok(Vec::new())
    }

    pub(crate) async fn invite(&self, _invite_id: &str) -> Result<Option<InviteRow>> {
        Ok(None)
    }

    pub(crate) async fn invites(&self, _project_id: &str) -> Result<Vec<InviteRow>> {
        Ok(Vec::new())
    }

    pub(crate) async fn hub_url(&self) -> Result<Option<String>> {
        Ok(None)
    }
}

fn not_here(what: &str) -> StoreError {
    StoreError::Invalid(format!("{what} is done in the desktop app's library, not on the team server"))
}

/// The UUID an existing row is looked up by: text that is not one names nothing there.
fn key(what: &'static str, id: &str) -> Result<uuid::Uuid> {
    uuid::Uuid::parse_str(id).map_err(|_| StoreError::not_found(what, id))
}

fn opt_uuid(what: &str, id: Option<&str>) -> Result<Option<uuid::Uuid>> {
    id.map(|id| super::uuid(what, id)).transpose()
}
