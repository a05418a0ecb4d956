//! For tests of the team server (feature `testing`): a database of the test's own on a real
//! PostgreSQL — `STUDIO_TEST_POSTGRES`, or the one `scripts/services start` runs on loopback —
//! dropped by [`FreshDatabase::drop`]. A test that cannot get its database fails at once.
#![allow(clippy::expect_used)]

use std::process::Command;

/// The PostgreSQL server's URL: `STUDIO_TEST_POSTGRES`, or the one `scripts/services` starts.
pub fn server_url() -> String {
    service_url("STUDIO_TEST_POSTGRES")
}

/// The Redis server's URL: `STUDIO_TEST_REDIS`, or the one `scripts/services` starts.
pub fn redis_url() -> String {
    service_url("STUDIO_TEST_REDIS")
}

fn service_url(variable: &str) -> String {
    if let Ok(url) = std::env::var(variable) {
        return url;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/services");
    let out = Command::new(script).arg("start").output().expect("scripts/services runs");
    assert!(out.status.success(), "scripts/services start: {}", String::from_utf8_lossy(&out.stderr));
    let prefix = format!("export {variable}=");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .unwrap_or_else(|| panic!("scripts/services prints {variable}"))
        .to_string()
}

/// Runs one statement on the database at `url`, as an operator at a `psql` prompt would.
pub async fn run_sql(url: &str, sql: &str) {
    let pool = sqlx::PgPool::connect(url).await.expect("the test database answers");
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).execute(&pool).await.expect("the statement runs");
    pool.close().await;
}

/// A database of one test's own.
pub struct FreshDatabase {
    admin: sqlx::PgPool,
    name: String,
    pub url: String,
}

impl FreshDatabase {
    pub async fn new() -> FreshDatabase {
        let server = server_url();
        let admin = sqlx::PgPool::connect(&server).await.expect("the test PostgreSQL answers");
        let name = format!("studio_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .expect("a test database is created");
        let base = server.rsplit_once('/').map_or(server.as_str(), |(base, _)| base);
        FreshDatabase { url: format!("{base}/{name}"), admin, name }
    }

    /// Drops the database (its connections closed first).
    pub async fn drop(self) {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {} WITH (FORCE)", self.name)))
            .execute(&self.admin)
            .await
            .expect("the test database is dropped");
    }
}
