//! `.studio` files: round trip, id collisions, and every kind of bad file refused with a
//! message saying which, leaving the library intact.

use std::path::Path;

mod common;

use common::{first_version, row};
use studio_store::{ExportOptions, Store, StoreError};

async fn library(dir: &Path, name: &str) -> Store {
    Store::open(&dir.join(name)).await.expect("open library")
}

#[tokio::test]
async fn export_then_import_elsewhere_and_twice() {
    let dir = tempfile::tempdir().unwrap();
    let a = library(dir.path(), "a.db").await;
    a.create_project(&row("p1"), &first_version("p1")).await.unwrap();
    let hash = a.put_artifact("p1", "data_package", b"resolved data").await.unwrap();
    let file = dir.path().join("p1.studio");
    a.export_project("p1", &file, ExportOptions { with_artifacts: true }).await.unwrap();
    let leftovers =
        std::fs::read_dir(dir.path()).unwrap().flatten().filter(|e| e.path().to_string_lossy().ends_with(".partial"));
    assert_eq!(leftovers.count(), 0, "no temporary file is left");
    let check = Store::check_file(&file).await.unwrap();
    assert_eq!((check.project_id.as_str(), check.project_name.as_str()), ("p1", "Project p1"));

    let b = library(dir.path(), "b.db").await;
    assert_eq!(b.import_project(&file, "fresh-1").await.unwrap(), "p1");
    assert_eq!(b.project("p1").await.unwrap().document, vec![1, 2, 3]);
    assert_eq!(b.artifact(&hash).await.unwrap().content, b"resolved data");
    assert_eq!(b.versions("p1").await.unwrap().len(), 1);
    // The same file again: a new id, the first import untouched.
    assert_eq!(b.import_project(&file, "fresh-2").await.unwrap(), "fresh-2");
    assert_eq!(b.versions("fresh-2").await.unwrap().len(), 1);
    assert_eq!(b.project_artifacts("fresh-2").await.unwrap(), vec![hash]);
    assert_eq!(b.integrity_check().await.unwrap(), "ok");
}

/// Two exports to one path at once (two clicks, two programs) each write a temporary file of
/// their own; both succeed and the file is whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_exports_to_one_path_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let a = library(dir.path(), "a.db").await;
    a.create_project(&row("p1"), &first_version("p1")).await.unwrap();
    a.put_artifact("p1", "data_package", &vec![7u8; 4 << 20]).await.unwrap();
    let file = dir.path().join("same.studio");
    let options = ExportOptions { with_artifacts: true };
    let (first, second) = tokio::join!(a.export_project("p1", &file, options), a.export_project("p1", &file, options));
    first.unwrap();
    second.unwrap();
    assert_eq!(Store::check_file(&file).await.unwrap().project_id, "p1");
}

#[tokio::test]
async fn bad_files_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = library(dir.path(), "main.db").await;
    store.create_project(&row("p1"), &first_version("p1")).await.unwrap();
    let good = dir.path().join("good.studio");
    store.export_project("p1", &good, ExportOptions::default()).await.unwrap();
    let bytes = std::fs::read(&good).unwrap();

    let text = dir.path().join("notes.studio");
    std::fs::write(&text, "just some text, long enough to pass any size check we might have... ".repeat(3)).unwrap();
    let truncated = dir.path().join("truncated.studio");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let mut damaged_bytes = bytes.clone();
    let page = 4096.min(damaged_bytes.len() / 2);
    for b in &mut damaged_bytes[page..page + 512] {
        *b = 0xAB;
    }
    let damaged = dir.path().join("damaged.studio");
    std::fs::write(&damaged, &damaged_bytes).unwrap();
    let library_file = dir.path().join("main.db");
    let newer = dir.path().join("newer.studio");
    std::fs::copy(&good, &newer).unwrap();
    {
        let s = Store::open(&dir.path().join("scratch.db")).await.unwrap();
        let mut conn = s.pool().unwrap().acquire().await.unwrap();
        sqlx::query("ATTACH DATABASE ? AS f").bind(newer.to_string_lossy().as_ref()).execute(&mut *conn).await.unwrap();
        sqlx::query("INSERT INTO f._sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', 1, x'00', 0)")
            .execute(&mut *conn)
            .await
            .unwrap();
        sqlx::query("DETACH DATABASE f").execute(&mut *conn).await.unwrap();
        drop(conn);
        s.close().await;
    }

    let cases: [(&Path, &str); 5] = [
        (&text, "is not a SQLite database"),
        (&truncated, "truncated"),
        (&damaged, "damaged"),
        (&library_file, "not a project file"),
        (&newer, "written by a newer FutureOS Studio (schema 9999"),
    ];
    for (path, expected) in cases {
        let err = store.import_project(path, "new-id").await.unwrap_err();
        assert!(err.to_string().contains(expected), "{}: {err}", path.display());
        assert!(matches!(err, StoreError::NotALibrary { .. } | StoreError::NewerSchema { .. }), "{err:?}");
    }
    let missing = store.import_project(&dir.path().join("nowhere.studio"), "x").await.unwrap_err();
    assert_eq!(missing.code(), "io_error");
    assert_eq!(store.list_projects(None, None).await.unwrap().len(), 1);
    assert_eq!(store.integrity_check().await.unwrap(), "ok");
}

#[tokio::test]
async fn a_library_from_a_newer_studio_is_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lib.db");
    let store = Store::open(&path).await.unwrap();
    sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', 1, x'00', 0)")
        .execute(store.pool().unwrap())
        .await
        .unwrap();
    store.close().await;
    let err = Store::open(&path).await.unwrap_err();
    assert_eq!(err.code(), "newer_schema");
}
