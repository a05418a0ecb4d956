//! The team's accounts: users (with their public keys), teams (with a default role), members
//! and the bearer tokens an invitation issues (kept as their SHA-256 only).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::postgres::PgRow;

use super::{TeamDb, uuid};
use crate::{Result, StoreError};

/// The roles a member can have, least first. A team's default role cannot be `owner`.
const ROLES: [&str; 5] = ["viewer", "commenter", "editor", "admin", "owner"];

/// A user's columns, times as ISO 8601 (UTC).
macro_rules! user_columns {
    () => {
        r#"user_id::text AS user_id, display_name, public_key, to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at"#
    };
}

/// A team's columns (of `t`).
macro_rules! team_columns {
    () => {
        r#"t.team_id::text AS team_id, t.name, t.default_role, t.created_by::text AS created_by, to_char(t.created_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at"#
    };
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub user_id: String,
    pub display_name: String,
    pub public_key: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRow {
    pub team_id: String,
    pub name: String,
    pub default_role: String,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: String,
    pub display_name: String,
    pub role: String,
}

pub struct NewTeam<'a> {
    pub name: &'a str,
    pub default_role: &'a str,
    /// Becomes the team's owner.
    pub created_by: &'a str,
}

/// A token as issued: shown once, stored as its hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenGrant {
    pub token: String,
    pub user_id: String,
    pub expires_at: Option<String>,
}

/// A role named as the team server knows them, or an error listing them.
pub struct Role;

impl Role {
    pub fn check(role: &str) -> Result<&str> {
        ROLES
            .iter()
            .find(|r| **r == role)
            .copied()
            .ok_or_else(|| StoreError::Invalid(format!("'{role}' is not a role: use one of {}", ROLES.join(", "))))
    }

    /// Where `role` stands among the roles (viewer 0 … owner 4).
    pub fn rank(role: &str) -> Option<usize> {
        ROLES.iter().position(|r| *r == role)
    }
}

fn user_row(row: &PgRow) -> Result<UserRow> {
    Ok(UserRow {
        user_id: row.try_get("user_id")?,
        display_name: row.try_get("display_name")?,
        public_key: row.try_get("public_key")?,
        created_at: row.try_get("created_at")?,
    })
}

