//! The team server's database on a real PostgreSQL (`scripts/services start` runs one on
//! loopback; `STUDIO_TEST_POSTGRES` names another): the seed's tables and indexes with its
//! names, and the team's accounts — users, teams, members, roles, tokens — with bad input
//! refused by name and nothing changed.

use std::time::Duration;

use studio_store::StoreError;
use studio_store::team::testing::FreshDatabase;
use studio_store::team::{NewTeam, TeamDb};

/// A database of the test's own, dropped (with the handle closed) when the test ends.
struct Fresh(FreshDatabase);

impl Fresh {
    async fn new() -> Fresh {
        Fresh(FreshDatabase::new().await)
    }

    async fn drop(self, db: TeamDb) {
        db.close().await;
        self.0.drop().await;
    }
}

#[tokio::test]
async fn the_seeds_tables_and_indexes_exist_with_its_names() {
    let fresh = Fresh::new().await;
    let db = TeamDb::connect(&fresh.0.url).await.unwrap();
    // Connecting again runs no migration twice.
    let again = TeamDb::connect(&fresh.0.url).await.unwrap();
    again.close().await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    for t in ["studio_projects", "studio_project_versions", "studio_scenarios", "studio_reports"] {
        assert!(tables.iter().any(|x| x == t), "{t} in {tables:?}");
    }
    let indexes: Vec<String> = sqlx::query_scalar("SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public'")
        .fetch_all(db.pool())
        .await
        .unwrap();
    for i in ["idx_projects_user", "idx_projects_team", "idx_scenarios_project", "idx_versions_project"] {
        assert!(indexes.iter().any(|x| x == i), "{i} in {indexes:?}");
    }
    // The seed's types where the product makes what the seed says.
    let types: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_name = 'studio_projects' ORDER BY ordinal_position",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let of = |c: &str| types.iter().find(|(n, _)| n == c).map(|(_, t)| t.as_str());
    assert_eq!(of("project_id"), Some("uuid"));
    assert_eq!(of("workbench_states"), Some("jsonb"));
    assert_eq!(of("modification_log"), Some("jsonb"));
    assert_eq!(of("deleted_at"), Some("timestamp without time zone"));
    fresh.drop(db).await;
}

#[tokio::test]
async fn teams_members_and_roles() {
    let fresh = Fresh::new().await;
    let db = TeamDb::connect(&fresh.0.url).await.unwrap();
    let key = "ab".repeat(32);
    let ana = db.add_user("Ana", Some(&key)).await.unwrap();
    let ben = db.add_user("Ben", None).await.unwrap();
    assert!(matches!(db.add_user("Eve", Some(&key)).await, Err(StoreError::Conflict(_))), "a key is one user's");
    assert!(db.add_user("  ", None).await.unwrap_err().to_string().contains("1 to 255 characters"));
    let bad = db.add_user("Eve", Some("not-hex")).await.unwrap_err().to_string();
    assert!(bad.contains("not an ed25519 public key"), "{bad}");

    let team = db
        .create_team(&NewTeam { name: "Forecasting", default_role: "editor", created_by: &ana.user_id })
        .await
        .unwrap();
    assert_eq!(db.role_in(&team.team_id, &ana.user_id).await.unwrap().as_deref(), Some("owner"));
    assert_eq!(db.role_in(&team.team_id, &ben.user_id).await.unwrap(), None);
    // The team's default role when none is named.
    assert_eq!(db.set_member(&team.team_id, &ben.user_id, None).await.unwrap().role, "editor");
    db.set_member(&team.team_id, &ben.user_id, Some("viewer")).await.unwrap();
    let members = db.members(&team.team_id).await.unwrap();
    assert_eq!(
        members.iter().map(|m| (m.display_name.as_str(), m.role.as_str())).collect::<Vec<_>>(),
        [("Ana", "owner"), ("Ben", "viewer")]
    );
    assert_eq!(db.teams_of(&ben.user_id).await.unwrap()[0].name, "Forecasting");

    // Refused by name, nothing changed.
    let role = db.set_member(&team.team_id, &ben.user_id, Some("emperor")).await.unwrap_err();
    assert_eq!(role.code(), "invalid_request");
    assert!(role.to_string().contains("viewer, commenter, editor, admin, owner"), "{role}");
    let last = db.set_member(&team.team_id, &ana.user_id, Some("admin")).await.unwrap_err();
    assert!(matches!(last, StoreError::Conflict(_)), "{last}");
    assert!(matches!(db.remove_member(&team.team_id, &ana.user_id).await, Err(StoreError::Conflict(_))));
    assert_eq!(db.role_in(&team.team_id, &ana.user_id).await.unwrap().as_deref(), Some("owner"));
    let owner_default = NewTeam { name: "X", default_role: "owner", created_by: &ana.user_id };
    assert!(db.create_team(&owner_default).await.unwrap_err().to_string().contains("cannot be owner"));
    let unknown = db.team(&uuid::Uuid::new_v4().to_string()).await.unwrap_err();
    assert_eq!(unknown.code(), "not_found");
    assert_eq!(db.team("nonsense").await.unwrap_err().code(), "invalid_request");

    db.remove_member(&team.team_id, &ben.user_id).await.unwrap();
    assert_eq!(db.role_in(&team.team_id, &ben.user_id).await.unwrap(), None);
    fresh.drop(db).await;
}

