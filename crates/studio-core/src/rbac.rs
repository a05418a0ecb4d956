//! Role-based access on a team server: the seed's permissions (`read`, `workflow:execute`,
//! `workflow:create`, `workflow:delete`, `agent:spawn`, `agent:terminate`,
//! `entanglement:manage`, `admin`) and the product's two for projects (`project:edit`,
//! `project:own`). A project's roles grant them there — viewers and commenters read; editors
//! edit and create, run and delete workflows; owners and team admins (and the project's maker)
//! own it too — and custom roles, named sets of permissions an admin makes, grant them on one
//! team's projects or on the whole server. `admin` is every permission everywhere; the first
//! team's maker holds it. Checked at the one dispatch point (`team_gate.rs`).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, Result};
use crate::studio::Studio;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Right {
    #[serde(rename = "read")]
    Read,
    #[serde(rename = "project:edit")]
    ProjectEdit,
    #[serde(rename = "project:own")]
    ProjectOwn,
    #[serde(rename = "workflow:execute")]
    WorkflowExecute,
    #[serde(rename = "workflow:create")]
    WorkflowCreate,
    #[serde(rename = "workflow:delete")]
    WorkflowDelete,
    #[serde(rename = "agent:spawn")]
    AgentSpawn,
    #[serde(rename = "agent:terminate")]
    AgentTerminate,
    #[serde(rename = "entanglement:manage")]
    EntanglementManage,
    #[serde(rename = "admin")]
    Admin,
}

impl Right {
    pub const ALL: [Right; 10] = [
        Right::Read,
        Right::ProjectEdit,
        Right::ProjectOwn,
        Right::WorkflowExecute,
        Right::WorkflowCreate,
        Right::WorkflowDelete,
        Right::AgentSpawn,
        Right::AgentTerminate,
        Right::EntanglementManage,
        Right::Admin,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Right::Read => "read",
            Right::ProjectEdit => "project:edit",
            Right::ProjectOwn => "project:own",
            Right::WorkflowExecute => "workflow:execute",
            Right::WorkflowCreate => "workflow:create",
            Right::WorkflowDelete => "workflow:delete",
            Right::AgentSpawn => "agent:spawn",
            Right::AgentTerminate => "agent:terminate",
            Right::EntanglementManage => "entanglement:manage",
            Right::Admin => "admin",
        }
    }

    /// A permission by name (the seed's `chainbot:` prefix may be kept).
    pub fn parse(name: &str) -> Result<Right> {
        let bare = name.trim().strip_prefix("chainbot:").unwrap_or(name.trim());
        Right::ALL.into_iter().find(|r| r.name() == bare).ok_or_else(|| {
            let known: Vec<&str> = Right::ALL.iter().map(|r| r.name()).collect();
            CoreError::invalid(format!("there is no permission '{name}' (there are {})", known.join(", ")))
        })
    }
}

/// What owning a project grants there.
const OWNER: [Right; 6] = [
    Right::Read,
    Right::ProjectEdit,
    Right::ProjectOwn,
    Right::WorkflowExecute,
    Right::WorkflowCreate,
    Right::WorkflowDelete,
];

/// What a role in a project's team grants on the project.
pub fn role_rights(role: &str) -> &'static [Right] {
    match role {
        "owner" | "admin" => &OWNER,
        "editor" => {
            &[Right::Read, Right::ProjectEdit, Right::WorkflowExecute, Right::WorkflowCreate, Right::WorkflowDelete]
        }
        "viewer" | "commenter" => &[Right::Read],
        _ => &[],
    }
}

/// The names a custom role cannot take: the project roles.
const PROJECT_ROLES: [&str; 5] = ["viewer", "commenter", "editor", "owner", "maker"];

/// A set of rights, `admin` holding every other.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rights(BTreeSet<Right>);

impl Rights {
    pub fn has(&self, right: Right) -> bool {
        self.0.contains(&right) || self.0.contains(&Right::Admin)
    }

    fn add(&mut self, rights: impl IntoIterator<Item = Right>) {
        self.0.extend(rights);
    }

    pub fn list(&self) -> Vec<Right> {
        if self.0.contains(&Right::Admin) { Right::ALL.to_vec() } else { self.0.iter().copied().collect() }
    }
}

/// A custom role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RoleInfo {
    pub name: String,
    pub description: String,
    pub permissions: Vec<Right>,
    /// `admin`, which cannot be changed or removed.
    pub built_in: bool,
    pub created_by: String,
    pub created_at: String,
}

/// A role someone holds: on one team's projects, or on the whole server (no team).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RoleGrant {
    pub user_id: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    pub permissions: Vec<Right>,
    pub granted_by: String,
    pub granted_at: String,
}

