//! Cross-crate tests live in `tests/tests/`; `src/bin/` holds the processes the crash tests
//! kill (`crash_child.rs` editing, `task_child.rs` running tasks). What they share is here.

use std::path::Path;

use studio_core::model::ProjectCreate;
use studio_core::{Studio, StudioConfig};

/// Creates a library file at `db` holding one project owned by `user`; returns its id.
pub async fn library_with_project(db: &Path, user: &str, name: &str) -> String {
    let studio = Studio::open(StudioConfig::new(db.to_path_buf())).await.expect("open the library");
    let req = ProjectCreate {
        user_id: user.into(),
        team_id: None,
        project_name: name.into(),
        description: None,
        initial_query: None,
        template_id: None,
    };
    let id = studio.create_project(&req).await.expect("create the project").project_id;
    studio.close().await.expect("close the library");
    id
}
