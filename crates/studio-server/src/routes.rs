//! The route table. Every route is added through [`Routes::add`], which also records it, so a
//! test can hold the router against the OpenAPI document both ways.

use std::path::Path;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, any, delete, get, post, put};
use studio_core::CoreError;
use tower_http::services::{ServeDir, ServeFile};

use crate::{
    ApiError, AppState, admin_routes as ad, agent_routes as ag, analysis_routes as a, event_routes as ev, guard,
    handlers as h, ops_routes as o, people_routes as p, question_routes as q, report_routes as r, socket,
    task_routes as t, team_routes as tm, unsent_routes as un, workflow_routes as wf,
};

/// The OpenAPI document served at `/api/v1/openapi.json`.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// Largest request body: a full 10 MB snapshot's worth of payload and some room.
const BODY_LIMIT: usize = 16 * 1024 * 1024;
/// Largest `.studio` file published to a team: a project with its populations and ensembles.
const FILE_LIMIT: usize = 512 * 1024 * 1024;

struct Routes {
    router: Router<AppState>,
    table: Vec<(&'static str, &'static str)>,
}

impl Routes {
    fn add(mut self, method: &'static str, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.table.push((method, path));
        self.router = self.router.route(path, handler);
        self
    }
}

/// Each request runs to its end in a task of its own, even when its client goes away: an edit
/// is journaled and answered whole, never cut off between the two; a handler that panics
/// answers 500 instead of dropping the connection.
async fn run_detached(request: Request, next: Next) -> Response {
    // The task-local caller (a team server's) goes into the request's own task.
    let caller = request.extensions().get::<guard::Caller>().cloned();
    match tokio::spawn(guard::CALLER.scope(caller, next.run(request))).await {
        Ok(response) => response,
        Err(e) => ApiError(CoreError::internal(format!("the request failed: {e}"))).into_response(),
    }
}