/// What a user may do: on the server, and on a project when one is named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UserRights {
    pub user_id: String,
    pub server: Vec<Right>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// Their rights on the project (with its roles' and their roles' there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<Vec<Right>>,
    pub roles: Vec<RoleGrant>,
}

fn rights_of(names: &[String]) -> Vec<Right> {
    names.iter().filter_map(|n| Right::parse(n).ok()).collect()
}

fn grant_of(g: studio_store::team::GrantRow) -> RoleGrant {
    RoleGrant {
        permissions: rights_of(&g.permissions),
        user_id: g.user_id,
        role: g.role,
        team_id: Some(g.team_id).filter(|t| !t.is_empty()),
        granted_by: g.granted_by,
        granted_at: g.granted_at,
    }
}

/// How long a user's roles are taken as read (a grant made on another instance holds within).
const GRANTS_FRESH: Duration = Duration::from_secs(2);

impl Studio {
    /// The roles `user_id` holds, read at most every two seconds.
    async fn grants_of(&self, user_id: &str) -> Result<Vec<RoleGrant>> {
        {
            let cache = self.grants.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((read, grants)) = cache.get(user_id)
                && read.elapsed() < GRANTS_FRESH
            {
                return Ok(grants.iter().cloned().map(grant_of).collect());
            }
        }
        let rows = self.team_db()?.grants(Some(user_id)).await?;
        let grants = rows.iter().cloned().map(grant_of).collect();
        let mut cache = self.grants.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(user_id.to_string(), (Instant::now(), rows));
        Ok(grants)
    }

