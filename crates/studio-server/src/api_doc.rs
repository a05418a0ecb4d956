//! The OpenAPI document, generated from the types the routes read and answer (schemars: the
//! same derive gives JSON Schema 2020-12, which OpenAPI 3.1 takes as it is, and the UI's
//! TypeScript types are generated from this document in turn). Request bodies are described
//! as they are read (serde's deserialize contract), answers as they are written (serialize
//! contract). `openapi.json` beside this file is this document, checked by a test to be
//! current (`UPDATE_OPENAPI=1 cargo test -p studio-server --test api_doc` writes it).

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};
use studio_core::model::{
    GeneratedReport, LogEntry, NewCollaborator, PredictionTask, ProjectCreate, ProjectState, Workbench,
    WorkbenchResponse, Workflow,
};
use studio_core::task_engine::Task;
use studio_core::{
    AgentDetail, AgentList, AgentMessage, AppliedUnsent, AuditEntry, BusEvent, ChangeExchange, ConsoleView, Deleted,
    Discarded, Entanglement, Envelope, EventPage, Folder, Health, HistoryResponse, HubInfo, InviteInfo, LibraryInfo,
    Limits, MetadataUpdate, PipelineRun, Presence, Profile, ProfileUpdate, ProjectSummary, RecoveryOffer,
    ReportListing, RoleGrant, RoleInfo, ScheduleStatus, SessionState, SettingSource, SpawnedAgent, StudioEvent,
    SyncStatus, TeamInfo, TeamInvitation, TeamLinkStatus, TeamMember, TemplateInfo, UnsentEdits, UserRights,
    VersionInfo, WebhookCreated, WebhookInfo, WorkflowRun,
};

use crate::admin_routes::{CustomRoleBody, GrantBody, SettingBody};
use crate::agent_routes::{EntanglementBody, MessageBody, SpawnBody};
use crate::analysis_routes::{CausalEditBody, GoalSeekBody, SensitivityBody};
use crate::bodies::{
    ActionBody, CancelBody, DuplicateBody, GenerateBody, ProjectExportBody, ReportExportBody, RevealBody, TemplateBody,
};
use crate::event_routes::{PublishBody, WebhookBody};
use crate::people_routes::{HubSwitch, InviteBody, JoinBody, PresenceBody, ResolveBody, RoleBody};
use crate::question_routes::{ConfirmBody, ParseBody};
use crate::team_routes::{MemberBody, TeamBody, TeamRoleBody};
use crate::workflow_routes::ExecuteBody;

const PREFIX: &str = "#/components/schemas/";

/// One operation: its route, what it says it does, its query parameters, its body and answer.
struct Op {
    method: &'static str,
    path: &'static str,
    summary: &'static str,
    query: &'static [(&'static str, &'static str, &'static str)],
    body: Option<Schema>,
    status: u16,
    answer: Option<Schema>,
    /// A second answer (a save run in the background answers 202 with its task).
    also: Option<(u16, Schema)>,
    /// The body, or the answer, is a `.studio` file's bytes rather than JSON.
    file: Option<FileSide>,
    /// Answered without a token.
    open: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum FileSide {
    Body,
    Answer,
    /// The answer is Prometheus's text format.
    Metrics,
    /// The answer is the audit log as CSV or JSON lines.
    AuditFile,
}

/// Builds the operations, registering each type's schema with the generator of its side.
struct Builder {
    read: SchemaGenerator,
    write: SchemaGenerator,
    ops: Vec<Op>,
}

const USER: (&str, &str, &str) = ("user_id", "string", "Who asks; the local user when absent");

impl Builder {
    fn op(&mut self, method: &'static str, path: &'static str, summary: &'static str) -> &mut Op {
        let op = Op {
            method,
            path,
            summary,
            query: &[],
            body: None,
            status: 200,
            answer: None,
            also: None,
            file: None,
            open: false,
        };
        let at = self.ops.len();
        self.ops.push(op);
        &mut self.ops[at]
    }
    fn body<T: JsonSchema>(&mut self) -> Schema {
        self.read.subschema_for::<T>()
    }
    fn answer<T: JsonSchema>(&mut self) -> Schema {
        self.write.subschema_for::<T>()
    }
}

fn settings() -> SchemaSettings {
    SchemaSettings::draft2020_12().with(|s| s.definitions_path = "/components/schemas".into())
}

/// The OpenAPI 3.1 document of every route.
pub fn document() -> Value {
    let mut b = Builder {
        read: settings().for_deserialize().into_generator(),
        write: settings().for_serialize().into_generator(),
        ops: Vec::new(),
    };
    operations(&mut b);
    let Builder { mut read, mut write, ops } = b;
    let (read_defs, write_defs) = (read.take_definitions(true), write.take_definitions(true));
    let (schemas, renamed) = merge(read_defs, write_defs);
    let mut paths = Map::new();
    for op in ops {
        let (path, method) = (op.path, op.method);
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[method] = operation(op, &renamed);
    }
    let mut components = json!({
        "schemas": schemas,
        "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
    });
    components["schemas"]["Error"] = json!({
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "Stable, for programs: invalid_request, not_found, forbidden, conflict, limit_reached, …"},
            "message": {"type": "string", "description": "For people: what is wrong, naming the field or the thing"}
        }
    });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "FutureOS Studio API",
            "version": "1",
            "description": "The seed's Studio Orchestrator routes on loopback. Every request carries the launch token (Authorization: Bearer TOKEN, X-Studio-Token, ?token= or the studio_token cookie); Host and Origin must be this server. Requests without user_id act as the local user. Every route is an adapter over one request of the core (POST /api/v1/studio/requests takes any of them in its envelope). Errors are JSON {code, message} with their HTTP status."
        },
        "components": components,
        "security": [{"token": []}],
        "paths": paths,
    })
}

