//! A team server's teams: the teams a user is in, a new team (its maker its owner), its
//! members, an invitation (a new member and the token they sign in with), a member's role
//! changed or the member removed. Members see their team; its owners and admins manage it;
//! only an owner makes another owner, and a team keeps one.

use serde::{Deserialize, Serialize};
use studio_store::team::{Member, NewTeam, Role, TeamDb, TeamRow};

use crate::error::{CoreError, Result};
use crate::studio::Studio;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TeamInfo {
    pub team_id: String,
    pub name: String,
    /// What a member is unless made otherwise: viewer, commenter, editor or admin.
    pub default_role: String,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TeamMember {
    pub user_id: String,
    pub display_name: String,
    /// viewer, commenter, editor, admin or owner.
    pub role: String,
}

/// A new member and the token they sign in with: shown once, kept only as its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TeamInvitation {
    pub team_id: String,
    pub member: TeamMember,
    pub token: String,
    pub expires_at: Option<String>,
}

impl From<TeamRow> for TeamInfo {
    fn from(t: TeamRow) -> Self {
        TeamInfo {
            team_id: t.team_id,
            name: t.name,
            default_role: t.default_role,
            created_by: t.created_by,
            created_at: t.created_at,
        }
    }
}

impl From<Member> for TeamMember {
    fn from(m: Member) -> Self {
        TeamMember { user_id: m.user_id, display_name: m.display_name, role: m.role }
    }
}

/// How long an invitation's token holds.
const INVITATION_DAYS: u64 = 90;

impl Studio {
    /// The team database, or the error that this is not a team server.
    pub(crate) fn team_db(&self) -> Result<&TeamDb> {
        self.store.team_db().ok_or_else(|| {
            CoreError::invalid("teams are a team server's (`studio serve --team`); this is a library on one machine")
        })
    }

    /// A team server's first team and its owner (the operator's command, `studio team-init`):
    /// a new user, the team, and the token they sign in with.
    pub async fn bootstrap_team(&self, display_name: &str, team_name: &str) -> Result<TeamInvitation> {
        let db = self.team_db()?;
        let user = db.add_user(display_name, None).await?;
        let team =
            db.create_team(&NewTeam { name: team_name, default_role: "viewer", created_by: &user.user_id }).await?;
        let grant = db.issue_token(&user.user_id, &format!("owner of team {}", team.team_id), None).await?;
        self.first_admin(&user.user_id).await?;
        let member = TeamMember { user_id: user.user_id, display_name: user.display_name, role: "owner".into() };
        Ok(TeamInvitation { team_id: team.team_id, member, token: grant.token, expires_at: grant.expires_at })
    }

    pub async fn list_teams(&self, user_id: &str) -> Result<Vec<TeamInfo>> {
        Ok(self.team_db()?.teams_of(user_id).await?.into_iter().map(TeamInfo::from).collect())
    }

    pub async fn create_team(&self, user_id: &str, name: &str, default_role: Option<&str>) -> Result<TeamInfo> {
        let team = NewTeam { name, default_role: default_role.unwrap_or("viewer"), created_by: user_id };
        Ok(self.team_db()?.create_team(&team).await?.into())
    }

    pub async fn team_members(&self, team_id: &str, user_id: &str) -> Result<Vec<TeamMember>> {
        self.role_at_least(team_id, user_id, "viewer", "see its members").await?;
        Ok(self.team_db()?.members(team_id).await?.into_iter().map(TeamMember::from).collect())
    }

    /// A new member (a new user of the server) with `role`, and their token.
    pub async fn invite_team_member(
        &self,
        team_id: &str,
        user_id: &str,
        display_name: &str,
        public_key: Option<&str>,
        role: Option<&str>,
    ) -> Result<TeamInvitation> {
        let mine = self.role_at_least(team_id, user_id, "admin", "invite someone").await?;
        if let Some(role) = role {
            grantable(&mine, Role::check(role)?)?;
        }
        let db = self.team_db()?;
        let user = db.add_user(display_name, public_key).await?;
        let member = db.set_member(team_id, &user.user_id, role).await?;
        let label = format!("invitation to team {team_id}");
        let valid = std::time::Duration::from_secs(INVITATION_DAYS * 86_400);
        let grant = db.issue_token(&user.user_id, &label, Some(valid)).await?;
        Ok(TeamInvitation {
            team_id: team_id.to_string(),
            member: member.into(),
            token: grant.token,
            expires_at: grant.expires_at,
        })
    }

    pub async fn set_team_role(&self, team_id: &str, user_id: &str, member_id: &str, role: &str) -> Result<TeamMember> {
        let mine = self.role_at_least(team_id, user_id, "admin", "change a member's role").await?;
        grantable(&mine, Role::check(role)?)?;
        let db = self.team_db()?;
        if db.role_in(team_id, member_id).await?.as_deref() == Some("owner") && mine != "owner" {
            return Err(forbidden(format!(
                "user '{user_id}' is an admin of team {team_id}: only an owner changes an owner's role"
            )));
        }
        Ok(db.set_member(team_id, member_id, Some(role)).await?.into())
    }

    /// Removes a member (an owner or admin, or the member leaving).
    pub async fn remove_team_member(&self, team_id: &str, user_id: &str, member_id: &str) -> Result<Vec<TeamMember>> {
        if member_id != user_id {
            let mine = self.role_at_least(team_id, user_id, "admin", "remove a member").await?;
            let theirs = self.team_db()?.role_in(team_id, member_id).await?;
            if theirs.as_deref() == Some("owner") && mine != "owner" {
                return Err(forbidden(format!("only an owner of team {team_id} removes an owner")));
            }
        }
        let db = self.team_db()?;
        db.remove_member(team_id, member_id).await?;
        Ok(db.members(team_id).await?.into_iter().map(TeamMember::from).collect())
    }

    /// The caller's role in the team, if it is `least` or above; refused (403) otherwise.
    pub(crate) async fn role_at_least(&self, team_id: &str, user_id: &str, least: &str, to: &str) -> Result<String> {
        let db = self.team_db()?;
        db.team(team_id).await?;
        let role = db.role_in(team_id, user_id).await?;
        match role {
            Some(r) if Role::rank(&r) >= Role::rank(least) => Ok(r),
            Some(r) => Err(forbidden(format!("user '{user_id}' is a {r} of team {team_id} and cannot {to}"))),
            None => Err(forbidden(format!("user '{user_id}' is not a member of team {team_id}"))),
        }
    }
}

/// An admin grants up to admin; an owner grants any role.
fn grantable(mine: &str, role: &str) -> Result<()> {
    if role == "owner" && mine != "owner" {
        return Err(forbidden("only an owner of the team makes someone an owner".into()));
    }
    Ok(())
}

fn forbidden(message: String) -> CoreError {
    CoreError::new("forbidden", message)
}
