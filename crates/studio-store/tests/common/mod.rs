//! Rows for the store's tests.
#![allow(dead_code)]

use studio_store::{NewVersion, ProjectRow};

pub fn row(id: &str) -> ProjectRow {
    ProjectRow {
        project_id: id.into(),
        user_id: "u1".into(),
        team_id: None,
        project_name: format!("Project {id}"),
        description: None,
        status: "draft".into(),
        version: 1,
        prediction_task_id: None,
        data_package_id: None,
        population_id: None,
        workbench_states: "{}".into(),
        modification_log: "[]".into(),
        document: vec![1, 2, 3],
        created_at: "2026-11-22T00:00:00.000Z".into(),
        updated_at: "2026-11-22T00:00:00.000Z".into(),
        deleted_at: None,
    }
}

pub fn first_version(id: &str) -> NewVersion {
    NewVersion {
        version_id: format!("{id}-v1"),
        project_id: id.into(),
        version_number: 1,
        state_snapshot: format!("{{\"project_id\":\"{id}\"}}"),
        heads: "[]".into(),
        created_by: "u1".into(),
        created_at: "2026-11-22T00:00:00.000Z".into(),
    }
}