fn operation(op: Op, renamed: &Map<String, Value>) -> Value {
    let mut parameters: Vec<Value> = path_params(op.path);
    for (name, kind, description) in op.query {
        parameters.push(json!({"name": name, "in": "query", "required": false, "description": description, "schema": {"type": kind}}));
    }
    let mut out = json!({"summary": op.summary});
    if !parameters.is_empty() {
        out["parameters"] = Value::Array(parameters);
    }
    if let Some(body) = op.body {
        let mut schema = body.to_value();
        rename_refs(&mut schema, renamed);
        out["requestBody"] = json!({"required": true, "content": {"application/json": {"schema": schema}}});
    }
    let studio_file = json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}});
    let metrics_text = json!({"text/plain": {"schema": {"type": "string"}}});
    let file_answer = match op.file {
        Some(FileSide::Answer) => Some(json!({"description": "A .studio file", "content": studio_file})),
        Some(FileSide::Metrics) => {
            Some(json!({"description": "Prometheus's text format, version 0.0.4", "content": metrics_text}))
        }
        Some(FileSide::AuditFile) => Some(json!({
            "description": "The audit log's rows, newest first (100,000 at most), as a file",
            "content": {"text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}}}
        })),
        _ => None,
    };
    if op.open {
        out["security"] = json!([]);
    }
    if op.file == Some(FileSide::Body) {
        out["requestBody"] = json!({"required": true, "description": "A .studio file", "content": studio_file});
    }
    let described = |status: u16, schema: Option<Schema>| match status {
        101 => json!({"description": "Switching to the WebSocket"}),
        _ => json!({
            "description": "The answer",
            "content": {"application/json": {"schema": schema.map_or(json!({}), Schema::to_value)}}
        }),
    };
    let mut responses = Map::new();
    let first = file_answer.unwrap_or_else(|| described(op.status, op.answer));
    responses.insert(op.status.to_string(), first);
    if let Some((status, schema)) = op.also {
        responses.insert(status.to_string(), described(status, Some(schema)));
    }
    responses.insert(
        "default".into(),
        json!({"description": "Error", "content": {"application/json": {"schema": {"$ref": format!("{PREFIX}Error")}}}}),
    );
    out["responses"] = Value::Object(responses);
    out
}

/// `{id}`, `{rid}`… of a path as parameters.
fn path_params(path: &str) -> Vec<Value> {
    path.split('/')
        .filter_map(|part| part.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
        .map(|name| {
            let (schema, description) = match name {
                "id" => (json!({"type": "string"}), "The project's id"),
                "rid" => (json!({"type": "string"}), "The report's id"),
                "tid" => (json!({"type": "string"}), "The task's id"),
                "uid" => (json!({"type": "string"}), "The user's id: a collaborator, or a team's member"),
                "team" => (json!({"type": "string"}), "The team's id"),
                "iid" => (json!({"type": "string"}), "The invite's id"),
                "wid" => (json!({"type": "string"}), "The webhook's id"),
                "wfid" => (json!({"type": "string"}), "The workflow's id"),
                "eid" => (json!({"type": "string"}), "The run's (execution's) id"),
                "control" => (json!({"type": "string", "enum": ["pause", "resume", "cancel"]}), "What the run is told"),
                "version" => (json!({"type": "integer", "minimum": 1}), "The version's number"),
                _ => (
                    json!({"type": "string", "enum": Workbench::ALL.iter().map(|w| w.as_str()).collect::<Vec<_>>()}),
                    "The workbench",
                ),
            };
            json!({"name": name, "in": "path", "required": true, "description": description, "schema": schema})
        })
        .collect()
}

/// One set of schemas from both sides: a type read and written alike is described once; one
/// that differs (a field optional when read, always written) is described on the read side as
/// `NameInput`, and the read side's references are renamed to it.
fn merge(read: Map<String, Value>, write: Map<String, Value>) -> (Map<String, Value>, Map<String, Value>) {
    let mut renamed = Map::new();
    for (name, schema) in &read {
        if write.get(name).is_some_and(|w| w != schema) {
            renamed.insert(name.clone(), Value::String(format!("{name}Input")));
        }
    }
    let mut out = write;
    for (name, mut schema) in read {
        rename_refs(&mut schema, &renamed);
        let key = renamed.get(&name).and_then(Value::as_str).map_or(name, str::to_string);
        out.insert(key, schema);
    }
    (out, renamed)
}

fn rename_refs(value: &mut Value, renamed: &Map<String, Value>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref")
                && let Some(name) = target.strip_prefix(PREFIX)
                && let Some(Value::String(new)) = renamed.get(name)
            {
                *target = format!("{PREFIX}{new}");
            }
            map.values_mut().for_each(|v| rename_refs(v, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renamed)),
        _ => {}
    }
}

/// A team server's teams (`studio serve --team`; elsewhere they answer that this is no team server).
fn team_operations(b: &mut Builder) {
    let answer = b.answer::<Vec<TeamInfo>>();
    b.op("get", "/api/v1/studio/teams", "The teams the caller is a member of").answer = Some(answer);
    let (body, answer) = (b.body::<TeamBody>(), b.answer::<TeamInfo>());
    let op = b.op("post", "/api/v1/studio/teams", "A new team, the caller its owner");
    (op.body, op.status, op.answer) = (Some(body), 201, Some(answer));
    let answer = b.answer::<Vec<TeamMember>>();
    b.op("get", "/api/v1/studio/teams/{team}/members", "The team's members, owners first (for its members)").answer =
        Some(answer);
    let (body, answer) = (b.body::<MemberBody>(), b.answer::<TeamInvitation>());
    let op = b.op(
        "post",
        "/api/v1/studio/teams/{team}/members",
        "Invite someone into the team (its owners and admins): a new member and the token they sign in with, shown once",
    );
    (op.body, op.status, op.answer) = (Some(body), 201, Some(answer));
    let (body, answer) = (b.body::<TeamRoleBody>(), b.answer::<TeamMember>());
    let op = b.op(
        "put",
        "/api/v1/studio/teams/{team}/members/{uid}",
        "Change a member's role (owners and admins; only an owner makes an owner)",
    );
    (op.body, op.answer) = (Some(body), Some(answer));
    let answer = b.answer::<Vec<TeamMember>>();
    b.op(
        "delete",
        "/api/v1/studio/teams/{team}/members/{uid}",
        "Remove a member (owners and admins) or leave the team; a team keeps an owner. Answers who is left",
    )
    .answer = Some(answer);
    let answer = b.answer::<ProjectState>();
    let op = b.op(
        "post",
        "/api/v1/studio/teams/{team}/projects",
        "Publish a project into the team (its editors and above): the body is a .studio file, kept with its versions, history and results (512 MB at most)",
    );
    (op.status, op.answer, op.file) = (201, Some(answer), Some(FileSide::Body));
    let op = b.op(
        "get",
        "/api/v1/studio/projects/{id}/file",
        "The project as a .studio file with its artifacts, to open on a desktop (whoever may read it)",
    );
    op.file = Some(FileSide::Answer);
    let op = b.op(
        "get",
        "/api/v1/studio/projects/{id}/artifacts/{hash}",
        "One of the project's artifacts by its SHA-256 — on a team server, a report's exports (their export_urls name this route)",
    );
    op.file = Some(FileSide::Answer);
    unsent_operations(b);
    ops_operations(b);
}