/// The application and the list of (method, path) it serves.
pub fn router(state: AppState, ui_dir: Option<&Path>) -> (Router, Vec<(&'static str, &'static str)>) {
    let routes = Routes { router: Router::new(), table: Vec::new() }
        .add("post", "/api/v1/studio/projects", post(h::create_project))
        .add("get", "/api/v1/studio/projects", get(h::list_projects))
        .add("get", "/api/v1/studio/projects/{id}", get(h::get_project))
        .add("put", "/api/v1/studio/projects/{id}", put(h::update_project))
        .add("delete", "/api/v1/studio/projects/{id}", delete(h::delete_project))
        .add("post", "/api/v1/studio/projects/{id}/undelete", post(h::undelete_project))
        .add("get", "/api/v1/studio/projects/{id}/versions", get(h::list_versions))
        .add("post", "/api/v1/studio/projects/{id}/versions", post(h::save_project))
        .add("post", "/api/v1/studio/projects/{id}/versions/{version}/restore", post(h::restore_version))
        .add("post", "/api/v1/studio/projects/{id}/duplicate", post(h::duplicate_project))
        .add("post", "/api/v1/studio/projects/{id}/workbench/{workbench}/action", post(h::workbench_action))
        .add("get", "/api/v1/studio/projects/{id}/workbench/{workbench}/state", get(h::workbench_state))
        .add("post", "/api/v1/studio/projects/{id}/undo", post(h::undo))
        .add("post", "/api/v1/studio/projects/{id}/redo", post(h::redo))
        .add("get", "/api/v1/studio/projects/{id}/log", get(h::log))
        .add("post", "/api/v1/studio/projects/{id}/question/parse", post(q::parse_question))
        .add("put", "/api/v1/studio/projects/{id}/prediction-task", put(q::confirm_prediction_task))
        .add("post", "/api/v1/studio/projects/{id}/scenarios/{sid}/sensitivity", post(a::start_sensitivity))
        .add("get", "/api/v1/studio/projects/{id}/scenarios/{sid}/sensitivity", get(a::sensitivity))
        .add("post", "/api/v1/studio/projects/{id}/scenarios/{sid}/goal-seek", post(a::start_goal_seek))
        .add("get", "/api/v1/studio/projects/{id}/scenarios/{sid}/goal-seek", get(a::goal_seek))
        .add("get", "/api/v1/studio/projects/{id}/causal-graph", get(a::causal_graph))
        .add("get", "/api/v1/studio/projects/{id}/time-axis", get(a::time_axis))
        .add("put", "/api/v1/studio/projects/{id}/causal-graph/edge", put(a::edit_causal_edge))
        .add("get", "/api/v1/studio/projects/{id}/recovery", get(h::recovery_offer))
        .add("post", "/api/v1/studio/projects/{id}/recovery", post(h::recover))
        .add("delete", "/api/v1/studio/projects/{id}/recovery", delete(h::discard_recovery))
        .add("get", "/api/v1/studio/projects/{id}/tasks", get(t::list_tasks))
        .add("post", "/api/v1/studio/projects/{id}/run", post(t::run_pipeline))
        .add("post", "/api/v1/studio/projects/{id}/export", post(t::export_project))
        .add("get", "/api/v1/studio/tasks/{tid}", get(t::get_task))
        .add("post", "/api/v1/studio/tasks/{tid}/cancel", post(t::cancel_task))
        .add("get", "/api/v1/studio/agents", get(ag::list))
        .add("post", "/api/v1/studio/agents", post(ag::spawn))
        .add("get", "/api/v1/studio/agents/{aid}", get(ag::get))
        .add("delete", "/api/v1/studio/agents/{aid}", delete(ag::terminate))
        .add("get", "/api/v1/studio/roles", get(ad::roles))
        .add("put", "/api/v1/studio/roles/{name}", put(ad::save_role))
        .add("delete", "/api/v1/studio/roles/{name}", delete(ad::delete_role))
        .add("get", "/api/v1/studio/role-grants", get(ad::grants))
        .add("post", "/api/v1/studio/role-grants", post(ad::grant))
        .add("delete", "/api/v1/studio/role-grants", delete(ad::revoke))
        .add("get", "/api/v1/studio/me/rights", get(ad::my_rights))
        .add("get", "/api/v1/studio/audit", get(ad::audit))
        .add("get", "/api/v1/studio/audit/export", get(ad::export_audit))
        .add("get", "/api/v1/studio/config", get(ad::config))
        .add("put", "/api/v1/studio/config/{key}", put(ad::set_config))
        .add("delete", "/api/v1/studio/config/{key}", delete(ad::reset_config))
        .add("get", "/api/v1/studio/entanglements", get(ag::entanglements))
        .add("post", "/api/v1/studio/entanglements", post(ag::create_entanglement))
        .add("get", "/api/v1/studio/entanglements/{eid}", get(ag::entanglement))
        .add("delete", "/api/v1/studio/entanglements/{eid}", delete(ag::delete_entanglement))
        .add("put", "/api/v1/studio/entanglements/{eid}/agents/{aid}", put(ag::add_agent))
        .add("delete", "/api/v1/studio/entanglements/{eid}/agents/{aid}", delete(ag::remove_agent))
        .add("post", "/api/v1/studio/entanglements/{eid}/messages", post(ag::send))
        .add("get", "/api/v1/studio/entanglements/{eid}/messages", get(ag::messages))
        .add("post", "/api/v1/studio/projects/{id}/report/generate", post(r::generate))
        .add("post", "/api/v1/studio/projects/{id}/report/preview", post(r::preview))
        .add("get", "/api/v1/studio/projects/{id}/reports", get(r::list_reports))
        .add("get", "/api/v1/studio/projects/{id}/report/schedule", get(r::schedule))
        .add("post", "/api/v1/studio/projects/{id}/report/schedule/send", post(r::send_now))
        .add("get", "/api/v1/studio/projects/{id}/report/{rid}", get(r::get_report))
        .add("post", "/api/v1/studio/projects/{id}/report/{rid}/export", post(r::export))
        .add("post", "/api/v1/studio/projects/{id}/report/{rid}/reveal", post(r::reveal))
        .add("post", "/api/v1/studio/outbox/reveal", post(r::reveal_outbox))
        .add("post", "/api/v1/studio/projects/{id}/collaborators", post(p::add_collaborator))
        .add("put", "/api/v1/studio/projects/{id}/collaborators/{uid}", put(p::set_role))
        .add("delete", "/api/v1/studio/projects/{id}/collaborators/{uid}", delete(p::remove_collaborator))
        .add("post", "/api/v1/studio/projects/{id}/invites", post(p::create_invite))
        .add("get", "/api/v1/studio/projects/{id}/invites", get(p::invites))
        .add("delete", "/api/v1/studio/projects/{id}/invites/{iid}", delete(p::revoke_invite))
        .add("get", "/api/v1/studio/projects/{id}/sync", get(p::sync_status))
        .add("put", "/api/v1/studio/projects/{id}/presence", put(p::set_presence))
        .add("post", "/api/v1/studio/projects/{id}/conflicts/resolve", post(p::resolve_conflict))
        .add("post", "/api/v1/studio/join", post(p::join))
        .add("get", "/api/v1/studio/profile", get(p::profile))
        .add("put", "/api/v1/studio/profile", put(p::update_profile))
        .add("get", "/api/v1/studio/hub", get(p::hub_status))
        .add("put", "/api/v1/studio/hub", put(p::share_on_network))
        .add("get", "/api/v1/studio/library", get(h::library_info))
        .add("get", "/api/v1/studio/limits", get(h::limits))
        .add("get", "/api/v1/studio/teams", get(tm::teams))
        .add("post", "/api/v1/studio/teams", post(tm::create_team))
        .add("get", "/api/v1/studio/teams/{team}/members", get(tm::members))
        .add("post", "/api/v1/studio/teams/{team}/members", post(tm::invite))
        .add("put", "/api/v1/studio/teams/{team}/members/{uid}", put(tm::set_role))
        .add("delete", "/api/v1/studio/teams/{team}/members/{uid}", delete(tm::remove))
        .add("post", "/api/v1/studio/teams/{team}/projects", post(tm::publish).layer(DefaultBodyLimit::max(FILE_LIMIT)))
        .add("get", "/api/v1/studio/projects/{id}/file", get(tm::download))
        .add("get", "/api/v1/studio/projects/{id}/artifacts/{hash}", get(tm::artifact))
        .add("get", "/api/v1/studio/projects/{id}/unsent", get(un::unsent))
        .add("post", "/api/v1/studio/projects/{id}/unsent", post(un::apply))
        .add("delete", "/api/v1/studio/projects/{id}/unsent", delete(un::discard))
        .add("get", "/api/v1/studio/sessions/{client}", get(un::session))
        .add("put", "/api/v1/studio/sessions/{client}", put(un::keep_session))
        .add("get", "/api/v1/studio/health", get(o::health))
        .add("get", "/api/v1/studio/metrics", get(o::metrics))
        .add("get", "/api/v1/studio/projects/{id}/workflows", get(wf::list))
        .add("post", "/api/v1/studio/projects/{id}/workflows", post(wf::create))
        .add("get", "/api/v1/studio/projects/{id}/workflows/{wfid}", get(wf::get))
        .add("put", "/api/v1/studio/projects/{id}/workflows/{wfid}", put(wf::replace))
        .add("delete", "/api/v1/studio/projects/{id}/workflows/{wfid}", delete(wf::delete))
        .add("post", "/api/v1/studio/projects/{id}/workflows/{wfid}/execute", post(wf::execute))
        .add("get", "/api/v1/studio/projects/{id}/workflows/{wfid}/executions", get(wf::executions))
        .add("get", "/api/v1/studio/projects/{id}/executions", get(wf::project_executions))
        .add("get", "/api/v1/studio/executions/{eid}", get(wf::execution))
        .add("post", "/api/v1/studio/executions/{eid}/{control}", post(wf::control))
        .add("get", "/api/v1/studio/events", get(ev::list))
        .add("post", "/api/v1/studio/events", post(ev::publish))
        .add("get", "/api/v1/studio/webhooks", get(ev::webhooks))
        .add("post", "/api/v1/studio/webhooks", post(ev::create_webhook))
        .add("delete", "/api/v1/studio/webhooks/{wid}", delete(ev::delete_webhook))
        .add("get", "/ws/v1/studio/events", get(ev::follow))
        .add("get", "/health", get(o::probe))
        .add("get", "/metrics", get(o::metrics))
        .add("get", "/api/v1/studio/templates", get(h::list_templates))
        .add("post", "/api/v1/studio/templates", post(h::save_template))
        .add("post", "/api/v1/studio/requests", post(h::request))
        .add("get", "/api/v1/openapi.json", get(h::openapi))
        .add("get", "/ws/v1/studio/projects/{id}", get(socket::project_events));
    let Routes { router, table } = routes;
    // Unknown API paths answer JSON, whatever serves the rest.
    let api = router.route("/api/{*rest}", any(h::no_route)).route("/ws/{*rest}", any(h::no_route));
    let app = match ui_dir {
        Some(dir) => api.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")))),
        None => api.fallback(h::no_route),
    };
    let app = app
        .layer(axum::middleware::from_fn(run_detached))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::guard))
        .with_state(state);
    (app, table)
}