fn team_row(row: &PgRow) -> Result<TeamRow> {
    Ok(TeamRow {
        team_id: row.try_get("team_id")?,
        name: row.try_get("name")?,
        default_role: row.try_get("default_role")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

/// `name` trimmed, when it is 1 to 255 characters.
fn named<'a>(whose: &str, name: &'a str) -> Result<&'a str> {
    let name = name.trim();
    match name.chars().count() {
        1..=255 => Ok(name),
        _ => Err(StoreError::Invalid(format!("{whose} name is 1 to 255 characters"))),
    }
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl TeamDb {
    /// A new user. `public_key` (ed25519, 64 hex characters) is theirs alone: a key another
    /// user has is refused.
    pub async fn add_user(&self, display_name: &str, public_key: Option<&str>) -> Result<UserRow> {
        let name = named("a user's", display_name)?;
        if let Some(key) = public_key
            && (key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(StoreError::Invalid(format!("'{key}' is not an ed25519 public key (64 hex characters)")));
        }
        let sql = concat!(
            "INSERT INTO studio_users (user_id, display_name, public_key) VALUES ($1, $2, $3) RETURNING ",
            user_columns!()
        );
        let row = sqlx::query(sql)
            .bind(uuid::Uuid::new_v4())
            .bind(name)
            .bind(public_key.map(str::to_ascii_lowercase))
            .fetch_one(&self.pool)
            .await
            .map_err(|e| match crate::error::is_unique_violation(&e) {
                true => StoreError::Conflict("that public key belongs to another user".into()),
                false => e.into(),
            })?;
        user_row(&row)
    }

    pub async fn user(&self, user_id: &str) -> Result<UserRow> {
        let id = uuid("user", user_id)?;
        let sql = concat!("SELECT ", user_columns!(), " FROM studio_users WHERE user_id = $1");
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await?;
        user_row(&row.ok_or_else(|| StoreError::not_found("user", user_id))?)
    }

    /// A new team, its creator its owner (in one transaction).
    pub async fn create_team(&self, team: &NewTeam<'_>) -> Result<TeamRow> {
        let name = named("a team's", team.name)?;
        if Role::check(team.default_role)? == "owner" {
            return Err(StoreError::Invalid("a team's default role cannot be owner".into()));
        }
        let creator = self.user(team.created_by).await?;
        let mut tx = self.pool.begin().await?;
        let sql = concat!(
            "INSERT INTO studio_teams AS t (team_id, name, default_role, created_by) VALUES ($1, $2, $3, $4::uuid) RETURNING ",
            team_columns!()
        );
        let row = sqlx::query(sql)
            .bind(uuid::Uuid::new_v4())
            .bind(name)
            .bind(team.default_role)
            .bind(&creator.user_id)
            .fetch_one(&mut *tx)
            .await?;
        let created = team_row(&row)?;
        sqlx::query("INSERT INTO studio_team_members (team_id, user_id, role) VALUES ($1::uuid, $2::uuid, 'owner')")
            .bind(&created.team_id)
            .bind(&creator.user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn team(&self, team_id: &str) -> Result<TeamRow> {
        let id = uuid("team", team_id)?;
        let sql = concat!("SELECT ", team_columns!(), " FROM studio_teams t WHERE t.team_id = $1");
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await?;
        team_row(&row.ok_or_else(|| StoreError::not_found("team", team_id))?)
    }

    /// The teams `user_id` is a member of, by name.
    pub async fn teams_of(&self, user_id: &str) -> Result<Vec<TeamRow>> {
        let id = uuid("user", user_id)?;
        let sql = concat!(
            "SELECT ",
            team_columns!(),
            " FROM studio_teams t JOIN studio_team_members m ON m.team_id = t.team_id \
             WHERE m.user_id = $1 ORDER BY t.name, t.team_id"
        );
        sqlx::query(sql).bind(id).fetch_all(&self.pool).await?.iter().map(team_row).collect()
    }

    /// Makes `user_id` a member of `team_id` with `role` (the team's default when None), or
    /// changes their role. A team keeps at least one owner.
    pub async fn set_member(&self, team_id: &str, user_id: &str, role: Option<&str>) -> Result<Member> {
        let team = self.team(team_id).await?;
        let user = self.user(user_id).await?;
        let role = Role::check(role.unwrap_or(&team.default_role))?;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO studio_team_members (team_id, user_id, role) VALUES ($1::uuid, $2::uuid, $3) \
             ON CONFLICT (team_id, user_id) DO UPDATE SET role = EXCLUDED.role",
        )
        .bind(&team.team_id)
        .bind(&user.user_id)
        .bind(role)
        .execute(&mut *tx)
        .await?;
        keeps_an_owner(&mut tx, &team.team_id).await?;
        tx.commit().await?;
        Ok(Member { user_id: user.user_id, display_name: user.display_name, role: role.to_string() })
    }

    /// Removes `user_id` from `team_id`; the last owner cannot leave.
    pub async fn remove_member(&self, team_id: &str, user_id: &str) -> Result<()> {
        let (team, user) = (uuid("team", team_id)?, uuid("user", user_id)?);
        let mut tx = self.pool.begin().await?;
        let gone = sqlx::query("DELETE FROM studio_team_members WHERE team_id = $1 AND user_id = $2")
            .bind(team)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Err(StoreError::not_found("member", user_id));
        }
        keeps_an_owner(&mut tx, team_id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The team's members, owners first, then by name.
    pub async fn members(&self, team_id: &str) -> Result<Vec<Member>> {
        let team = self.team(team_id).await?;
        let rows = sqlx::query(
            "SELECT m.user_id::text AS user_id, u.display_name, m.role FROM studio_team_members m \
             JOIN studio_users u ON u.user_id = m.user_id WHERE m.team_id = $1::uuid",
        )
        .bind(&team.team_id)
        .fetch_all(&self.pool)
        .await?;
        let mut members: Vec<Member> = rows
            .iter()
            .map(|r| {
                Ok(Member {
                    user_id: r.try_get("user_id")?,
                    display_name: r.try_get("display_name")?,
                    role: r.try_get("role")?,
                })
            })
            .collect::<Result<_>>()?;
        members.sort_by(|a, b| {
            Role::rank(&b.role).cmp(&Role::rank(&a.role)).then_with(|| a.display_name.cmp(&b.display_name))
        });
        Ok(members)
    }

    /// `user_id`'s role in `team_id`, if they are a member.
    pub async fn role_in(&self, team_id: &str, user_id: &str) -> Result<Option<String>> {
        let (team, user) = (uuid("team", team_id)?, uuid("user", user_id)?);
        let row = sqlx::query("SELECT role FROM studio_team_members WHERE team_id = $1 AND user_id = $2")
            .bind(team)
            .bind(user)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("role")).transpose()?)
    }

    /// A new bearer token for `user_id`, valid for `valid_for` (for good when None).
    pub async fn issue_token(
        &self,
        user_id: &str,
        label: &str,
        valid_for: Option<std::time::Duration>,
    ) -> Result<TokenGrant> {
        let user = self.user(user_id).await?;
        let token = format!("st_{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
        let seconds = valid_for.map(|d| d.as_secs_f64());
        let row = sqlx::query(
            r#"INSERT INTO studio_tokens (token_hash, user_id, label, expires_at)
               VALUES ($1, $2::uuid, $3, (NOW() AT TIME ZONE 'UTC') + make_interval(secs => $4))
               RETURNING to_char(expires_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires_at"#,
        )
        .bind(hash(&token))
        .bind(&user.user_id)
        .bind(label)
        .bind(seconds)
        .fetch_one(&self.pool)
        .await?;
        Ok(TokenGrant { token, user_id: user.user_id, expires_at: row.try_get("expires_at")? })
    }

    /// The user a token belongs to; unknown, revoked and expired tokens are refused, saying which.
    /// While the database is away, a token that signed in within the last 24 hours is still
    /// known as its user — so what they do can be kept for them; nothing else is granted, as
    /// every change needs the database.
    pub async fn authenticate(&self, token: &str) -> Result<UserRow> {
        let key = hash(token);
        let signed_in = || self.signed_in.lock().unwrap_or_else(|p| p.into_inner());
        match self.check_token(token).await {
            Ok(user) => {
                signed_in().insert(key, (user.clone(), std::time::Instant::now()));
                Ok(user)
            }
            Err(StoreError::Unavailable(why)) => match signed_in().get(&key) {
                Some((user, at)) if at.elapsed() < std::time::Duration::from_secs(24 * 3600) => Ok(user.clone()),
                _ => Err(StoreError::Unavailable(why)),
            },
            Err(e) => {
                signed_in().remove(&key);
                Err(e)
            }
        }
    }

    async fn check_token(&self, token: &str) -> Result<UserRow> {
        let row = sqlx::query(
            "SELECT user_id::text AS user_id, revoked_at IS NOT NULL AS revoked, \
             COALESCE(expires_at <= (NOW() AT TIME ZONE 'UTC'), false) AS expired \
             FROM studio_tokens WHERE token_hash = $1",
        )
        .bind(hash(token))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::Unauthorized("the token is not one this team server issued".into()))?;
        if row.try_get::<bool, _>("revoked")? {
            return Err(StoreError::Unauthorized("the token was revoked".into()));
        }
        if row.try_get::<bool, _>("expired")? {
            return Err(StoreError::Unauthorized("the token has expired: ask for a new invitation".into()));
        }
        self.user(&row.try_get::<String, _>("user_id")?).await
    }

    /// Revokes a token: it is refused from now on.
    pub async fn revoke_token(&self, token: &str) -> Result<()> {
        let done = sqlx::query(
            "UPDATE studio_tokens SET revoked_at = (NOW() AT TIME ZONE 'UTC') WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(hash(token))
        .execute(&self.pool)
        .await?;
        match done.rows_affected() {
            0 => Err(StoreError::not_found("token", "(the one given)")),
            _ => Ok(()),
        }
    }
}

/// Fails (so the transaction is rolled back) when `team_id` would be left without an owner.
async fn keeps_an_owner(tx: &mut sqlx::Transaction<'_, sqlx::Postgres>, team_id: &str) -> Result<()> {
    let owners: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM studio_team_members WHERE team_id = $1::uuid AND role = 'owner'")
            .bind(team_id)
            .fetch_one(&mut **tx)
            .await?;
    match owners {
        0 => Err(StoreError::Conflict("a team keeps at least one owner: make someone else owner first".into())),
        _ => Ok(()),
    }
}