const AFTER: (&str, &str, &str) = ("after", "integer", "Events after this sequence number (0: from the first)");
const TOPICS: (&str, &str, &str) =
    ("topics", "string", "Topic patterns, comma-separated: studio.task.completed, studio.task.*, * (all when absent)");
const PROJECT: (&str, &str, &str) = ("project_id", "string", "Only this project's events");

fn event_operations(b: &mut Builder) {
    let answer = b.answer::<EventPage>();
    let op = b.op(
        "get",
        "/api/v1/studio/events",
        "The event bus's events after a sequence number, by topic and project, in order; and its head",
    );
    const QUERY: &[(&str, &str, &str)] =
        &[AFTER, TOPICS, PROJECT, ("limit", "integer", "At most this many (100; 10,000 at most)")];
    (op.query, op.answer) = (QUERY, Some(answer));
    let (body, answer) = (b.body::<PublishBody>(), b.answer::<BusEvent>());
    let op = b.op(
        "post",
        "/api/v1/studio/events",
        "Publish an event of your own topic (not under studio.); answered once it is written, with its sequence number",
    );
    (op.body, op.answer) = (Some(body), Some(answer));
    let answer = b.answer::<Vec<WebhookInfo>>();
    b.op(
        "get",
        "/api/v1/studio/webhooks",
        "The webhooks: where each delivers, its topics, how far it has delivered and its last error (never its secret)",
    )
    .answer = Some(answer);
    let (body, answer) = (b.body::<WebhookBody>(), b.answer::<WebhookCreated>());
    let op = b.op("post", "/api/v1/studio/webhooks", "A webhook: the events from now on that pass its filter, POSTed in order, at least once, signed (X-Studio-Signature: t=UNIX,v1=HMAC-SHA256 of t.BODY), retried with backoff; its secret is answered this once");
    (op.body, op.answer) = (Some(body), Some(answer));
    let answer = b.answer::<Deleted>();
    b.op("delete", "/api/v1/studio/webhooks/{wid}", "Delete a webhook").answer = Some(answer);
    let op = b.op("get", "/ws/v1/studio/events", "WebSocket: the bus's events after `after` (from now when absent), then each as it is published, in sequence order (BusEvent as JSON text)");
    const FOLLOW: &[(&str, &str, &str)] = &[AFTER, TOPICS, PROJECT];
    (op.query, op.status) = (FOLLOW, 101);
}

fn workflow_operations(b: &mut Builder) {
    let answer = b.answer::<Vec<Workflow>>();
    b.op("get", "/api/v1/studio/projects/{id}/workflows", "The project's workflows").answer = Some(answer);
    let (body, answer) = (b.body::<Workflow>(), b.answer::<Workflow>());
    let op = b.op("post", "/api/v1/studio/projects/{id}/workflows", "Create a workflow (its id made when absent): saved into the project once its steps, references, expressions (CEL) and tasks are known to run; else 400 naming the step");
    (op.body, op.answer, op.status) = (Some(body), Some(answer), 201);
    let answer = b.answer::<Workflow>();
    b.op("get", "/api/v1/studio/projects/{id}/workflows/{wfid}", "One workflow").answer = Some(answer);
    let (body, answer) = (b.body::<Workflow>(), b.answer::<Workflow>());
    let op =
        b.op("put", "/api/v1/studio/projects/{id}/workflows/{wfid}", "Replace a workflow (checked as when it is made)");
    (op.body, op.answer) = (Some(body), Some(answer));
    let answer = b.answer::<Deleted>();
    let op = b.op("delete", "/api/v1/studio/projects/{id}/workflows/{wfid}", "Delete a workflow (its runs stay)");
    (op.query, op.answer) = (&[USER], Some(answer));
    let (body, answer) = (b.body::<ExecuteBody>(), b.answer::<WorkflowRun>());
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/workflows/{wfid}/execute",
        "Run a workflow: 202 with the run as it starts (queued while max_concurrent_executions runs go)",
    );
    (op.body, op.answer, op.status) = (Some(body), Some(answer), 202);
    let answer = b.answer::<Vec<WorkflowRun>>();
    b.op(
        "get",
        "/api/v1/studio/projects/{id}/workflows/{wfid}/executions",
        "The workflow's runs, newest first, each step with its status, output and timing",
    )
    .answer = Some(answer);
    let answer = b.answer::<Vec<WorkflowRun>>();
    b.op("get", "/api/v1/studio/projects/{id}/executions", "The project's runs, newest first").answer = Some(answer);
    let answer = b.answer::<WorkflowRun>();
    b.op("get", "/api/v1/studio/executions/{eid}", "A run with each step's status, output and timing").answer =
        Some(answer);
    let answer = b.answer::<WorkflowRun>();
    let op = b.op(
        "post",
        "/api/v1/studio/executions/{eid}/{control}",
        "Pause a run between two steps, resume it, or cancel it (a running task or wait is cut short)",
    );
    (op.query, op.answer) = (&[USER], Some(answer));
}

