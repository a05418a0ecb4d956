//! The desktop app's core (`studio_core::Studio`, opened in this process as the app opens it)
//! joins a project shared by one `studio serve` and also joined by another: edits made in each
//! of the three reach the other two, and the three documents end with the same heads.

mod common;

use std::time::Duration;

use common::{Served, eventually, heads_of, json, override_fields, pair};
use serde_json::{Value, json as value};
use studio_core::{Studio, StudioConfig};

struct Desktop {
    runtime: tokio::runtime::Runtime,
    studio: Studio,
    user: String,
}

impl Desktop {
    fn open(dir: &std::path::Path) -> Desktop {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let mut config = StudioConfig::new(dir.join("library.db"));
        config.program = studio_core::Program::Desktop;
        let studio = runtime.block_on(Studio::open(config)).unwrap();
        let mut desktop = Desktop { runtime, studio, user: String::new() };
        let profile = desktop.ask(value!({"request": "update_profile", "display_name": "Cy"}));
        desktop.user = profile["user_id"].as_str().unwrap().to_string();
        desktop
    }

    fn ask(&self, mut request: Value) -> Value {
        request["api_version"] = value!(1);
        let answer = self.runtime.block_on(self.studio.dispatch_json(&request));
        answer.unwrap_or_else(|e| panic!("{request}: {}", e.message)).value()
    }

    fn fields(&self, project: &str) -> Vec<String> {
        override_fields(&self.ask(value!({"request": "get_project", "project_id": project, "user_id": self.user})))
    }

    fn heads(&self, project: &str) -> Vec<String> {
        heads_of(&self.ask(value!({"request": "sync_status", "project_id": project})))
    }
}

#[test]
fn the_desktop_apps_core_edits_alongside_two_studio_servers() {
    let (p, hub) = pair("editor");
    let bea = Served::start(&p.bea, &[]);
    let dir = tempfile::tempdir().unwrap();
    let cy = Desktop::open(dir.path());
    let invite = json(&p.ada, &["share", &p.project, "--role", "editor"]);
    cy.ask(value!({"request": "join_project", "token": invite["token"], "user_id": cy.user}));

    assert_eq!(hub.edit(&p.project, "ada-1"), 200);
    assert_eq!(bea.edit(&p.project, "bea-1"), 200);
    let edit = value!({"request": "workbench_action", "project_id": p.project, "user_id": cy.user,
        "workbench": "data", "action": "override_value",
        "payload": {"override": {"field": "cy-1", "value": 3, "reason": "from the app"}}});
    cy.ask(edit);
    let all = vec!["ada-1".to_string(), "bea-1".to_string(), "cy-1".to_string()];
    let converged = eventually(Duration::from_secs(20), || {
        hub.fields(&p.project) == all && bea.fields(&p.project) == all && cy.fields(&p.project) == all
    });
    assert!(
        converged,
        "ada {:?} bea {:?} cy {:?}",
        hub.fields(&p.project),
        bea.fields(&p.project),
        cy.fields(&p.project)
    );
    assert!(eventually(Duration::from_secs(10), || {
        let heads = hub.heads(&p.project);
        bea.heads(&p.project) == heads && cy.heads(&p.project) == heads
    }));
    let status = cy.ask(value!({"request": "sync_status", "project_id": p.project}));
    assert_eq!((status["side"].clone(), status["state"].clone()), (value!("peer"), value!("connected")), "{status}");
    cy.runtime.block_on(cy.studio.sharing.stop());
}
