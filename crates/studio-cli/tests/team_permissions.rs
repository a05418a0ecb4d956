//! The seed's permissions on a real `studio serve --team`: every one of them allowed and
//! refused (403, nothing changed) — workflows by the project's roles, agents and their teams
//! by server-wide roles, administration (roles, the audit log) by the server's admin (the first
//! team's maker) — and custom roles adding to them on a team's projects or the whole server.
//! The audit log has every request, refused ones too, and is searched and exported over HTTP.

mod common;
mod team;

use std::path::Path;

use reqwest::Method;
use serde_json::{Value, json};
use studio_store::team::testing::FreshDatabase;

use team::{TeamServer, team_init};

#[tokio::test(flavor = "multi_thread")]
async fn every_permission_is_allowed_or_refused_and_custom_roles_add_to_them() {
    let fresh = FreshDatabase::new().await;
    let url = fresh.url.clone();
    let home = tempfile::tempdir().unwrap();
    tokio::task::spawn_blocking(move || permissions(home.path(), &url)).await.unwrap();
    fresh.drop().await;
}

fn ok(who: &str, what: &str, (status, answer): (u16, Value)) -> Value {
    assert!((200..300).contains(&status), "{who} may {what}: {status} {answer}");
    answer
}

fn refused(who: &str, what: &str, (status, answer): (u16, Value)) {
    assert_eq!(status, 403, "{who} may not {what}: {answer}");
    assert_eq!(answer["code"], "forbidden", "{answer}");
}