fn agent_operations(b: &mut Builder) {
    let answer = b.answer::<AgentList>();
    let op = b.op(
        "get",
        "/api/v1/studio/agents",
        "Every agent: this program's task pool (status, queue, each agent with its current task and history) and the agents spawned, in every program, with their limits",
    );
    (op.query, op.answer) = (&[("ended", "boolean", "Terminated agents too")], Some(answer));
    let (body, answer) = (b.body::<SpawnBody>(), b.answer::<SpawnedAgent>());
    let op = b.op(
        "post",
        "/api/v1/studio/agents",
        "Spawn an agent (assistant, data_processor, api, workflow, simulation or report): it joins the task engine with its type's capability, within max_instances_per_type and max_total_instances (409 past them); published as studio.agent.spawned",
    );
    (op.body, op.answer, op.status) = (Some(body), Some(answer), 201);
    let answer = b.answer::<AgentDetail>();
    b.op(
        "get",
        "/api/v1/studio/agents/{aid}",
        "A spawned agent: its status, host, current task, history, teams and latest messages",
    )
    .answer = Some(answer);
    let answer = b.answer::<SpawnedAgent>();
    let op = b.op(
        "delete",
        "/api/v1/studio/agents/{aid}",
        "Terminate a spawned agent (its task goes back to the queue); published as studio.agent.terminated",
    );
    (op.query, op.answer) = (&[USER], Some(answer));
    let answer = b.answer::<Vec<Entanglement>>();
    b.op("get", "/api/v1/studio/entanglements", "Every team of agents (entanglement) with its members").answer =
        Some(answer);
    let (body, answer) = (b.body::<EntanglementBody>(), b.answer::<Entanglement>());
    let op = b.op("post", "/api/v1/studio/entanglements", "Make a team of spawned agents");
    (op.body, op.answer, op.status) = (Some(body), Some(answer), 201);
    let answer = b.answer::<Entanglement>();
    b.op("get", "/api/v1/studio/entanglements/{eid}", "One team with its members").answer = Some(answer);
    let answer = b.answer::<Deleted>();
    let op = b.op("delete", "/api/v1/studio/entanglements/{eid}", "Dissolve a team (its messages stay)");
    (op.query, op.answer) = (&[USER], Some(answer));
    let answer = b.answer::<Entanglement>();
    let op = b.op("put", "/api/v1/studio/entanglements/{eid}/agents/{aid}", "Add a spawned agent to a team");
    (op.query, op.answer) = (&[USER], Some(answer));
    let answer = b.answer::<Entanglement>();
    let op = b.op("delete", "/api/v1/studio/entanglements/{eid}/agents/{aid}", "Take an agent out of a team");
    (op.query, op.answer) = (&[USER], Some(answer));
    let (body, answer) = (b.body::<MessageBody>(), b.answer::<Vec<AgentMessage>>());
    let op = b.op(
        "post",
        "/api/v1/studio/entanglements/{eid}/messages",
        "Send a message to one agent of the team, or to every other one (no receiver_id): kept until the program hosting each receiver delivers it, at least once, as studio.agent.message; 202 with one message a receiver",
    );
    (op.body, op.answer, op.status) = (Some(body), Some(answer), 202);
    let answer = b.answer::<Vec<AgentMessage>>();
    let op = b.op(
        "get",
        "/api/v1/studio/entanglements/{eid}/messages",
        "The team's messages after a message id, oldest first, each with its attempts and when it was delivered",
    );
    const PAGE: &[(&str, &str, &str)] = &[
        ("after", "integer", "Messages after this id (0: from the first)"),
        ("limit", "integer", "100 unless given; 1,000 at most"),
    ];
    (op.query, op.answer) = (PAGE, Some(answer));
}