#[tokio::test]
async fn tokens_are_kept_hashed_and_refused_when_revoked_or_expired() {
    let fresh = Fresh::new().await;
    let db = TeamDb::connect(&fresh.0.url).await.unwrap();
    let ana = db.add_user("Ana", None).await.unwrap();
    let grant = db.issue_token(&ana.user_id, "laptop", None).await.unwrap();
    assert_eq!(grant.expires_at, None);
    assert_eq!(db.authenticate(&grant.token).await.unwrap().user_id, ana.user_id);
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT token_hash FROM studio_tokens").fetch_all(db.pool()).await.unwrap();
    assert!(!stored.contains(&grant.token), "only the token's hash is kept");

    let wrong = db.authenticate("st_guess").await.unwrap_err();
    assert_eq!(wrong.code(), "unauthorized");
    db.revoke_token(&grant.token).await.unwrap();
    assert!(db.authenticate(&grant.token).await.unwrap_err().to_string().contains("revoked"));
    assert_eq!(db.revoke_token(&grant.token).await.unwrap_err().code(), "not_found");

    let brief = db.issue_token(&ana.user_id, "brief", Some(Duration::from_millis(300))).await.unwrap();
    assert!(brief.expires_at.is_some());
    db.authenticate(&brief.token).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(db.authenticate(&brief.token).await.unwrap_err().to_string().contains("expired"));
    fresh.drop(db).await;
}

#[tokio::test]
async fn an_unreachable_server_and_a_bad_url_are_named() {
    let gone = TeamDb::connect("postgres://studio:secret@127.0.0.1:9/studio").await.unwrap_err();
    assert_eq!(gone.code(), "unavailable");
    assert!(gone.to_string().contains("studio:***@127.0.0.1:9"), "{gone}");
    assert!(!gone.to_string().contains("secret"), "{gone}");
    let bad = TeamDb::connect("mysql://nope").await.unwrap_err();
    assert_eq!(bad.code(), "invalid_request", "{bad}");
}

#[tokio::test]
async fn the_sync_storage_is_shared_and_ranges_stop_at_their_prefix() {
    let fresh = Fresh::new().await;
    let a = TeamDb::connect(&fresh.0.url).await.unwrap();
    // A second instance on the same database.
    let b = TeamDb::connect(&fresh.0.url).await.unwrap();
    let bytes = |n: u8| vec![0u8, n, 255, 0, n];
    a.sync_put("doc1/snapshot/x", &bytes(1)).await.unwrap();
    a.sync_put("doc1/incremental/y", &bytes(2)).await.unwrap();
    a.sync_put("doc10/snapshot/z", &bytes(3)).await.unwrap();
    a.sync_put("doc1", &bytes(4)).await.unwrap();
    assert_eq!(
        b.sync_load("doc1/snapshot/x").await.unwrap(),
        Some(bytes(1)),
        "binary data whole, on the other instance"
    );
    assert_eq!(b.sync_load("doc1/snapshot").await.unwrap(), None);
    let keys = |r: Vec<(String, Vec<u8>)>| r.into_iter().map(|(k, _)| k).collect::<Vec<_>>();
    assert_eq!(keys(b.sync_load_range("doc1").await.unwrap()), ["doc1", "doc1/incremental/y", "doc1/snapshot/x"]);
    assert_eq!(keys(b.sync_load_range("doc10").await.unwrap()), ["doc10/snapshot/z"]);
    assert_eq!(b.sync_load_range("").await.unwrap().len(), 4);
    b.sync_put("doc1/snapshot/x", &bytes(9)).await.unwrap();
    assert_eq!(a.sync_load("doc1/snapshot/x").await.unwrap(), Some(bytes(9)), "a put replaces");
    a.sync_delete("doc1/snapshot/x").await.unwrap();
    a.sync_delete("doc1/snapshot/x").await.unwrap();
    assert_eq!(b.sync_load("doc1/snapshot/x").await.unwrap(), None);
    assert_eq!(a.sync_put("", &bytes(0)).await.unwrap_err().code(), "invalid_request");
    b.close().await;
    fresh.drop(a).await;
}