    fn forget_grants(&self) {
        self.grants.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// What `user_id` may do on the whole server: their server-wide roles' permissions.
    pub(crate) async fn server_rights(&self, user_id: &str) -> Result<Rights> {
        let mut rights = Rights::default();
        for g in self.grants_of(user_id).await?.into_iter().filter(|g| g.team_id.is_none()) {
            rights.add(g.permissions);
        }
        Ok(rights)
    }

    /// What `user_id` may do on a project, and how they stand there (for messages).
    pub(crate) async fn project_rights(&self, user_id: &str, project_id: &str) -> Result<(Rights, String)> {
        let access = self.team_db()?.project_access(project_id, user_id).await?;
        let mut rights = Rights::default();
        let standing = if access.creator {
            rights.add(OWNER);
            "the maker".to_string()
        } else if let Some(role) = &access.team_role {
            rights.add(role_rights(role).iter().copied());
            format!("a {role} of the team")
        } else {
            "not a member of the team".to_string()
        };
        for g in self.grants_of(user_id).await? {
            if g.team_id.is_none() || g.team_id == access.team_id {
                rights.add(g.permissions);
            }
        }
        Ok((rights, standing))
    }

    /// Refuses `user_id` unless they have `need` on the project.
    pub(crate) async fn need_on_project(&self, user_id: &str, project_id: &str, need: Right) -> Result<()> {
        let (rights, standing) = self.project_rights(user_id, project_id).await?;
        if rights.has(need) {
            return Ok(());
        }
        Err(CoreError::new(
            "forbidden",
            format!(
                "user '{user_id}' is {standing} of project {project_id} and lacks '{}' there (ask its owner or a server admin for a role that grants it)",
                need.name()
            ),
        ))
    }

    /// Refuses `user_id` unless a server-wide role grants `need`.
    pub(crate) async fn need_on_server(&self, user_id: &str, need: Right) -> Result<()> {
        if need == Right::Read || self.server_rights(user_id).await?.has(need) {
            return Ok(());
        }
        Err(CoreError::new(
            "forbidden",
            format!("user '{user_id}' lacks '{}' on this server (a server admin grants it with a role)", need.name()),
        ))
    }

    /// The custom roles (a team server's).
    pub async fn roles(&self) -> Result<Vec<RoleInfo>> {
        Ok(self
            .team_db()?
            .roles()
            .await?
            .into_iter()
            .map(|r| RoleInfo {
                permissions: rights_of(&r.permissions),
                built_in: r.name == "admin",
                name: r.name,
                description: r.description,
                created_by: r.created_by,
                created_at: r.created_at,
            })
            .collect())
    }

    /// Makes a custom role or changes its permissions.
    pub async fn save_role(
        &self,
        name: &str,
        description: Option<&str>,
        permissions: &[String],
        user_id: &str,
    ) -> Result<RoleInfo> {
        let db = self.team_db()?;
        let plain = name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if name.is_empty() || name.len() > 40 || !plain {
            return Err(CoreError::invalid(format!(
                "a role's name is 1 to 40 lowercase letters, digits, '_' and '-', not '{name}'"
            )));
        }
        if name == "admin" || PROJECT_ROLES.contains(&name) {
            return Err(CoreError::invalid(format!("'{name}' is a built-in role and cannot be made or changed")));
        }
        if permissions.is_empty() {
            return Err(CoreError::invalid("a role grants at least one permission"));
        }
        let rights: BTreeSet<Right> = permissions.iter().map(|p| Right::parse(p)).collect::<Result<_>>()?;
        let names: Vec<String> = rights.iter().map(|r| r.name().to_string()).collect();
        db.put_role(name, description.unwrap_or("").trim(), &names, user_id).await?;
        self.forget_grants();
        self.roles().await?.into_iter().find(|r| r.name == name).ok_or_else(|| CoreError::internal("role not kept"))
    }

    /// Removes a custom role and takes it from everyone who held it.
    pub async fn delete_role(&self, name: &str) -> Result<()> {
        if name == "admin" {
            return Err(CoreError::invalid("'admin' is built in and cannot be removed"));
        }
        if !self.team_db()?.delete_role(name).await? {
            return Err(CoreError::new("not_found", format!("there is no role '{name}'")));
        }
        self.forget_grants();
        Ok(())
    }

    /// Gives a member a role on a team's projects, or on the whole server (no team).
    pub async fn grant_role(
        &self,
        member_id: &str,
        role: &str,
        team_id: Option<&str>,
        user_id: &str,
    ) -> Result<Vec<RoleGrant>> {
        let db = self.team_db()?;
        db.user(member_id).await?;
        if !db.roles().await?.iter().any(|r| r.name == role) {
            return Err(CoreError::new("not_found", format!("there is no role '{role}'")));
        }
        if let Some(team) = team_id {
            db.team(team).await?;
        }
        db.grant_role(member_id, role, team_id.unwrap_or(""), user_id).await?;
        self.forget_grants();
        self.role_grants(Some(member_id)).await
    }

    /// Takes a role back; the last server-wide admin keeps theirs.
    pub async fn revoke_role(&self, member_id: &str, role: &str, team_id: Option<&str>) -> Result<Vec<RoleGrant>> {
        let db = self.team_db()?;
        let team = team_id.unwrap_or("");
        if role == "admin" && team.is_empty() {
            let admins = db.grants(None).await?.into_iter().filter(|g| g.role == "admin" && g.team_id.is_empty());
            if admins.map(|g| g.user_id).collect::<Vec<_>>() == [member_id] {
                return Err(CoreError::invalid("the server keeps an admin: grant admin to someone else first"));
            }
        }
        if !db.revoke_role(member_id, role, team).await? {
            return Err(CoreError::new("not_found", format!("user '{member_id}' does not hold role '{role}' there")));
        }
        self.forget_grants();
        self.role_grants(Some(member_id)).await
    }

    /// Who holds which role (one member's, or everyone's).
    pub async fn role_grants(&self, member_id: Option<&str>) -> Result<Vec<RoleGrant>> {
        Ok(self.team_db()?.grants(member_id).await?.into_iter().map(grant_of).collect())
    }

    /// What the caller may do, on the server and on a project.
    pub async fn user_rights(&self, user_id: &str, project_id: Option<&str>) -> Result<UserRights> {
        let server = self.server_rights(user_id).await?;
        let project = match project_id {
            Some(p) => Some(self.project_rights(user_id, p).await?.0.list()),
            None => None,
        };
        let mut listed = server.list();
        if !listed.contains(&Right::Read) {
            listed.insert(0, Right::Read);
        }
        Ok(UserRights {
            user_id: user_id.to_string(),
            server: listed,
            project_id: project_id.map(str::to_string),
            project,
            roles: self.role_grants(Some(user_id)).await?,
        })
    }

    /// The first team's maker becomes the server's admin (a server made before roles has the
    /// migration do it).
    pub(crate) async fn first_admin(&self, user_id: &str) -> Result<()> {
        let db = self.team_db()?;
        if !db.grants(None).await?.iter().any(|g| g.role == "admin" && g.team_id.is_empty()) {
            db.grant_role(user_id, "admin", "", "studio").await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_admin_holds_everything() {
        for right in Right::ALL {
            assert_eq!(Right::parse(right.name()).unwrap(), right);
            assert_eq!(serde_json::to_value(right).unwrap(), right.name());
        }
        assert_eq!(Right::parse("chainbot:workflow:execute").unwrap(), Right::WorkflowExecute);
        assert!(Right::parse("workflow:launch").unwrap_err().message.contains("workflow:execute"));
        let mut admin = Rights::default();
        admin.add([Right::Admin]);
        assert!(Right::ALL.iter().all(|r| admin.has(*r)));
        let mut viewer = Rights::default();
        viewer.add(role_rights("viewer").iter().copied());
        assert!(viewer.has(Right::Read) && !viewer.has(Right::WorkflowExecute));
    }
}