fn admin_operations(b: &mut Builder) {
    let answer = b.answer::<Vec<RoleInfo>>();
    b.op(
        "get",
        "/api/v1/studio/roles",
        "The custom roles of a team server, each a set of permissions (admin is built in)",
    )
    .answer = Some(answer);
    let (body, answer) = (b.body::<CustomRoleBody>(), b.answer::<RoleInfo>());
    let op = b.op(
        "put",
        "/api/v1/studio/roles/{name}",
        "Make a custom role or change its permissions (read, project:edit, project:own, workflow:execute, workflow:create, workflow:delete, agent:spawn, agent:terminate, entanglement:manage, admin); a server admin only",
    );
    (op.body, op.answer) = (Some(body), Some(answer));
    let answer = b.answer::<Deleted>();
    let op =
        b.op("delete", "/api/v1/studio/roles/{name}", "Remove a custom role from the server and everyone who held it");
    (op.query, op.answer) = (&[USER], Some(answer));
    let answer = b.answer::<Vec<RoleGrant>>();
    let op = b.op(
        "get",
        "/api/v1/studio/role-grants",
        "Who holds which role: one member's (anyone may see their own), or everyone's (a server admin)",
    );
    (op.query, op.answer) = (&[("member_id", "string", "One member's")], Some(answer));
    let (body, answer) = (b.body::<GrantBody>(), b.answer::<Vec<RoleGrant>>());
    let op = b.op(
        "post",
        "/api/v1/studio/role-grants",
        "Give a member a role on one team's projects, or on the whole server without team_id (a server admin); answers their roles",
    );
    (op.body, op.answer, op.status) = (Some(body), Some(answer), 201);
    let answer = b.answer::<Vec<RoleGrant>>();
    let op = b.op("delete", "/api/v1/studio/role-grants", "Take a role back (the server keeps one admin)");
    const REVOKE: &[(&str, &str, &str)] = &[
        ("member_id", "string", "Whose"),
        ("role", "string", "Which role"),
        ("team_id", "string", "On which team (the whole server when absent)"),
        USER,
    ];
    (op.query, op.answer) = (REVOKE, Some(answer));
    let answer = b.answer::<UserRights>();
    let op = b.op("get", "/api/v1/studio/me/rights", "What the caller may do: on the server, and on a project");
    (op.query, op.answer) = (&[USER, ("project_id", "string", "A project to say their rights on")], Some(answer));
    const AUDIT: &[(&str, &str, &str)] = &[
        ("user_id", "string", "Whose requests"),
        ("action", "string", "The action's beginning (workflow, workbench_action:data/…)"),
        ("resource", "string", "The resource's beginning (project:ID); a project's owner may search its own"),
        ("outcome", "string", "allowed, refused or failed"),
        ("since", "string", "From this time (ISO 8601)"),
        ("until", "string", "Up to this time"),
        ("text", "string", "Words in the action, resource, code or message"),
        ("before", "integer", "Rows before this seq (the next page)"),
        ("limit", "integer", "100 unless given; 10,000 at most"),
    ];
    let answer = b.answer::<Vec<AuditEntry>>();
    let op = b.op(
        "get",
        "/api/v1/studio/audit",
        "The audit log, newest first: every request allowed, refused or failed, with user, session, action, resource, time, outcome and duration (secrets masked); a server admin, or a project's owner for its own",
    );
    (op.query, op.answer) = (AUDIT, Some(answer));
    let op = b.op(
        "get",
        "/api/v1/studio/audit/export",
        "The audit log as a file: CSV (format=csv, the default) or JSON lines (format=jsonl), with the same filters",
    );
    op.query = &[
        ("format", "string", "csv or jsonl"),
        ("user_id", "string", "Whose requests"),
        ("resource", "string", "The resource's beginning"),
        ("outcome", "string", "allowed, refused or failed"),
        ("since", "string", "From this time"),
        ("text", "string", "Words in it"),
    ];
    op.file = Some(FileSide::AuditFile);
    let answer = b.answer::<Vec<SettingSource>>();
    b.op(
        "get",
        "/api/v1/studio/config",
        "Every setting in effect, its value (secrets masked), where it came from (default, file, environment, command line, runtime), its environment variable, and whether a change reaches running programs (live); a server admin",
    )
    .answer = Some(answer);
    let (body, answer) = (b.body::<SettingBody>(), b.answer::<SettingSource>());
    let op = b.op(
        "put",
        "/api/v1/studio/config/{key}",
        "Change a live setting (library.task_retention_days, library.export_retention_days, workflow.max_concurrent_executions, workflow.default_timeout_hours, workflow.retry_attempts, agents.max_instances_per_type, agents.max_total_instances) for every program on the library or team server; checked first; a server admin",
    );
    (op.body, op.answer) = (Some(body), Some(answer));
    let answer = b.answer::<SettingSource>();
    let op = b.op("delete", "/api/v1/studio/config/{key}", "Drop a runtime change: the configuration's value again");
    (op.query, op.answer) = (&[USER], Some(answer));
}

fn ops_operations(b: &mut Builder) {
    admin_operations(b);
    agent_operations(b);
    workflow_operations(b);
    event_operations(b);
    for (path, summary, open) in [
        (
            "/health",
            "The probe, answered without a token: status, health_score and each component's status and score (503 when unhealthy)",
            true,
        ),
        (
            "/api/v1/studio/health",
            "Each component's health — store, task engine, agents, scheduler, sync — scored 0–1 with what was seen (503 when unhealthy)",
            false,
        ),
    ] {
        let (answer, also) = (b.answer::<Health>(), b.answer::<Health>());
        let op = b.op("get", path, summary);
        (op.answer, op.also, op.open) = (Some(answer), Some((503, also)), open);
    }
    for path in ["/metrics", "/api/v1/studio/metrics"] {
        let op = b.op(
            "get",
            path,
            "Requests' timings, tasks, agents, health scores, CPU, memory and disk in Prometheus's text format",
        );
        op.file = Some(FileSide::Metrics);
    }
}

fn unsent_operations(b: &mut Builder) {
    let answer = b.answer::<UnsentEdits>();
    let op = b.op(
        "get",
        "/api/v1/studio/projects/{id}/unsent",
        "The user's edits the team server kept when its database could not save them (24 h)",
    );
    (op.query, op.answer) = (&[USER], Some(answer));
    let answer = b.answer::<AppliedUnsent>();
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/unsent",
        "Apply them in order: those refused again stay kept, those no longer valid are dropped with why",
    );
    (op.query, op.answer) = (&[USER], Some(answer));
    let answer = b.answer::<Discarded>();
    let op = b.op("delete", "/api/v1/studio/projects/{id}/unsent", "Discard them");
    (op.query, op.answer) = (&[USER], Some(answer));
    let answer = b.answer::<SessionState>();
    let op = b.op("get", "/api/v1/studio/sessions/{client}", "What a client last kept of its session (24 h)");
    (op.query, op.answer) = (&[USER], Some(answer));
    let (body, answer) = (b.body::<serde_json::Value>(), b.answer::<SessionState>());
    let op = b.op(
        "put",
        "/api/v1/studio/sessions/{client}",
        "Keep a client's session state (any JSON, 64 KB at most) for 24 hours, readable through any instance",
    );
    (op.query, op.body, op.answer) = (&[USER], Some(body), Some(answer));
}

