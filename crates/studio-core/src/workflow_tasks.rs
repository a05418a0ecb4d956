//! The task kinds a workflow's `task` step runs, by agent type, and the capability each agent
//! type stands for on the task engine. `echo` answers its config (a step that does nothing but
//! pass values on: the measure of a step's overhead); `http_request` is the seed's API call.

use std::time::Duration;

use serde_json::{Map, Value, json};
use studio_tasks::{Failure, TaskContext, TaskOutput};

/// (agent type, task) pairs a workflow may name; `*` is any agent type.
pub(crate) const WORKFLOW_TASKS: [(&str, &str); 2] = [("*", "echo"), ("api", "http_request")];

/// Whether an agent of `agent_type` runs `task`; if not, what it does run.
pub(crate) fn check_task(agent_type: &str, task: &str) -> Result<(), String> {
    if WORKFLOW_TASKS.iter().any(|(t, k)| (*t == "*" || *t == agent_type) && *k == task) {
        return Ok(());
    }
    let known: Vec<&str> =
        WORKFLOW_TASKS.iter().filter(|(t, _)| *t == "*" || *t == agent_type).map(|(_, k)| *k).collect();
    Err(format!("an agent of type {agent_type} does not run '{task}' (it runs {})", known.join(", ")))
}

fn config(ctx: &TaskContext) -> Value {
    ctx.inputs().get("config").cloned().unwrap_or(Value::Null)
}

/// Answers its config as its output.
pub(crate) async fn echo(ctx: TaskContext) -> Result<TaskOutput, Failure> {
    let mut out = Map::new();
    out.insert("output".into(), config(&ctx));
    Ok(TaskOutput::new(out))
}

/// `{url, method?, body?, headers?}` → `{status, body}` (the body as JSON when it is).
pub(crate) async fn http_request(ctx: TaskContext) -> Result<TaskOutput, Failure> {
    let mut c = config(&ctx);
    with_secrets(&mut c)?;
    let url = c["url"].as_str().ok_or_else(|| Failure::new("http_request needs a url"))?.to_string();
    let method = c["method"].as_str().unwrap_or("GET").to_uppercase();
    let body = c.get("body").cloned();
    let headers: Vec<(String, String)> = c["headers"]
        .as_object()
        .map(|h| h.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
        .unwrap_or_default();
    let answer = tokio::task::spawn_blocking(move || call(&url, &method, body, &headers))
        .await
        .map_err(|e| Failure::new(e.to_string()))?;
    let (status, text) = answer.map_err(|e| Failure { transient: true, ..Failure::new(mask(&e)) })?;
    let mut body = serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
    // What the server says back may echo a secret: the run keeps it masked.
    crate::secrets::mask_json(&mut body);
    if status >= 400 {
        return Err(Failure::new(format!("the server answered {status}")));
    }
    let mut out = Map::new();
    out.insert("output".into(), json!({"status": status, "body": body}));
    Ok(TaskOutput::new(out))
}

/// Each `${secrets.NAME}` in the config's strings becomes `STUDIO_SECRET_NAME`'s value, now,
/// in this task only; a secret not set fails the task naming the variable.
fn with_secrets(value: &mut Value) -> Result<(), Failure> {
    match value {
        Value::String(s) => {
            while let Some(start) = s.find("${secrets.") {
                let Some(end) = s[start..].find('}').map(|e| start + e) else { break };
                let name = s[start + 2 + crate::workflow_exprs::SECRETS.len()..end].trim().to_string();
                let variable = format!("STUDIO_SECRET_{}", name.to_ascii_uppercase());
                let secret = std::env::var(&variable).map_err(|_| {
                    Failure::new(format!("the secret '{name}' is not set: give this program {variable}"))
                })?;
                crate::secrets::remember(&secret);
                s.replace_range(start..=end, &secret);
            }
        }
        Value::Array(items) => items.iter_mut().try_for_each(with_secrets)?,
        Value::Object(map) => map.values_mut().try_for_each(with_secrets)?,
        _ => {}
    }
    Ok(())
}

fn mask(text: &str) -> String {
    crate::secrets::mask(text).into_owned()
}

fn call(url: &str, method: &str, body: Option<Value>, headers: &[(String, String)]) -> Result<(u16, String), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        request = request.header(k, v);
    }
    let text = body.map(|b| b.to_string()).unwrap_or_default();
    let request = request.header("Content-Type", "application/json").body(text).map_err(|e| e.to_string())?;
    let mut answer = agent.run(request).map_err(|e| format!("{url} could not be reached: {e}"))?;
    let status = answer.status().as_u16();
    let text = answer.body_mut().with_config().limit(16 * 1024 * 1024).read_to_string().map_err(|e| e.to_string())?;
    Ok((status, text))
}