fn permissions(home: &Path, database: &str) {
    let owner = team_init(home, database, "Ana", "Forecasting");
    let team = owner["team_id"].as_str().unwrap().to_string();
    let owner_token = owner["token"].as_str().unwrap().to_string();
    let other = team_init(home, database, "Olga", "Elsewhere");
    let other_team = other["team_id"].as_str().unwrap().to_string();
    let server = TeamServer::start(home, database, None);
    let as_owner = |method, path: &str, body| server.call(Some(&owner_token), method, path, body);

    let mut members = Vec::new();
    for role in ["viewer", "editor", "admin"] {
        let body = json!({"display_name": format!("A {role}"), "role": role});
        let invited = ok(
            "the owner",
            "invite",
            as_owner(Method::POST, &format!("/api/v1/studio/teams/{team}/members"), Some(body)),
        );
        members.push((
            role,
            invited["member"]["user_id"].as_str().unwrap().to_string(),
            invited["token"].as_str().unwrap().to_string(),
        ));
    }
    let token = |role: &str| members.iter().find(|m| m.0 == role).unwrap().2.clone();
    let user = |role: &str| members.iter().find(|m| m.0 == role).unwrap().1.clone();
    let call = |role: &str, method: Method, path: &str, body: Option<Value>| {
        let t = if role == "owner" { owner_token.clone() } else { token(role) };
        server.call(Some(&t), method, path, body)
    };
    let project = ok(
        "the owner",
        "make a project",
        as_owner(Method::POST, "/api/v1/studio/projects", Some(json!({"project_name": "Heat pumps", "team_id": team}))),
    );
    let p = format!("/api/v1/studio/projects/{}", project["project_id"].as_str().unwrap());
    let workflow = json!({"name": "Nightly", "steps": [{"id": "e", "type": "task", "agent_type": "assistant", "task": "echo", "config": {"n": 1}}]});
    let workflows = || as_owner(Method::GET, &format!("{p}/workflows"), None).1.as_array().unwrap().len();
    let runs = || as_owner(Method::GET, &format!("{p}/executions"), None).1.as_array().unwrap().len();

    // read, workflow:create, workflow:execute, workflow:delete — the project's roles.
    for role in ["viewer", "editor", "admin"] {
        ok(role, "read workflows", call(role, Method::GET, &format!("{p}/workflows"), None));
        let (made, ran) = (workflows(), runs());
        let create = call(role, Method::PUT, &format!("{p}/workflows/nightly"), Some(workflow.clone()));
        let execute = call(role, Method::POST, &format!("{p}/workflows/nightly/execute"), Some(json!({})));
        if role == "viewer" {
            refused(role, "create a workflow", create);
            assert_eq!(workflows(), made, "a refused create changed nothing");
            ok(
                "the owner",
                "create a workflow",
                as_owner(Method::PUT, &format!("{p}/workflows/nightly"), Some(workflow.clone())),
            );
            let execute = call(role, Method::POST, &format!("{p}/workflows/nightly/execute"), Some(json!({})));
            refused(role, "run a workflow", execute);
            assert_eq!(runs(), ran, "a refused run started nothing");
            refused(role, "delete a workflow", call(role, Method::DELETE, &format!("{p}/workflows/nightly"), None));
            assert_eq!(workflows(), 1);
        } else {
            ok(role, "create a workflow", create);
            ok(role, "run a workflow", execute);
            ok(role, "delete a workflow", call(role, Method::DELETE, &format!("{p}/workflows/nightly"), None));
            ok(
                "the owner",
                "create it again",
                as_owner(Method::PUT, &format!("{p}/workflows/nightly"), Some(workflow.clone())),
            );
        }
    }

    // agent:spawn, agent:terminate, entanglement:manage, admin — the server's roles. Only the
    // server's admin has them at first (a team's admin is not the server's).
    let agents =
        || as_owner(Method::GET, "/api/v1/studio/agents?ended=true", None).1["agents"].as_array().unwrap().len();
    let teams = || as_owner(Method::GET, "/api/v1/studio/entanglements", None).1.as_array().unwrap().len();
    let spawned = ok(
        "the owner",
        "spawn an agent",
        as_owner(Method::POST, "/api/v1/studio/agents", Some(json!({"agent_type": "assistant"}))),
    );
    let agent = spawned["agent_id"].as_str().unwrap().to_string();
    for role in ["viewer", "editor", "admin"] {
        let before = (agents(), teams());
        refused(
            role,
            "spawn an agent",
            call(role, Method::POST, "/api/v1/studio/agents", Some(json!({"agent_type": "api"}))),
        );
        refused(
            role,
            "terminate an agent",
            call(role, Method::DELETE, &format!("/api/v1/studio/agents/{agent}"), None),
        );
        refused(
            role,
            "make an entanglement",
            call(role, Method::POST, "/api/v1/studio/entanglements", Some(json!({"name": "T", "agent_ids": [agent]}))),
        );
        refused(
            role,
            "make a role",
            call(role, Method::PUT, "/api/v1/studio/roles/runner", Some(json!({"permissions": ["read"]}))),
        );
        refused(role, "read the audit log", call(role, Method::GET, "/api/v1/studio/audit", None));
        refused(role, "read the settings", call(role, Method::GET, "/api/v1/studio/config", None));
        refused(
            role,
            "change a setting",
            call(role, Method::PUT, "/api/v1/studio/config/agents.max_total_instances", Some(json!({"value": 1}))),
        );
        assert_eq!((agents(), teams()), before, "refusals changed nothing");
        ok(role, "list agents", call(role, Method::GET, "/api/v1/studio/agents", None));
    }
    assert_eq!(as_owner(Method::GET, &format!("/api/v1/studio/agents/{agent}"), None).1["agent"]["status"], "running");
    assert_eq!(as_owner(Method::GET, "/api/v1/studio/roles", None).1.as_array().unwrap().len(), 1, "only admin");
    // The server's settings: shown to its admin, a live one changed for every instance and reset.
    let setting =
        |answer: Value, key: &str| answer.as_array().unwrap().iter().find(|e| e["key"] == key).cloned().unwrap();
    let shown = ok("the owner", "read the settings", as_owner(Method::GET, "/api/v1/studio/config", None));
    assert_eq!(setting(shown.clone(), "agents.max_total_instances")["value"], 50);
    assert!(setting(shown, "team.database")["value"].as_str().unwrap().starts_with("postgres://"));
    let path = "/api/v1/studio/config/agents.max_total_instances";
    let set = ok("the owner", "change a setting", as_owner(Method::PUT, path, Some(json!({"value": 1}))));
    assert_eq!((set["value"].clone(), set["source"].as_str()), (json!(1), Some("runtime")));
    let full = as_owner(Method::POST, "/api/v1/studio/agents", Some(json!({"agent_type": "api"})));
    assert_eq!(full.0, 409, "one agent runs, the limit is now 1: {}", full.1);
    let bad = as_owner(Method::PUT, "/api/v1/studio/config/team.redis", Some(json!({"value": "redis://x"})));
    assert!(bad.0 == 400 && bad.1["message"].as_str().unwrap().contains("read when Studio starts"), "{}", bad.1);
    let reset = ok("the owner", "reset a setting", as_owner(Method::DELETE, path, None));
    assert_eq!((reset["value"].clone(), reset["source"].as_str()), (json!(50), Some("default")));

    // Custom roles: an operator on the whole server, a runner on the team's projects.
    let operator = json!({"description": "Runs the agents", "permissions": ["agent:spawn", "agent:terminate", "chainbot:entanglement:manage"]});
    ok("the owner", "make a role", as_owner(Method::PUT, "/api/v1/studio/roles/operator", Some(operator)));
    ok(
        "the owner",
        "make a role",
        as_owner(Method::PUT, "/api/v1/studio/roles/runner", Some(json!({"permissions": ["workflow:execute"]}))),
    );
    let bad = as_owner(Method::PUT, "/api/v1/studio/roles/runner", Some(json!({"permissions": ["workflow:launch"]})));
    assert_eq!(bad.0, 400, "{}", bad.1);
    assert!(bad.1["message"].as_str().unwrap().contains("workflow:execute"), "names the permissions: {}", bad.1);
    let grant =
        |member: &str, role: &str, team: Option<&str>| json!({"member_id": member, "role": role, "team_id": team});
    ok(
        "the owner",
        "grant",
        as_owner(Method::POST, "/api/v1/studio/role-grants", Some(grant(&user("editor"), "operator", None))),
    );
    ok(
        "the owner",
        "grant",
        as_owner(Method::POST, "/api/v1/studio/role-grants", Some(grant(&user("viewer"), "runner", Some(&other_team)))),
    );
    refused(
        "a team admin",
        "grant",
        call("admin", Method::POST, "/api/v1/studio/role-grants", Some(grant(&user("admin"), "operator", None))),
    );

    let spawned = ok(
        "an operator",
        "spawn",
        call("editor", Method::POST, "/api/v1/studio/agents", Some(json!({"agent_type": "api"}))),
    );
    let second = spawned["agent_id"].as_str().unwrap().to_string();
    let made = ok(
        "an operator",
        "make an entanglement",
        call(
            "editor",
            Method::POST,
            "/api/v1/studio/entanglements",
            Some(json!({"name": "Fetch", "agent_ids": [agent, second]})),
        ),
    );
    let e = format!("/api/v1/studio/entanglements/{}", made["entanglement_id"].as_str().unwrap());
    ok(
        "an operator",
        "send a message",
        call("editor", Method::POST, &format!("{e}/messages"), Some(json!({"content": "go"}))),
    );
    refused(
        "a viewer",
        "send a message",
        call("viewer", Method::POST, &format!("{e}/messages"), Some(json!({"content": "go"}))),
    );
    ok("a viewer", "read the messages", call("viewer", Method::GET, &format!("{e}/messages"), None));
    ok("an operator", "terminate", call("editor", Method::DELETE, &format!("/api/v1/studio/agents/{second}"), None));
    refused(
        "an operator",
        "make a role",
        call("editor", Method::PUT, "/api/v1/studio/roles/x", Some(json!({"permissions": ["read"]}))),
    );

    // The runner role on another team's projects gives nothing here; on this team, it runs.
    refused(
        "a runner elsewhere",
        "run",
        call("viewer", Method::POST, &format!("{p}/workflows/nightly/execute"), Some(json!({}))),
    );
    ok(
        "the owner",
        "grant",
        as_owner(Method::POST, "/api/v1/studio/role-grants", Some(grant(&user("viewer"), "runner", Some(&team)))),
    );
    ok("a runner", "run", call("viewer", Method::POST, &format!("{p}/workflows/nightly/execute"), Some(json!({}))));
    refused(
        "a runner",
        "create a workflow",
        call("viewer", Method::PUT, &format!("{p}/workflows/other"), Some(workflow.clone())),
    );
    let rights = ok(
        "a runner",
        "see their rights",
        call(
            "viewer",
            Method::GET,
            &format!("/api/v1/studio/me/rights?project_id={}", project["project_id"].as_str().unwrap()),
            None,
        ),
    );
    assert_eq!(rights["project"], json!(["read", "workflow:execute"]), "{rights}");
    let mine = ok(
        "a runner",
        "see their roles",
        call("viewer", Method::GET, &format!("/api/v1/studio/role-grants?member_id={}", user("viewer")), None),
    );
    assert_eq!(mine.as_array().unwrap().len(), 2);
    refused("a runner", "see everyone's roles", call("viewer", Method::GET, "/api/v1/studio/role-grants", None));
    ok(
        "the owner",
        "revoke",
        as_owner(
            Method::DELETE,
            &format!("/api/v1/studio/role-grants?member_id={}&role=runner&team_id={team}", user("viewer")),
            None,
        ),
    );
    refused(
        "a runner no more",
        "run",
        call("viewer", Method::POST, &format!("{p}/workflows/nightly/execute"), Some(json!({}))),
    );

    // admin: the server keeps one; it may be given to another, who then administers.
    let owner_id = owner["member"]["user_id"].as_str().unwrap();
    let last = as_owner(Method::DELETE, &format!("/api/v1/studio/role-grants?member_id={owner_id}&role=admin"), None);
    assert_eq!(last.0, 400, "{}", last.1);
    ok(
        "the owner",
        "grant admin",
        as_owner(Method::POST, "/api/v1/studio/role-grants", Some(grant(&user("admin"), "admin", None))),
    );
    ok("a server admin", "delete a role", call("admin", Method::DELETE, "/api/v1/studio/roles/runner", None));
    assert!(as_owner(Method::DELETE, "/api/v1/studio/roles/admin", None).0 == 400);

    // The audit log: every request, refused ones too (a bad token's), searchable and exported.
    let (status, _) = server.call(
        Some("st_0000000000000000000000000000000000000000000000000000000000000000"),
        Method::GET,
        "/api/v1/studio/projects",
        None,
    );
    assert_eq!(status, 401);
    let refusals =
        ok("the owner", "search", as_owner(Method::GET, "/api/v1/studio/audit?outcome=refused&limit=1000", None));
    let refusals = refusals.as_array().unwrap();
    assert!(
        refusals.iter().any(|r| r["action"] == "spawn_agent" && r["user_id"] == user("viewer").as_str()),
        "{refusals:?}"
    );
    assert!(refusals.iter().any(|r| r["user_id"] == "anonymous" && r["code"] == "unauthorized"));
    assert!(refusals.iter().all(|r| r["outcome"] == "refused"));
    let spawns = ok(
        "the owner",
        "search",
        as_owner(Method::GET, "/api/v1/studio/audit?action=spawn_agent&outcome=allowed", None),
    );
    let spawns = spawns.as_array().unwrap();
    assert_eq!(spawns.len(), 2, "{spawns:?}");
    assert!(spawns[0]["session_id"].as_str().unwrap().contains("token:"), "{spawns:?}");
    assert!(spawns[0]["resource"].as_str().unwrap().is_empty());
    let exported = reqwest::blocking::Client::new()
        .get(format!("{}/api/v1/studio/audit/export?format=csv&action=spawn_agent", server.base))
        .bearer_auth(&owner_token)
        .send()
        .unwrap();
    assert_eq!(exported.headers()["content-type"], "text/csv; charset=utf-8");
    let text = exported.text().unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>()[..4], ["seq", "at", "user_id", "session_id"]);
    let every = ok("the owner", "search", as_owner(Method::GET, "/api/v1/studio/audit?action=spawn_agent", None));
    assert_eq!(reader.records().count(), every.as_array().unwrap().len(), "{text}");
    assert_eq!(every.as_array().unwrap().len(), 6, "two allowed, three refused, one over the limit");
    // A project's owner reads its own rows, not the server's.
    let own = format!("/api/v1/studio/audit?resource=project:{}", project["project_id"].as_str().unwrap());
    assert!(!ok("the owner", "search a project's", as_owner(Method::GET, &own, None)).as_array().unwrap().is_empty());
    refused("an editor", "search a project's", call("editor", Method::GET, &own, None));
}