fn operations(b: &mut Builder) {
    let body = b.body::<ProjectCreate>();
    let answer = b.answer::<ProjectState>();
    let op = b.op("post", "/api/v1/studio/projects", "Create a project (from a template with template_id)");
    (op.body, op.status, op.answer) = (Some(body), 201, Some(answer));

    let answer = b.answer::<Vec<ProjectSummary>>();
    let op = b.op(
        "get",
        "/api/v1/studio/projects",
        "List the user's projects (user_id, or all=true); on a team server, the caller's own and their teams'",
    );
    op.query = &[USER, ("all", "boolean", "Every user's projects"), ("team_id", "string", "Only this team's projects")];
    op.answer = Some(answer);

    let answer = b.answer::<ProjectState>();
    let op = b.op("get", "/api/v1/studio/projects/{id}", "Get the project's state, or a saved version's (version=N)");
    op.query = &[USER, ("version", "integer", "A saved version's number")];
    op.answer = Some(answer);

    let (body, answer) = (b.body::<MetadataUpdate>(), b.answer::<ProjectState>());
    let op = b.op(
        "put",
        "/api/v1/studio/projects/{id}",
        "Update metadata: project_name, description, initial_query (read again into the prediction task)",
    );
    (op.body, op.answer) = (Some(body), Some(answer));

    let (body, answer) = (b.body::<ParseBody>(), b.answer::<PredictionTask>());
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/question/parse",
        "Read a question (default: the project's own) into a prediction task with the project's variables and data calendar: each part with its words, and the words not understood; nothing is stored",
    );
    (op.body, op.answer) = (Some(body), Some(answer));
    let (body, answer) = (b.body::<ConfirmBody>(), b.answer::<ProjectState>());
    let op = b.op(
        "put",
        "/api/v1/studio/projects/{id}/prediction-task",
        "Confirm the question's prediction task as corrected: stored, the scenario of its conditions made, the simulation's threshold set to its target and horizon (one undoable change)",
    );
    (op.body, op.answer) = (Some(body), Some(answer));

    let (body, task) = (b.body::<SensitivityBody>(), b.answer::<Task>());
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/scenarios/{sid}/sensitivity",
        "Start a scenario's global sensitivity analysis as a task (202): method morris or sobol, factors (default: the model's non-zero coefficients ±50%, fitted ones over their posterior's 5–95%, variables ±20%), samples, replicates per evaluation; both the final share and the threshold probability from the same evaluations",
    );
    (op.body, op.answer, op.status) = (Some(body), Some(task), 202);
    let answer = b.answer::<studio_core::SensitivityAnswer>();
    let op = b.op(
        "get",
        "/api/v1/studio/projects/{id}/scenarios/{sid}/sensitivity",
        "A scenario's latest sensitivity analysis: the factors and their ranges, each output's indices (Sobol first and total with 90% bootstrap intervals, or Morris μ* and σ) and tornado bars, and whether it was made from the scenario's current inputs",
    );
    op.answer = Some(answer);
    let (body, task) = (b.body::<GoalSeekBody>(), b.answer::<Task>());
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/scenarios/{sid}/goal-seek",
        "What would it take? Start a goal seek from a scenario as a task (202): a Monte Carlo tree search over the levers allowed (a variable within bounds, a shock's size and tick, a population shift), each combination the scenario's ensemble with the same seed, scored by its chance of reaching the target less the weighted change; rollouts are distinct combinations simulated",
    );
    (op.body, op.answer, op.status) = (Some(body), Some(task), 202);
    let answer = b.answer::<studio_core::GoalSeekAnswer>();
    let op = b.op(
        "get",
        "/api/v1/studio/projects/{id}/scenarios/{sid}/goal-seek",
        "A scenario's latest goal seek: the combinations found, the efficient ones (no other as likely with less change) first, each with its probability, 90% interval, final share, change and the scenario configuration it makes; and whether the project is as it found it",
    );
    op.answer = Some(answer);

    let answer = b.answer::<Option<studio_core::model::TimeAxis>>();
    let op = b.op(
        "get",
        "/api/v1/studio/projects/{id}/time-axis",
        "The data's calendar (`start`, the first day of tick 0's period, and `step`: day, week, month, quarter, year), read from the history's times; null when they are not dates",
    );
    op.answer = Some(answer);
    let answer = b.answer::<studio_core::model::CausalGraph>();
    let op = b.op(
        "get",
        "/api/v1/studio/projects/{id}/causal-graph",
        "The model as a causal graph, laid out left to right (Sugiyama): data sources, variables, agents' attributes and the network into the model's terms and the outcome; each edge with its coefficient, sign, whether calibration fits it and the path to edit it by; each node with its current value",
    );
    op.answer = Some(answer);
    let (body, answer) = (b.body::<CausalEditBody>(), b.answer::<ProjectState>());
    let op = b.op(
        "put",
        "/api/v1/studio/projects/{id}/causal-graph/edge",
        "Set a coefficient of the model (an edge added or changed: TERM.variables.NAME, TERM.attributes.NAME, TERM.constant, potential) or remove one (value null): an undoable change that leaves every scenario's run to be done again",
    );
    (op.body, op.answer) = (Some(body), Some(answer));

    let answer = b.answer::<Deleted>();
    let op = b.op("delete", "/api/v1/studio/projects/{id}", "Delete the project (soft; undelete brings it back)");
    op.query = &[USER];
    op.answer = Some(answer);

    let answer = b.answer::<ProjectState>();
    let op = b.op("post", "/api/v1/studio/projects/{id}/undelete", "Bring back a deleted project");
    op.query = &[USER];
    op.answer = Some(answer);

    let answer = b.answer::<Vec<VersionInfo>>();
    let op = b.op("get", "/api/v1/studio/projects/{id}/versions", "List versions, live and archived");
    op.answer = Some(answer);

    let (answer, task) = (b.answer::<ProjectState>(), b.answer::<Task>());
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/versions",
        "Save: a new version with a full snapshot (background=true: as a task, 202 with it)",
    );
    op.query = &[USER, ("background", "boolean", "Save as a task")];
    (op.status, op.answer, op.also) = (201, Some(answer), Some((202, task)));

    let answer = b.answer::<ProjectState>();
    let op = b.op("post", "/api/v1/studio/projects/{id}/versions/{version}/restore", "Make a saved version the newest");
    op.query = &[USER];
    (op.status, op.answer) = (201, Some(answer));

    let (body, answer) = (b.body::<DuplicateBody>(), b.answer::<ProjectState>());
    let op = b.op("post", "/api/v1/studio/projects/{id}/duplicate", "Duplicate the project");
    (op.body, op.status, op.answer) = (Some(body), 201, Some(answer));

    let (body, answer) = (b.body::<ActionBody>(), b.answer::<WorkbenchResponse>());
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/workbench/{workbench}/action",
        "Execute a workbench action: edits answer at once, long ones (refresh_data, regenerate, run_scenario, run, generate, export) with the task they started",
    );
    (op.body, op.answer) = (Some(body), Some(answer));

    let op = b.op("get", "/api/v1/studio/projects/{id}/workbench/{workbench}/state", "Get one workbench's state");
    op.query = &[USER];

    for (path, summary) in [
        ("/api/v1/studio/projects/{id}/undo", "Undo the user's last reversible action"),
        ("/api/v1/studio/projects/{id}/redo", "Redo the user's last undone action"),
    ] {
        let answer = b.answer::<HistoryResponse>();
        let op = b.op("post", path, summary);
        op.query = &[USER];
        op.answer = Some(answer);
    }

    let answer = b.answer::<Vec<LogEntry>>();
    b.op("get", "/api/v1/studio/projects/{id}/log", "The modification log, oldest first").answer = Some(answer);

    let answer = b.answer::<Option<RecoveryOffer>>();
    b.op("get", "/api/v1/studio/projects/{id}/recovery", "Unsaved edits left by a crashed session, if any").answer =
        Some(answer);
    let answer = b.answer::<ProjectState>();
    let op = b.op("post", "/api/v1/studio/projects/{id}/recovery", "Recover them into the project");
    op.query = &[USER];
    op.answer = Some(answer);
    let answer = b.answer::<Discarded>();
    b.op("delete", "/api/v1/studio/projects/{id}/recovery", "Discard them").answer = Some(answer);

    let answer = b.answer::<Vec<Task>>();
    b.op("get", "/api/v1/studio/projects/{id}/tasks", "The project's tasks, newest first").answer = Some(answer);
    let answer = b.answer::<PipelineRun>();
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/run",
        "Run the pipeline: a task graph of the stages that are not complete (data → population → scenarios → report); 202 with the tasks",
    );
    op.query = &[USER];
    (op.status, op.answer) = (202, Some(answer));
    let (body, answer) = (b.body::<ProjectExportBody>(), b.answer::<Task>());
    let op = b.op("post", "/api/v1/studio/projects/{id}/export", "Export a .studio file, as a task (202 with it)");
    (op.body, op.status, op.answer) = (Some(body), 202, Some(answer));
    let answer = b.answer::<Task>();
    b.op("get", "/api/v1/studio/tasks/{tid}", "One task: status, progress, result, failed attempts").answer =
        Some(answer);
    let (body, answer) = (b.body::<CancelBody>(), b.answer::<Task>());
    let op = b.op("post", "/api/v1/studio/tasks/{tid}/cancel", "Cancel a task and the tasks that depend on it");
    (op.body, op.answer) = (Some(body), Some(answer));

    for (path, summary) in [
        (
            "/api/v1/studio/projects/{id}/report/generate",
            "Generate a report from the project's results (body {report_config?}); answers the GeneratedReport",
        ),
        (
            "/api/v1/studio/projects/{id}/report/preview",
            "The report as it would be generated now (body {report_config?}), stored and logged nowhere",
        ),
    ] {
        let (body, answer) = (b.body::<GenerateBody>(), b.answer::<GeneratedReport>());
        let op = b.op("post", path, summary);
        op.query = &[USER];
        (op.body, op.answer) = (Some(body), Some(answer));
    }
    let answer = b.answer::<Vec<ReportListing>>();
    b.op(
        "get",
        "/api/v1/studio/projects/{id}/reports",
        "List a project's reports, newest first, with their export_urls",
    )
    .answer = Some(answer);
    let answer = b.answer::<ScheduleStatus>();
    b.op(
        "get",
        "/api/v1/studio/projects/{id}/report/schedule",
        "The report's schedule (set with the workbench action report/schedule), when it next sends, the last delivery",
    )
    .answer = Some(answer);
    let answer = b.answer::<Task>();
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/report/schedule/send",
        "Send the scheduled report now (a task): generate, render a PDF, mail it by SMTP or write an .eml to the outbox",
    );
    op.query = &[USER];
    (op.status, op.answer) = (202, Some(answer));
    let answer = b.answer::<GeneratedReport>();
    b.op(
        "get",
        "/api/v1/studio/projects/{id}/report/{rid}",
        "Get a report: its content and export_urls (file URLs with each file's sha256)",
    )
    .answer = Some(answer);
    let (body, answer) = (b.body::<ReportExportBody>(), b.answer::<Task>());
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/report/{rid}/export",
        "Export a report as a task (body {export_format: pdf|pptx|html|docx, path?}); 202 with the task",
    );
    op.query = &[USER];
    (op.body, op.status, op.answer) = (Some(body), 202, Some(answer));
    let (body, answer) = (b.body::<RevealBody>(), b.answer::<Folder>());
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/report/{rid}/reveal",
        "Show in folder: opens the folder of the report's export in the file manager",
    );
    (op.body, op.answer) = (Some(body), Some(answer));
    let answer = b.answer::<Folder>();
    b.op(
        "post",
        "/api/v1/studio/outbox/reveal",
        "Opens the outbox folder (scheduled reports waiting as .eml files) in the file manager",
    )
    .answer = Some(answer);

    let (body, answer) = (b.body::<NewCollaborator>(), b.answer::<ProjectState>());
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/collaborators",
        "Add a collaborator (an owner only): the body is the collaborator (user_id, role, display name, colour, public key); answers the project's state with them listed",
    );
    op.query = &[USER];
    (op.body, op.answer) = (Some(body), Some(answer));
    let (body, answer) = (b.body::<RoleBody>(), b.answer::<ProjectState>());
    let op = b.op(
        "put",
        "/api/v1/studio/projects/{id}/collaborators/{uid}",
        "Change a collaborator's role (an owner only; a project keeps an owner)",
    );
    op.query = &[USER];
    (op.body, op.answer) = (Some(body), Some(answer));
    let answer = b.answer::<ProjectState>();
    let op = b.op(
        "delete",
        "/api/v1/studio/projects/{id}/collaborators/{uid}",
        "Remove a collaborator (an owner only; not the last owner)",
    );
    op.query = &[USER];
    op.answer = Some(answer);
    let (body, answer) = (b.body::<InviteBody>(), b.answer::<InviteInfo>());
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/invites",
        "Invite someone (an owner only): a token signed with the owner's key naming the hub, the project, the role, the expiry and the hub certificate's fingerprint; the project becomes shared",
    );
    op.query = &[USER];
    (op.body, op.status, op.answer) = (Some(body), 201, Some(answer));
    let answer = b.answer::<Vec<InviteInfo>>();
    b.op("get", "/api/v1/studio/projects/{id}/invites", "The project's invites, newest first").answer = Some(answer);
    let answer = b.answer::<InviteInfo>();
    let op = b.op(
        "delete",
        "/api/v1/studio/projects/{id}/invites/{iid}",
        "Revoke an invite (an owner only): it admits no one from now on, and its guests are let go",
    );
    op.query = &[USER];
    op.answer = Some(answer);
    let answer = b.answer::<Option<SyncStatus>>();
    b.op(
        "get",
        "/api/v1/studio/projects/{id}/sync",
        "How a shared project is connected: hub or peer, connected / reconnecting / offline, the last error, peers connected, the document's heads (null when not shared)",
    )
    .answer = Some(answer);
    let (body, answer) = (b.body::<PresenceBody>(), b.answer::<Vec<Presence>>());
    let op = b.op(
        "put",
        "/api/v1/studio/projects/{id}/presence",
        "Say where the user is in a shared project (workbench, item; none: they left); answers who is in it now. Peers hear it within a moment",
    );
    op.query = &[USER];
    (op.body, op.answer) = (Some(body), Some(answer));
    let (body, answer) = (b.body::<ResolveBody>(), b.answer::<ProjectState>());
    let op = b.op(
        "post",
        "/api/v1/studio/projects/{id}/conflicts/resolve",
        "Settle a conflict (a record two peers set at once): the value picked is written over the others, for everyone",
    );
    op.query = &[USER];
    (op.body, op.answer) = (Some(body), Some(answer));
    let (body, answer) = (b.body::<JoinBody>(), b.answer::<ProjectState>());
    let op = b.op(
        "post",
        "/api/v1/studio/join",
        "Join the project an invite is for: it comes into the library from its hub and syncs while Studio runs",
    );
    op.query = &[USER];
    (op.body, op.answer) = (Some(body), Some(answer));
    let answer = b.answer::<Profile>();
    b.op("get", "/api/v1/studio/profile", "The local user: id, display name, colour, public key").answer = Some(answer);
    let (body, answer) = (b.body::<ProfileUpdate>(), b.answer::<Profile>());
    let op = b.op("put", "/api/v1/studio/profile", "Set the local user's display name or colour (#rrggbb)");
    (op.body, op.answer) = (Some(body), Some(answer));
    let answer = b.answer::<HubInfo>();
    b.op("get", "/api/v1/studio/hub", "This program's hub: on or off, its address, its certificate's fingerprint")
        .answer = Some(answer);
    let (body, answer) = (b.body::<HubSwitch>(), b.answer::<HubInfo>());
    let op = b.op(
        "put",
        "/api/v1/studio/hub",
        "Share on this network: make this program the hub of its shared projects (TLS beyond loopback), or stop",
    );
    (op.body, op.answer) = (Some(body), Some(answer));

    let answer = b.answer::<LibraryInfo>();
    b.op(
        "get",
        "/api/v1/studio/library",
        "The library's size on disk (the file, exports, imported sources, outbox), its projects and tasks, and how long exports and finished task boards are kept",
    )
    .answer = Some(answer);
    let answer = b.answer::<Limits>();
    b.op(
        "get",
        "/api/v1/studio/limits",
        "What the product allows (scenarios, population size, ticks, replicates…) and what it assumes when nothing is set",
    )
    .answer = Some(answer);
    let answer = b.answer::<Vec<TemplateInfo>>();
    b.op("get", "/api/v1/studio/templates", "List templates").answer = Some(answer);
    let (body, answer) = (b.body::<TemplateBody>(), b.answer::<TemplateInfo>());
    let op = b.op("post", "/api/v1/studio/templates", "Save a project as a template");
    (op.body, op.status, op.answer) = (Some(body), 201, Some(answer));

    team_operations(b);

    let body = b.body::<Envelope>();
    let op = b.op(
        "post",
        "/api/v1/studio/requests",
        "Any request in the core's envelope ({api_version: 1, request: \"get_project\", project_id, …}), as the desktop shell's dispatch command takes it; answers what the request's own route answers",
    );
    op.body = Some(body);
    b.op("get", "/api/v1/openapi.json", "This document");
    let op = b.op(
        "get",
        "/ws/v1/studio/projects/{id}",
        "WebSocket: the project's state, then its events (StudioEvent: state_changed, invalidated, saved, autosaved, task_changed, recovery_available, …)",
    );
    op.status = 101;
    // Not answers of a route but of the WebSocket, and of the console's controls (in a
    // WorkbenchResponse's result): described for the clients all the same.
    let _ = b.answer::<StudioEvent>();
    let _ = b.answer::<ConsoleView>();
    // Answers of requests made through the generic route alone: a desktop's local copies of
    // team projects, and the team server's side of keeping them in step.
    let _ = b.answer::<TeamLinkStatus>();
    let _ = b.answer::<ChangeExchange>();
}
